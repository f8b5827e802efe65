import Foundation
import Testing
import TestSupport
import VaultAPI

/// examples/team-logins.yaml on a real server: CI with JWT, workloads with Kubernetes auth,
/// people with userpass, grouped by identity. Validated, applied, planned (no changes),
/// exported and planned again from the export (no changes); a person logs in with the
/// password generated into the team's KV engine and gets the group's policy.
@Suite("examples/team-logins.yaml")
struct TeamLoginsExampleTests {
    static let manifest = ApplyCommandTests.root.appendingPathComponent("examples/team-logins.yaml").path

    @Test("validate, apply, plan, a person logs in with the group's policy, export round trip")
    func wholeStory() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-team-logins")
            defer { try? FileManager.default.removeItem(at: directory) }
            let validate = try await StatusCommandTests.run(["validate", Self.manifest])
            #expect(validate.code == 0, "\(validate.all)")
            let apply = try await server.vaultform(["apply", Self.manifest, "--auto-approve"])
            #expect(apply.code == 0, "\(apply.all)")
            #expect(try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"]).code == 0)

            let client = try server.client()
            let password = try #require(try await client.request(.get, "team/data/people/alice").data?["data"]?["password"]?.stringValue)
            #expect(!apply.all.contains(password), "a generated password reached the output")
            let login = try await client.request(.post, "auth/userpass/login/alice", body: ["password": .string(password)])
            let policies = login.json?["auth"]?["identity_policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(policies.contains("team-developer"), "alice gets her group's policy through her alias: \(String(describing: login.json))")

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0 && !export.all.contains("skipped"), "\(export.all)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Identity entities (`identity/entity/name/NAME`) against a real server, both ways: the
/// server finds names in any case and lower-cases policies, so those spellings are no change;
/// a real out-of-band change of any field, omitted ones included, is drift that apply
/// repairs; an owned entity the manifest drops is deleted (destructive: it needs
/// `--allow-destroy`); export writes them back and the round trip plans no change.
@Suite("identity entities against a dev server")
struct IdentityEntityTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-entities")
        defer { try? FileManager.default.removeItem(at: directory) }
        let alice = PlanExactnessTests.unique("Alice"), bare = PlanExactnessTests.unique("bare")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            identity_entities:
              - { name: \(alice), policies: [reader, writer], metadata: { team: payments, env: prod }, disabled: false }
              - { name: \(bare) }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")

        let path = "identity/entity/name/\(alice)"
        let spellings: [[String]] = [
            ["write", path, "policies=Writer, READER"],
            ["write", "identity/entity/name/\(alice.lowercased())", "disabled=0"],
            ["write", path, "metadata=env=prod", "metadata=team=payments"],
        ]
        try await BothWays.spellingsAreNoChange(spellings, manifest: manifest, server: server)

        let address = "identity-entity:\(alice.lowercased())", bareAddress = "identity-entity:\(bare)"
        let drifts: [BothWays.Drift] = [
            .init(["write", path, "policies=reader"], address, "policies"),
            .init(["write", path, "metadata=team=payments"], address, "metadata"),
            .init(["write", path, "disabled=true"], address, "disabled"),
            .init(["write", "identity/entity/name/\(bare)", "policies=reader"], bareAddress, "policies"),
            .init(["write", "identity/entity/name/\(bare)", "metadata=by=hand"], bareAddress, "metadata"),
            .init(["write", "identity/entity/name/\(bare)", "disabled=true"], bareAddress, "disabled"),
        ]
        try await BothWays.driftsAreRepaired(drifts, manifest: manifest, server: server)
        let entity = try await server.client().request(.get, "identity/entity/name/\(bare)").data
        #expect(entity?["disabled"]?.boolValue == false && entity?["policies"]?.arrayValue?.isEmpty == true)
    }

    @Test("an owned entity the manifest drops is deleted only with --allow-destroy; export round-trips")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-entities-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["write", "identity/entity/name/svc-stray", "policies=a"])
            _ = try await bao.run(["write", "identity/entity/name/Svc-Keep", "policies=b,a", "metadata=team=x"])
            let manifest = try SecretSchemaTests.write("""
                external_policies: [a, b]
                ownership:
                  - { kind: identity_entity, prefix: svc- }
                identity_entities:
                  - { name: svc-keep, policies: [a, b], metadata: { team: x } }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["delete identity-entity:svc-stray"], "\(plan.output)")
            let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(refused.code == 1 && refused.all.contains("--allow-destroy"), "\(refused.all)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
            #expect(applied.code == 0, "\(applied.all)")
            let names = try await server.client().request(.list, "identity/entity/name").data?["keys"]?.arrayValue?.compactMap(\.stringValue)
            #expect(names == ["Svc-Keep"])

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("identity.yaml"), encoding: .utf8)
            #expect(text.contains("name: svc-keep") && text.contains("team: x"), "\(text)")
            // The entity names policies the server does not hold: export says they are external.
            let external = try String(contentsOf: exported.appendingPathComponent("external_policies.yaml"), encoding: .utf8)
            #expect(external.contains("- a") && external.contains("- b"), "\(external)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }

    @Test("a token that may not list identity objects exports the rest with --exclude of the identity kinds; without it, a clear 403")
    func exportWithoutIdentityAccess() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-entities-denied")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.put, "sys/policies/acl/exporter", body: ["policy": """
                path "*" { capabilities = ["read", "list"] }
                path "sys/audit" { capabilities = ["read", "sudo"] }
                path "identity/*" { capabilities = ["deny"] }
                """])
            let token = try #require(try await client.request(.post, "auth/token/create", body: ["policies": ["exporter"]])
                .json?["auth"]?["client_token"]?.stringValue)
            let output = directory.appendingPathComponent("out").path
            let denied = try await server.vaultform(["export", "--output", output], token: token)
            // Groups and aliases name entities by ID: their read lists the entities first.
            #expect(denied.code == 1 && denied.all.contains("identity/entity/") && denied.all.contains("403"), "\(denied.all)")
            let excluded = try await server.vaultform(
                ["export", "--output", output, "--exclude", "identity-*:*", "--exclude", "*-alias:*"], token: token)
            #expect(excluded.code == 0, "\(excluded.all)")
        }
    }
}

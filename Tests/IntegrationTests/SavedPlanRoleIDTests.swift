import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformServer

/// A finding of the outside trap suite: a saved plan that touched an AppRole role with a fixed
/// `role_id` was always refused as stale (the re-check read the role but not its role ID), so
/// `plan -out f && apply f` failed when nothing had changed. A real change is still refused.
@Suite("saved plans and fixed role IDs, against a dev server")
struct SavedPlanRoleIDTests {
    @Test("plan -out then apply works for a role with a fixed role_id; a role ID changed in between makes the plan stale")
    func fixedRoleID() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-roleid-plan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ar = PlanExactnessTests.unique("ar")
        func manifest(ttl: String) throws -> String {
            try SecretSchemaTests.write("""
                auth_methods: [{ path: \(ar), type: approle }]
                approle_roles:
                  - { name: app, mount: \(ar), role_id: "fixed-\(ar)", token_ttl: \(ttl) }
                  - { name: other, mount: \(ar), token_ttl: \(ttl) }
                """, in: directory)
        }
        #expect(try await server.vaultform(["apply", try manifest(ttl: "1h"), "--auto-approve"]).code == 0)
        // The shared server gets its fingerprint key from whichever test first needs one; made
        // now, the plan below is keyed with it, and another test creating it meanwhile cannot
        // make this plan's unkeyed digest refused.
        try await Applier.ensureFingerprintKey(client: server.client())

        let planFile = directory.appendingPathComponent("p.plan").path
        let planned = try await server.vaultform(["plan", try manifest(ttl: "2h"), "-out", planFile])
        #expect(planned.code == 0, "\(planned.all)")
        let applied = try await server.vaultform(["apply", planFile, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", try manifest(ttl: "2h"), "--detailed-exitcode"]).code == 0)

        let again = try await server.vaultform(["plan", try manifest(ttl: "3h"), "-out", planFile])
        #expect(again.code == 0, "\(again.all)")
        _ = try await server.client().request(.post, "auth/\(ar)/role/app/role-id", body: ["role_id": "changed-by-hand"])
        let stale = try await server.vaultform(["apply", planFile, "--auto-approve"])
        #expect(stale.code == 1, "\(stale.all)")
        #expect(stale.error.contains("the saved plan is stale") && stale.error.contains("approle-role:\(ar)/app"), "\(stale.error)")
    }
}

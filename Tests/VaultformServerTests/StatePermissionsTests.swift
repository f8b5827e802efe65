import Foundation
import Testing
import TestSupport
import VaultformCore
import VaultformManifest
import VaultformPolicy
import VaultformServer

/// What the applying token needs on vaultform's own state, checked offline against the
/// policies a manifest gives a role (what bootstrap does before revoking the root token).
@Suite struct StatePermissionsTests {
    @Test("the HoodCloud admin role's policy grants what apply needs on vaultform-lock/")
    func hoodCloudAdmin() throws {
        let root = ProcessRunner.repositoryRoot.appendingPathComponent("manifests/hoodcloud")
        let inputs = VariableInputs(environment: [:], varFiles: [root.appendingPathComponent("env/dev.yaml").path], assignments: [])
        let result = ManifestLoader(inputs: inputs).load(path: root.path)
        let desired = Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
        #expect(StatePermissions.shortfalls(ofRole: "hoodcloud-admin", mount: "approle", in: desired) == [])
        // The service roles may not, and are not meant to.
        let service = try #require(StatePermissions.shortfalls(ofRole: "hoodcloud-auth-server", mount: "approle", in: desired))
        #expect(service.map(\.requirement.path).contains("vaultform-lock/data/apply"))
        #expect(StatePermissions.shortfalls(ofRole: "absent", mount: "approle", in: desired) == nil)
    }

    @Test("a --lock-path elsewhere needs the same capabilities there; the blocks grant exactly them")
    func lockPathElsewhere() throws {
        let policy = try PolicyParser.parse(#"path "vaultform-lock/data/*" { capabilities = ["create", "read", "update"] } path "vaultform-lock/metadata/*" { capabilities = ["read"] }"#).get()
        let shortfalls = StatePermissions.shortfalls(of: [policy], lock: try #require(LockLocation(parsing: "kv/ops/lock")))
        #expect(shortfalls.map(\.description) == [
            #""create", "read", "update" on kv/data/ops/lock (the apply lock)"#, #""read" on kv/metadata/ops/lock (the apply lock's versions)"#,
        ])
        let fixed = try PolicyParser.parse(StatePermissions.blocks(for: shortfalls)).get()
        #expect(StatePermissions.shortfalls(of: [policy, fixed], lock: try #require(LockLocation(parsing: "kv/ops/lock"))).isEmpty)
    }

    @Test("a manifest with write-only values and endpoints needs their records too: a policy granting only the lock and the key falls short")
    func recordsOfWriteOnlyValuesAndEndpoints() throws {
        let text = """
            version: 1
            auth_methods: [{ path: approle, type: approle }, { path: userpass, type: userpass }]
            policies:
              - name: admin
                hcl: |
                  path "vaultform-lock/data/apply" { capabilities = ["create", "read", "update"] }
                  path "vaultform-lock/metadata/*" { capabilities = ["read"] }
                  path "vaultform-lock/data/fingerprint-key" { capabilities = ["create", "read"] }
            approle_roles: [{ name: admin, token_policies: [admin] }]
            userpass_users: [{ name: alice, password: { from_env: ALICE_PASSWORD } }]
            endpoints: [{ path: sys/config/cors, data: { enabled: true } }]
            """
        let loaded = ManifestLoader().load(sources: [("m.yaml", text)])
        let desired = Pipeline.resolve(try #require(loaded.manifest, "\(loaded.diagnostics)"))
        let shortfalls = try #require(StatePermissions.shortfalls(ofRole: "admin", mount: "approle", in: desired))
        #expect(shortfalls.map(\.requirement.path) == [
            "vaultform-lock/data/write-only/userpass-user/userpass/alice", "vaultform-lock/data/applied-endpoints",
        ])
        // The blocks bootstrap suggests grant them.
        let policy = try #require(desired.entry(Address(.policy, "admin"))?.resource.fields["policy"])
        guard case .policy(let document) = policy else { Issue.record("no policy document"); return }
        let fixed = try PolicyParser.parse(StatePermissions.blocks(for: shortfalls)).get()
        #expect(StatePermissions.shortfalls(of: [document, fixed], for: desired).isEmpty)
    }
}

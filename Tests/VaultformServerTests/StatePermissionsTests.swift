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
}

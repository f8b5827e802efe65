import Testing
import VaultformCore
import VaultformManifest
import VaultPath

@Suite struct DesiredStateTests {
    @Test func addressesUseTheServersNamesInDependencyOrder() throws {
        let result = ManifestLoader().load(sources: [("m.yaml", """
            version: 1
            approle_roles: [{ name: CI-Runner, mount: ci, token_policies: [Reader] }]
            policies: [{ name: Reader, rules: [{ path: "kv/data/*", capabilities: [read] }] }]
            auth_methods: [{ path: ci, type: approle }]
            secrets_engines: [{ path: kv, type: kv-v2, kv_config: { max_versions: 3 } }, { path: transit, type: transit }]
            transit_keys: [{ mount: transit, name: k }]
            audit_devices: [{ path: file, type: file, options: { file_path: /tmp/a.log } }]
            """)])
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        let addresses = Pipeline.resolve(manifest).entries.map(\.address.description)
        #expect(addresses == [
            "audit:file/", "mount:kv/", "mount:transit/", "auth:ci/", "kv-config:kv/", "transit-key:transit/k",
            "policy:reader", "approle-role:ci/ci-runner",
        ])
    }

    @Test(arguments: [("secret", "secret/"), ("secret/", "secret/"), ("a/b//", "a/b/")])
    func mountPathsHaveOneTrailingSlash(path: String, expected: String) {
        #expect(MountPath.withSlash(path) == expected)
    }

    @Test func kindsAreCountedInPlainEnglish() {
        #expect(ResourceKind.policy.counted(1) == "1 policy")
        #expect(ResourceKind.policy.counted(4) == "4 policies")
        #expect(ResourceKind.appRoleRole.counted(2) == "2 AppRole roles")
        #expect(ResourceKind.transitKey.counted(2) == "2 Transit keys")
    }
}

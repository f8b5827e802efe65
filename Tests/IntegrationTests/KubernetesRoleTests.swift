import Foundation
import Testing
import TestSupport
import VaultAPI

/// Roles of a Kubernetes auth method against a real server, both ways: spellings the server
/// treats the same (names in another order, policies in another case, 60m for 1h) are no
/// change; a real out-of-band change of any field, omitted ones included, is drift that apply
/// repairs; an owned role the manifest drops is deleted; export round-trips. No cluster is
/// needed: roles are configuration, checked only at login.
@Suite("Kubernetes roles against a dev server")
struct KubernetesRoleTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-k8s-roles")
        defer { try? FileManager.default.removeItem(at: directory) }
        let k8s = PlanExactnessTests.unique("k8s")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            auth_methods:
              - { path: \(k8s), type: kubernetes }
            kubernetes_roles:
              - name: App
                mount: \(k8s)
                bound_service_account_names: [app, worker]
                bound_service_account_namespaces: [payments]
                audience: vault
                alias_name_source: serviceaccount_name
                token_policies: [reader, writer]
                token_ttl: 1h
                token_bound_cidrs: [10.0.0.0/8]
              - { name: bare, mount: \(k8s), bound_service_account_names: ["*"], bound_service_account_namespaces: ["*"] }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let app = "auth/\(k8s)/role/app", bare = "auth/\(k8s)/role/bare"
        try await BothWays.spellingsAreNoChange([
            ["write", app, "bound_service_account_names=worker,app", "token_policies=Writer, READER"],
            ["write", app, "token_ttl=60m", "token_bound_cidrs=10.1.2.3/8"],
            ["write", bare, "audience=", "alias_name_source=serviceaccount_uid", "token_type=default"],
        ], manifest: manifest, server: server)
        let role = "kubernetes-role:\(k8s)/app", zero = "kubernetes-role:\(k8s)/bare"
        try await BothWays.driftsAreRepaired([
            .init(["write", app, "bound_service_account_names=app"], role, "bound_service_account_names"),
            .init(["write", app, "bound_service_account_namespaces=payments,ops"], role, "bound_service_account_namespaces"),
            .init(["write", app, "audience=other"], role, "audience"),
            .init(["write", app, "alias_name_source=serviceaccount_uid"], role, "alias_name_source"),
            .init(["write", bare, "bound_service_account_namespace_selector={\"matchLabels\":{\"a\":\"b\"}}"], zero,
                  "bound_service_account_namespace_selector"),
        ] + BothWays.tokenFieldDrifts(full: app, role, bare: bare, zero), manifest: manifest, server: server)
    }

    @Test("an owned role the manifest drops is deleted; export writes them back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-k8s-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.post, "sys/auth/kubernetes", body: ["type": "kubernetes"])
            _ = try await client.request(.post, "auth/kubernetes/role/stray", body: [
                "bound_service_account_names": "a", "bound_service_account_namespaces": "b"])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: kubernetes_role, mount: kubernetes }
                auth_methods:
                  - { path: kubernetes, type: kubernetes }
                kubernetes_roles:
                  - { name: ci, bound_service_account_names: [runner], bound_service_account_namespaces: [ci], token_ttl: 30m }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create kubernetes-role:kubernetes/ci", "delete kubernetes-role:kubernetes/stray"], "\(plan.output)")
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let text = try String(contentsOf: exported.appendingPathComponent("kubernetes_roles.yaml"), encoding: .utf8)
            #expect(text.contains("name: ci") && text.contains("token_ttl: 30m") && !text.contains("mount:"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

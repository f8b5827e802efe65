import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformAccess
import VaultformPolicy

/// `vaultform access` against the server: for principals of a manifest applied to a dev
/// server, a real login gives a token whose `sys/capabilities` on each path must equal the
/// capabilities `access can --format json` computes from the manifest alone; the exit code
/// says allowed (0) or not (2), and `who-can` lists exactly the principals allowed.
@Suite("vaultform access against a dev server")
struct AccessCommandTests {
    @Test("access can answers what sys/capabilities answers for a real login of each principal; who-can lists those allowed")
    func matchesTheServer() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-access")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                secrets_engines: [{ path: secret, type: kv-v2 }, { path: transit, type: transit }]
                policies:
                  - name: payments
                    rules:
                      - { path: "secret/data/payments/*", capabilities: [read, list] }
                      - { path: "secret/data/payments/admin", capabilities: [deny] }
                      - { path: "transit/encrypt/+", capabilities: [update] }
                  - name: ops
                    hcl: |
                      path "secret/+/payments/*" { capabilities = ["create", "update"] }
                      path "sys/mounts/*" { capabilities = ["sudo", "read"] }
                auth_methods: [{ path: approle, type: approle }, { path: userpass, type: userpass }]
                approle_roles:
                  - { name: payments, token_policies: [payments] }
                  - { name: ops, token_policies: [payments, ops], token_no_default_policy: true }
                userpass_users:
                  - { name: alice, mount: userpass, password: { from_env: ALICE_PASSWORD }, token_policies: [ops] }
                token_roles: [{ name: ci, allowed_policies: [payments] }]
                """, in: directory)
            let password = "canary-\(UUID().uuidString)"
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: ["ALICE_PASSWORD": password])
            #expect(applied.code == 0, "\(applied.all)")

            let root = try server.client()
            let userLogin = try await root.with(token: nil).request(.post, "auth/userpass/login/alice", body: ["password": .string(password)])
            let fromRole = try await root.request(.post, "auth/token/create/ci", body: [:])
            let tokens: [(String, String)] = [
                ("token-role:ci", try #require(fromRole.json?["auth"]?["client_token"]?.stringValue)),
                ("approle-role:approle/payments", try await Self.login("payments", with: root)),
                ("approle-role:approle/ops", try await Self.login("ops", with: root)),
                ("userpass-user:userpass/alice", try #require(userLogin.json?["auth"]?["client_token"]?.stringValue)),
            ]
            let paths = [
                "secret/data/payments/card", "secret/data/payments/admin", "secret/data/payments/", "secret/metadata/payments/x",
                "transit/encrypt/k1", "transit/encrypt/", "sys/mounts/secret", "auth/token/lookup-self", "cubbyhole/x", "other",
            ]
            for (principal, token) in tokens {
                let answer = try await root.request(.post, "sys/capabilities", body: ["token": .string(token), "paths": .array(paths.map(JSONValue.string))])
                for path in paths {
                    let server = answer.data?[path]?.arrayValue?.compactMap(\.stringValue) ?? []
                    let run = try await Self.server(principal, path, manifest)
                    guard let json = try? JSONValue(decoding: Data(run.output.utf8)) else {
                        Issue.record("access can \(principal) read \(path) printed no JSON: \(run.all)")
                        continue
                    }
                    let computed = json["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? ["(none)"]
                    #expect(computed == server, "\(principal) on \(path): server \(server), access \(computed)")
                    let allowed = json["allowed"]?.boolValue == true
                    #expect(run.code == (allowed ? 0 : 2), "\(run.all)")
                    #expect(allowed == (server.contains("read") || server == ["root"]), "\(principal) read \(path)")
                }
            }

            // who-can: exactly the principals whose tokens may. The ops role holds `ops` too,
            // but its `payments` glob is the more specific rule for this path (its wildcard
            // comes later), so it may only read, as the server says above.
            let who = try await StatusCommandTests.run(["access", "who-can", "update", "secret/data/payments/x", "--manifest", manifest, "--format", "json"])
            let listed = try JSONValue(decoding: Data(who.output.utf8))["principals"]?.arrayValue?.compactMap { $0["principal"]?.stringValue }
            #expect(listed == ["userpass-user:userpass/alice"], "\(who.all)")
            let denied = try await StatusCommandTests.run(["access", "can", "approle-role:approle/payments", "read", "secret/data/payments/admin", "--manifest", manifest])
            #expect(denied.code == 2 && denied.output.contains("decided by path \"secret/data/payments/admin\" in payments"), "\(denied.all)")
            let unknown = try await StatusCommandTests.run(["access", "can", "approle-role:approle/nobody", "read", "x", "--manifest", manifest])
            #expect(unknown.code != 0 && unknown.all.contains("approle-role:approle/ops"), "\(unknown.all)")
        }
    }

    @Test("inside a namespace: access can answers what sys/capabilities answers there for a real login of the namespace's role")
    func namespacedPrincipal() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-access-ns")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                policies: [{ name: app, rules: [{ path: "kv/*", capabilities: [read, update, delete, list] }] }]
                namespaces:
                  - path: acme
                    contents:
                      secrets_engines: [{ path: kv, type: kv-v2 }]
                      auth_methods: [{ path: approle, type: approle }]
                      policies:
                        - name: app
                          rules:
                            - { path: "kv/data/app/*", capabilities: [read, list] }
                            - { path: "kv/data/app/admin", capabilities: [deny] }
                      approle_roles: [{ name: app, token_policies: [app] }]
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let acme = try server.client().with(namespace: "acme")
            let token = try await Self.login("app", with: acme)
            for path in ["kv/data/app/x", "kv/data/app/admin", "kv/data/other", "kv/metadata/app/x", "cubbyhole/x", "sys/mounts"] {
                let answer = try await acme.request(.post, "sys/capabilities", body: ["token": .string(token), "path": .string(path)])
                let expected = answer.data?["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let run = try await Self.server("acme::approle-role:approle/app", path, manifest)
                let computed = (try? JSONValue(decoding: Data(run.output.utf8)))?["capabilities"]?.arrayValue?.compactMap(\.stringValue)
                #expect(computed == expected, "\(path): server \(expected), access \(String(describing: computed)): \(run.all)")
            }
        }
    }

    @Test("access map --live reads the server's principals and policies and maps them exactly as the manifest that was applied")
    func liveMapMatchesTheManifest() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-access-live")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                secrets_engines: [{ path: secret, type: kv-v2 }]
                auth_methods: [{ path: approle, type: approle }]
                policies:
                  - name: reader
                    hcl: |
                      path "secret/data/app/*" { capabilities = ["read", "list"] }
                      path "secret/data/app/admin" { capabilities = ["deny"] }
                  - name: ops
                    rules: [{ path: "sys/mounts/*", capabilities: [read, sudo] }]
                approle_roles:
                  - { name: app, token_policies: [reader] }
                  - { name: ops, token_policies: [reader, ops], token_no_default_policy: true }
                identity_entities: [{ name: carol, policies: [ops] }]
                identity_groups: [{ name: readers, policies: [reader] }]
                namespaces:
                  - path: acme
                    contents:
                      auth_methods: [{ path: approle, type: approle }]
                      policies: [{ name: reader, rules: [{ path: "kv/*", capabilities: [read] }] }]
                      approle_roles: [{ name: app, token_policies: [reader] }]
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            /// Principals, their policies and grants without locations (which name files).
            func shape(_ run: StatusCommandTests.Run) throws -> [String] {
                let json = try JSONValue(decoding: Data(run.output.utf8))
                return (json["principals"]?.arrayValue ?? []).map { principal in
                    let grants = (principal["grants"]?.arrayValue ?? []).map { grant in
                        "\(grant["path"]?.stringValue ?? "")=\(grant["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? [])"
                            + "\(grant["policies"]?.arrayValue?.compactMap(\.stringValue) ?? [])"
                    }
                    return "\(principal["principal"]?.stringValue ?? "") \(principal["policies"]?.arrayValue?.compactMap(\.stringValue) ?? []): "
                        + grants.joined(separator: " ")
                }
            }
            let fromManifest = try await StatusCommandTests.run(["access", "map", "--manifest", manifest, "--format", "json"])
            let fromServer = try await server.vaultform(["access", "map", "--live", "--format", "json"])
            #expect(fromServer.code == 0, "\(fromServer.all)")
            let expected = try shape(fromManifest)
            #expect(expected.count == 5)
            let live = try shape(fromServer)
            #expect(live == expected)
            // A policy widened by hand shows at once, with where the server's copy says it.
            _ = try await server.client().request(.put, "sys/policies/acl/reader", body: ["policy": .string(#"path "secret/data/*" { capabilities = ["read", "update"] }"#)])
            let widened = try await server.vaultform(["access", "can", "approle-role:approle/app", "update", "secret/data/other", "--live"])
            #expect(widened.code == 0 && widened.output.contains("policies/reader.hcl:1"), "\(widened.all)")
            let fromManifestNow = try await StatusCommandTests.run(["access", "can", "approle-role:approle/app", "update", "secret/data/other", "--manifest", manifest])
            #expect(fromManifestNow.code == 2, "\(fromManifestNow.all)")
        }
    }

    @Test("an escalation lint reports is real: the principal's own token writes a policy and a role, and the role's login holds what it did not")
    func escalationIsReal() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-escalation")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                auth_methods: [{ path: approle, type: approle }]
                policies:
                  - name: team-admin
                    rules:
                      - { path: "sys/policies/acl/app-*", capabilities: [create, update] }
                      - { path: "auth/approle/role/*", capabilities: [create, update, read] }
                  - name: writer
                    rules: [{ path: "sys/policies/acl/app-*", capabilities: [create, update] }]
                approle_roles:
                  - { name: admin, token_policies: [team-admin], secret_id_ttl: 1h, secret_id_bound_cidrs: [127.0.0.1/32] }
                  - { name: writer, token_policies: [writer], secret_id_ttl: 1h, secret_id_bound_cidrs: [127.0.0.1/32] }
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let lint = try await StatusCommandTests.run(["lint", manifest, "--format", "json"])
            let ids = try JSONValue(decoding: Data(lint.output.utf8))["findings"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.contains("escalation:approle-role:approle/admin"), "\(lint.all)")
            #expect(!ids.contains("escalation:approle-role:approle/writer"), "\(lint.all)")

            let root = try server.client()
            func capabilities(_ token: String, _ path: String) async throws -> [String] {
                try await root.request(.post, "sys/capabilities", body: ["token": .string(token), "path": .string(path)])
                    .data?["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            let adminToken = try await Self.login("admin", with: root)
            let admin = root.with(token: adminToken)
            #expect(try await capabilities(adminToken, "sys/raw/x") == ["deny"])
            // The chain lint printed, with the admin's own token.
            _ = try await admin.request(.put, "sys/policies/acl/app-everything", body: ["policy": .string(#"path "*" { capabilities = ["read", "sudo"] }"#)])
            _ = try await admin.request(.post, "auth/approle/role/escalated", body: ["token_policies": .string("app-everything")])
            let escalated = try await Self.login("escalated", with: admin)
            #expect(try await capabilities(escalated, "sys/raw/x") == ["read", "sudo"])
            // The writer alone cannot hand its policy to a login.
            let writer = root.with(token: try await Self.login("writer", with: root))
            await #expect(throws: VaultError.self) {
                _ = try await writer.request(.post, "auth/approle/role/escalated2", body: ["token_policies": .string("app-everything")])
            }
        }
    }

    /// A token from an AppRole login to `role` at `approle/`, its role ID read and a secret ID
    /// made with `client` (whose token and namespace it uses).
    static func login(_ role: String, with client: VaultClient) async throws -> String {
        let roleID = try #require(try await client.request(.get, "auth/approle/role/\(role)/role-id").data?["role_id"]?.stringValue)
        let secretID = try #require(try await client.request(.post, "auth/approle/role/\(role)/secret-id").data?["secret_id"]?.stringValue)
        let login = try await client.with(token: nil).request(.post, "auth/approle/login", body: ["role_id": .string(roleID), "secret_id": .string(secretID)])
        return try #require(login.json?["auth"]?["client_token"]?.stringValue)
    }

    /// `access can PRINCIPAL read PATH --format json` (the capability asked does not change
    /// the capabilities listed).
    static func server(_ principal: String, _ path: String, _ manifest: String) async throws -> StatusCommandTests.Run {
        try await StatusCommandTests.run(["access", "can", principal, "read", path, "--manifest", manifest, "--format", "json"], environment: [:])
    }

    @Test("the built-in default policy the evaluator uses is the server's")
    func defaultPolicy() async throws {
        let server = try await DevServer.shared()
        let text = try #require(try await server.client().request(.get, "sys/policies/acl/default").data?["policy"]?.stringValue)
        let parsed = try PolicyParser.parse(text).get()
        #expect(parsed == BuiltinPolicies.default)
    }
}

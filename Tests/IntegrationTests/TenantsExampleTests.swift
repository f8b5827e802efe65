import Foundation
import Testing
import TestSupport
import VaultAPI

/// examples/tenants.yaml on a real server: three tenants × two environments of one shape,
/// applied, planned with no changes, exported (the whole tree and one tenant) and planned
/// again with no changes; then a token that is administrator of one tenant's namespace only,
/// holding exactly the policy docs/permissions.md gives, exports, plans and applies that
/// tenant's part, its apply lock in that namespace, and is refused the rest.
@Suite("examples/tenants.yaml")
struct TenantsExampleTests {
    static let manifest = ProcessRunner.repositoryRoot.appendingPathComponent("examples/tenants.yaml").path

    /// The namespace administrator's policy, as docs/permissions.md prints it (the HCL block
    /// after the `namespace-admin-policy` marker), so the document and the test cannot part.
    static func documentedPolicy() throws -> String {
        let text = try String(
            contentsOf: ProcessRunner.repositoryRoot.appendingPathComponent("docs/permissions.md"), encoding: .utf8)
        let marker = try #require(text.range(of: "<!-- namespace-admin-policy -->"))
        let rest = text[marker.upperBound...]
        let open = try #require(rest.range(of: "```hcl\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test("applies, plans no changes, exports the tree and one tenant with no changes; a tenant's own admin applies its part only")
    func wholeStory() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-tenants")
            defer { try? FileManager.default.removeItem(at: directory) }
            let applied = try await server.vaultform(["apply", Self.manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(applied.output.contains("tenants/initech/prod::approle-role:approle/app"), "\(applied.all)")
            let plan = try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"])
            #expect(plan.code == 0, "\(plan.all)")

            let root = try server.client()
            var keys: Set<String> = []
            for tenant in ["acme", "globex", "initech"] {
                for environment in ["dev", "prod"] {
                    let inside = root.with(namespace: "tenants/\(tenant)/\(environment)")
                    // The generated secret, made in its namespace: 32 bytes, one per environment.
                    let stored = try await inside.request(.get, "secret/data/app/session").data?["data"]?["signing_key"]?.stringValue
                    let key = try #require(stored)
                    let wellFormed = Data(base64Encoded: key)?.count == 32
                    let shown = (applied.all + plan.all).contains(key)
                    #expect(wellFormed && !shown, "a generated key is 32 bytes and reaches no output")
                    keys.insert(key)
                    let role = try await inside.request(.get, "auth/approle/role/app").data
                    #expect(role?["token_policies"]?.arrayValue?.compactMap(\.stringValue) == ["app"])
                    let mounts = try await inside.request(.get, "sys/mounts").data
                    #expect(mounts?["secret/"]?["description"]?.stringValue == "\(tenant) \(environment) secrets")
                }
            }
            #expect(keys.count == 6, "each environment has its own key")

            // The whole tree exported plans no changes; so does one tenant's part, planned in
            // its namespace (as the export's hint says).
            let everything = directory.appendingPathComponent("all")
            let exported = try await server.vaultform(["export", "--output", everything.path])
            #expect(exported.code == 0, "\(exported.all)")
            #expect(exported.output.contains("10 namespaces"), "\(exported.output)")
            let roundTrip = try await server.vaultform(["plan", everything.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
            let acme = directory.appendingPathComponent("acme")
            let part = try await server.vaultform(["export", "--namespace", "tenants/acme", "--output", acme.path])
            #expect(part.code == 0, "\(part.all)")
            #expect(part.output.contains("vaultform plan \(acme.path) --namespace tenants/acme --detailed-exitcode"), "\(part.output)")
            let partPlan = try await server.vaultform(["plan", acme.path, "--namespace", "tenants/acme", "--detailed-exitcode"])
            #expect(partPlan.code == 0, "\(partPlan.all)")

            // acme's own administrator: the documented policy, in tenants/acme, and a token there.
            let acmeClient = root.with(namespace: "tenants/acme")
            _ = try await acmeClient.request(
                .put, "sys/policies/acl/namespace-admin", body: ["policy": .string(try Self.documentedPolicy())], idempotent: true)
            let created = try await acmeClient.request(.post, "auth/token/create", body: ["policies": ["namespace-admin"], "ttl": "30m"])
            let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            let admin = { (arguments: [String]) in try await server.vaultform(arguments + ["--namespace", "tenants/acme"], token: token) }

            // It exports and plans its part, and adds to it: a policy in its namespace, and a
            // new environment with an engine, an auth method and a role. Its lock is in its
            // own namespace.
            let own = directory.appendingPathComponent("acme-by-admin")
            let ownExport = try await admin(["export", "--output", own.path])
            #expect(ownExport.code == 0, "\(ownExport.all)")
            #expect(try await admin(["plan", own.path, "--detailed-exitcode"]).code == 0)
            try """
                version: 1
                policies: [{ name: auditor, rules: [{ path: "+/sys/policies/acl/*", capabilities: [read, list] }] }]
                namespaces:
                  - path: staging
                    custom_metadata: { tenant: acme, environment: staging }
                    contents:
                      secrets_engines: [{ path: secret, type: kv-v2, kv_config: { max_versions: 3 } }]
                      policies: [{ name: batch, rules: [{ path: "secret/data/batch/*", capabilities: [read] }] }]
                      auth_methods: [{ path: approle, type: approle }]
                      approle_roles: [{ name: batch, token_policies: [batch], token_ttl: 15m }]
                """.write(to: own.appendingPathComponent("staging.yaml"), atomically: true, encoding: .utf8)
            let changed = try await admin(["apply", own.path, "--auto-approve"])
            #expect(changed.code == 0, "\(changed.all)")
            #expect(changed.output.contains("staging::approle-role:approle/batch") && changed.output.contains("namespace:staging/"), "\(changed.all)")
            let again = try await admin(["plan", own.path, "--detailed-exitcode"])
            #expect(again.code == 0, "\(again.all)")
            let batch = try await root.with(namespace: "tenants/acme/staging").request(.get, "auth/approle/role/batch").data
            #expect(batch?["token_ttl"]?.intValue == 900)
            let lockMounts = try await acmeClient.request(.get, "sys/mounts").data
            #expect(lockMounts?["vaultform-lock/"] != nil, "the admin's apply lock lives in its namespace")

            // Outside its namespace it is refused, with the path named.
            let refused = try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"], token: token)
            #expect(refused.code == 1, "\(refused.all)")
            #expect(refused.all.contains("HTTP 403"), "\(refused.all)")
            let tokenShown = (applied.all + changed.all + refused.all + ownExport.all).contains(token)
            #expect(!tokenShown)
        }
    }
}

import Foundation
import Testing
import VaultAPI

/// One manifest spanning the connection's namespace and nested namespaces, each holding a
/// KV engine, a policy and an AppRole role, applied to a real dev server.
@Suite("Namespaces in a manifest")
struct NamespaceManifestTests {
    /// The manifest: a root policy, namespace `ID` and the namespaces `ID/NAME` for each
    /// name in `tenants` (one `for_each` entry over a variable), each with the same contents,
    /// and ownership of namespaces under `ID/`.
    static func manifest(_ id: String, tenants: [String]) -> String {
        """
        version: 1
        variables:
          tenants: { type: list, default: [\(tenants.joined(separator: ", "))] }
        policies:
          - { name: \(id)-root, hcl: 'path "secret/data/x" { capabilities = ["read"] }' }
        ownership:
          - { kind: namespace, prefix: \(id)/ }
        namespaces:
          - path: \(id)
            custom_metadata: { owner: platform }
          - path: \(id)/${each.tenant}
            for_each: { tenant: "${var.tenants}" }
            custom_metadata: { tenant: "${each.tenant}" }
            contents:
              secrets_engines: [{ path: kv, type: kv-v2 }]
              policies: [{ name: reader, hcl: 'path "kv/data/*" { capabilities = ["read"] }' }]
              auth_methods: [{ path: approle, type: approle }]
              approle_roles: [{ name: app, token_policies: [reader], token_ttl: 1h }]

        """
    }

    @Test("applies root and namespaced objects, plans no change, repairs drift inside a namespace, targets one, deletes a dropped or owned namespace only with --allow-destroy")
    func lifecycle() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let id = "ns\(UUID().uuidString.prefix(8).lowercased())"
        let directory = try scratchDirectory("vf-namespaces")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        try Self.manifest(id, tenants: ["a", "b"]).write(toFile: manifest, atomically: true, encoding: .utf8)

        // On an empty server: namespaces first, parents before children, then their contents.
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(applied.output.contains("namespace:\(id)/a/"), "\(applied.all)")
        #expect(applied.output.contains("\(id)/a::policy:reader"), "\(applied.all)")
        let inside = root.with(namespace: "\(id)/a")
        let mounts = try #require(try await inside.request(.get, "sys/mounts").data?.objectValue)
        #expect(mounts["kv/"]?["type"]?.stringValue == "kv")
        let role = try await inside.request(.get, "auth/approle/role/app")
        #expect(role.data?["token_policies"]?.arrayValue?.compactMap(\.stringValue) == ["reader"])
        let metadata = try await root.request(.get, "sys/namespaces/\(id)")
        #expect(metadata.data?["custom_metadata"]?["owner"]?.stringValue == "platform")
        let tenant = try await root.with(namespace: id).request(.get, "sys/namespaces/b")
        #expect(tenant.data?["custom_metadata"]?["tenant"]?.stringValue == "b")
        let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")
        #expect(clean.output.hasPrefix("No changes."), "\(clean.all)")

        // Drift inside a namespace carries the namespace in its address.
        _ = try await inside.request(.put, "sys/policies/acl/reader", body: ["policy": #"path "kv/data/*" { capabilities = ["list"] }"#])
        _ = try await root.with(namespace: "\(id)/b").request(.post, "auth/approle/role/app", body: ["token_ttl": "2h"])
        let drift = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(drift.code == 2, "\(drift.all)")
        #expect(drift.output.contains("\(id)/a::policy:reader"), "\(drift.all)")
        #expect(drift.output.contains("\(id)/b::approle-role:approle/app"), "\(drift.all)")
        let report = try await server.vaultform(["drift", manifest])
        #expect(report.code == 2 && report.output.contains("# \(id)/a::policy:reader will be updated in place"), "\(report.all)")
        let json = try await server.vaultform(["plan", manifest, "--format", "json"])
        #expect(json.output.contains("\"\(id)/a::policy:reader\""), "\(json.all)")

        // --target of a namespaced address plans and applies that object alone.
        let target = "\(id)/a::policy:reader"
        let targeted = try await server.vaultform(["plan", manifest, "--target", target])
        #expect(targeted.output.contains(target) && !targeted.output.contains("approle-role"), "\(targeted.all)")
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve", "--target", target]).code == 0)
        let policy = try await inside.request(.get, "sys/policies/acl/reader")
        #expect(policy.data?["policy"]?.stringValue?.contains("read") == true)
        let rest = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(rest.code == 2 && !rest.output.contains(target), "\(rest.all)")
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(repaired.code == 0, "\(repaired.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        // An undeclared namespace under the owned prefix, holding a mount, and a dropped one:
        // both deletions destroy what they hold, so apply refuses them without --allow-destroy.
        _ = try await root.with(namespace: id).request(.post, "sys/namespaces/stray", idempotent: true)
        _ = try await root.with(namespace: "\(id)/stray").request(.post, "sys/mounts/kv", body: ["type": "kv", "options": ["version": "2"]])
        try Self.manifest(id, tenants: ["a"]).write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try await server.vaultform(["plan", manifest])
        #expect(plan.output.contains("namespace:\(id)/stray/"), "\(plan.all)")
        #expect(plan.output.contains("namespace:\(id)/b/"), "\(plan.all)")
        #expect(plan.output.contains("deleting it destroys everything inside it: mount:kv/"), "\(plan.all)")
        #expect(plan.output.contains("auth:approle/, policy:reader"), "\(plan.all)")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code == 1, "\(refused.all)")
        #expect(refused.error.contains("--allow-destroy"), "\(refused.all)")
        #expect(try await Self.children(root, of: id) == ["a/", "b/", "stray/"])

        let destroyed = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(destroyed.code == 0, "\(destroyed.all)")
        #expect(try await Self.children(root, of: id) == ["a/"])
        let after = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(after.code == 0, "\(after.all)")

        // Re-declared, the deleted namespace is created again, empty of what it held.
        try Self.manifest(id, tenants: ["a", "b"]).write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
    }

    @Test("with --namespace, the manifest's namespaces and their contents are relative to the connection's namespace")
    func relativeToConnection() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let base = "nsbase\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await root.request(.post, "sys/namespaces/\(base)", idempotent: true)
        let directory = try scratchDirectory("vf-namespaces-relative")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        try """
            version: 1
            policies: [{ name: top, hcl: 'path "x" { capabilities = ["read"] }' }]
            namespaces:
              - path: t
              - path: t/u
                contents:
                  policies: [{ name: reader, hcl: 'path "kv/data/*" { capabilities = ["read"] }' }]
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--namespace", base])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(applied.output.contains("t/u::policy:reader") && !applied.output.contains(base), "\(applied.all)")
        let policy = try await root.with(namespace: "\(base)/t/u").request(.get, "sys/policies/acl/reader")
        #expect(policy.data?["policy"]?.stringValue?.contains("kv/data") == true)
        _ = try await root.with(namespace: base).request(.get, "sys/policies/acl/top")
        #expect(try await Self.children(root, of: base) == ["t/"])
        let clean = try await server.vaultform(["plan", manifest, "--namespace", base, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")

        // Export walks the namespaces below the connection's; the export plans no change.
        let exported = directory.appendingPathComponent("exported").path
        let export = try await server.vaultform(["export", "--output", exported, "--namespace", base])
        #expect(export.code == 0, "\(export.all)")
        let namespaces = try String(contentsOfFile: exported + "/namespaces.yaml", encoding: .utf8)
        #expect(namespaces.contains("path: t/u") && namespaces.contains("file: namespaces/t/u/policies/"), "\(namespaces)")
        let roundTrip = try await server.vaultform(["plan", exported, "--namespace", base, "--detailed-exitcode"])
        #expect(roundTrip.code == 0, "\(roundTrip.all)")
    }

    /// The namespaces directly inside `parent`, as the server lists them.
    static func children(_ root: VaultClient, of parent: String) async throws -> [String] {
        do {
            let listed = try await root.with(namespace: parent).request(.list, "sys/namespaces")
            return (listed.data?["keys"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
        } catch let error as VaultError where error.status == 404 {
            return []
        }
    }
}

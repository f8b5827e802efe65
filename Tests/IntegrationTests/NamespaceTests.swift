import Foundation
import Testing
import VaultAPI

/// Namespaces on the shared dev server (each test makes its own), and the flavour table's
/// claims checked against the real server.
@Suite("Namespaces and server behaviours against a dev server")
struct NamespaceTests {
    @Test("a client with a namespace sees the mounts inside it and not the root's")
    func mountsInsideNamespace() async throws {
        let root = try await DevServer.shared().client()
        let id = UUID().uuidString.prefix(8).lowercased()
        let namespace = "team-\(id)"
        let created = try await root.request(.post, "sys/namespaces/\(namespace)", idempotent: true)
        #expect(created.data?["path"]?.stringValue == "\(namespace)/")

        let inside = root.with(namespace: namespace)
        _ = try await inside.request(.post, "sys/mounts/kv-\(id)", body: ["type": "kv", "options": ["version": "2"]])

        let insideMounts = try #require(try await inside.request(.get, "sys/mounts").data?.objectValue)
        #expect(insideMounts["kv-\(id)/"]?["type"]?.stringValue == "kv")
        #expect(insideMounts["secret/"] == nil, "the root's dev mount is not visible inside")
        let rootMounts = try #require(try await root.request(.get, "sys/mounts").data?.objectValue)
        #expect(rootMounts["kv-\(id)/"] == nil)
        #expect(rootMounts["secret/"] != nil)

        // Errors name the namespace.
        let missing = try await #require(throws: VaultError.self) { try await inside.request(.get, "kv-\(id)/data/absent") }
        #expect(missing.description.hasPrefix("GET kv-\(id)/data/absent (namespace \(namespace)): HTTP 404"))
        let unknown = try await #require(throws: VaultError.self) {
            try await root.with(namespace: "absent-\(id)").request(.get, "sys/mounts")
        }
        #expect(unknown.description.hasPrefix("GET sys/mounts (namespace absent-\(id)): HTTP 404"))
    }

    @Test("a token from the root namespace without policies for the namespace: refused, naming it")
    func permissionInNamespace() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let namespace = "perm-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await root.request(.post, "sys/namespaces/\(namespace)", idempotent: true)
        let created = try await root.request(.post, "auth/token/create", body: ["policies": ["default"], "ttl": "5m"])
        let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
        let client = root.with(token: token).with(namespace: namespace)
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.put, "sys/policies/acl/x", body: ["policy": ""])
        }
        // The token's policies are in the root namespace, where a rule for this namespace's
        // path is written with the namespace in front.
        #expect(error.description == #"PUT sys/policies/acl/x (namespace \#(namespace)): HTTP 403: permission denied (the token lacks "create" or "update" on \#(namespace)/sys/policies/acl/x; it has no capability there; add to one of its policies (in the root namespace): path "\#(namespace)/sys/policies/acl/x" { capabilities = ["create", "update"] })"#)
        #expect(!error.description.contains(token))
    }

    @Test("the flavour table matches the server: OpenBao 2.7, commit_date, namespaces, X-Bao-Namespace ignored")
    func behaviourTable() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let behaviour = try await root.behaviour()
        #expect(behaviour.identity.flavour == .openBao)
        #expect(behaviour.version.map { $0 >= ServerVersion(major: 2, minor: 7, patch: 0) } == true)
        #expect(behaviour.supportsNamespaces)
        #expect(behaviour.kvMetadataCASRequired == .yes)
        #expect(!behaviour.supportsAPIAuditDevices, "the dev harness allows it only through its configuration")

        let status = try await root.sealStatus()
        #expect(status.commitDate != nil && status.buildDate == nil)
        #expect(behaviour.versionDateField == "commit_date")

        // X-Bao-Namespace is ignored: the request lands in the root namespace.
        let namespace = "hdr-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await root.request(.post, "sys/namespaces/\(namespace)", idempotent: true)
        let transport = try CurlTransport(baseURL: server.address)
        let response = try await transport.send(HTTPRequest(
            method: .get, path: "/v1/sys/mounts",
            headers: ["X-Vault-Token": server.rootToken, "X-Bao-Namespace": namespace]))
        let mounts = try JSONValue(decoding: response.body)
        #expect(mounts["data"]?["secret/"] != nil, "answered from the root namespace")
        #expect(behaviour.namespaceHeader == "X-Vault-Namespace")

        // The kv-v2 option exists.
        let mount = "kv-cas-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await root.request(.post, "sys/mounts/\(mount)", body: ["type": "kv-v2"])
        _ = try await root.request(.post, "\(mount)/config", body: ["metadata_cas_required": true], idempotent: true)
        let config = try await root.request(.get, "\(mount)/config")
        #expect(config.data?["metadata_cas_required"] == true)
    }
}

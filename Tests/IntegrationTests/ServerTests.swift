import Foundation
import Testing
import VaultAPI

/// The client against the shared dev server. Each test uses its own paths, so they run in
/// parallel.
@Suite("Vault client against a dev server")
struct ServerTests {
    @Test("health reports an initialised, unsealed OpenBao 2.7")
    func health() async throws {
        let client = try await DevServer.shared().client()
        let health = try await client.health()
        #expect(health.initialized)
        #expect(!health.sealed)
        #expect(!health.standby)
        #expect(health.version.hasPrefix("2.7"))
        #expect(health.clusterName?.isEmpty == false)
    }

    @Test("seal status identifies the server as OpenBao")
    func identity() async throws {
        let client = try await DevServer.shared().client()
        let status = try await client.sealStatus()
        #expect(status.type == "shamir")
        #expect(!status.sealed)
        #expect(status.threshold == 1 && status.shares == 1)
        let identity = try await client.identity()
        #expect(identity.flavour == .openBao)
        #expect(identity.version == status.version)
    }

    @Test("an audit device can be enabled through the API (unsafe_allow_api_audit_creation)")
    func auditDevice() async throws {
        // Its own server: an audit device enabled while other tests enable mounts makes
        // OpenBao fail to persist the audit salt, and every request then answers 500.
        try await DevServer.with { server in
            let client = try server.client()
            let name = "file-\(UUID().uuidString.prefix(8).lowercased())"
            let logPath = server.directory.appendingPathComponent("\(name).log").path
            let enabled = try await client.request(
                .put, "sys/audit/\(name)",
                body: ["type": "file", "description": "integration test", "options": ["file_path": .string(logPath)]])
            #expect(enabled.status == 204)

            let devices = try await client.request(.get, "sys/audit")
            #expect(devices.json?["\(name)/"]?["type"] == "file")
            #expect(devices.json?["\(name)/"]?["options"]?["file_path"]?.stringValue == logPath)
            #expect(FileManager.default.fileExists(atPath: logPath))

            let disabled = try await client.request(.delete, "sys/audit/\(name)")
            #expect(disabled.status == 204)
        }
    }

    @Test("reading a missing policy is an HTTP 404 error naming the path")
    func missingPolicy() async throws {
        let client = try await DevServer.shared().client()
        let name = "missing-\(UUID().uuidString.prefix(8).lowercased())"
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.get, "sys/policies/acl/\(name)")
        }
        #expect(error.code == .http)
        #expect(error.status == 404)
        #expect(error.isNotFound)
        #expect(error.path == "sys/policies/acl/\(name)")
        #expect(error.description.hasPrefix("GET sys/policies/acl/\(name): HTTP 404"))
    }

    @Test("a bad token is refused with 403, and the message does not contain the token")
    func badToken() async throws {
        let server = try await DevServer.shared()
        let badToken = "s.not-a-real-token-\(UUID().uuidString)"
        let client = try server.client().with(token: badToken)
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.get, "sys/policies/acl/default")
        }
        #expect(error.status == 403)
        #expect(error.isPermissionDenied)
        #expect(error.description == "GET sys/policies/acl/default: HTTP 403: permission denied (the token is invalid, expired or revoked)")
        // Booleans first: a failed expectation prints its operands, and those must not be tokens.
        let showsBadToken = error.description.contains(badToken) || String(reflecting: error).contains(badToken)
        let showsRootToken = error.description.contains(server.rootToken)
        #expect(!showsBadToken)
        #expect(!showsRootToken)
    }

    @Test("a policy is written, listed with LIST, read and deleted")
    func policyRoundTrip() async throws {
        let client = try await DevServer.shared().client()
        let name = "roundtrip-\(UUID().uuidString.prefix(8).lowercased())"
        let text = "path \"secret/data/\(name)/*\" {\n  capabilities = [\"read\"]\n}\n"
        let written = try await client.request(.put, "sys/policies/acl/\(name)", body: ["policy": .string(text)])
        #expect(written.status == 204)

        let listed = try await client.request(.list, "sys/policies/acl")
        let keys = listed.data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(keys.contains(name))
        #expect(keys.contains("default"))

        let read = try await client.request(.get, "sys/policies/acl/\(name)")
        #expect(read.data?["policy"]?.stringValue == text)

        _ = try await client.request(.delete, "sys/policies/acl/\(name)")
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.get, "sys/policies/acl/\(name)")
        }
        #expect(error.status == 404)
    }

    @Test("the namespace header targets a namespace")
    func namespace() async throws {
        let client = try await DevServer.shared().client()
        let namespace = "ns\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await client.request(.post, "sys/namespaces/\(namespace)", idempotent: true)
        let inside = client.with(namespace: namespace)
        let policy: JSONValue = ["policy": "path \"x/*\" {\n  capabilities = [\"read\"]\n}\n"]
        _ = try await inside.request(.put, "sys/policies/acl/only-inside", body: policy)

        let insideKeys = try await inside.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue ?? []
        #expect(insideKeys.contains("only-inside"))
        let rootKeys = try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue ?? []
        #expect(!rootKeys.contains("only-inside"))

        let error = try await #require(throws: VaultError.self) {
            try await inside.request(.get, "sys/policies/acl/absent")
        }
        #expect(error.description.hasPrefix("GET sys/policies/acl/absent (namespace \(namespace)): HTTP 404"))
    }

    @Test("a body that is not valid for the endpoint gives the server's message")
    func badRequest() async throws {
        let client = try await DevServer.shared().client()
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.put, "sys/policies/acl/bad-\(UUID().uuidString.prefix(8))", body: ["policy": "path {"])
        }
        #expect(error.status == 400)
        #expect(!error.messages.isEmpty)
        #expect(!error.description.contains("path {"))
    }

    @Test("printing a client never shows its token")
    func clientDescription() async throws {
        let server = try await DevServer.shared()
        let client = try server.client()
        var dumped = ""
        dump(client, to: &dumped)
        let inDump = dumped.contains(server.rootToken)
        let inDescription = String(describing: client).contains(server.rootToken)
        let inReflection = String(reflecting: client).contains(server.rootToken)
        #expect(!inDump)
        #expect(!inDescription)
        #expect(!inReflection)
    }
}


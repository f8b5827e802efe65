import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
import VaultAPI

/// Permission errors from the real server, worded for people: the path, the capability the
/// method needs, or that the token itself was refused; and no token anywhere in the errors or
/// the debug log.
@Suite("Permission errors against a dev server")
struct ErrorsPermissionTests {
    @Test("a token limited by a policy: each refusal names the path and the missing capability")
    func limitedToken() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let id = UUID().uuidString.prefix(8).lowercased()
        let policy = "mounts-reader-\(id)"
        _ = try await root.request(
            .put, "sys/policies/acl/\(policy)",
            body: ["policy": .string("path \"sys/mounts\" { capabilities = [\"read\"] }")], idempotent: true)
        let created = try await root.request(
            .post, "auth/token/create", body: ["policies": [.string(policy)], "ttl": "10m", "no_default_policy": true])
        let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)

        let log = LogCapture()
        let limited = try VaultClient(address: server.address, token: token, logger: log.logger)
        #expect(try await limited.request(.get, "sys/mounts").data?["sys/"] != nil, "the policy's own path works")

        let target = "sys/policies/acl/other-\(id)"
        let cases: [(HTTPMethod, JSONValue?, String)] = [
            (.get, nil, #"GET \#(target): HTTP 403: permission denied (the token lacks "read" on \#(target); add to one of its policies: path "\#(target)" { capabilities = ["read"] })"#),
            (.put, ["policy": ""], #"PUT \#(target): HTTP 403: permission denied (the token lacks "create" or "update" on \#(target); add to one of its policies: path "\#(target)" { capabilities = ["create", "update"] })"#),
            (.delete, nil, #"DELETE \#(target): HTTP 403: permission denied (the token lacks "delete" on \#(target); add to one of its policies: path "\#(target)" { capabilities = ["delete"] })"#),
            (.list, nil, #"LIST sys/policies/acl: HTTP 403: permission denied (the token lacks "list" on sys/policies/acl; add to one of its policies: path "sys/policies/acl" { capabilities = ["list"] })"#),
        ]
        var texts: [String] = []
        for (method, body, expected) in cases {
            let path = method == .list ? "sys/policies/acl" : target
            let error = try await #require(throws: VaultError.self) { try await limited.request(method, path, body: body) }
            #expect(error.isPermissionDenied)
            #expect(error.denial == .missingCapability)
            #expect(error.description == expected)
            texts.append(error.description)
            texts.append(String(reflecting: error))
        }

        // The token revoked: the same read is now refused as a token problem.
        _ = try await root.request(.post, "auth/token/revoke", body: ["token": .string(token)])
        let revoked = try await #require(throws: VaultError.self) { try await limited.request(.get, "sys/mounts") }
        #expect(revoked.denial == .tokenNotAccepted)
        #expect(revoked.description == "GET sys/mounts: HTTP 403: permission denied (the token is invalid, expired or revoked)")
        texts.append(revoked.description)

        // No token at all.
        let anonymous = try await #require(throws: VaultError.self) { try await limited.with(token: nil).request(.get, "sys/mounts") }
        #expect(anonymous.description == "GET sys/mounts: HTTP 403: permission denied (no token was sent; this path needs one)")

        // Booleans only: a failed expectation prints its operands, and those must not be tokens.
        let leaked = (texts + [log.text]).contains { $0.contains(token) || $0.contains(server.rootToken) }
        #expect(!leaked, "a token reached an error message or the log")
        #expect(log.text.contains("GET \(target) → 403"), "the debug log shows the requests")
    }

    @Test("a token of a parent namespace refused in a child: the rule to add names the child's path from the token's namespace, with a LIST's trailing slash")
    func tokenOfParentNamespace() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let parent = "perm-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await root.request(.post, "sys/namespaces/\(parent)", idempotent: true)
        let inParent = root.with(namespace: parent)
        _ = try await inParent.request(.post, "sys/namespaces/dev", idempotent: true)
        // `+/sys/policies/acl` grants "list" at the path as written, but a LIST is checked at
        // `dev/sys/policies/acl/`, where the more specific `+/sys/policies/acl/*` decides.
        _ = try await inParent.request(
            .put, "sys/policies/acl/tenant-admin",
            body: ["policy": #"path "+/sys/policies/acl" { capabilities = ["list"] } path "+/sys/policies/acl/*" { capabilities = ["read"] }"#],
            idempotent: true)
        let created = try await inParent.request(.post, "auth/token/create", body: ["policies": ["tenant-admin"], "ttl": "10m"])
        let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
        let child = root.with(token: token).with(namespace: "\(parent)/dev")

        let listing = try await #require(throws: VaultError.self) { try await child.request(.list, "sys/policies/acl") }
        #expect(listing.description == #"LIST sys/policies/acl (namespace \#(parent)/dev): HTTP 403: permission denied (the token lacks "list" on dev/sys/policies/acl/; it has "read" there; add to one of its policies (tenant-admin, in namespace \#(parent)): path "dev/sys/policies/acl/" { capabilities = ["read", "list"] })"#)
        let reading = try await #require(throws: VaultError.self) { try await child.request(.get, "sys/mounts") }
        #expect(reading.description.hasSuffix(#"(the token lacks "read" on dev/sys/mounts; it has no capability there; add to one of its policies (tenant-admin, in namespace \#(parent)): path "dev/sys/mounts" { capabilities = ["read"] })"#), "\(reading)")

        // The rule the message gives works.
        _ = try await inParent.request(
            .put, "sys/policies/acl/tenant-admin",
            body: ["policy": #"path "+/sys/policies/acl/*" { capabilities = ["read"] } path "dev/sys/policies/acl/" { capabilities = ["read", "list"] }"#],
            idempotent: true)
        #expect(try await child.request(.list, "sys/policies/acl").data?["keys"] != nil)
        let tokenShown = listing.description.contains(token) || reading.description.contains(token)
        #expect(!tokenShown)
    }

    @Test("a canary token echoed back by the server is redacted from errors and from the log")
    func canary() async throws {
        let server = try await DevServer.shared()
        let canary = "s.CANARY\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        let log = LogCapture()
        let client = try VaultClient(address: server.address, token: canary, logger: log.logger)
        // The token in the path too: the server answers with an error naming the path.
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.get, "auth/token/lookup/\(canary)")
        }
        var dumped = ""
        dump(error, to: &dumped)
        dump(client, to: &dumped)
        let leaked = [error.description, String(reflecting: error), dumped, log.text].contains { $0.contains(canary) }
        #expect(!leaked)
        #expect(error.description.hasPrefix("GET auth/token/lookup/<redacted>: HTTP 403"))
        #expect(log.text.contains("GET auth/token/lookup/<redacted> → 403"))
    }
}


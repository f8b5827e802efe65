import Foundation
import Testing
import TestSupport
@testable import VaultAPI

/// How errors are worded, from the server's real bodies (OpenBao 2.7.2), without a server.
@Suite("Error messages")
struct ErrorsMessageTests {
    private static let lacking = #"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#
    private static let bare = #"{"errors":["permission denied"]}"#

    private func error(
        _ method: HTTPMethod, _ path: String, status: Int = 403, body: String, token: String? = "s.token",
        namespace: String? = nil
    ) async throws -> VaultError {
        let client = VaultClient(transport: ScriptedTransport([.respond(status, body)]), token: token, namespace: namespace)
        return try await #require(throws: VaultError.self) { try await client.request(method, path, body: method == .get || method == .list ? nil : [:]) }
    }

    @Test("a token lacking a capability: the path and the capability the method needs")
    func missingCapability() async throws {
        // Without an answer from sys/capabilities-self (the script has none), the block
        // names just what the method needs.
        let block = { (capabilities: String) in #"; add to one of its policies: path "sys/policies/acl/x" { capabilities = ["# + capabilities + "] })" }
        let cases: [(HTTPMethod, String)] = [
            (.get, #"(the token lacks "read" on sys/policies/acl/x"# + block(#""read""#)),
            (.list, #"(the token lacks "list" on sys/policies/acl/x"# + block(#""list""#)),
            (.delete, #"(the token lacks "delete" on sys/policies/acl/x"# + block(#""delete""#)),
            (.put, #"(the token lacks "create" or "update" on sys/policies/acl/x"# + block(#""create", "update""#)),
            (.post, #"(the token lacks "create" or "update" on sys/policies/acl/x"# + block(#""create", "update""#)),
            (.patch, #"(the token lacks "patch" on sys/policies/acl/x"# + block(#""patch""#)),
        ]
        for (method, explanation) in cases {
            let error = try await error(method, "sys/policies/acl/x", body: Self.lacking)
            #expect(error.denial == .missingCapability)
            #expect(error.isPermissionDenied)
            #expect(error.description == "\(method) sys/policies/acl/x: HTTP 403: permission denied \(explanation)")
        }
    }

    @Test("a 403 asks sys/capabilities-self what the token has there, and names the capability and the policy block that add it")
    func missingCapabilityWithWhatTheTokenHas() async throws {
        let path = "vaultform-lock/data/apply"
        func denied(_ method: HTTPMethod, has: [String]) async throws -> VaultError {
            let answer = #"{"data":{"capabilities":["# + has.map { "\"\($0)\"" }.joined(separator: ",") + #"],"\#(path)":["#
                + has.map { "\"\($0)\"" }.joined(separator: ",") + "]}}"
            // The refusal; lookup-self refused too (the token's policies stay unknown); the answer.
            let client = VaultClient(
                transport: ScriptedTransport([.respond(403, Self.lacking), .respond(403, Self.lacking), .respond(200, answer)]), token: "s.token")
            return try await #require(throws: VaultError.self) { try await client.request(method, path, body: method == .get ? nil : [:]) }
        }
        // A token that may update but not create: the entry is new, and "create" is missing.
        let create = try await denied(.post, has: ["read", "update"])
        #expect(create.granted == ["read", "update"])
        #expect(create.missingCapabilities == ["create"])
        #expect(create.description == #"POST vaultform-lock/data/apply: HTTP 403: permission denied (the token lacks "create" on vaultform-lock/data/apply; it has "read", "update" there; add to one of its policies: path "vaultform-lock/data/apply" { capabilities = ["create", "read", "update"] })"#)
        // With the token's policies (lookup-self), the message names where to add the block;
        // never the default policy, which every token carries.
        let answer = #"{"data":{"capabilities":["read"],"\#(path)":["read"]}}"#
        let lookup = #"{"data":{"display_name":"approle","policies":["default","hoodcloud-admin"],"path":"auth/approle/login","meta":{"role_name":"hoodcloud-admin"}}}"#
        let named = VaultClient(
            transport: ScriptedTransport([.respond(403, Self.lacking), .respond(200, lookup), .respond(200, answer)]), token: "s.token")
        let withPolicies = try await #require(throws: VaultError.self) { try await named.request(.post, path, body: [:]) }
        #expect(withPolicies.tokenPolicies == ["default", "hoodcloud-admin"])
        #expect(withPolicies.description.hasSuffix(#"it has "read" there; add to one of its policies (hoodcloud-admin): path "vaultform-lock/data/apply" { capabilities = ["create", "read", "update"] })"#), "\(withPolicies)")
        let update = try await denied(.put, has: ["create"])
        #expect(update.missingCapabilities == ["update"])
        // Everything the method needs and still refused: a root-protected path, which needs sudo.
        let sudo = try await denied(.get, has: ["read", "list"])
        #expect(sudo.missingCapabilities == ["sudo"])
        #expect(sudo.description.hasSuffix(#"(the token lacks "sudo" on vaultform-lock/data/apply; it has "read", "list" there; add to one of its policies: path "vaultform-lock/data/apply" { capabilities = ["read", "list", "sudo"] })"#), "\(sudo)")
        // Nothing at all (the server says ["deny"]): both write capabilities.
        let none = try await denied(.post, has: ["deny"])
        #expect(none.description.hasSuffix(#"(the token lacks "create" or "update" on vaultform-lock/data/apply; it has no capability there; add to one of its policies: path "vaultform-lock/data/apply" { capabilities = ["create", "update"] })"#))
    }

    @Test("the namespace is named")
    func namespace() async throws {
        let error = try await error(.put, "sys/mounts/kv", body: Self.lacking, namespace: "team1")
        #expect(error.description == #"PUT sys/mounts/kv (namespace team1): HTTP 403: permission denied (the token lacks "create" or "update" on sys/mounts/kv; add to one of its policies: path "sys/mounts/kv" { capabilities = ["create", "update"] })"#)
    }

    @Test("a bare permission denied: the token is not accepted, or none was sent")
    func badOrMissingToken() async throws {
        let bad = try await error(.get, "sys/mounts", body: Self.bare)
        #expect(bad.denial == .tokenNotAccepted)
        #expect(bad.description == "GET sys/mounts: HTTP 403: permission denied (the token is invalid, expired or revoked)")
        let none = try await error(.get, "sys/mounts", body: Self.bare, token: nil)
        #expect(none.denial == .noToken)
        #expect(none.description == "GET sys/mounts: HTTP 403: permission denied (no token was sent; this path needs one)")
    }

    @Test("other statuses keep the server's words and the status")
    func otherStatuses() async throws {
        let missing = try await error(.get, "sys/mounts/x", status: 400, body: #"{"errors":["no mount at x"]}"#)
        #expect(missing.description == "GET sys/mounts/x: HTTP 400: no mount at x")
        #expect(missing.denial == nil)
        let route = try await error(.get, "nope/foo", status: 404, body: #"{"errors":["no handler for route \"nope/foo\". route entry not found."]}"#)
        #expect(route.description == #"GET nope/foo: HTTP 404: no handler for route "nope/foo". route entry not found."#)
    }

    @Test("a canary token never reaches a message, a dump or a log line, even when the server echoes it")
    func canary() async throws {
        let canary = "s.CANARY-\(UUID().uuidString)"
        let log = LogCapture()
        let transport = ScriptedTransport([
            .respond(400, #"{"errors":["bad token \#(canary) in request"]}"#),
        ])
        let client = VaultClient(transport: transport, token: canary, logger: log.logger)
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.post, "auth/token/lookup/\(canary)", body: ["token": .string(canary)])
        }
        var dumped = ""
        dump(error, to: &dumped)
        // A client holding the token (with a transport that has recorded nothing: the scripted
        // transport keeps the requests it was sent, which is test machinery, not the client).
        dump(VaultClient(transport: ScriptedTransport([scriptedOK]), token: canary), to: &dumped)
        let texts = [error.description, String(reflecting: error), dumped, log.text, "\(error.messages)", error.path]
        let leaks = texts.filter { $0.contains(canary) }.count
        #expect(leaks == 0, "\(texts.map { $0.contains(canary) })")
        #expect(!log.text.contains(canary))
        #expect(!error.description.contains(canary))
        #expect(error.description.contains("<redacted>"))
        #expect(log.text.contains("POST auth/token/lookup/<redacted> → 400"))
    }
}

/// The redaction every request's path and every error message goes through: its byte-level
/// path for ASCII must hide exactly what Foundation's search hides.
@Suite struct ByteRedactionTests {
    @Test("ASCII redaction matches Foundation's replacingOccurrences on random text, overlaps and repeats included")
    func asciiMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab/-x")
        for _ in 0..<3000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let secret = String((0..<Int.random(in: 4...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let expected = text.replacingOccurrences(of: secret, with: "<redacted>")
            #expect(VaultError.redact(text, [secret]) == expected, "\(text) / \(secret)")
        }
        #expect(VaultError.redact("sys/aaaaa", ["aaaa"]) == "sys/<redacted>a")
        #expect(VaultError.redact("abc", ["abc"]) == "abc", "a secret under four characters is not redacted")
    }

    @Test("non-ASCII text or secrets go through Foundation, canonical equivalents included")
    func nonASCII() {
        let composed = "s\u{E9}cret-value", decomposed = "se\u{301}cret-value"
        #expect(VaultError.redact("path/\(decomposed)/x", [composed]) == "path/\(decomposed)/x".replacingOccurrences(of: composed, with: "<redacted>"))
        #expect(VaultError.redact("path/\(composed)/x", [composed]) == "path/<redacted>/x")
    }
}

import Foundation
import Testing
@testable import VaultAPI

@Suite("Request paths that would reach another endpoint")
struct PathSafetyTests {
    static let refused = [
        "a/../b", "team-a/../../sys/seal", "a//b", "./x", "a/./b", "a/..", "..", "%2e%2e/sys/seal", "a/%2E%2e/b",
        "a/%2e/b", "a/%252e%252e/b", "a/.%2e/b", "a\\..\\b", "a/b\\c", "a/%2fb", "a/\u{0}b", "a/b\nc", "a/\u{7F}",
    ]

    @Test("the client refuses the path with a clear error and sends nothing", arguments: refused)
    func refusedBeforeSending(path: String) async throws {
        let transport = ScriptedTransport([.respond(204, "")])
        let client = VaultClient(transport: transport, token: "s.token-value", retryPolicy: .never)
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.post, path, body: ["type": "kv"])
        }
        #expect(error.code == .invalidRequest)
        #expect(error.description.contains("refusing to send a request whose path"), "\(error)")
        #expect(transport.requests.isEmpty, "a request was sent for \(path)")
    }

    @Test("ordinary paths, a trailing slash and names with dots are still sent")
    func ordinaryPathsPass() async throws {
        let transport = ScriptedTransport([.respond(204, "")])
        let client = VaultClient(transport: transport, token: "s.token-value", retryPolicy: .never)
        for path in ["sys/mounts/secret/", "/v1/sys/policies/acl/p1", "kv/data/app.config/v1.2", "kv/data/...x", "kv/data/a b?c#d"] {
            _ = try await client.request(.get, path)
        }
        #expect(transport.requests.count == 5)
        #expect(transport.requests.last?.path == "/v1/kv/data/a%20b%3Fc%23d")
    }
}

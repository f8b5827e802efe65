import Foundation
import Testing
import VaultAPI

/// A transport that answers every request with one canned response and records requests.
final class CannedTransport: HTTPTransport, @unchecked Sendable {
    let baseURL = URL(fileURLWithPath: "/")  // never dialled
    private let response: HTTPResponse
    private let lock = NSLock()
    private var sent: [HTTPRequest] = []

    init(status: Int, body: String) {
        response = HTTPResponse(status: status, body: Data(body.utf8))
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { sent.append(request) }
        return response
    }

    var requests: [HTTPRequest] { lock.withLock { sent } }
}

/// What the client sends and how it words errors, without a server.
@Suite("Vault client with a canned transport")
struct FakeTransportTests {
    @Test("multierror messages are reduced to their items")
    func multierror() async throws {
        let transport = CannedTransport(status: 403, body: #"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#)
        let client = VaultClient(transport: transport, token: "s.secret-token")
        let error = try await #require(throws: VaultError.self) {
            try await client.request(.get, "sys/policies/acl/x")
        }
        #expect(error.description == #"GET sys/policies/acl/x: HTTP 403: permission denied (the token lacks "read" on sys/policies/acl/x; add to one of its policies: path "sys/policies/acl/x" { capabilities = ["read"] })"#)
    }

    @Test("a 404 without messages still names method, path and status")
    func emptyErrors() async throws {
        let client = VaultClient(transport: CannedTransport(status: 404, body: #"{"errors":[]}"#))
        let error = try await #require(throws: VaultError.self) { try await client.request(.list, "/v1/secret/metadata") }
        #expect(error.description == "LIST secret/metadata: HTTP 404 Not Found")
    }

    @Test("a sealed server is recognised")
    func sealed() async throws {
        let client = VaultClient(
            transport: CannedTransport(status: 503, body: #"{"errors":["Vault is sealed"]}"#), retryPolicy: .never)
        let error = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/mounts") }
        #expect(error.isSealed)
        #expect(error.code == .sealed)
    }

    @Test("a token echoed by the server is redacted from the error")
    func echoedToken() async throws {
        let token = "s.echoed-\(UUID().uuidString)"
        let transport = CannedTransport(status: 400, body: #"{"errors":["bad token \#(token)"]}"#)
        let client = VaultClient(transport: transport, token: token)
        let error = try await #require(throws: VaultError.self) { try await client.request(.get, "auth/token/lookup-self") }
        let showsToken = error.description.contains(token)
        #expect(!showsToken)
        #expect(error.description.contains("<redacted>"))
    }

    @Test("an unreadable success body is reported by field, without its value")
    func decodingFailure() async throws {
        let client = VaultClient(transport: CannedTransport(status: 200, body: #"{"initialized":"secret-value","sealed":false}"#))
        let error = try await #require(throws: VaultError.self) { try await client.health() }
        #expect(error.code == .invalidResponse)
        #expect(error.description.contains("initialized"))
        #expect(!error.description.contains("secret-value"))
    }

    @Test("headers, path encoding, query and body are sent as Vault expects")
    func requestShape() async throws {
        let transport = CannedTransport(status: 204, body: "")
        let client = VaultClient(transport: transport, token: "s.abc", namespace: "team1")
        let response = try await client.request(
            .put, "secret/data/a b/ü", query: ["z": "1", "a": "x y"], body: ["data": ["k": 1]])
        #expect(response.status == 204)
        #expect(response.json == nil)
        let sent = try #require(transport.requests.first)
        #expect(sent.method == .put)
        #expect(sent.path == "/v1/secret/data/a%20b/%C3%BC?a=x%20y&z=1")
        #expect(sent.headers["x-vault-token"] == "s.abc")
        #expect(sent.headers["X-Vault-Namespace"] == "team1")
        #expect(sent.body.map { String(decoding: $0, as: UTF8.self) } == #"{"data":{"k":1}}"#)
        #expect(!String(describing: sent.headers).contains("s.abc"))
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// A standby that does not forward: a loopback listener in the test that answers every
/// request with `307 Temporary Redirect` to the active node (the shared dev server), as a
/// Vault standby does with request forwarding off.
@Suite("Standby redirects through libcurl")
struct RetryStandbyRedirectTests {
    @Test("reads and writes sent to a standby reach the active node; the standby sees each request once")
    func followsToActive() async throws {
        let active = try await DevServer.shared()
        let standby = try RedirectingStandby(active: active.address)
        defer { standby.close() }
        let log = LogCapture()
        var client = try VaultClient(
            address: #require(URL(string: "http://127.0.0.1:\(standby.port)")), token: active.rootToken)
        client.logger = log.logger

        let mounts = try await client.request(.get, "sys/mounts")
        #expect(mounts.data?["sys/"] != nil)
        let name = "standby-\(UUID().uuidString.prefix(8).lowercased())"
        let written = try await client.request(
            .put, "sys/policies/acl/\(name)", body: ["policy": "path \"x\" { capabilities = [\"read\"] }"])
        #expect(written.status == 204)
        let listed = try await client.request(.list, "sys/policies/acl")
        #expect(listed.data?["keys"]?.arrayValue?.contains(.string(name)) == true)

        #expect(standby.requestLines == ["GET /v1/sys/mounts", "PUT /v1/sys/policies/acl/\(name)", "LIST /v1/sys/policies/acl"])
        #expect(log.text.contains("GET sys/mounts: HTTP 307 from a standby; following to the active node at \(active.address.absoluteString)"))
        #expect(!log.text.contains(active.rootToken))
    }
}

/// A standby with request forwarding off, on a loopback responder: every request is
/// answered 307 with `Location` = the active node + the request target.
final class RedirectingStandby: Sendable {
    private let responder: LoopbackHTTPResponder

    var port: Int { responder.port }

    /// "METHOD target" of each request received.
    var requestLines: [String] { responder.requests.map { "\($0.method) \($0.target)" } }

    init(active: URL) throws {
        var text = active.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        let activeNode = text
        responder = try LoopbackHTTPResponder(name: "redirecting-standby") { request in
            .init(status: 307, reason: "Temporary Redirect", headers: [("Location", activeNode + request.target)])
        }
    }

    func close() { responder.close() }
}

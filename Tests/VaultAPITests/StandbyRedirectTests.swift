import Foundation
import Testing
import VaultAPI

/// Which redirects the client follows, decided without a server.
@Suite("Standby redirects")
struct StandbyRedirectTests {
    private let requested = URL(string: "https://vault-2.internal:8200/v1/sys/mounts?x=1")!

    private func decide(
        _ status: Int, _ location: String?, from url: URL? = nil, followed: Int = 0, limit: Int = 2
    ) -> StandbyRedirect? {
        StandbyRedirect.decide(status: status, location: location, requested: url ?? requested, followed: followed, limit: limit)
    }

    @Test("a standby's 307 to the active node is followed to the same path and query")
    func follow307() throws {
        let decision = decide(307, "https://vault-1.internal:8200/v1/sys/mounts?x=1")
        #expect(decision == .follow(origin: try #require(URL(string: "https://vault-1.internal:8200")), path: "/v1/sys/mounts?x=1"))
        let permanent = decide(308, "https://vault-1.internal:8200/v1/sys/mounts")
        #expect(permanent == .follow(origin: try #require(URL(string: "https://vault-1.internal:8200")), path: "/v1/sys/mounts"))
    }

    @Test("percent-encoded paths stay encoded; a relative Location resolves against the request")
    func encodingAndRelative() throws {
        let encoded = decide(307, "https://vault-1.internal/v1/secret/data/a%20b/%C3%BC")
        #expect(encoded == .follow(origin: try #require(URL(string: "https://vault-1.internal")), path: "/v1/secret/data/a%20b/%C3%BC"))
        let relative = decide(307, "/v1/sys/mounts")
        #expect(relative == .follow(origin: try #require(URL(string: "https://vault-2.internal:8200")), path: "/v1/sys/mounts"))
    }

    @Test("not a redirect: nil")
    func notARedirect() {
        for status in [200, 204, 304, 400, 403, 429, 503] { #expect(decide(status, "https://x/") == nil, "\(status)") }
    }

    @Test("a change of scheme is refused, both ways, and names only the origin")
    func schemeChange() {
        guard case .refuse(let downgrade) = decide(307, "http://vault-1.internal:8200/v1/sys/mounts?token=abc") else {
            Issue.record("an https → http redirect was followed")
            return
        }
        #expect(downgrade == "the standby redirected from https to http://vault-1.internal:8200, a change of scheme; not followed")
        #expect(!downgrade.contains("token=abc"))
        let plain = URL(string: "http://127.0.0.1:8200/v1/sys/mounts")!
        guard case .refuse = decide(307, "https://127.0.0.1:8201/v1/sys/mounts", from: plain) else {
            Issue.record("an http → https redirect was followed")
            return
        }
    }

    @Test("redirects Vault does not send, redirects without a usable Location, credentials and loops are refused")
    func refusals() {
        let refused = { (decision: StandbyRedirect?) in if case .refuse = decision { true } else { false } }
        for status in [301, 302, 303] { #expect(refused(decide(status, "https://vault-1.internal/v1/sys/mounts")), "\(status)") }
        #expect(refused(decide(307, nil)))
        #expect(refused(decide(307, "")))
        #expect(refused(decide(307, "https://user:pass@vault-1.internal/v1/sys/mounts")))
        #expect(refused(decide(307, "https://vault-1.internal/v1/sys/mounts", followed: 2, limit: 2)))
        #expect(!refused(decide(307, "https://vault-1.internal/v1/sys/mounts", followed: 1, limit: 2)))
        if case .refuse(let loop) = decide(307, "https://vault-1.internal/v1/sys/mounts", followed: 2, limit: 2) {
            #expect(loop.contains("more than 2 times"))
        }
    }
}

import Foundation
import Testing
import VaultAPI

/// A redirect obeys the same plain-HTTP rule as the configured address: plain http only to a
/// loopback host, unless --allow-insecure-http. Decided before anything is sent there.
@Suite("Standby redirects: the plain-HTTP rule")
struct RedirectSafetyTests {
    let requested = URL(string: "http://127.0.0.1:8200/v1/sys/health")!

    @Test("plain http to a host that is not loopback is refused, naming only its origin")
    func plainHTTPElsewhereRefused() {
        for location in ["http://192.0.2.1:8200/v1/sys/health?x=secret", "http://vault-1.internal/v1/sys/health", "http://[2001:db8::1]:8200/v1/x"] {
            let decision = StandbyRedirect.decide(status: 307, location: location, requested: requested, followed: 0, limit: 2)
            guard case .refuse(let reason) = decision else {
                Issue.record("\(location) was followed")
                continue
            }
            #expect(reason.contains("plain http:// to a host that is not loopback"), "\(reason)")
            #expect(reason.contains("--allow-insecure-http"))
            #expect(!reason.contains("secret") && !reason.contains("/v1/"))
        }
    }

    @Test("plain http on loopback is followed; with --allow-insecure-http anywhere; https as before")
    func allowed() throws {
        let loopback = StandbyRedirect.decide(
            status: 307, location: "http://127.0.0.2:8200/v1/sys/health", requested: requested, followed: 0, limit: 2)
        #expect(loopback == .follow(origin: try #require(URL(string: "http://127.0.0.2:8200")), path: "/v1/sys/health"))
        let localhost = StandbyRedirect.decide(
            status: 307, location: "http://localhost:8202/v1/sys/health", requested: requested, followed: 0, limit: 2)
        #expect(localhost == .follow(origin: try #require(URL(string: "http://localhost:8202")), path: "/v1/sys/health"))
        let insecure = StandbyRedirect.decide(
            status: 307, location: "http://192.0.2.1:8200/v1/sys/health", requested: requested, followed: 0, limit: 2,
            allowInsecureHTTP: true)
        #expect(insecure == .follow(origin: try #require(URL(string: "http://192.0.2.1:8200")), path: "/v1/sys/health"))
        let tls = StandbyRedirect.decide(
            status: 307, location: "https://192.0.2.1:8200/v1/sys/health", requested: try #require(URL(string: "https://127.0.0.1:8200/v1/sys/health")),
            followed: 0, limit: 2)
        #expect(tls == .follow(origin: try #require(URL(string: "https://192.0.2.1:8200")), path: "/v1/sys/health"))
    }

    @Test("the client refuses such a redirect without sending anything, the token included, to the new origin")
    func clientSendsNothing() async throws {
        let transport = ScriptedTransport([.respond(307, "", headers: ["Location": "http://192.0.2.1:8200/v1/sys/mounts"]), scriptedOK])
        let client = VaultClient(transport: transport, token: "s.canary-redirect")
        let error = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/mounts") }
        #expect(transport.requests.count == 1)
        #expect(transport.requests.allSatisfy { $0.origin == nil })
        #expect(error.description.contains("plain http:// to a host that is not loopback"))
        #expect(!error.description.contains("s.canary-redirect"))
    }
}

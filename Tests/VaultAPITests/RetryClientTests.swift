import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
import VaultAPI

/// A transport that plays a script: one step per request (the last repeats), and records what
/// it was sent. A step is a response or a transport failure.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(Int, String, headers: HTTPHeaders = [:])
        case fail(HTTPTransportError.Code)
    }

    let baseURL = URL(string: "http://127.0.0.1:8200")!
    private let steps: [Step]
    private let sent = Mutex<[HTTPRequest]>([])

    init(_ steps: [Step]) { self.steps = steps }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = sent.withLock {
            $0.append(request)
            return $0.count - 1
        }
        switch steps[min(index, steps.count - 1)] {
        case .respond(let status, let body, let headers):
            return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .fail(let code):
            throw HTTPTransportError(code: code, url: "http://127.0.0.1:8200/v1/x", detail: "scripted \(code)")
        }
    }
}


/// Fast pauses, so the tests exercise the loop without waiting.
private let quick = RetryPolicy(
    baseDelay: .milliseconds(2), maxDelay: .milliseconds(10), maxAttempts: 5, sealedWait: .milliseconds(200),
    sealedPollDelay: .milliseconds(20))

let scriptedOK = ScriptedTransport.Step.respond(200, #"{"data":{"ok":true}}"#)

@Suite("Client retries, redirects and sealed servers, with a scripted transport")
struct RetryClientTests {
    @Test("a read that meets 503 and 502 is retried and succeeds; attempts and pauses are logged")
    func readRetried() async throws {
        let transport = ScriptedTransport([.respond(503, #"{"errors":["local node not active"]}"#), .respond(502, "<html>"), scriptedOK])
        let log = LogCapture()
        let client = VaultClient(transport: transport, token: "s.t", retryPolicy: quick, logger: log.logger)
        let response = try await client.request(.get, "sys/mounts")
        #expect(response.data?["ok"] == true)
        #expect(transport.requests.count == 3)
        #expect(log.text.contains("GET sys/mounts: attempt 1 failed (HTTP 503); retrying in "))
        #expect(log.text.contains("GET sys/mounts: attempt 2 failed (HTTP 502); retrying in "))
        #expect(log.text.contains("GET sys/mounts → 200"))
    }

    @Test("a write not marked idempotent is not repeated after a 502 or a timeout; marked, it is")
    func writesNeedIdempotence() async throws {
        for failure: ScriptedTransport.Step in [.respond(502, "bad gateway"), .fail(.timedOut)] {
            let once = ScriptedTransport([failure, scriptedOK])
            let client = VaultClient(transport: once, retryPolicy: quick)
            await #expect(throws: VaultError.self) { try await client.request(.post, "sys/mounts/kv", body: ["type": "kv"]) }
            #expect(once.requests.count == 1)

            let twice = ScriptedTransport([failure, scriptedOK])
            let idempotent = VaultClient(transport: twice, retryPolicy: quick)
            _ = try await idempotent.request(.put, "sys/policies/acl/p", body: ["policy": ""], idempotent: true)
            #expect(twice.requests.count == 2)
            #expect(twice.requests.map(\.body) == [twice.requests[0].body, twice.requests[0].body], "the same body again")
        }
    }

    @Test("a KV v2 mount still upgrading its storage (400) is waited for, even for a write; other 400s are final")
    func upgradingMount() async throws {
        let upgrading = #"{"errors":["Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly."]}"#
        let transport = ScriptedTransport([.respond(400, upgrading), .respond(400, upgrading), scriptedOK])
        let client = VaultClient(transport: transport, retryPolicy: quick)
        _ = try await client.request(.post, "secret/data/app", body: ["data": [:], "options": ["cas": 0]])
        #expect(transport.requests.count == 3)

        let other = ScriptedTransport([.respond(400, #"{"errors":["check-and-set parameter did not match the current version"]}"#), scriptedOK])
        await #expect(throws: VaultError.self) {
            try await VaultClient(transport: other, retryPolicy: quick).request(.post, "secret/data/app", body: ["data": [:]])
        }
        #expect(other.requests.count == 1)
    }

    @Test("connection refused and 429 are retried even for a write: the server never acted")
    func refusedWrite() async throws {
        let transport = ScriptedTransport([
            .fail(.connectionRefused), .respond(429, #"{"errors":["rate limit quota exceeded"]}"#), scriptedOK,
        ])
        let client = VaultClient(transport: transport, retryPolicy: quick)
        _ = try await client.request(.post, "auth/approle/role/r/secret-id", body: [:])
        #expect(transport.requests.count == 3)
    }

    @Test("Retry-After is waited for")
    func retryAfter() async throws {
        let transport = ScriptedTransport([
            .respond(429, #"{"errors":["request path \"sys/mounts\": rate limit quota exceeded"]}"#, headers: ["Retry-After": "1"]), scriptedOK,
        ])
        let client = VaultClient(transport: transport, retryPolicy: quick)
        let started = ContinuousClock.now
        _ = try await client.request(.get, "sys/mounts")
        #expect(ContinuousClock.now - started >= .seconds(1))
    }

    @Test("repeated 429s end with the server's message, the status and the attempts")
    func exhausted() async throws {
        let transport = ScriptedTransport([.respond(429, #"{"errors":["request path \"sys/mounts\": rate limit quota exceeded"]}"#)])
        let client = VaultClient(transport: transport, retryPolicy: quick)
        let error = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/mounts") }
        #expect(transport.requests.count == 5)
        #expect(error.status == 429)
        #expect(error.retries?.attempts == 5)
        #expect(error.description.hasPrefix(#"GET sys/mounts: HTTP 429: request path "sys/mounts": rate limit quota exceeded (5 attempts over "#))
    }

    @Test("sealed: polled for sealedWait, then code .sealed with a message that says so, not HTTP 503")
    func sealed() async throws {
        let transport = ScriptedTransport([.respond(503, #"{"errors":["Vault is sealed"]}"#)])
        let client = VaultClient(transport: transport, namespace: "team1", retryPolicy: quick)
        let started = ContinuousClock.now
        let error = try await #require(throws: VaultError.self) { try await client.request(.post, "sys/mounts/kv", body: [:]) }
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(transport.requests.count >= 2)
        #expect(error.code == .sealed)
        #expect(error.isSealed)
        #expect(error.status == 503)
        #expect(error.description.hasPrefix(
            "POST sys/mounts/kv (namespace team1): the server at http://127.0.0.1:8200 is sealed; unseal it (vaultform unseal, or bao operator unseal) and retry (still sealed after "))
        #expect(!error.description.contains("HTTP 503"))

        let probe = ScriptedTransport([.respond(503, #"{"initialized":true,"sealed":true,"standby":true,"version":"2.7.2"}"#)])
        let once = try await #require(throws: VaultError.self) {
            try await VaultClient(transport: probe, retryPolicy: .never).request(.get, "sys/health")
        }
        #expect(probe.requests.count == 1)
        #expect(once.code == .sealed, "sys/health's sealed: true counts as sealed")
        #expect(once.description == "GET sys/health: the server at http://127.0.0.1:8200 is sealed; unseal it (vaultform unseal, or bao operator unseal) and retry")
    }

    @Test("a server unsealed during the wait answers the request")
    func unsealedDuringWait() async throws {
        let sealed = ScriptedTransport.Step.respond(503, #"{"errors":["Vault is sealed"]}"#)
        let transport = ScriptedTransport([sealed, sealed, sealed, scriptedOK])
        var patient = quick
        patient.sealedWait = .seconds(60)  // ends at the fourth answer; long only on a starved machine
        let response = try await VaultClient(transport: transport, retryPolicy: patient).request(.get, "sys/mounts")
        #expect(response.status == 200)
    }

    @Test("a standby's 307 is followed to the active node with the same method, body and headers")
    func redirect() async throws {
        let transport = ScriptedTransport([
            .respond(307, "", headers: ["Location": "http://10.0.0.7:8200/v1/sys/policies/acl/p"]), .respond(204, ""),
        ])
        let log = LogCapture()
        var client = VaultClient(transport: transport, token: "s.canary-redirect", namespace: "team1", logger: log.logger)
        client.allowInsecureHTTP = true  // plain http to a host that is not loopback (RedirectSafetyTests)
        let response = try await client.request(.put, "sys/policies/acl/p", body: ["policy": "x"])
        #expect(response.status == 204)
        let (first, second) = (transport.requests[0], transport.requests[1])
        #expect(first.origin == nil)
        #expect(second.origin == URL(string: "http://10.0.0.7:8200"))
        #expect(second.path == "/v1/sys/policies/acl/p")
        #expect(second.method == .put && second.body == first.body && second.headers == first.headers)
        #expect(log.text.contains("PUT sys/policies/acl/p: HTTP 307 from a standby; following to the active node at http://10.0.0.7:8200"))
        #expect(!log.text.contains("s.canary-redirect"))
    }

    @Test("a redirect that changes the scheme is refused with the reason; retries go back to the configured address")
    func redirectRefused() async throws {
        let transport = ScriptedTransport([.respond(307, "", headers: ["Location": "https://10.0.0.7:8200/v1/sys/mounts"])])
        let error = try await #require(throws: VaultError.self) {
            try await VaultClient(transport: transport, retryPolicy: quick).request(.get, "sys/mounts")
        }
        #expect(error.description == "GET sys/mounts: HTTP 307: the standby redirected from http to https://10.0.0.7:8200, a change of scheme; not followed")

        let flaky = ScriptedTransport([
            .respond(307, "", headers: ["Location": "http://10.0.0.7:8200/v1/sys/mounts"]), .fail(.connectionRefused), scriptedOK,
        ])
        var insecure = VaultClient(transport: flaky, retryPolicy: quick)
        insecure.allowInsecureHTTP = true
        _ = try await insecure.request(.get, "sys/mounts")
        #expect(flaky.requests.map(\.origin) == [nil, URL(string: "http://10.0.0.7:8200"), nil])
    }

    @Test("the deadline ends the retries with a clear message, in time")
    func deadline() async throws {
        let transport = ScriptedTransport([.fail(.connectionRefused)])
        let policy = RetryPolicy(baseDelay: .milliseconds(50), maxDelay: .milliseconds(200), maxAttempts: 1000)
        // The deadline counts from the client's creation (a whole run's budget).
        let started = ContinuousClock.now
        let client = VaultClient(transport: transport, deadline: .seconds(2), retryPolicy: policy)
        let error = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/health") }
        // Without the deadline the 1,000 attempts would take over 3 minutes; the bound is far
        // below that and far above 2 s, as a loaded CI machine (tests blocking the cooperative
        // pool while they wait for child processes) wakes sleepers late (21 s seen at 20).
        #expect(ContinuousClock.now - started < .seconds(60), "generous: a loaded machine may start the task late")
        #expect(error.code == .connectionRefused)
        let attempts = try #require(error.retries?.attempts)
        #expect(attempts == transport.requests.count)
        #expect(error.retries?.deadline == .seconds(2))
        let counted = attempts == 1 ? "1 attempt" : "\(attempts) attempts"  // 1 only on a starved machine
        #expect(error.description == "GET sys/health: the server at http://127.0.0.1:8200 did not answer within 2s (\(counted): connection refused)")

        // Past the deadline, nothing is sent at all.
        try await Task.sleep(until: started + .milliseconds(2100))
        let late = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/health") }
        #expect(late.code == .timedOut)
        #expect(late.description == "GET sys/health: timed out at http://127.0.0.1:8200: the client's deadline of 2s passed before the request was sent")
        #expect(transport.requests.count == attempts)
    }

    @Test("each attempt's timeout is the smaller of the request timeout and what remains of the deadline")
    func attemptTimeout() async throws {
        let transport = ScriptedTransport([scriptedOK])
        _ = try await VaultClient(transport: transport, timeout: .seconds(60), deadline: .seconds(5)).request(.get, "sys/mounts")
        let timeout = try #require(transport.requests.first?.timeout)
        #expect(timeout <= .seconds(5) && timeout > .seconds(4))
        let unbounded = ScriptedTransport([scriptedOK])
        _ = try await VaultClient(transport: unbounded, timeout: .seconds(7)).request(.get, "sys/mounts")
        #expect(unbounded.requests.first?.timeout == .seconds(7))
    }
}

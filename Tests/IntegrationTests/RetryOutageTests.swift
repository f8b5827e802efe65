import Foundation
import Testing
import TestSupport
import VaultAPI

/// Outages of a real server of the test's own: one that comes back within the backoff window,
/// and one that never does.
@Suite("Retries across server outages")
struct RetryOutageTests {
    @Test("a read issued while the server is down succeeds once it is back on the same port")
    func restartedWithinWindow() async throws {
        try await DevServer.with { server in
            let log = LogCapture()
            // Polls at least every second for up to a minute: the window a run gives a
            // restarting server.
            var client = try server.client()
                .with(retryPolicy: RetryPolicy(maxDelay: .seconds(1), maxAttempts: 200))
                .with(deadline: .seconds(60))
            client.logger = log.logger
            #expect(try await client.request(.get, "sys/mounts").data?["sys/"] != nil)

            await server.stop()
            #expect(!server.isRunning)
            let started = ContinuousClock.now
            let read = Task { try await client.request(.get, "sys/mounts") }
            try await Task.sleep(for: .seconds(2))
            try await server.relaunch()
            let mounts = try await read.value
            #expect(mounts.data?["sys/"] != nil, "a fresh dev server's mounts")
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(log.text.contains("GET sys/mounts: attempt 1 failed (connection refused); retrying in "))
            #expect(log.text.contains("GET sys/mounts → 200"))
            #expect(!log.text.contains(server.rootToken))
        }
    }

    @Test("a server that never comes back: a clear error within the deadline")
    func neverBack() async throws {
        try await DevServer.with { server in
            let stopped = try server.client().with(retryPolicy: RetryPolicy(maxAttempts: 100))
            await server.stop()
            let client = stopped.with(deadline: .seconds(3))  // counted from here
            let started = ContinuousClock.now
            let error = try await #require(throws: VaultError.self) { try await client.request(.get, "sys/mounts") }
            let elapsed = ContinuousClock.now - started
            // Generous bounds: on a loaded 2-core machine, tests that block the cooperative
            // thread pool (waiting for child processes) can delay a pause by seconds.
            #expect(elapsed < .seconds(60), "\(elapsed)")
            #expect(error.code == .connectionRefused)
            let attempts = try #require(error.retries?.attempts)
            #expect(error.retries?.deadline == .seconds(3))
            let counted = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
            #expect(error.description == "GET sys/mounts: the server at \(server.address.absoluteString) did not answer within 3s (\(counted): connection refused)")
            #expect(!error.description.contains(server.rootToken))
        }
    }

    @Test("without a deadline, the attempts are bounded")
    func boundedAttempts() async throws {
        let port = try FreePort.loopback()
        let address = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let client = try VaultClient(
            address: address, retryPolicy: RetryPolicy(baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), maxAttempts: 4))
        let error = try await #require(throws: VaultError.self) { try await client.health() }
        #expect(error.retries?.attempts == 4)
        #expect(error.description.hasPrefix("GET sys/health: the server at http://127.0.0.1:\(port) did not answer within "))
        #expect(error.description.hasSuffix(" (4 attempts: connection refused)"))
    }
}

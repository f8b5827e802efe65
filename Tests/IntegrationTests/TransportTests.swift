import Foundation
import Synchronization
import Testing
@testable import VaultAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The libcurl transport: connection reuse, concurrency, failures, timeouts and cancellation.
@Suite("libcurl transport")
struct TransportTests {
    @Test("sequential requests reuse one connection")
    func connectionReuse() async throws {
        let server = try await DevServer.shared()
        let transport = try CurlTransport(baseURL: server.address)
        let request = HTTPRequest(method: .get, path: "/v1/sys/seal-status")
        let first = try await transport.send(request)
        let second = try await transport.send(request)
        let third = try await transport.send(request)
        #expect(first.status == 200 && second.status == 200 && third.status == 200)
        #expect(!first.reusedConnection)
        #expect(second.reusedConnection)
        #expect(third.reusedConnection)
        #expect(first.headers["content-type"] == "application/json")
    }

    @Test("a request sent while the transport's thread waits idle wakes it at once")
    func idleThreadIsWoken() async throws {
        // Each request below finds the thread waiting on an idle connection, with room for
        // more: only the wake-up starts it. The thread's idle wait is made 60 s, so a request
        // that does not wake it takes a minute; woken, it takes milliseconds (a second or
        // two on a machine loaded by the rest of the suite).
        let server = try await DevServer.shared()
        let transport = try CurlTransport(baseURL: server.address, idleWaitMilliseconds: 60_000)
        let request = HTTPRequest(method: .get, path: "/v1/sys/seal-status")
        _ = try await transport.send(request)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(20))
            let started = clock.now
            #expect(try await transport.send(request).status == 200)
            let elapsed = clock.now - started
            #expect(elapsed < .seconds(30), "a request to an idle transport took \(elapsed)")
        }
    }

    @Test("tasks that prefer the transport's executor run on its thread, and an idle thread is woken for them")
    func tasksRunOnTheTransportThread() async throws {
        // The thread's idle wait is 60 s: a task's job (here, resumed by a timer) that did
        // not wake it would wait a minute; the 30 s bound tells the two apart under load.
        let server = try await DevServer.shared()
        let transport = try CurlTransport(baseURL: server.address, maxConcurrentTransfers: 3, idleWaitMilliseconds: 60_000)
        let executor = try #require(transport.taskExecutor)
        let request = HTTPRequest(method: .get, path: "/v1/sys/seal-status")
        let clock = ContinuousClock()
        let started = clock.now
        let onThread = try await withTaskExecutorPreference(executor) {
            try await withThrowingTaskGroup(of: [Bool].self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let before = transport.isTransportThread
                        #expect(try await transport.send(request).status == 200)
                        let between = transport.isTransportThread
                        try await Task.sleep(for: .milliseconds(20))
                        return [before, between, transport.isTransportThread]
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0 += $1 }
            }
        }
        #expect(onThread.count == 60)
        #expect(onThread.allSatisfy { $0 })
        #expect(!transport.isTransportThread)
        #expect(clock.now - started < .seconds(30))
    }

    @Test("a task that prefers a released transport's executor still runs")
    func executorOutlivesTheTransport() async throws {
        let server = try await DevServer.shared()
        var transport: CurlTransport? = try CurlTransport(baseURL: server.address)
        _ = try await transport?.send(HTTPRequest(method: .get, path: "/v1/sys/seal-status"))
        let executor = try #require(transport?.taskExecutor as? CurlLoop)
        transport = nil
        // The thread ends once the transport is released and its work is done; a task's job
        // queued before or after that must run all the same (the thread starts again). A job
        // that never runs would hang its task: each round is given 30 s, then abandoned.
        for round in 0..<5 {
            let ran = await firstWithin(.seconds(30)) {
                await withTaskExecutorPreference(executor) {
                    try? await Task.sleep(for: .milliseconds(10 * round))
                    return executor.isCurrentThread
                }
            }
            #expect(ran == true, "round \(round)")
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    @Test("concurrent requests beyond the worker limit all complete")
    func concurrency() async throws {
        let server = try await DevServer.shared()
        let client = try VaultClient(address: server.address, token: server.rootToken, maxConcurrentRequests: 3)
        let versions = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<24 { group.addTask { try await client.health().version } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(versions.count == 24)
        #expect(Set(versions).count == 1)
    }

    @Test("concurrent requests beyond the limit open no more connections than the limit")
    func connectionLimit() async throws {
        let server = try await DevServer.shared()
        let transport = try CurlTransport(baseURL: server.address, maxConcurrentTransfers: 3)
        let request = HTTPRequest(method: .get, path: "/v1/sys/seal-status")
        let responses = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<40 { group.addTask { try await transport.send(request) } }
            return try await group.reduce(into: [HTTPResponse]()) { $0.append($1) }
        }
        #expect(responses.count == 40)
        #expect(responses.allSatisfy { $0.status == 200 })
        // A transfer starts only when another has finished and left its connection for it.
        let opened = responses.filter { !$0.reusedConnection }.count
        #expect(opened >= 1 && opened <= 3, "opened \(opened) connections")
    }

    @Test("a request waiting for a free place is cancelled at once, and the transfer under way goes on")
    func cancellingAQueuedRequest() async throws {
        let listener = try Listener()
        let transport = try CurlTransport(
            baseURL: #require(URL(string: "http://127.0.0.1:\(listener.port)")), maxConcurrentTransfers: 1)
        let request = HTTPRequest(method: .get, path: "/v1/sys/health", timeout: .seconds(300))
        let running = Task { try await transport.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        let queued = Task { try await transport.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let cancelled = clock.now
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        // Far below the 300 s timeout (see `cancellation` on why so generous).
        #expect(clock.now - cancelled < .seconds(60))
        #expect(!running.isCancelled)
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
    }

    @Test("a closed port gives a clear connection-refused error naming the address")
    func connectionRefused() async throws {
        let closedPort = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closedPort) {} }
        let port = closedPort.port
        // One attempt: this is the transport's classification (RetryOutageTests covers retries).
        let client = try VaultClient(address: #require(URL(string: "http://127.0.0.1:\(port)")), retryPolicy: .never)
        let error = try await #require(throws: VaultError.self) { try await client.health() }
        #expect(error.code == .connectionRefused)
        #expect(error.code.isConnectionFailure)
        #expect(error.status == nil)
        #expect(error.description.hasPrefix("GET sys/health: connection refused at http://127.0.0.1:\(port)"))
    }

    @Test("a server that never answers times out after the request's timeout")
    func timeout() async throws {
        let listener = try Listener()
        let client = try VaultClient(
            address: #require(URL(string: "http://127.0.0.1:\(listener.port)")), timeout: .milliseconds(300),
            retryPolicy: .never)
        let clock = ContinuousClock()
        let started = clock.now
        let error = try await #require(throws: VaultError.self) { try await client.health() }
        #expect(error.code == .timedOut)
        // Generous: under a loaded CI machine the worker may start late; without a timeout this would hang.
        #expect(clock.now - started < .seconds(30))
        #expect(error.description.contains("timed out"))
    }

    @Test("cancelling the task ends a transfer in progress")
    func cancellation() async throws {
        let listener = try Listener()
        let client = try VaultClient(
            address: #require(URL(string: "http://127.0.0.1:\(listener.port)")), timeout: .seconds(300))
        let clock = ContinuousClock()
        let task = Task { try await client.health() }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Far below the 300 s timeout, yet generous: tests that wait for child processes can
        // hold this 2-core machine's cooperative threads for many seconds.
        #expect(clock.now - cancelled < .seconds(60))
    }

    @Test("an unknown host name is reported as such")
    func unknownHost() async throws {
        let client = try VaultClient(address: #require(URL(string: "http://no-such-host.invalid:8200")), timeout: .seconds(10))
        let error = try await #require(throws: VaultError.self) { try await client.health() }
        #expect(error.code == .cannotResolveHost)
    }

    @Test("an address that is not http(s) is refused before any request")
    func invalidAddress() throws {
        let error = try #require(throws: VaultError.self) {
            try VaultClient(address: #require(URL(string: "ftp://127.0.0.1:8200")))
        }
        #expect(error.code == .invalidAddress)
    }

    @Test("the server-name override connects to the address but names the server in the URL")
    func serverNameOverride() async throws {
        let server = try await DevServer.shared()
        let tls = TLSOptions(serverName: "vault.example.test")
        let transport = try CurlTransport(baseURL: server.address, tls: tls)
        let response = try await transport.send(HTTPRequest(method: .get, path: "/v1/sys/seal-status"))
        #expect(response.status == 200)
    }

    @Test("headers with line breaks are refused")
    func headerInjection() async throws {
        let server = try await DevServer.shared()
        let transport = try CurlTransport(baseURL: server.address)
        let request = HTTPRequest(method: .get, path: "/v1/sys/health", headers: ["X-Test": "a\r\nX-Other: b"])
        await #expect(throws: HTTPTransportError.self) { try await transport.send(request) }
    }
}

/// `work`'s result, or nil if it has not finished within `limit`; the work is then left
/// running (a task that never resumes cannot be cancelled or awaited).
private func firstWithin<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
    let outcome = Mutex<(settled: Bool, continuation: CheckedContinuation<T?, Never>?)>((false, nil))
    let settle = { @Sendable (value: T?) in
        let waiting: CheckedContinuation<T?, Never>? = outcome.withLock {
            guard !$0.settled, let continuation = $0.continuation else {
                $0.settled = true
                return nil
            }
            $0 = (true, nil)
            return continuation
        }
        waiting?.resume(returning: value)
    }
    return await withCheckedContinuation { continuation in
        outcome.withLock { $0.continuation = continuation }
        Task { settle(await work()) }
        Task {
            try? await Task.sleep(for: limit)
            settle(nil)
        }
    }
}

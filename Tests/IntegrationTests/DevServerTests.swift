import Foundation
import Testing
import VaultAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The harness itself: servers stop on every path and leave no process behind.
@Suite("dev server harness")
struct DevServerTests {
    private static func processExists(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    @Test("stop() ends the server process")
    func stop() async throws {
        let server = try await DevServer.start()
        let pid = server.pid
        #expect(Self.processExists(pid))
        #expect(try await server.client().health().sealed == false)
        await server.stop()
        #expect(!server.isRunning)
        #expect(!Self.processExists(pid))
        await server.stop()  // a second stop is harmless
    }

    struct Marker: Error {}

    @Test("with() stops the server when the body throws")
    func stopsOnThrow() async throws {
        let recorded = PIDBox()
        await #expect(throws: Marker.self) {
            try await DevServer.with { server in
                recorded.set(server.pid)
                _ = try await server.client().health()
                throw Marker()
            }
        }
        let pid = try #require(recorded.value)
        #expect(!Self.processExists(pid))
    }

    @Test("the root token is random per server and never in the log tail shown on failure")
    func tokens() async throws {
        let shared = try await DevServer.shared()
        try await DevServer.with { server in
            // Booleans first: a failed expectation prints its operands, and those must not be tokens.
            let sameToken = server.rootToken == shared.rootToken
            let tokenInTail = server.logTail(lines: 1000).contains(server.rootToken)
            #expect(!sameToken)
            #expect(server.address != shared.address)
            #expect(!tokenInTail)
        }
    }
}

/// Carries a PID out of a closure.
final class PIDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?
    func set(_ pid: pid_t) { lock.withLock { self.pid = pid } }
    var value: pid_t? { lock.withLock { pid } }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// A sealed server, on a server of the test's own: reported as sealed (not as an HTTP 503)
/// after a bounded wait, and a request that waits while the server is unsealed succeeds.
@Suite("Sealed server")
struct SealedServerTests {
    @Test("bao operator seal: after the sealed wait, code .sealed and a message that says what to do")
    func sealedByOperator() async throws {
        try await DevServer.with { server in
            try await BaoCommand(server: server)("operator", "seal")
            let log = LogCapture()
            let client = try server.client()
                .with(retryPolicy: RetryPolicy(sealedWait: .seconds(1), sealedPollDelay: .milliseconds(200)))
            var logged = client
            logged.logger = log.logger
            let started = ContinuousClock.now
            let error = try await #require(throws: VaultError.self) { try await logged.request(.get, "sys/mounts") }
            let elapsed = ContinuousClock.now - started
            // Generous: a loaded machine can delay the polls (see RetryOutageTests).
            #expect(elapsed >= .seconds(1) && elapsed < .seconds(60), "\(elapsed)")
            #expect(error.code == .sealed)
            #expect(error.isSealed)
            #expect(error.status == 503)
            #expect(error.messages == ["Vault is sealed"])
            let expected = "GET sys/mounts: the server at \(server.address.absoluteString) is sealed; unseal it (vaultform unseal, or bao operator unseal) and retry (still sealed after "
            #expect(error.description.hasPrefix(expected), "\(error)")
            #expect(!error.description.contains("HTTP 503"))
            #expect(log.text.contains("GET sys/mounts: attempt 1 failed (sealed); retrying in "))

            // Health and seal status still answer while sealed, and say so.
            #expect(try await client.health().sealed)
            #expect(try await client.sealStatus().sealed)

            // A write not marked idempotent is polled too: a sealed server never acted on it.
            let write = try await #require(throws: VaultError.self) {
                try await client.request(.post, "sys/mounts/kv-sealed", body: ["type": "kv"])
            }
            #expect(write.code == .sealed)
            let leaked = [error.description, write.description, log.text].contains { $0.contains(server.rootToken) }
            #expect(!leaked)
        }
    }

    @Test("a read issued while the server is sealed succeeds once it is unsealed within the wait")
    func unsealedDuringWait() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            _ = try await client.request(.put, "sys/seal")
            #expect(try await client.sealStatus().sealed)
            let key = try await server.unsealKey()

            let waiting = client.with(retryPolicy: RetryPolicy(sealedWait: .seconds(60), sealedPollDelay: .milliseconds(300)))
            let started = ContinuousClock.now
            let read = Task { try await waiting.request(.get, "sys/mounts") }
            try await Task.sleep(for: .milliseconds(1500))
            _ = try await client.with(token: nil).request(.put, "sys/unseal", body: ["key": .string(key)])
            let mounts = try await read.value
            #expect(mounts.data?["sys/"] != nil)
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(1500), "\(elapsed)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// HTTP 429 from a real rate limit quota, on a server of the test's own (a quota would slow
/// every other test on the shared server).
@Suite("Retries on rate limiting")
struct RetryRateLimitTests {
    @Test("429 from a rate limit quota: retried (honouring Retry-After) until it passes; without retries, a clear error")
    func rateLimited() async throws {
        try await DevServer.with { server in
            let root = try server.client()
            _ = try await root.request(.post, "sys/quotas/config", body: ["enable_rate_limit_response_headers": true])
            _ = try await root.request(
                .post, "sys/quotas/rate-limit/vaultform-test",
                body: ["path": "sys/mounts", "rate": 1, "interval": "1s"], idempotent: true)

            // Never retried: of six reads at once, those past the first in the same second are
            // refused (sent one after another, a loaded machine spread them past the second).
            let probe = root.with(retryPolicy: .never)
            let refusals = await withTaskGroup(of: VaultError?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do {
                            _ = try await probe.request(.get, "sys/mounts")
                            return nil
                        } catch {
                            return error as? VaultError
                        }
                    }
                }
                return await group.reduce(into: [VaultError]()) { if let error = $1 { $0.append(error) } }
            }
            let error = try #require(refusals.first)
            #expect(error.status == 429)
            #expect(error.description == #"GET sys/mounts: HTTP 429: request path "sys/mounts": rate limit quota exceeded"#)

            // Retried: four reads at once (so they meet the quota however slow the machine is)
            // all pass, waiting as the server asks.
            let log = LogCapture()
            var patient = root.with(retryPolicy: RetryPolicy(maxAttempts: 20))
            patient.logger = log.logger
            let client = patient
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { try await client.request(.get, "sys/mounts").data?["sys/"] != nil } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(answered == [true, true, true, true])
            #expect(log.text.contains("GET sys/mounts: attempt 1 failed (HTTP 429, Retry-After "))

            // Writes to a mount under a quota are refused before the server acts, so even writes
            // not marked idempotent are retried, and each is applied once.
            _ = try await root.request(.post, "sys/mounts/kv-limited", body: ["type": "kv"])
            _ = try await root.request(
                .post, "sys/quotas/rate-limit/vaultform-kv", body: ["path": "kv-limited/", "rate": 1, "interval": "1s"],
                idempotent: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<3 {
                    group.addTask { _ = try await client.request(.post, "kv-limited/item-\(index)", body: ["value": .string("v\(index)")]) }
                }
                try await group.waitForAll()
            }
            let retriedWrite = log.text.split(separator: "\n").contains {
                $0.contains("POST kv-limited/item-") && $0.contains("failed (HTTP 429")
            }
            #expect(retriedWrite, "a write met the quota and was retried")
            let keys = try await root.request(.list, "kv-limited").data?["keys"]?.arrayValue?.compactMap(\.stringValue)
            #expect(Set(keys ?? []) == ["item-0", "item-1", "item-2"])
            #expect(!log.text.contains(server.rootToken))
        }
    }
}

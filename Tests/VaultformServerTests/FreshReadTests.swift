import Crypto
import Testing
@testable import VaultformServer

/// The lock check's shared read: every caller is served by a read sent after it asked, and a
/// burst of callers shares one or two reads instead of one each.
@Suite struct FreshReadTests {
    /// A clock of events: calls and reads take increasing stamps.
    actor Stamps {
        var last = 0
        var reads = 0
        func next() -> Int {
            last += 1
            return last
        }
        func read() -> Int {
            reads += 1
            return next()
        }
    }

    @Test func everyCallerGetsAReadSentAfterItAskedAndABurstSharesThem() async throws {
        let stamps = Stamps()
        let reads = FreshRead<Int> {
            let sent = await stamps.read()
            try await Task.sleep(for: .milliseconds(100))
            return sent
        }
        try await withThrowingTaskGroup(of: (asked: Int, sent: Int).self) { group in
            for round in 0..<3 {
                for _ in 0..<40 {
                    group.addTask {
                        let asked = await stamps.next()
                        return (asked, try await reads.value())
                    }
                }
                if round < 2 { try await Task.sleep(for: .milliseconds(30)) }
            }
            var served = 0
            for try await (asked, sent) in group {
                #expect(sent > asked, "served by a read sent (\(sent)) before it asked (\(asked))")
                served += 1
            }
            #expect(served == 120)
        }
        let count = await stamps.reads
        // 120 callers in three bursts: each burst is served by the read under way's successor
        // at most, so a handful of reads, never one per caller.
        #expect(count >= 2 && count <= 8, "\(count) reads")
    }

    @Test func aFailedReadFailsItsCallersAndTheNextCallReadsAgain() async throws {
        struct Refused: Error {}
        let stamps = Stamps()
        let reads = FreshRead<Int> {
            let sent = await stamps.read()
            if sent == 1 { throw Refused() }
            return sent
        }
        await #expect(throws: Refused.self) { _ = try await reads.value() }
        #expect(try await reads.value() == 2)
    }
}

/// The fingerprint key is loaded once per apply, however many writes ask for it at once: an
/// actor alone let each caller load (and make) it again while the first awaited the server.
@Suite struct FingerprintKeyCacheTests {
    actor Loads {
        var count = 0
        func add() { count += 1 }
    }

    @Test func concurrentCallersShareOneLoadAndAFailedLoadIsTriedAgain() async throws {
        let cache = FingerprintKeyCache()
        let loads = Loads()
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await cache.key {
                await loads.add()
                throw Refused()
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    _ = try await cache.key {
                        await loads.add()
                        try await Task.sleep(for: .milliseconds(50))
                        return SymmetricKey(size: .bits256)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await loads.count == 2, "one failed load, then one shared by 30 callers")
    }
}

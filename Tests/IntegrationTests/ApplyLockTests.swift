import Foundation
import Synchronization
import Testing
import VaultAPI
import VaultformServer

/// The apply lock against the real server: one holder at a time, waiting and failing with
/// the holder named, lapsed claims taken over by exactly one process, renewal, and
/// force-unlock. Each test locks its own key, so they share one server.
@Suite("Apply lock against a dev server")
struct ApplyLockTests {
    /// A key of this test's own under vaultform's mount (created by whichever test is first).
    static func location() -> LockLocation {
        LockLocation(mount: LockLocation.dedicatedMount, key: "test/\(UUID().uuidString.prefix(8).lowercased())")
    }

    /// Writes a claim as another process would have left it, with check-and-set `cas`.
    static func plant(
        owner: String, ttlSeconds: Double, at location: LockLocation, client: VaultClient, cas: Int = 0
    ) async throws {
        // The mount may not be there yet: the first acquirer creates it, and tests run in any order.
        do {
            _ = try await client.request(.post, "sys/mounts/\(location.mount)", body: ["type": "kv", "options": ["version": "2"]])
        } catch let error as VaultError where error.status == 400 {}
        _ = try await client.request(
            .post, "\(location.mount)/data/\(location.key)",
            body: [
                "data": [
                    "state": "held", "owner": .string(owner), "host": "gone.example", "pid": 99999,
                    "operation": "vaultform apply", "ttl_seconds": .number(ttlSeconds),
                ],
                "options": ["cas": .number(Double(cas))],
            ])
    }

    /// Plants a claim over whatever version is current (a takeover, as a process would make
    /// once the holder's claim lapsed), retrying when a renewal wins the race.
    static func usurp(owner: String, at location: LockLocation, client: VaultClient) async throws {
        for _ in 0..<20 {
            let metadata = try await client.request(.get, "\(location.mount)/metadata/\(location.key)")
            let version = metadata.data?["current_version"]?.intValue ?? 0
            do {
                try await plant(owner: owner, ttlSeconds: 60, at: location, client: client, cas: version)
                return
            } catch let error as VaultError where error.status == 400 {
                continue
            }
        }
        Issue.record("could not overwrite the claim at \(location)")
    }

    // MARK: - Holding and waiting

    @Test("a second acquirer with lock-timeout 0 fails naming the holder; after release it acquires")
    func secondFailsThenAcquires() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        let first = ApplyLock(location: location, ttl: .seconds(30), timeout: .zero)
        let lease = try await first.acquire(client: client)
        #expect(lease.replaced == nil)
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == first.owner)

        let second = ApplyLock(location: location, timeout: .zero)
        let error = try await #require(throws: ApplyLockError.self) { try await second.acquire(client: client) }
        #expect(error.code == .held)
        #expect(error.holder?.owner == first.owner)
        #expect(error.description.hasPrefix(
            "the server is locked by vaultform apply on host \(ApplyLock.hostName()) (pid \(ProcessInfo.processInfo.processIdentifier)), since "))
        #expect(error.description.contains("--lock-timeout is 0"))
        #expect(error.description.hasSuffix(
            "wait, or run vaultform force-unlock \(first.owner) --lock-path \(location) if that process is gone"))

        try await lease.release()
        #expect(lease.isLost, "a released lease must not pass check()")
        #expect(try await ApplyLock.holder(at: location, client: client) == nil)
        let again = try await second.acquire(client: client)
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == second.owner)
        try await again.release()
        try await again.release()  // twice is harmless
    }

    @Test("a waiting acquirer announces the holder once and takes the lock when it is released")
    func waiterTakesOver() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        let first = ApplyLock(location: location, ttl: .seconds(30))
        let lease = try await first.acquire(client: client)
        let seen = LockTestShared<[String]>([])
        let waiter = ApplyLock(location: location, timeout: .seconds(30), pollInterval: .milliseconds(100))
        let clock = ContinuousClock()
        let started = clock.now
        async let second = waiter.acquire(client: client, onWait: { holder in seen.withLock { $0.append(holder.owner) } })
        // Released once the waiter has seen the holder (a loaded machine may start it late),
        // and not before a second has passed.
        while clock.now - started < .seconds(30), seen.withLock({ $0.isEmpty }) || clock.now - started < .seconds(1) {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await lease.release()
        let secondLease = try await second
        #expect(clock.now - started >= .seconds(1))
        #expect(seen.withLock { $0 } == [first.owner])
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == waiter.owner)
        try await secondLease.release()
    }

    @Test("two acquirers racing, 20 rounds: exactly one holds at a time, and the entry names it")
    func racing() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        let occupancy = LockTestShared((inside: 0, most: 0, entries: 0))
        for _ in 1...20 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        // A TTL no loaded machine's delays reach (10 s lapsed once on CI beside builds).
                        let lock = ApplyLock(
                            location: location, ttl: .seconds(30), timeout: .seconds(60), pollInterval: .milliseconds(30))
                        let lease = try await lock.acquire(client: client)
                        occupancy.withLock {
                            $0.inside += 1
                            $0.most = max($0.most, $0.inside)
                            $0.entries += 1
                        }
                        let holder = try await ApplyLock.holder(at: location, client: client)
                        #expect(holder?.owner == lock.owner)
                        try lease.check()
                        try await Task.sleep(for: .milliseconds(20))
                        occupancy.withLock { $0.inside -= 1 }
                        try await lease.release()
                    }
                }
                try await group.waitForAll()
            }
        }
        let result = occupancy.withLock { $0 }
        #expect(result.most == 1)
        #expect(result.entries == 40)
    }

    @Test("four acquirers with lock-timeout 0 on a free lock, 10 rounds: exactly one wins, the rest name it")
    func contendedTimeoutZero() async throws {
        let client = try await DevServer.shared().client()
        for _ in 1...10 {
            let location = Self.location()
            let outcomes = try await withThrowingTaskGroup(of: (String, Result<LockLease, ApplyLockError>).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let lock = ApplyLock(location: location, ttl: .seconds(30), timeout: .zero)
                        do {
                            return (lock.owner, .success(try await lock.acquire(client: client)))
                        } catch let error as ApplyLockError {
                            return (lock.owner, .failure(error))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.compactMap { owner, result in (try? result.get()).map { (owner, $0) } }
            try #require(winners.count == 1, "\(outcomes.count - winners.count) failed")
            for case (_, .failure(let error)) in outcomes {
                #expect(error.code == .held)
                #expect(error.holder?.owner == winners[0].0)
            }
            try await winners[0].1.release()
        }
    }

    // MARK: - Lapsed claims

    @Test("a claim left by a killed holder lapses after its TTL and is taken over")
    func killedHolderLapses() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        // Long enough that the first look always finds it live, even on a loaded CI machine
        // (with 2 s, and once with 5 s while the whole suite ran on two cores, CI read it only
        // after it had lapsed, so nothing was announced). The clock starts before the plant:
        // a slow write on a loaded machine still counts.
        let clock = ContinuousClock()
        let started = clock.now
        try await Self.plant(owner: "killed-holder", ttlSeconds: 15, at: location, client: client)
        let seen = LockTestShared<[String]>([])
        let lock = ApplyLock(location: location, ttl: .seconds(30), timeout: .seconds(60), pollInterval: .milliseconds(200))
        let lease = try await lock.acquire(client: client, onWait: { holder in seen.withLock { $0.append(holder.owner) } })
        let waited = clock.now - started
        // 15 s after the claim, less up to a second for the server's whole-second times.
        #expect(waited >= .milliseconds(13500), "it took the lock before the claim lapsed")
        // Taken over before the 60 s timeout (else acquire would have thrown); the bound only
        // says it was the lapse that let it in, with room for a loaded 2-core machine.
        #expect(waited < .seconds(50))
        #expect(lease.replaced?.owner == "killed-holder")
        #expect(lease.replaced?.claim?.host == "gone.example")
        #expect(seen.withLock { $0 } == ["killed-holder"])
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == lock.owner)
        try await lease.release()
    }

    @Test("three takers of a lapsed claim, 4 rounds: the server lets exactly one through")
    func lapsedTakenByOne() async throws {
        let client = try await DevServer.shared().client()
        for _ in 1...4 {
            let location = Self.location()
            try await Self.plant(owner: "lapsed", ttlSeconds: 0.5, at: location, client: client)
            // Lapsed at once, but the server's Date has whole seconds, so allow two of them.
            try await Task.sleep(for: .milliseconds(2100))
            let results = try await withThrowingTaskGroup(of: LockLease?.self) { group in
                for _ in 0..<3 {
                    group.addTask { try? await ApplyLock(location: location, ttl: .seconds(30), timeout: .zero).acquire(client: client) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.compactMap { $0 }
            try #require(winners.count == 1)
            #expect(winners[0].replaced?.owner == "lapsed")
            try await winners[0].release()
        }
    }

    @Test("an entry soft-deleted, destroyed or removed with its metadata (bao kv delete/destroy/metadata delete) is free")
    func deletedEntriesAreFree() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        try await Self.plant(owner: "someone", ttlSeconds: 600, at: location, client: client)
        let data = "\(location.mount)/data/\(location.key)"

        _ = try await client.request(.delete, data)
        #expect(try await ApplyLock.holder(at: location, client: client) == nil)
        let afterDelete = try await ApplyLock(location: location, timeout: .zero).acquire(client: client)
        #expect(afterDelete.version == 2)

        // Destroyed under its holder: free for the next acquirer, and the old holder's release
        // (check-and-set on the destroyed version) leaves the new claim alone.
        _ = try await client.request(
            .post, "\(location.mount)/destroy/\(location.key)", body: ["versions": [.number(Double(afterDelete.version))]])
        #expect(try await ApplyLock.holder(at: location, client: client) == nil)
        let next = ApplyLock(location: location, timeout: .zero)
        let afterDestroy = try await next.acquire(client: client)
        #expect(afterDestroy.version == 3)
        try await afterDelete.release()
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == next.owner)

        _ = try await client.request(.delete, "\(location.mount)/metadata/\(location.key)")
        let afterMetadata = try await ApplyLock(location: location, timeout: .zero).acquire(client: client)
        #expect(afterMetadata.version == 1)
        try await afterMetadata.release()
        try await afterDestroy.release()
    }

    // MARK: - Renewal

    @Test("renewal keeps a 12-second lock held for 30 seconds")
    func renewalKeepsItAlive() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        // A claim lapses only if no renewal lands for 12 s: long enough for a loaded CI
        // machine's late wake-ups (a 6 s claim was renewed only three times in 14 s there).
        let lease = try await ApplyLock(location: location, ttl: .seconds(12), timeout: .zero).acquire(client: client)
        let firstVersion = lease.version
        try await Task.sleep(for: .seconds(30))
        try lease.check()
        // Renewed every 4 s when the machine is idle; the bound is what holding the lock needs:
        // a 12 s claim lasts 30 s only if renewed at least twice.
        #expect(lease.version >= firstVersion + 2, "a 12-second claim held for 30 seconds was renewed at least twice")
        let intruder = try await #require(throws: ApplyLockError.self) {
            try await ApplyLock(location: location, timeout: .zero).acquire(client: client)
        }
        #expect(intruder.code == .held)
        #expect(intruder.holder?.owner == lease.owner)
        try await lease.release()
    }

    @Test("a holder whose claim was taken over notices: check() throws, and release leaves the new claim alone")
    func takenOverHolderNotices() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        // A TTL long enough that a loaded machine's late renewals never let it lapse first (9 s
        // lapsed once on CI beside builds): renewals every 10 s, noticed within waitUntilLost's 30 s.
        let lease = try await ApplyLock(location: location, ttl: .seconds(30), timeout: .zero).acquire(client: client)
        try lease.check()
        try await Self.usurp(owner: "usurper", at: location, client: client)
        let error = try await Self.waitUntilLost(lease)
        #expect(error.code == .lost)
        #expect(error.holder?.owner == "usurper")
        #expect(error.description.contains("was lost: it was taken over by vaultform apply on host gone.example (pid 99999)"))
        try await lease.release()
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == "usurper")
    }

    @Test("a holder whose claim was force-unlocked notices at its next renewal")
    func removedHolderNotices() async throws {
        let client = try await DevServer.shared().client()
        let location = Self.location()
        // A TTL long enough that on a loaded machine (CI ran it beside builds) the claim does
        // not lapse before the renewal that notices the removal: renewals come every 10 s.
        let lock = ApplyLock(location: location, ttl: .seconds(30), timeout: .zero)
        let lease = try await lock.acquire(client: client)
        let outcome = try await ApplyLock.forceUnlock(owner: lock.owner, at: location, client: client, releasedBy: "a test")
        guard case .released(let holder) = outcome else {
            Issue.record("expected the lock removed, got \(outcome)")
            return
        }
        #expect(holder.owner == lock.owner)
        let error = try await Self.waitUntilLost(lease)
        #expect(error.description.contains("someone removed it"))
    }

    /// Polls `check()` for up to 30 s (renewals come every third of the claim's TTL).
    static func waitUntilLost(_ lease: LockLease) async throws -> ApplyLockError {
        for _ in 0..<300 {
            do {
                try lease.check()
            } catch let error as ApplyLockError {
                return error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DevServerError(message: "the lease did not notice within 30 s")
    }

    // MARK: - force-unlock

    @Test("force-unlock: shows the holder, refuses a wrong ID and a missing confirmation, removes with the right one")
    func forceUnlockCommand() async throws {
        let server = try await DevServer.shared()
        let client = try server.client()
        let location = Self.location()
        try await Self.plant(owner: "0f1e2d3c-dead", ttlSeconds: 600, at: location, client: client)
        let common = ["--address", server.address.absoluteString, "--lock-path", location.description]
        let environment = ["VAULT_TOKEN": server.rootToken]

        let show = try await StatusCommandTests.run(["force-unlock"] + common, environment: environment)
        #expect(show.code == 0, "\(show.error)")
        #expect(show.output.contains("Lock \(location) is held:"))
        #expect(show.output.contains("owner:      0f1e2d3c-dead"))
        #expect(show.output.contains("host:       gone.example (pid 99999)"))
        #expect(show.output.contains("vaultform force-unlock 0f1e2d3c-dead --lock-path \(location)"))

        let wrong = try await StatusCommandTests.run(["force-unlock", "someone-else", "--force"] + common, environment: environment)
        #expect(wrong.code == 1)
        #expect(wrong.error.contains("error: the lock is held by owner 0f1e2d3c-dead, not someone-else; nothing was changed"))
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == "0f1e2d3c-dead")

        let unconfirmed = try await StatusCommandTests.run(["force-unlock", "0f1e2d3c-dead"] + common, environment: environment)
        #expect(unconfirmed.code == 1)
        #expect(unconfirmed.error.contains("needs confirmation"))
        #expect(try await ApplyLock.holder(at: location, client: client)?.owner == "0f1e2d3c-dead")

        let removed = try await StatusCommandTests.run(["force-unlock", "0f1e2d3c-dead", "--force"] + common, environment: environment)
        #expect(removed.code == 0, "\(removed.error)")
        #expect(removed.output.contains("Lock 0f1e2d3c-dead removed"))
        #expect(try await ApplyLock.holder(at: location, client: client) == nil)

        let again = try await StatusCommandTests.run(["force-unlock", "0f1e2d3c-dead", "--force"] + common, environment: environment)
        #expect(again.code == 0)
        #expect(again.output.contains("The server is not locked"))
        for run in [show, wrong, unconfirmed, removed, again] { #expect(!run.all.contains(server.rootToken)) }

        // Free now: an apply takes it at once.
        let lease = try await ApplyLock(location: location, timeout: .zero).acquire(client: client)
        try await lease.release()
    }

    // MARK: - Where the lock lives

    @Test("a --lock-path on a missing mount or a KV v1 mount fails clearly and creates nothing; a nested mount works")
    func customLocations() async throws {
        let client = try await DevServer.shared().client()
        let id = UUID().uuidString.prefix(8).lowercased()

        let missing = LockLocation(mount: "absent-\(id)", key: "vaultform/lock")
        let absent = try await #require(throws: ApplyLockError.self) { try await ApplyLock(location: missing).acquire(client: client) }
        #expect(absent.code == .unusableLocation)
        #expect(absent.description.contains("the mount absent-\(id)/ does not exist"))
        #expect(absent.description.contains("bao secrets enable -path=absent-\(id) kv-v2"))
        #expect(try await ApplyLock.holder(at: missing, client: client) == nil)
        let mounts = try await client.request(.get, "sys/mounts")
        #expect(mounts.data?["absent-\(id)/"] == nil, "a mount the manifest may declare must not be created")

        _ = try await client.request(.post, "sys/mounts/kv1-\(id)", body: ["type": "kv"])
        let v1 = try await #require(throws: ApplyLockError.self) {
            try await ApplyLock(location: LockLocation(mount: "kv1-\(id)", key: "lock")).acquire(client: client)
        }
        #expect(v1.description.contains("kv1-\(id)/ is a KV version 1 mount, and the lock needs KV v2"))

        _ = try await client.request(.post, "sys/mounts/team-\(id)/kv", body: ["type": "kv", "options": ["version": "2"]])
        let nested = try #require(LockLocation(parsing: "team-\(id)/kv/ops/vaultform-lock"))
        let lock = ApplyLock(location: nested, timeout: .zero)
        let lease = try await lock.acquire(client: client)
        #expect(lease.location == LockLocation(mount: "team-\(id)/kv", key: "ops/vaultform-lock"))
        let entry = try await client.request(.get, "team-\(id)/kv/data/ops/vaultform-lock")
        #expect(entry.data?["data"]?["owner"]?.stringValue == lock.owner)
        #expect(try await ApplyLock.holder(at: nested, client: client)?.owner == lock.owner)
        try await lease.release()
    }

    @Test("on an empty server the first acquirers create vaultform-lock/ once (KV v2), even when racing")
    func createsItsOwnMount() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            #expect(try await ApplyLock.holder(at: .standard, client: client) == nil)
            let before = try await client.request(.get, "sys/mounts")
            #expect(before.data?["vaultform-lock/"] == nil, "looking must not create the mount")

            let leases = try await withThrowingTaskGroup(of: LockLease.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await ApplyLock(location: LockLocation(mount: "vaultform-lock", key: "race-\(index)"), timeout: .zero)
                            .acquire(client: client)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(leases.count == 4)
            for lease in leases { try await lease.release() }

            let mount = try await client.request(.get, "sys/mounts/vaultform-lock")
            #expect(mount.data?["type"] == "kv")
            #expect(mount.data?["options"]?["version"] == "2")
            #expect(mount.data?["description"] == "vaultform apply lock")

            let lease = try await ApplyLock(timeout: .zero).acquire(client: client)
            #expect(lease.location == .standard)
            try await lease.release()
        }
    }

    @Test("a token that may not create vaultform-lock/ gets the command that creates it")
    func mountNotCreatable() async throws {
        try await DevServer.with { server in
            let root = try server.client()
            _ = try await root.request(
                .put, "sys/policies/acl/lock-only",
                body: ["policy": .string("path \"vaultform-lock/*\" { capabilities = [\"create\", \"read\", \"update\"] }")],
                idempotent: true)
            let created = try await root.request(
                .post, "auth/token/create", body: ["policies": ["lock-only"], "ttl": "10m", "no_default_policy": true])
            let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            let limited = root.with(token: token)

            let error = try await #require(throws: ApplyLockError.self) { try await ApplyLock(timeout: .zero).acquire(client: limited) }
            #expect(error.code == .unusableLocation)
            #expect(error.description.contains("the token may not create it"))
            #expect(error.description.contains(#"bao secrets enable -path=vaultform-lock -description="vaultform apply lock" kv-v2"#))
            #expect(!error.description.contains(token))

            // Once someone creates it, the same token can lock.
            _ = try await root.request(.post, "sys/mounts/vaultform-lock", body: ["type": "kv", "options": ["version": "2"]])
            let lease = try await ApplyLock(timeout: .zero).acquire(client: limited)
            try await lease.release()
        }
    }
}

/// A value shared by the tasks of a test, behind a mutex.
final class LockTestShared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

import Foundation
import Testing
import VaultAPI
@testable import VaultformServer

/// The lock's pure part, driven with made-up times: what an entry says, what a read means,
/// what an acquirer does next, when a holder renews. No server and no sleeps. (It lives in
/// VaultformServer, so its tests live here rather than in VaultformCoreTests; the lock
/// against a real server is `IntegrationTests/ApplyLockTests`.)
@Suite("Apply lock decisions, without a server")
struct ApplyLockStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_922_870)
    static let claim = LockClaim(owner: "them", host: "ci-7", pid: 4242, operation: "vaultform apply", ttl: .seconds(120))

    static func present(_ entry: LockEntry, version: Int = 3, at created: Date = t0) -> LockObservation {
        .present(version: version, createdTime: created, entry: entry)
    }

    // MARK: - Entry

    @Test("a claim survives writing and reading back; a released entry and strangers' data are recognised")
    func entryRoundTrip() {
        var claim = Self.claim
        claim.acquiredAt = Self.t0
        let data = LockEntry.held(claim).data(now: Self.t0)
        #expect(LockEntry(data: data) == .held(claim))
        #expect(data["expires_at"] == "2026-11-29T03:29:50Z")
        #expect(data["ttl_seconds"] == 120)
        #expect(data.objectValue?.keys.contains { $0.localizedCaseInsensitiveContains("token") } == false)

        let released = LockEntry.released(by: "them").data(now: Self.t0)
        #expect(LockEntry(data: released) == .released(by: "them"))

        #expect(LockEntry(data: nil) == .unreadable)
        #expect(LockEntry(data: ["foo": "bar"]) == .unreadable)
        #expect(LockEntry(data: ["state": "held", "owner": "", "ttl_seconds": 5]) == .unreadable)
        #expect(LockEntry(data: ["state": "held", "owner": "x", "ttl_seconds": 0]) == .unreadable)
        #expect(LockEntry(data: ["state": "held", "owner": "x", "host": "h", "pid": "7", "ttl_seconds": "60", "operation": "by hand"])
            == .held(LockClaim(owner: "x", host: "h", pid: 7, operation: "by hand", ttl: .seconds(60))))
        #expect(LockEntry(data: ["state": "held", "owner": "x", "ttl_seconds": 2.5])
            == .held(LockClaim(owner: "x", host: "?", pid: 0, operation: "vaultform", ttl: .milliseconds(2500))))
    }

    // MARK: - Assessment

    @Test("what a read means, as a table")
    func assessment() {
        let mine = LockClaim(owner: "me", host: "h", pid: 1, operation: "vaultform apply", ttl: .seconds(120), acquiredAt: Self.t0)
        let holder = LockHolder(claim: Self.claim, version: 3, renewedAt: Self.t0, expiresAt: Self.t0 + 120)
        let stranger = LockHolder(claim: nil, version: 3, renewedAt: Self.t0, expiresAt: Self.t0 + 60)
        let cases: [(LockObservation, Date, LockAssessment)] = [
            (.absent, Self.t0, .free(cas: 0)),
            (.deleted(version: 7), Self.t0, .free(cas: 7)),
            (Self.present(.released(by: "them")), Self.t0, .free(cas: 3)),
            (Self.present(.held(Self.claim)), Self.t0 + 119.9, .held(holder)),
            (Self.present(.held(Self.claim)), Self.t0 + 120, .expired(holder, cas: 3)),
            (Self.present(.held(Self.claim)), Self.t0 + 86400, .expired(holder, cas: 3)),
            (Self.present(.held(mine), at: Self.t0 + 40), Self.t0 + 41, .ours(version: 3, renewedAt: Self.t0 + 40, acquiredAt: Self.t0)),
            (Self.present(.unreadable), Self.t0 + 59, .held(stranger)),
            (Self.present(.unreadable), Self.t0 + 60, .expired(stranger, cas: 3)),
        ]
        for (observation, now, expected) in cases {
            #expect(LockAssessment.of(observation, owner: "me", now: now, fallbackTTL: .seconds(60)) == expected, "\(observation) at \(now)")
        }
    }

    @Test("the holder's description names the command, host, pid and times, as the lock message needs")
    func holderDescription() throws {
        var claim = Self.claim
        claim.acquiredAt = Self.t0 - 600
        let holder = LockHolder(claim: claim, version: 9, renewedAt: Self.t0, expiresAt: Self.t0 + 120)
        #expect("\(holder)" == "vaultform apply on host ci-7 (pid 4242), since 2026-11-29T03:17:50Z, until 2026-11-29T03:29:50Z")
        #expect(holder.since == Self.t0 - 600)
    }

    // MARK: - Acquisition

    @Test("a free lock is written with cas 0, a soft-deleted one with its version, a lapsed one taken over")
    func acquireFreeOrExpired() {
        var machine = LockAcquisition(owner: "me", timeout: .seconds(300), pollInterval: .seconds(1), fallbackTTL: .seconds(120))
        #expect(machine.next(.absent, now: Self.t0, elapsed: .zero, jitter: 0.5) == .write(cas: 0, replacing: nil))
        #expect(machine.next(.deleted(version: 4), now: Self.t0, elapsed: .zero, jitter: 0.5) == .write(cas: 4, replacing: nil))
        let action = machine.next(Self.present(.held(Self.claim)), now: Self.t0 + 121, elapsed: .zero, jitter: 0.5)
        guard case .write(3, let replacing?) = action else {
            Issue.record("expected a takeover, got \(action)")
            return
        }
        #expect(replacing.owner == "them")
    }

    @Test("a held lock is polled with jitter, never past the claim's expiry or the timeout, and then fails")
    func acquireWaits() {
        var machine = LockAcquisition(owner: "me", timeout: .seconds(10), pollInterval: .seconds(2), fallbackTTL: .seconds(120))
        let held = Self.present(.held(Self.claim))

        guard case .wait(let first, let holder, newHolder: true) = machine.next(held, now: Self.t0, elapsed: .zero, jitter: 0) else {
            Issue.record("expected a wait")
            return
        }
        #expect(first == .seconds(1))
        #expect(holder.owner == "them")
        #expect(machine.next(held, now: Self.t0 + 1, elapsed: .seconds(1), jitter: 1) == .wait(.seconds(3), holder: holder, newHolder: false))
        // Close to the claim's expiry: wake just after it.
        #expect(machine.next(held, now: Self.t0 + 119.5, elapsed: .seconds(2), jitter: 1)
            == .wait(.milliseconds(550), holder: holder, newHolder: false))
        // Close to the timeout: wake at the timeout for one last read.
        #expect(machine.next(held, now: Self.t0 + 5, elapsed: .milliseconds(9500), jitter: 1)
            == .wait(.milliseconds(500), holder: holder, newHolder: false))
        #expect(machine.next(held, now: Self.t0 + 6, elapsed: .seconds(10), jitter: 1) == .fail(holder: holder))

        // Another holder after the first let go: announced again.
        var other = Self.claim
        other.owner = "someone-else"
        guard case .wait(_, let next, newHolder: true) = machine.next(
            Self.present(.held(other), version: 5), now: Self.t0 + 2, elapsed: .seconds(3), jitter: 0.5)
        else {
            Issue.record("expected a wait announcing the new holder")
            return
        }
        #expect(next.owner == "someone-else")
    }

    @Test("lock-timeout 0 fails at once, naming the holder")
    func timeoutZero() {
        var machine = LockAcquisition(owner: "me", timeout: .zero, pollInterval: .seconds(1), fallbackTTL: .seconds(120))
        let action = machine.next(Self.present(.held(Self.claim)), now: Self.t0, elapsed: .zero, jitter: 0.5)
        guard case .fail(let holder) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        let error = "\(holder)"
        #expect(error.contains("host ci-7 (pid 4242)"))
        // But a free lock is still taken with timeout 0.
        #expect(machine.next(.absent, now: Self.t0, elapsed: .zero, jitter: 0.5) == .write(cas: 0, replacing: nil))
    }

    @Test("the acquirer's own claim (a write whose answer was lost) counts as acquired")
    func ownClaim() {
        var machine = LockAcquisition(owner: "them", timeout: .zero, pollInterval: .seconds(1), fallbackTTL: .seconds(120))
        #expect(machine.next(Self.present(.held(Self.claim)), now: Self.t0, elapsed: .zero, jitter: 0)
            == .acquired(version: 3, renewedAt: Self.t0, acquiredAt: Self.t0))
    }

    // MARK: - Tenure

    @Test("a holder renews every third of the TTL and trusts its claim until a TTL after sending the last write")
    func tenure() {
        var tenure = LockTenure(ttl: .seconds(120), sent: .seconds(10))
        #expect(tenure.renewalInterval == .seconds(40))
        #expect(tenure.nextRenewal == .seconds(50))
        #expect(tenure.isValid(at: .milliseconds(129_999)))
        #expect(!tenure.isValid(at: .seconds(130)))
        tenure.renewed(sent: .seconds(50))
        #expect(tenure.validUntil == .seconds(170))
        tenure.renewed(sent: .seconds(20))  // an older write's answer never shortens the tenure
        #expect(tenure.validUntil == .seconds(170))
        #expect(tenure.retryInterval == .seconds(5))
        #expect(LockTenure(ttl: .seconds(2), sent: .zero).retryInterval == .milliseconds(200))
    }

    // MARK: - Times, locations, messages

    @Test("the byte-level time parsers agree with Foundation's over a sweep of dates, offsets and malformed text")
    func timesAgreeWithFoundation() throws {
        let iso = ISO8601DateFormatter()
        let http = DateFormatter()
        http.locale = Locale(identifier: "en_US_POSIX")
        http.timeZone = TimeZone(identifier: "GMT")
        http.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // Any second from 1900 to 2400, leap days and year ends included.
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...13_569_465_600, using: &generator)))
            let text = iso.string(from: date)
            #expect(LockTime.parse(text) == iso.date(from: text), "\(text)")
            #expect(LockTime.parse(text) == date, "\(text)")
            let header = http.string(from: date)
            #expect(LockTime.parseHTTP(header) == date, "\(header)")
        }
        #expect(LockTime.parse("2026-11-29T04:27:50+01:00") == Self.t0)
        #expect(LockTime.parse("2026-11-28T22:57:50-04:30") == Self.t0)
        #expect(LockTime.parse("2024-02-29T00:00:00Z") != nil)
        for bad in ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T03:27:50", "2026-11-29T03:27:50.Z",
                    "2026-11-29 03:27:50Z", "2026-11-29T03:27:50Zjunk", "２026-11-29T03:27:50Z", "", "2026-11-29T03:27:50+0100"] {
            #expect(LockTime.parse(bad) == nil, "\(bad)")
        }
        for bad in ["Sun, 29 Nov 2026 03:27:50 UTC", "Sun, 31 Nov 2026 03:27:50 GMT", "Sun 29 Nov 2026 03:27:50 GMT", "Xyz, 29 Nov 2026 03:27:50 GMT"] {
            #expect(LockTime.parseHTTP(bad) == nil, "\(bad)")
        }
    }

    @Test("server times with nanoseconds and HTTP dates are read; durations are described briefly")
    func times() throws {
        let parsed = try #require(LockTime.parse("2026-11-29T03:27:50.250042798Z"))
        #expect(abs(parsed.timeIntervalSince(Self.t0) - 0.250042798) < 1e-6)
        #expect(LockTime.parse("2026-11-29T03:27:50Z") == Self.t0)
        #expect(LockTime.parse("yesterday") == nil)
        #expect(LockTime.parseHTTP("Sun, 29 Nov 2026 03:27:50 GMT") == Self.t0)
        #expect(LockTime.format(parsed) == "2026-11-29T03:27:50Z")
        #expect(LockTime.describe(.milliseconds(1600)) == "2s")
        #expect(LockTime.describe(.seconds(300)) == "5m0s")
        #expect(LockTime.describe(.seconds(90)) == "1m30s")
    }

    @Test("--lock-path parses MOUNT/PATH; only vaultform's own mount is created")
    func locations() throws {
        #expect(LockLocation.standard.description == "vaultform-lock/apply")
        #expect(LockLocation.standard.createsMount)
        let custom = try #require(LockLocation(parsing: "/secret/vaultform/lock/"))
        #expect(custom == LockLocation(mount: "secret", key: "vaultform/lock"))
        #expect(!custom.createsMount)
        #expect(LockLocation(parsing: "secret") == nil)
        #expect(LockLocation(parsing: "secret/../x") == nil)
        #expect(LockLocation(parsing: "") == nil)
    }

    @Test("the mount the server names is split off through MountPath: nested mounts, look-alike prefixes, the mount itself")
    func resolvedMount() {
        let location = LockLocation(mount: "a", key: "b/c/lock")
        #expect(location.resolved(mountPath: "a/b/") == LockLocation(mount: "a/b", key: "c/lock"))
        #expect(location.resolved(mountPath: "/a/b") == LockLocation(mount: "a/b", key: "c/lock"))
        #expect(location.resolved(mountPath: "a/") == location)
        #expect(location.resolved(mountPath: "a/b/c/lock/") == location)
        #expect(location.resolved(mountPath: "a/bc/") == location)
        #expect(location.resolved(mountPath: "/") == location)
    }

    @Test("the lock message names the holder, the times, and the force-unlock command")
    func heldMessage() throws {
        let holder = LockHolder(claim: Self.claim, version: 3, renewedAt: Self.t0, expiresAt: Self.t0 + 120)
        let error = ApplyLockError.held(holder, at: .standard, waited: .seconds(300), timeout: .seconds(300)).description
        #expect(error == "the server is locked by vaultform apply on host ci-7 (pid 4242), since 2026-11-29T03:27:50Z, "
            + "until 2026-11-29T03:29:50Z (lock vaultform-lock/apply, waited 5m0s); wait, or run "
            + "vaultform force-unlock them if that process is gone")
        let elsewhere = try #require(LockLocation(parsing: "kv/ops/lock"))
        #expect(ApplyLockError.held(holder, at: elsewhere, waited: .zero, timeout: .zero).description
            .contains("(lock kv/ops/lock, --lock-timeout is 0); wait, or run vaultform force-unlock them --lock-path kv/ops/lock"))
    }
}

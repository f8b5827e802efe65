import Foundation
import VaultAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The apply lock: two applies against one server never interleave, because each holds a
/// claim written into the server itself with check-and-set before it reads or writes
/// anything, renews it while it works, and lets go at the end. A holder that dies stops
/// renewing, and its claim lapses after the TTL; `vaultform force-unlock` removes one sooner.
///
/// The claim is a KV v2 entry (`LockLocation`: `vaultform-lock/apply` by default, in a mount
/// the first acquirer creates). Each write names the version it replaces (`options.cas`), so
/// of two processes taking a free or lapsed lock, the server lets exactly one through. Expiry
/// is the entry version's `created_time` plus the claim's TTL, compared with the server's
/// `Date`: only the server's clock counts.
///
/// ```swift
/// let lock = ApplyLock(operation: "vaultform apply")
/// try await lock.withLock(client: { try await session.client() }) { lease in
///     … reconciler.apply(reconciliation, client: client, beforeWrite: { try await lease.verify() })
/// }
/// ```
public struct ApplyLock: Sendable {
    /// Where the claim lives.
    public var location: LockLocation
    /// What the holder is doing, as other processes' messages show it (`vaultform apply`).
    /// Never put command-line values in it: `--var` arguments may hold secrets.
    public var operation: String
    /// How long a claim lasts without renewal; the holder renews every third of it.
    public var ttl: Duration
    /// How long to wait while another process holds the lock; zero fails at once.
    public var timeout: Duration
    /// The pause between reads while waiting, before jitter (0.5 to 1.5 times this).
    public var pollInterval: Duration
    /// This process's owner ID: random, and what `force-unlock` asks for.
    public var owner: String
    /// The host name written into the claim.
    public var host: String
    /// The process ID written into the claim.
    public var pid: Int

    /// The default claim TTL: long enough to ride out a slow request or two, short enough
    /// that a killed apply blocks the next one only briefly.
    public static let defaultTTL: Duration = .seconds(120)
    /// The default wait for another holder.
    public static let defaultTimeout: Duration = .seconds(300)

    /// A lock for this process, with a new random owner ID.
    public init(
        location: LockLocation = .standard, operation: String = "vaultform apply", ttl: Duration = defaultTTL,
        timeout: Duration = defaultTimeout, pollInterval: Duration = .seconds(1), owner: String = ApplyLock.newOwnerID()
    ) {
        self.location = location
        self.operation = operation
        self.ttl = ttl
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.owner = owner
        self.host = Self.hostName()
        self.pid = Int(ProcessInfo.processInfo.processIdentifier)
    }

    /// A fresh owner ID (a lower-case UUID).
    public static func newOwnerID() -> String { UUID().uuidString.lowercased() }

    /// The claim this process writes.
    var claim: LockClaim { LockClaim(owner: owner, host: host, pid: pid, operation: operation, ttl: ttl) }

    // MARK: - Acquiring

    /// Takes the lock, waiting up to `timeout` while another process holds it, and starts
    /// renewing it in the background.
    /// - Parameters:
    ///   - client: gives the client for each request (a session's, so a renewed token is used).
    ///   - onWait: hears of each holder the acquirer starts waiting for, to tell the user.
    /// - Returns: the lease; call `verify()` before each write and `release()` at the end.
    /// - Throws: `ApplyLockError` (`.held` when the timeout passed, `.unusableLocation` when
    ///   the mount is missing or not KV v2), `VaultError` when the server refuses.
    public func acquire(
        client: @escaping @Sendable () async throws -> VaultClient,
        onWait: @Sendable (LockHolder) -> Void = { _ in }
    ) async throws -> LockLease {
        let store = try await LockStore(location: location).prepared(client())
        var machine = LockAcquisition(owner: owner, timeout: timeout, pollInterval: pollInterval, fallbackTTL: ttl)
        let clock = ContinuousClock()
        let origin = clock.now
        // When our last claim write was sent: a write whose answer was lost is found on the
        // next read, and its tenure counts from here.
        var lastSent: Duration = .zero
        while true {
            try Task.checkCancellation()
            let current = try await client()
            let (observation, serverTime) = try await store.read(current)
            let action = machine.next(
                observation, now: serverTime ?? Date(), elapsed: clock.now - origin, jitter: Double.random(in: 0...1))
            switch action {
            case .write(let cas, let replacing):
                lastSent = clock.now - origin
                switch try await store.write(.held(claim), cas: cas, now: Date(), client: current) {
                case .written(let version, let createdTime):
                    return LockLease(
                        lock: self, store: store, client: client, version: version, acquiredAt: createdTime,
                        sent: lastSent, origin: origin, replaced: replacing)
                case .casMismatch:
                    continue
                }
            case .acquired(let version, _, let acquiredAt):
                return LockLease(
                    lock: self, store: store, client: client, version: version, acquiredAt: acquiredAt, sent: lastSent,
                    origin: origin, replaced: nil)
            case .wait(let pause, let holder, let newHolder):
                if newHolder { onWait(holder) }
                try await Task.sleep(for: pause)
            case .fail(let holder):
                throw ApplyLockError.held(holder, at: store.location, waited: clock.now - origin, timeout: timeout)
            }
        }
    }

    /// Takes the lock with a fixed client.
    public func acquire(client: VaultClient, onWait: @Sendable (LockHolder) -> Void = { _ in }) async throws -> LockLease {
        try await acquire(client: { client }, onWait: onWait)
    }

    /// Runs `body` holding the lock and releases it on every path (even when the task is
    /// cancelled). A release that fails after `body` succeeded is thrown as `.releaseFailed`:
    /// the work is done, and the claim lapses by itself after the TTL.
    public func withLock<T: Sendable>(
        client: @escaping @Sendable () async throws -> VaultClient,
        onWait: @Sendable (LockHolder) -> Void = { _ in },
        _ body: (LockLease) async throws -> T
    ) async throws -> T {
        let lease = try await acquire(client: client, onWait: onWait)
        let result: T
        do {
            result = try await body(lease)
        } catch {
            try? await lease.release()
            throw error
        }
        try await lease.release()
        return result
    }

    // MARK: - Inspecting and removing

    /// What the lock's entry says now, for `force-unlock` and for people: nil when free.
    /// Reads only; never creates the mount (an absent mount means nobody holds the lock).
    public static func holder(at location: LockLocation, client: VaultClient) async throws -> LockHolder? {
        guard let store = try await existingStore(at: location, client: client) else { return nil }
        let (observation, _) = try await store.read(client)
        switch LockAssessment.of(observation, owner: "", now: .distantPast, fallbackTTL: defaultTTL) {
        case .free, .ours: return nil
        case .held(let holder), .expired(let holder, _): return holder
        }
    }

    /// The outcome of `forceUnlock`.
    public enum ForceUnlockOutcome: Sendable, Equatable {
        /// The claim of this holder was removed.
        case released(LockHolder)
        /// Nobody held the lock.
        case notLocked
        /// Someone else holds it; nothing was changed.
        case ownerMismatch(LockHolder)
    }

    /// Removes the claim of `owner`, and nothing else: the entry is rewritten as released
    /// with check-and-set on the version read, so a claim taken in between is left alone.
    /// The holder, if it is still running, finds out at its next `verify()` (before its next
    /// write) or renewal, and stops.
    public static func forceUnlock(
        owner: String, at location: LockLocation, client: VaultClient, releasedBy: String
    ) async throws -> ForceUnlockOutcome {
        guard let store = try await existingStore(at: location, client: client) else { return .notLocked }
        for _ in 1...3 {
            let (observation, _) = try await store.read(client)
            let holder: LockHolder
            switch LockAssessment.of(observation, owner: "", now: .distantPast, fallbackTTL: defaultTTL) {
            case .free, .ours: return .notLocked
            case .held(let found), .expired(let found, _): holder = found
            }
            guard holder.owner == owner, !owner.isEmpty else { return .ownerMismatch(holder) }
            switch try await store.write(.released(by: releasedBy), cas: holder.version, now: Date(), client: client) {
            case .written: return .released(holder)
            case .casMismatch: continue  // renewed in between: read again
            }
        }
        throw ApplyLockError.unusableLocation(
            location, "the entry kept changing while it was being released", fix: "its holder is renewing it; run again")
    }

    /// The store when the mount exists and is KV v2; nil when the mount is absent.
    private static func existingStore(at location: LockLocation, client: VaultClient) async throws -> LockStore? {
        do {
            return try await LockStore(location: location).prepared(client, creating: false)
        } catch let error as VaultError where LockStore.isAbsentMount(error) {
            return nil
        }
    }

    // MARK: - Host

    /// This machine's host name as `gethostname` gives it (no DNS lookup), as claims name it.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown" : name
    }
}

/// Why the lock could not be taken, kept, or let go. A struct around a private code, so new
/// kinds break nobody; the description is one line a person can act on.
public struct ApplyLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case held = "held by another process"
            case lost = "lost"
            case unusableLocation = "unusable location"
            case releaseFailed = "release failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Another process held the lock for the whole timeout.
        public static let held = Code(.held)
        /// The holder's claim lapsed or was taken over: it must stop writing.
        public static let lost = Code(.lost)
        /// The lock's mount is absent, or not KV v2.
        public static let unusableLocation = Code(.unusableLocation)
        /// The work finished, but the claim could not be removed (it lapses by itself).
        public static let releaseFailed = Code(.releaseFailed)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// Where the lock lives.
    public let location: LockLocation
    /// The process holding the lock, for `.held` (and `.lost`, when it was taken over).
    public let holder: LockHolder?
    /// The whole message.
    public let message: String

    public var description: String { message }

    /// The message of an acquirer that gave up: who holds the lock, since and until when,
    /// and the `force-unlock` command for when that process is gone.
    public static func held(_ holder: LockHolder, at location: LockLocation, waited: Duration, timeout: Duration) -> ApplyLockError {
        let waitedText = timeout == .zero ? "--lock-timeout is 0" : "waited \(LockTime.describe(waited))"
        let unlock = "vaultform force-unlock \(holder.owner.isEmpty ? "<owner-id>" : holder.owner)"
            + (location == .standard ? "" : " --lock-path \(location)")
        return ApplyLockError(
            code: .held, location: location, holder: holder,
            message: "the server is locked by \(holder) (lock \(location), \(waitedText)); wait, or run \(unlock) "
                + "if that process is gone")
    }

    static func lost(at location: LockLocation, _ reason: String, holder: LockHolder? = nil) -> ApplyLockError {
        ApplyLockError(
            code: .lost, location: location, holder: holder,
            message: "the apply lock at \(location) was lost: \(reason); stopping before the next write, "
                + "as another apply may be running")
    }

    static func unusableLocation(_ location: LockLocation, _ reason: String, fix: String) -> ApplyLockError {
        ApplyLockError(
            code: .unusableLocation, location: location, holder: nil,
            message: "the apply lock at \(location) cannot be used: \(reason); \(fix)")
    }

    static func releaseFailed(at location: LockLocation, _ error: any Error, expires: Date) -> ApplyLockError {
        ApplyLockError(
            code: .releaseFailed, location: location, holder: nil,
            message: "the apply lock at \(location) could not be released (\(error)); it lapses by itself at "
                + "\(LockTime.format(expires))")
    }
}

extension LockTime {
    /// `2s`, `1m30s`, `5m0s`: how long something took, for messages.
    public static func describe(_ duration: Duration) -> String {
        let total = max(0, Int(duration.inSeconds.rounded()))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total % 3600 / 60)m"
    }
}

import Foundation
import VaultAPI

/// A held apply lock: renewed in the background every third of its TTL until `release()`.
///
/// The holder calls `verify()` before each write (the applier's `beforeWrite`): it reads the
/// lock's entry and throws once the claim is no longer this process's, because it was
/// removed (`vaultform force-unlock`), taken over, or renewals failed until the TTL ran out
/// (the process was suspended, the server unreachable). Another process may then be
/// applying, so the holder must stop. `check()` is the same test without the read: it sees
/// only what the last renewal found, up to a third of the TTL late.
public final class LockLease: @unchecked Sendable {
    /// This process's owner ID.
    public let owner: String
    /// Where the claim lives (with the mount the server named).
    public let location: LockLocation
    /// When the claim was first written (the server's time).
    public let acquiredAt: Date
    /// The holder whose lapsed claim this one took over, if any: worth a warning, as that
    /// apply died or stalled part-way.
    public let replaced: LockHolder?

    private let state: LeaseState
    private let store: LockStore
    private let client: @Sendable () async throws -> VaultClient
    private let origin: ContinuousClock.Instant
    private let renewal: Task<Void, Never>
    private let prefetchLock = NSLock()
    private var prefetched: Task<LockAssessment, any Error>?
    /// The lock's entry, read for `verify()`: concurrent writes share a read sent after each asked.
    private var reads: FreshRead<LockAssessment>!

    init(
        lock: ApplyLock, store: LockStore, client: @escaping @Sendable () async throws -> VaultClient, version: Int,
        acquiredAt: Date, sent: Duration, origin: ContinuousClock.Instant, replaced: LockHolder?
    ) {
        var claim = lock.claim
        claim.acquiredAt = acquiredAt
        let state = LeaseState(version: version, renewedAt: acquiredAt, tenure: LockTenure(ttl: lock.ttl, sent: sent))
        self.owner = lock.owner
        self.location = store.location
        self.acquiredAt = acquiredAt
        self.replaced = replaced
        self.state = state
        self.store = store
        self.client = client
        self.origin = origin
        self.renewal = Task {
            await Self.renew(state: state, store: store, client: client, claim: claim, origin: origin)
        }
        reads = FreshRead { [weak self] in
            guard let self else { throw CancellationError() }
            return try await self.assess()
        }
    }

    deinit { renewal.cancel() }

    /// Whether the claim is gone (taken over, removed, lapsed, or released).
    public var isLost: Bool { (try? check()) == nil }

    /// The entry's current version (the last write of this holder).
    public var version: Int { state.snapshot.version }

    /// Throws `ApplyLockError` with code `.lost` when the claim may no longer be this
    /// process's; call it before every write.
    public func check() throws {
        let now = ContinuousClock.now - origin
        let snapshot = state.snapshot
        if let lost = snapshot.lost { throw lost }
        if snapshot.released { throw ApplyLockError.lost(at: location, "it was released") }
        guard snapshot.tenure.isValid(at: now) else {
            let error = ApplyLockError.lost(
                at: location, "it was not renewed within its TTL of \(LockTime.describe(snapshot.tenure.ttl))")
            state.lose(error)
            throw error
        }
    }

    /// Reads the lock's entry and throws `ApplyLockError` with code `.lost` unless it still
    /// holds this process's claim; call it before every write. One read of one KV entry (a
    /// storage read, no write), sent after the call (writes in flight together share one:
    /// `FreshRead`): a force-unlock or a takeover is seen before the very next write, not at
    /// the next renewal. A renewal landing in between is fine: the entry is
    /// compared by owner ID, not by version.
    /// - Throws: `ApplyLockError` (`.lost`), or the server's error when the entry cannot be
    ///   read (the holder stops then too: it cannot know the claim is still its own).
    public func verify() async throws {
        try check()
        let pending = prefetchLock.withLock {
            defer { prefetched = nil }
            return prefetched
        }
        let assessment = if let pending { try await pending.value } else { try await reads.value() }
        switch assessment {
        case .ours:
            return
        case .free:
            let error = ApplyLockError.lost(
                at: location, "someone removed it (vaultform force-unlock, or the entry was deleted)")
            state.lose(error)
            throw error
        case .held(let holder), .expired(let holder, _):
            let error = ApplyLockError.lost(at: location, "it was taken over by \(holder)", holder: holder)
            state.lose(error)
            throw error
        }
    }

    /// Starts the read of the lock's entry that the next `verify()` uses, so the read overlaps
    /// with other work (apply calls it once an operation's writes are done, and reads the
    /// object back meanwhile). The read is sent after those writes, so a removal before it is
    /// still seen before the next write; one that lands after it is seen at the write after
    /// that, as it would be if it landed just after a read made at `verify()`.
    public func prefetch() {
        let task = Task { try await self.assess() }
        prefetchLock.withLock { prefetched = task }
    }

    /// Reads the entry and judges it for this owner. Whose it is does not depend on the time
    /// (another holder's claim, lapsed or not, means the lock is lost), so the server's time
    /// is not read.
    private func assess() async throws -> LockAssessment {
        let current = try await client()
        let (observation, _) = try await store.read(current, withTime: false)
        return LockAssessment.of(observation, owner: owner, now: Date(), fallbackTTL: state.snapshot.tenure.ttl)
    }

    /// Stops renewing and removes the claim, if it is still this process's (check-and-set on
    /// its own version, so a claim taken over in between is left alone). Runs to the end even
    /// when the calling task is cancelled. Calling it twice is harmless.
    /// - Throws: `ApplyLockError` with code `.releaseFailed` when the server could not be told;
    ///   the claim then lapses after its TTL.
    public func release() async throws {
        try await Task { try await self.releaseNow() }.value
    }

    private func releaseNow() async throws {
        renewal.cancel()
        await renewal.value
        guard state.markReleased() else { return }
        do {
            for _ in 1...3 {
                let current = try await client()
                switch try await store.write(.released(by: owner), cas: state.snapshot.version, now: Date(), client: current) {
                case .written:
                    return
                case .casMismatch:
                    // A renewal cut short by the cancellation may have landed; anything else
                    // means the claim is no longer ours to remove.
                    let (observation, serverTime) = try await store.read(current)
                    guard case .ours(let found, let renewedAt, _) = LockAssessment.of(
                        observation, owner: owner, now: serverTime ?? Date(), fallbackTTL: state.snapshot.tenure.ttl)
                    else { return }
                    state.adopt(version: found, renewedAt: renewedAt)
                }
            }
        } catch {
            let snapshot = state.snapshot
            throw ApplyLockError.releaseFailed(
                at: location, error, expires: snapshot.renewedAt.addingTimeInterval(snapshot.tenure.ttl.inSeconds))
        }
    }

    /// The background renewal: rewrites the claim with check-and-set on its own version at
    /// each `LockTenure.nextRenewal`, retries failures until the TTL runs out, and marks the
    /// lease lost when the claim turns out to be someone else's.
    private static func renew(
        state: LeaseState, store: LockStore, client: @Sendable () async throws -> VaultClient, claim: LockClaim,
        origin: ContinuousClock.Instant
    ) async {
        let clock = ContinuousClock()
        var due = state.snapshot.tenure.nextRenewal
        while !Task.isCancelled {
            do { try await clock.sleep(until: origin + due) } catch { return }
            let snapshot = state.snapshot
            guard snapshot.lost == nil, !snapshot.released else { return }
            let sent = clock.now - origin
            do {
                let current = try await client()
                switch try await store.write(.held(claim), cas: snapshot.version, now: Date(), client: current) {
                case .written(let version, let createdTime):
                    state.renewed(version: version, renewedAt: createdTime, sent: sent)
                case .casMismatch:
                    let (observation, serverTime) = try await store.read(current)
                    switch LockAssessment.of(observation, owner: claim.owner, now: serverTime ?? Date(), fallbackTTL: claim.ttl) {
                    case .ours(let version, let renewedAt, _):
                        // This very write landed, and its answer was lost (a retried timeout).
                        state.renewed(version: version, renewedAt: renewedAt, sent: sent)
                    case .free:
                        state.lose(.lost(at: store.location, "someone removed it (vaultform force-unlock, or the entry was deleted)"))
                        return
                    case .held(let holder), .expired(let holder, _):
                        state.lose(.lost(at: store.location, "it was taken over by \(holder)", holder: holder))
                        return
                    }
                }
                due = state.snapshot.tenure.nextRenewal
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                let now = clock.now - origin
                let tenure = state.snapshot.tenure
                guard tenure.isValid(at: now + tenure.retryInterval) else {
                    state.lose(.lost(
                        at: store.location, "it could not be renewed within its TTL of \(LockTime.describe(tenure.ttl)) (\(error))"))
                    return
                }
                due = now + tenure.retryInterval
            }
        }
    }
}

/// The lease's mutable part, shared by the holder's `check()` and the renewal task.
final class LeaseState: @unchecked Sendable {
    struct Snapshot {
        var version: Int
        var renewedAt: Date
        var tenure: LockTenure
        var lost: ApplyLockError?
        var released = false
    }

    private let lock = NSLock()
    private var value: Snapshot

    init(version: Int, renewedAt: Date, tenure: LockTenure) {
        value = Snapshot(version: version, renewedAt: renewedAt, tenure: tenure)
    }

    var snapshot: Snapshot { lock.withLock { value } }

    func renewed(version: Int, renewedAt: Date, sent: Duration) {
        lock.withLock {
            value.version = version
            value.renewedAt = renewedAt
            value.tenure.renewed(sent: sent)
        }
    }

    func adopt(version: Int, renewedAt: Date) {
        lock.withLock {
            value.version = version
            value.renewedAt = renewedAt
        }
    }

    func lose(_ error: ApplyLockError) {
        lock.withLock { if value.lost == nil { value.lost = error } }
    }

    /// Marks the lease released; false when it already was, or was lost (nothing to remove).
    func markReleased() -> Bool {
        lock.withLock {
            guard !value.released, value.lost == nil else { return false }
            value.released = true
            return true
        }
    }
}

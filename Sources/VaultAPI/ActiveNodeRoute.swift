import Foundation

/// Where a client's requests go when the configured node is a standby of an HA cluster: the
/// active node, found through `sys/leader` and checked with the rules a standby's redirect
/// is checked with (`StandbyRedirect`).
///
/// Why: an OpenBao 2.5+ standby on raft storage serves reads from its own copy and forwards
/// writes to the active node ("horizontal scalability"), so a read right after a write made
/// through it can miss that write (a mount created a moment ago, a policy just written).
/// vaultform reads what it has just written everywhere (the lock's check-and-set, the read-back
/// after each write, write-only records), and OpenBao has no header that makes a standby
/// forward a read. Sending every request to the active node gives read-your-writes for all
/// of them at once (decision 0008).
///
/// Shared by a client's copies (`with(token:)` and the like), so one refresh serves them all.
/// A request that fails in a retryable way (no answer, 5xx, sealed) makes the route look again
/// before its retry, and a request made when the last look is over two seconds old looks
/// first: after a step-down or a failover the requests move to the new active node.
public final class ActiveNodeRoute: @unchecked Sendable {
    /// What looking for the active node found.
    public enum Finding: Sendable, Equatable {
        /// The configured node is the active node, or the server is not part of an HA cluster:
        /// requests go to the configured address.
        case configuredIsActive
        /// The configured node is a standby: requests go to the active node at this origin.
        case routed(String)
        /// The configured node is a standby, and the active node cannot be used (the reason
        /// says why): requests go to the configured address, which forwards writes and may
        /// answer reads from a copy that lags.
        case unroutable(String)
    }

    private let lock = NSLock()
    private var origin: URL?
    private var lastFinding: Finding = .configuredIsActive
    private var looks = 0
    private var sawHA = false
    private var lastLook = ContinuousClock.now
    /// How old the last look may be before a request looks again first: a step-down that
    /// completes between two requests (no request failing meanwhile) leaves the old leader a
    /// standby answering reads from its copy, for at most this long.
    let recheckInterval: Duration

    init(recheckInterval: Duration = .seconds(2)) {
        self.recheckInterval = recheckInterval
    }

    /// The active node's origin, or nil for the configured address.
    var current: URL? { lock.withLock { origin } }

    /// What the last look found.
    public var finding: Finding { lock.withLock { lastFinding } }

    /// Whether a look has found the server in HA mode (`sys/leader`'s `ha_enabled`).
    var highlyAvailable: Bool { lock.withLock { sawHA } }

    fileprivate func markHA() { lock.withLock { sawHA = true } }

    fileprivate func set(_ finding: Finding, origin: URL?) {
        lock.withLock {
            self.origin = origin
            lastFinding = finding
            looks += 1
            lastLook = ContinuousClock.now
        }
    }

    /// Whether the caller should look again because the last look is older than
    /// `recheckInterval`; true for one caller only (the look is marked as under way).
    fileprivate func claimRecheck() -> Bool {
        lock.withLock {
            guard ContinuousClock.now - lastLook >= recheckInterval else { return false }
            lastLook = ContinuousClock.now
            return true
        }
    }

    /// How many looks have been made: a request that failed looks again only when nobody
    /// has since it was sent, so a burst of failures looks about once.
    var generation: Int { lock.withLock { looks } }
}

extension VaultClient {
    /// This client, its requests (and those of its copies) sent to the cluster's active node
    /// whenever the configured node is a standby, with what the first look found. Per-node
    /// requests (unseal, seal status of one node) belong on a client without a route.
    public func routedToActiveNode() async -> (client: VaultClient, finding: ActiveNodeRoute.Finding) {
        await routedToActiveNode(recheckInterval: .seconds(2))
    }

    /// `routedToActiveNode()`, looking again before a request whenever the last look is older
    /// than `recheckInterval`.
    func routedToActiveNode(
        recheckInterval: Duration, leaderWait: Duration = VaultClient.leaderWait
    ) async -> (client: VaultClient, finding: ActiveNodeRoute.Finding) {
        var copy = self
        let route = ActiveNodeRoute(recheckInterval: recheckInterval)
        copy.route = route
        var finding = await copy.lookForActiveNode(route)
        // A standby that knows no leader yet (an election, or a node just restarted that has
        // not heard from the leader) answers reads from a copy that may be far behind: wait
        // a little for a leader before settling for it.
        let clock = ContinuousClock()
        let waitUntil = clock.now + leaderWait
        while finding == Self.noLeaderKnown, clock.now < waitUntil {
            try? await Task.sleep(for: .milliseconds(250))
            finding = await copy.lookForActiveNode(route)
        }
        // Not an HA server (or one that does not say): nothing to follow, nothing to recheck.
        if !route.highlyAvailable { copy.route = nil }
        return (copy, finding)
    }

    /// What the configured node says about the leader, decided and checked; sets `route`.
    ///
    /// With `keepingRoute` (a look made during a run), an active node that cannot be used
    /// leaves the route where it was rather than sending the run back to the configured
    /// standby: during an election that standby may answer reads from a copy that lacks a
    /// write the old leader acknowledged (seen: a policy read back as absent right after its
    /// write, the leader killed in between).
    @discardableResult
    func lookForActiveNode(_ route: ActiveNodeRoute, keepingRoute: Bool = false) async -> ActiveNodeRoute.Finding {
        // Asked of the configured node itself, once, without the route.
        var probe = self
        probe.route = nil
        probe.retryPolicy = .never
        probe.requestDeadline = min(requestDeadline ?? .seconds(5), .seconds(5))
        let leader: LeaderStatus
        do {
            leader = try await probe.leader()
        } catch {
            // Not answered. With an active node already found (the configured node may be the
            // one that failed), keep it; else (an old server, a proxy that hides sys/leader)
            // the configured node it is.
            let kept = route.current
            let finding = kept == nil ? .configuredIsActive : route.finding
            route.set(finding, origin: kept)
            return finding
        }
        if leader.haEnabled { route.markHA() }
        guard leader.haEnabled, !leader.isSelf else {
            route.set(.configuredIsActive, origin: nil)
            return .configuredIsActive
        }
        guard !leader.leaderAddress.isEmpty else {
            route.set(Self.noLeaderKnown, origin: keepingRoute ? route.current : nil)
            return Self.noLeaderKnown
        }
        let finding: ActiveNodeRoute.Finding
        var origin: URL?
        switch StandbyRedirect.decide(
            status: 307, location: leader.leaderAddress, requested: address, followed: 0, limit: 1,
            allowInsecureHTTP: allowInsecureHTTP)
        {
        case .follow(let candidate, _)?:
            var check = probe
            check.route = ActiveNodeRoute()
            check.route?.set(.routed(""), origin: candidate)
            let shown = Self.display(candidate)
            do {
                let health = try await check.health()
                if health.initialized, !health.sealed, !health.standby {
                    origin = candidate
                    finding = .routed(shown)
                } else {
                    finding = .unroutable("the leader it names, \(shown), says it is \(health.sealed ? "sealed" : "a standby") (an election under way?)")
                }
            } catch let error as VaultError {
                finding = .unroutable("the leader it names, \(shown), cannot be reached from here (\(error.code))")
            } catch {
                finding = .unroutable("the leader it names, \(shown), cannot be reached from here")
            }
        case .refuse(let reason)?:
            finding = .unroutable(reason.replacingOccurrences(of: "the standby redirected to", with: "the leader is"))
        case nil:
            finding = .unroutable("it names \(leader.leaderAddress) as the leader, an unusable address")
        }
        route.set(finding, origin: origin ?? (keepingRoute ? route.current : nil))
        logger.debug("active node: \(finding)")
        return finding
    }

    /// Looks for the active node again now, and says whether requests go elsewhere than
    /// before (the leader changed). For a read-back that disagrees with the write just made:
    /// when the leader changed, the read may have come from the old one, now a standby
    /// answering from its copy, and is worth repeating; when it did not, the disagreement is
    /// real. False for a client without a route.
    public func reconfirmActiveNode() async -> Bool {
        guard let route else { return false }
        let before = route.current
        await lookForActiveNode(route, keepingRoute: true)
        return route.current != before
    }

    /// What a standby that names no leader amounts to.
    static let noLeaderKnown = ActiveNodeRoute.Finding.unroutable(
        "it names no leader (an election under way, or the node has not heard from the leader yet)")

    /// How long `routedToActiveNode()` waits for a standby that names no leader to name one.
    static let leaderWait: Duration = .seconds(10)

    /// Before a request: looks for the active node again when the last look is older than
    /// the route's `recheckInterval` (one request of a burst does; the others go on).
    func recheckRoute() async {
        guard let route, route.claimRecheck() else { return }
        await lookForActiveNode(route, keepingRoute: true)
    }

    /// Before a retry: looks for the active node again, since a failure may mean the leader
    /// changed; unless another request has looked since `generation` (when this one was sent).
    func refreshRoute(since generation: Int) async {
        guard let route, route.generation == generation else { return }
        var finding = await lookForActiveNode(route, keepingRoute: true)
        // Routed, and the leader cannot be used (killed, an election under way): ask again for
        // a while, so the retry goes to the new leader rather than spending its attempts.
        let clock = ContinuousClock()
        let end = clock.now + Self.electionWait
        while case .unroutable = finding, route.current != nil, clock.now < end {
            try? await Task.sleep(for: .milliseconds(250))
            finding = await lookForActiveNode(route, keepingRoute: true)
        }
    }

    /// How long a failed request of a routed run waits for a new leader before its retry.
    static let electionWait: Duration = .seconds(5)
}

/// When the token in use needs attention, as a value: given the time, it says what to do
/// (nothing, renew, log in again, or give up), and events move it on. `TokenLifecycle`
/// performs the actions; tests drive this with instants they make up, no waiting.
///
/// The rules, as the seed's services follow them: renew at 75% of the token's TTL; when the
/// token cannot be renewed (not renewable, renewal refused, or renewal no longer extends it
/// because it reached its maximum TTL), log in again if login credentials exist; without them,
/// use the token until it expires, then fail.
public struct TokenSchedule: Sendable, Equatable {
    /// An instant on the clock the schedule is driven by.
    public typealias Instant = ContinuousClock.Instant

    /// What to do now.
    public enum Action: Sendable, Equatable {
        /// Nothing; look again at the given instant (nil: never, the token does not expire).
        case wait(until: Instant?)
        /// Renew the token with `renew-self`.
        case renew
        /// Log in again for a new token.
        case logIn
        /// The token has expired and there is no way to get another.
        case expired
    }

    /// The share of the TTL after which the token is renewed.
    public static let renewalFraction = 0.75

    /// When the current lease started (the login, the renewal or the lookup).
    public private(set) var leaseStart: Instant
    /// The lease's length from `leaseStart`; zero for a token that never expires.
    public private(set) var ttl: Duration
    /// Whether a renewal may still extend the token.
    public private(set) var renewable: Bool
    /// Whether login credentials exist, so a new token can be had.
    public let canLogIn: Bool

    /// A schedule for a token with `ttl` left at `now`.
    public init(ttl: Duration, renewable: Bool, canLogIn: Bool, at now: Instant) {
        self.leaseStart = now
        self.ttl = max(ttl, .zero)
        self.renewable = renewable
        self.canLogIn = canLogIn
    }

    /// When the token expires; nil when it never does.
    public var expiresAt: Instant? { ttl > .zero ? leaseStart + ttl : nil }

    /// When the token is due for renewal (or, if it cannot be renewed, a new login).
    public var dueAt: Instant? { ttl > .zero ? leaseStart + ttl * Self.renewalFraction : nil }

    /// What to do at `now`.
    public func action(at now: Instant) -> Action {
        guard let expiresAt, let dueAt else { return .wait(until: nil) }
        if now >= expiresAt { return canLogIn ? .logIn : .expired }
        if now >= dueAt {
            if renewable { return .renew }
            return canLogIn ? .logIn : .wait(until: expiresAt)
        }
        return .wait(until: dueAt)
    }

    /// A renewal succeeded with a new lease of `ttl`. A renewal that does not move the expiry
    /// later (the token reached its maximum TTL) counts as "cannot be renewed" from now on.
    public mutating func renewed(ttl newTTL: Duration, renewable: Bool, at now: Instant) {
        let previousExpiry = expiresAt
        leaseStart = now
        ttl = max(newTTL, .zero)
        let extended = previousExpiry.map { now + newTTL > $0 + .seconds(1) } ?? true
        self.renewable = renewable && extended
    }

    /// A renewal failed: the token is treated as not renewable, so the next action is a login
    /// (with credentials) or waiting for expiry (without).
    public mutating func renewalFailed() {
        renewable = false
    }

    /// A login succeeded with a new token whose lease is `ttl`.
    public mutating func loggedIn(ttl newTTL: Duration, renewable: Bool, at now: Instant) {
        leaseStart = now
        ttl = max(newTTL, .zero)
        self.renewable = renewable
    }
}

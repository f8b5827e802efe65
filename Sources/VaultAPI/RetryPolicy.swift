/// How hard the client tries before it reports a failure. The defaults suit a run against a
/// server that restarts now and then (the seed's services survive short outages): a failed
/// attempt is retried after a jittered, exponentially growing pause, within a bounded number
/// of attempts and never past the client's deadline.
///
/// What is retried, and for which requests, is decided by `RetrySchedule`:
///
/// | what happened                                  | retried for                          |
/// |------------------------------------------------|--------------------------------------|
/// | connection refused, cannot connect             | every request (nothing was sent)     |
/// | HTTP 429 (rate limit quota)                    | every request (the server refused it)|
/// | HTTP 503 "Vault is sealed"                     | every request, for `sealedWait`      |
/// | timed out, connection lost                     | repeatable requests                  |
/// | HTTP 500, 502, 503, 504                        | repeatable requests                  |
/// | anything else (4xx, certificate, TLS, DNS)     | never                                |
///
/// A request is repeatable when its method only reads (GET, HEAD, LIST) or when the caller
/// marked it idempotent (`request(…, idempotent: true)`): a policy write, a mount tune, a role
/// write. A DNS failure is not retried: it is far more often a typo than an outage.
public struct RetryPolicy: Sendable, Hashable {
    /// The first pause's upper bound; each retry doubles it (by `multiplier`).
    public var baseDelay: Duration
    /// How much the upper bound grows per retry.
    public var multiplier: Double
    /// The largest pause between two attempts (before `Retry-After`, which may ask for more).
    public var maxDelay: Duration
    /// Attempts per request, the first included; 1 turns retries off.
    public var maxAttempts: Int
    /// How long a sealed server is polled, in case it is being unsealed, before the request
    /// fails as sealed. Sealed answers do not count against `maxAttempts`.
    public var sealedWait: Duration
    /// The pause between polls of a sealed server is at most this, so an unseal is noticed soon.
    public var sealedPollDelay: Duration
    /// The longest `Retry-After` the client will honour; a server that asks for more fails the
    /// request at once rather than stalling the run.
    public var maxRetryAfter: Duration
    /// How many standby redirects (307/308) one request may follow.
    public var maxRedirects: Int

    /// Creates a policy; every parameter has the default described on its property.
    public init(
        baseDelay: Duration = .milliseconds(100), multiplier: Double = 2, maxDelay: Duration = .seconds(5),
        maxAttempts: Int = 8, sealedWait: Duration = .seconds(10), sealedPollDelay: Duration = .seconds(1),
        maxRetryAfter: Duration = .seconds(30), maxRedirects: Int = 2
    ) {
        self.baseDelay = baseDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxAttempts = max(1, maxAttempts)
        self.sealedWait = sealedWait
        self.sealedPollDelay = sealedPollDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxRedirects = max(0, maxRedirects)
    }

    /// The default: 100 ms doubling to at most 5 s, full jitter, 8 attempts, 10 s for a sealed
    /// server, `Retry-After` up to 30 s, 2 redirects.
    public static let standard = RetryPolicy()

    /// One attempt, no waiting on a sealed server: for probes that must answer at once.
    /// Standby redirects are still followed.
    public static let never = RetryPolicy(maxAttempts: 1, sealedWait: .zero)

    /// The statuses that may pass on a later attempt.
    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]
}

extension Duration {
    /// A duration the way people read a wait: `250ms`, `1.5s`, `30s`.
    var brief: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded()))ms" }
        let seconds = milliseconds / 1000
        if seconds >= 10 || seconds == seconds.rounded() { return "\(Int(seconds.rounded()))s" }
        return "\((seconds * 10).rounded() / 10)s"
    }
}

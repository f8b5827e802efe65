import Synchronization
import Foundation

/// The retry decisions for one request, as a state machine without a clock or a socket: the
/// client reports what each attempt ended with and how long the request has taken so far, and
/// the schedule answers whether to try again and after how long. Tests drive it with a seeded
/// random source and no network.
///
/// Pauses use full jitter: the n-th retry waits a uniformly random time between zero and
/// `min(maxDelay, baseDelay × multiplier^(n-1))`, so many clients that failed together do not
/// retry together. A `Retry-After` the server sent is a lower bound on the pause.
public struct RetrySchedule: Sendable {
    /// How an attempt ended, when it did not succeed.
    public enum Outcome: Sendable, Hashable {
        /// No HTTP response arrived; the code says why (`connectionRefused`, `timedOut`, …).
        case noResponse(VaultError.Code)
        /// The server answered with a non-2xx status; `retryAfter` is its `Retry-After`, if any.
        case status(Int, retryAfter: Duration? = nil)
        /// The server answered 503 because it is sealed.
        case sealed
        /// A KV mount just enabled (or tuned to version 2) is upgrading its storage and
        /// refused the request with a 400 before acting on it; it answers within moments.
        case upgrading
    }

    /// What to do next.
    public enum Action: Sendable, Hashable {
        /// Send the request again after this pause.
        case retry(after: Duration)
        /// Report the last outcome as the request's result.
        case fail(Reason)
    }

    /// Why the schedule stopped, which the error message reflects.
    public enum Reason: Sendable, Hashable {
        /// The outcome cannot change on a later attempt (a 4xx, a certificate problem).
        case final
        /// The outcome might pass, but the server may have acted on the request and it is not
        /// marked idempotent, so sending it again could apply it twice.
        case notRepeatable
        /// `maxAttempts` attempts were made.
        case attemptsExhausted
        /// The next attempt could not start before the deadline.
        case deadline
        /// The server stayed sealed for the whole `sealedWait`.
        case stillSealed
        /// The server asked to wait longer than `maxRetryAfter`.
        case retryAfterTooLong(Duration)
    }

    /// The policy in force.
    public let policy: RetryPolicy
    /// Whether the request may be sent twice without harm (a read, or marked idempotent).
    public let repeatable: Bool
    /// The time the request has, from its first attempt, before the client's deadline.
    public let budget: Duration?
    /// Attempts reported so far, sealed answers included.
    public private(set) var attempts = 0
    /// Attempts that count against `maxAttempts` (sealed answers do not).
    private var counted = 0
    /// When (in elapsed time) the server was first found sealed.
    private var sealedSince: Duration?
    private var random: SeededRandomNumberGenerator

    /// Creates the schedule for one request.
    /// - Parameters:
    ///   - repeatable: whether the request may be sent twice without harm.
    ///   - budget: the time left before the client's deadline, if it has one.
    ///   - seed: the jitter's seed; tests pass a fixed one.
    public init(policy: RetryPolicy, repeatable: Bool, budget: Duration? = nil, seed: UInt64) {
        self.policy = policy
        self.repeatable = repeatable
        self.budget = budget
        self.random = SeededRandomNumberGenerator(seed: seed)
    }

    /// Records one failed attempt and decides what follows.
    /// - Parameters:
    ///   - outcome: how the attempt ended.
    ///   - elapsed: the time since the request's first attempt started, this attempt included.
    public mutating func next(after outcome: Outcome, elapsed: Duration) -> Action {
        attempts += 1
        let pause: Duration
        switch outcome {
        case .sealed:
            let since = sealedSince ?? elapsed
            sealedSince = since
            let waited = elapsed - since
            guard waited < policy.sealedWait else { return .fail(.stillSealed) }
            pause = min(backoff(cap: policy.sealedPollDelay), policy.sealedWait - waited)
        case .noResponse(let code):
            guard Self.retryable(code) else { return .fail(.final) }
            guard repeatable || Self.notSent(code) else { return .fail(.notRepeatable) }
            counted += 1
            guard counted < policy.maxAttempts else { return .fail(.attemptsExhausted) }
            pause = backoff(cap: policy.maxDelay)
        case .upgrading:
            // Refused before any work, so even a write that is not idempotent is sent again.
            counted += 1
            guard counted < policy.maxAttempts else { return .fail(.attemptsExhausted) }
            pause = backoff(cap: policy.maxDelay)
        case .status(let status, let retryAfter):
            guard RetryPolicy.retryableStatuses.contains(status) else { return .fail(.final) }
            // A 429 is a refusal before any work (a rate limit quota); the rest may follow work.
            guard repeatable || status == 429 else { return .fail(.notRepeatable) }
            counted += 1
            guard counted < policy.maxAttempts else { return .fail(.attemptsExhausted) }
            if let retryAfter, retryAfter > policy.maxRetryAfter { return .fail(.retryAfterTooLong(retryAfter)) }
            pause = max(backoff(cap: policy.maxDelay), retryAfter ?? .zero)
        }
        if let budget, elapsed + pause >= budget { return .fail(.deadline) }
        return .retry(after: pause)
    }

    /// Whether a failure without a response may pass on a later attempt.
    static func retryable(_ code: VaultError.Code) -> Bool {
        [.connectionRefused, .cannotConnect, .timedOut, .connectionLost].contains(code)
    }

    /// Whether the failure happened before the request could reach the server, so that even a
    /// request that is not idempotent may be sent again.
    static func notSent(_ code: VaultError.Code) -> Bool {
        [.connectionRefused, .cannotConnect].contains(code)
    }

    /// A full-jitter pause for the next retry: uniform in [0, min(cap, base × multiplier^k)],
    /// where k counts the retries already scheduled.
    private mutating func backoff(cap: Duration) -> Duration {
        let exponent = Double(max(0, attempts - 1))
        let base = Self.seconds(policy.baseDelay) * pow(policy.multiplier, exponent)
        let ceiling = min(Self.seconds(cap), base.isFinite ? base : Self.seconds(cap))
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64((Double.random(in: 0...ceiling, using: &random) * 1000).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// SplitMix64: a small, fast generator whose sequence is fixed by its seed, so retry pauses
/// can be reproduced in tests. Not for anything secret.
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeds for each request's retry jitter: distinct per request and unpredictable from one
/// run to the next, drawn from one system random value per process instead of a `getrandom`
/// call per request (a twentieth of a plan's system calls).
enum RetrySeed {
    private static let base = UInt64.random(in: .min ... .max)
    private static let count = Atomic<UInt64>(0)

    /// The next seed: SplitMix64's output for this process's next position, so two requests'
    /// jitter sequences do not overlap.
    static func next() -> UInt64 {
        let position = count.wrappingAdd(1, ordering: .relaxed).newValue
        var generator = SeededRandomNumberGenerator(seed: base &+ position &* 0xD1B5_4A32_D192_ED03)
        return generator.next()
    }
}

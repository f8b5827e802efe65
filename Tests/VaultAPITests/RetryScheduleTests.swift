import Foundation
import Testing
import VaultAPI

/// The retry state machine, driven by hand: no clock, no network, a fixed seed.
@Suite("Retry schedule")
struct RetryScheduleTests {
    private let refused = RetrySchedule.Outcome.noResponse(.connectionRefused)

    private func pauses(_ schedule: inout RetrySchedule, _ outcome: RetrySchedule.Outcome, count: Int) -> [RetrySchedule.Action] {
        (0..<count).map { _ in schedule.next(after: outcome, elapsed: .zero) }
    }

    @Test("full jitter: each pause lies in [0, min(5s, 100ms × 2^n)], and the same seed gives the same pauses")
    func jitterBounds() {
        var first = RetrySchedule(policy: RetryPolicy(maxAttempts: 12), repeatable: true, seed: 42)
        var second = RetrySchedule(policy: RetryPolicy(maxAttempts: 12), repeatable: true, seed: 42)
        let a = pauses(&first, refused, count: 11)
        let b = pauses(&second, refused, count: 11)
        #expect(a == b)
        for (index, action) in a.enumerated() {
            guard case .retry(let pause) = action else {
                Issue.record("attempt \(index + 1) was not retried: \(action)")
                continue
            }
            let ceiling = min(Duration.seconds(5), Duration.milliseconds(100) * (1 << index))
            #expect(pause >= .zero && pause <= ceiling, "pause \(index + 1) is \(pause), ceiling \(ceiling)")
        }
        var other = RetrySchedule(policy: RetryPolicy(maxAttempts: 12), repeatable: true, seed: 7)
        #expect(pauses(&other, refused, count: 11) != a, "another seed, other pauses")
    }

    @Test("the pauses are spread, not all at the ceiling or at zero")
    func jitterSpread() {
        var schedule = RetrySchedule(policy: RetryPolicy(maxAttempts: 1000), repeatable: true, seed: 1)
        var later: [Duration] = []
        for index in 0..<200 {
            guard case .retry(let pause) = schedule.next(after: refused, elapsed: .zero) else { continue }
            if index >= 10 { later.append(pause) }  // past the growth: the ceiling is 5 s
        }
        let seconds = later.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        #expect(mean > 1.8 && mean < 3.2, "uniform in [0, 5] has mean 2.5, got \(mean)")
        #expect(seconds.contains { $0 < 1 } && seconds.contains { $0 > 4 })
    }

    @Test("a read is retried until maxAttempts, then fails as exhausted")
    func attemptsBound() {
        var schedule = RetrySchedule(policy: RetryPolicy(maxAttempts: 5), repeatable: true, seed: 3)
        let actions = pauses(&schedule, .noResponse(.timedOut), count: 5)
        #expect(actions.prefix(4).allSatisfy { if case .retry = $0 { true } else { false } })
        #expect(actions.last == .fail(.attemptsExhausted))
        #expect(schedule.attempts == 5)
    }

    @Test("which failures are retried for a write that is not marked idempotent")
    func notRepeatable() {
        func first(_ outcome: RetrySchedule.Outcome, repeatable: Bool) -> RetrySchedule.Action {
            var schedule = RetrySchedule(policy: .standard, repeatable: repeatable, seed: 9)
            return schedule.next(after: outcome, elapsed: .zero)
        }
        let retried = { (action: RetrySchedule.Action) in if case .retry = action { true } else { false } }
        // Nothing reached the server, or it refused before acting: safe for any request.
        #expect(retried(first(.noResponse(.connectionRefused), repeatable: false)))
        #expect(retried(first(.noResponse(.cannotConnect), repeatable: false)))
        #expect(retried(first(.status(429), repeatable: false)))
        #expect(retried(first(.sealed, repeatable: false)))
        // The server may have acted: only for repeatable requests.
        for outcome: RetrySchedule.Outcome in [
            .noResponse(.timedOut), .noResponse(.connectionLost), .status(500), .status(502), .status(503), .status(504),
        ] {
            #expect(first(outcome, repeatable: false) == .fail(.notRepeatable), "\(outcome)")
            #expect(retried(first(outcome, repeatable: true)), "\(outcome)")
        }
    }

    @Test("final outcomes are never retried")
    func finalOutcomes() {
        for outcome: RetrySchedule.Outcome in [
            .status(400), .status(403), .status(404), .status(405), .status(412), .status(501),
            .noResponse(.certificate), .noResponse(.tls), .noResponse(.cannotResolveHost), .noResponse(.invalidAddress),
        ] {
            var schedule = RetrySchedule(policy: .standard, repeatable: true, seed: 1)
            #expect(schedule.next(after: outcome, elapsed: .zero) == .fail(.final), "\(outcome)")
        }
    }

    @Test("Retry-After is a lower bound on the pause; one longer than maxRetryAfter fails at once")
    func retryAfter() {
        var schedule = RetrySchedule(policy: .standard, repeatable: true, seed: 5)
        guard case .retry(let pause) = schedule.next(after: .status(429, retryAfter: .seconds(2)), elapsed: .zero) else {
            Issue.record("not retried")
            return
        }
        #expect(pause == .seconds(2), "the first retry's jitter (at most 100 ms) is below what the server asked")
        let long = schedule.next(after: .status(503, retryAfter: .seconds(120)), elapsed: .seconds(2))
        #expect(long == .fail(.retryAfterTooLong(.seconds(120))))
    }

    @Test("the deadline: a pause that would end past the budget fails instead")
    func deadline() {
        var schedule = RetrySchedule(policy: RetryPolicy(maxAttempts: 100), repeatable: true, budget: .seconds(3), seed: 11)
        var elapsed = Duration.zero
        var final: RetrySchedule.Action?
        for _ in 0..<100 {
            let action = schedule.next(after: refused, elapsed: elapsed)
            guard case .retry(let pause) = action else {
                final = action
                break
            }
            elapsed += pause + .milliseconds(1)
            #expect(elapsed <= .seconds(3) + .milliseconds(1))
        }
        #expect(final == .fail(.deadline))
    }

    @Test("a sealed server is polled for sealedWait, with short pauses, and not counted as attempts")
    func sealed() {
        let policy = RetryPolicy(maxAttempts: 2, sealedWait: .seconds(4), sealedPollDelay: .milliseconds(500))
        var schedule = RetrySchedule(policy: policy, repeatable: false, seed: 2)
        var elapsed = Duration.seconds(1)  // first found sealed one second in
        var polls = 0
        while case .retry(let pause) = schedule.next(after: .sealed, elapsed: elapsed) {
            #expect(pause <= .milliseconds(500))
            elapsed += max(pause, .milliseconds(100))
            polls += 1
        }
        #expect(polls >= 8, "polled for 4 s at most 500 ms apart, more than maxAttempts")
        #expect(elapsed - .seconds(1) >= .seconds(4))
        #expect(schedule.next(after: .sealed, elapsed: elapsed) == .fail(.stillSealed))

        var probe = RetrySchedule(policy: .never, repeatable: true, seed: 2)
        #expect(probe.next(after: .sealed, elapsed: .zero) == .fail(.stillSealed), "no wait with .never")
    }

    @Test("Retry-After as seconds or as an HTTP date")
    func parseRetryAfter() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-29T10:00:00Z"))
        #expect(RetrySchedule.retryAfter("2", now: now) == .seconds(2))
        #expect(RetrySchedule.retryAfter(" 0 ", now: now) == .zero)
        #expect(RetrySchedule.retryAfter("Sun, 29 Nov 2026 10:00:05 GMT", now: now) == .seconds(5))
        #expect(RetrySchedule.retryAfter("Sun, 29 Nov 2026 09:00:00 GMT", now: now) == .zero, "a past date: no wait")
        #expect(RetrySchedule.retryAfter("soon", now: now) == nil)
        #expect(RetrySchedule.retryAfter("-3", now: now) == nil)
        #expect(RetrySchedule.retryAfter(nil, now: now) == nil)
    }
}

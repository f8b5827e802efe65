import Foundation
import Logging
import Synchronization
import Testing
import VaultAPI

/// Renewal at 75% of the TTL, re-login when renewal stops working, revocation at the end:
/// driven by a clock the test moves, against a fake server.
@Suite("Token lifecycle")
struct ConnectionTokenLifecycleTests {
    /// A clock that moves only when told.
    final class ManualClock: Sendable {
        private let offset = Mutex<Duration>(.zero)
        let origin = ContinuousClock.now
        var now: ContinuousClock.Instant { origin + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
        var read: @Sendable () -> ContinuousClock.Instant { { [self] in now } }
    }

    /// A server's token endpoints, scripted.
    final class FakeAuthority: TokenAuthority, Sendable {
        struct State {
            var calls: [String] = []
            var renewals: [Result<TokenGrant, VaultError>] = []
            var logins = 0
            var revoked: [String] = []
        }
        let state = Mutex(State())
        let canLogIn: Bool
        let lookupTTL: Int
        init(canLogIn: Bool, lookupTTL: Int = 100) {
            self.canLogIn = canLogIn
            self.lookupTTL = lookupTTL
        }

        var calls: [String] { state.withLock { $0.calls } }
        var revoked: [String] { state.withLock { $0.revoked } }
        func scriptRenewals(_ results: [Result<TokenGrant, VaultError>]) { state.withLock { $0.renewals = results } }

        func lookUp(_ token: VaultToken) async throws -> TokenDetails {
            state.withLock { $0.calls.append("lookup \(token.value)") }
            return TokenDetails(displayName: "test", policies: ["default"], ttl: lookupTTL, renewable: true)
        }
        func renew(_ token: VaultToken) async throws -> TokenGrant {
            let next: Result<TokenGrant, VaultError> = state.withLock { state in
                state.calls.append("renew \(token.value)")
                return state.renewals.isEmpty
                    ? .success(TokenGrant(token: token, leaseDuration: .seconds(100), renewable: true))
                    : state.renewals.removeFirst()
            }
            return try next.get()
        }
        func logIn() async throws -> TokenGrant {
            let number = state.withLock { state in
                state.logins += 1
                state.calls.append("login")
                return state.logins
            }
            return TokenGrant(token: VaultToken("login-\(number)"), leaseDuration: .seconds(100), renewable: true)
        }
        func revoke(_ token: VaultToken) async throws {
            state.withLock {
                $0.calls.append("revoke \(token.value)")
                $0.revoked.append(token.value)
            }
        }
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static let refused = VaultError(
        code: .http, method: .post, path: "auth/token/renew-self", status: 403, messages: ["permission denied"])

    @Test("the schedule: wait, renew at 75%, log in or expire at 100%")
    func schedule() {
        let start = ContinuousClock.now
        let renewable = TokenSchedule(ttl: .seconds(100), renewable: true, canLogIn: false, at: start)
        #expect(renewable.action(at: start) == .wait(until: start + .seconds(75)))
        #expect(renewable.action(at: start + .seconds(74)) == .wait(until: start + .seconds(75)))
        #expect(renewable.action(at: start + .seconds(75)) == .renew)
        #expect(renewable.action(at: start + .seconds(100)) == .expired)

        let fixed = TokenSchedule(ttl: .seconds(100), renewable: false, canLogIn: true, at: start)
        #expect(fixed.action(at: start + .seconds(80)) == .logIn)
        let fixedNoLogin = TokenSchedule(ttl: .seconds(100), renewable: false, canLogIn: false, at: start)
        #expect(fixedNoLogin.action(at: start + .seconds(80)) == .wait(until: start + .seconds(100)))

        let root = TokenSchedule(ttl: .zero, renewable: false, canLogIn: false, at: start)
        #expect(root.action(at: start + .seconds(1_000_000)) == .wait(until: nil))
    }

    @Test("a renewal that no longer extends the token (max TTL reached) counts as not renewable")
    func cappedRenewal() {
        let start = ContinuousClock.now
        var schedule = TokenSchedule(ttl: .seconds(100), renewable: true, canLogIn: true, at: start)
        schedule.renewed(ttl: .seconds(100), renewable: true, at: start + .seconds(75))
        #expect(schedule.renewable)
        #expect(schedule.expiresAt == start + .seconds(175))
        // Renewed at 150 s but only 25 s granted: the expiry stays at 175 s.
        schedule.renewed(ttl: .seconds(25), renewable: true, at: start + .seconds(150))
        #expect(!schedule.renewable)
        #expect(schedule.action(at: start + .seconds(170)) == .logIn)
    }

    @Test("a provided token is looked up, renewed at 75% and never revoked")
    func providedToken() async throws {
        let clock = ManualClock(), authority = FakeAuthority(canLogIn: false)
        let lifecycle = TokenLifecycle(authority: authority, logger: Self.quiet, now: clock.read)
        let details = try await lifecycle.start(with: VaultToken("given"))
        #expect(details?.policies == ["default"])
        #expect(try await lifecycle.token().value == "given")
        clock.advance(.seconds(74))
        #expect(try await lifecycle.token().value == "given")
        #expect(authority.calls == ["lookup given"])
        clock.advance(.seconds(1))
        #expect(try await lifecycle.token().value == "given")
        #expect(authority.calls == ["lookup given", "renew given"])
        #expect(await lifecycle.finish() == false)
        #expect(authority.revoked.isEmpty)
    }

    @Test("a provided token whose renewal fails is used until it expires, then fails clearly")
    func providedTokenExpires() async throws {
        let clock = ManualClock(), authority = FakeAuthority(canLogIn: false)
        authority.scriptRenewals([.failure(Self.refused)])
        let lifecycle = TokenLifecycle(authority: authority, logger: Self.quiet, now: clock.read)
        try await lifecycle.start(with: VaultToken("given"))
        clock.advance(.seconds(80))
        #expect(try await lifecycle.token().value == "given")
        clock.advance(.seconds(10))
        #expect(try await lifecycle.token().value == "given")
        #expect(authority.calls.filter { $0.hasPrefix("renew") }.count == 1)
        clock.advance(.seconds(10))
        await #expect(throws: TokenLifecycleError.expired) { try await lifecycle.token() }
    }

    @Test("a login token: renewal refused means a new login, the old token is revoked, the last at finish")
    func reLogin() async throws {
        let clock = ManualClock(), authority = FakeAuthority(canLogIn: true)
        authority.scriptRenewals([.failure(Self.refused)])
        let lifecycle = TokenLifecycle(authority: authority, logger: Self.quiet, now: clock.read)
        try await lifecycle.start(with: nil)
        #expect(await lifecycle.origin == .login)
        #expect(try await lifecycle.token().value == "login-1")
        clock.advance(.seconds(76))
        #expect(try await lifecycle.token().value == "login-2")
        #expect(authority.calls == ["login", "lookup login-1", "renew login-1", "login", "revoke login-1"])
        #expect(await lifecycle.finish())
        #expect(authority.revoked == ["login-1", "login-2"])
        await #expect(throws: TokenLifecycleError.notStarted) { try await lifecycle.token() }
    }

    @Test("--keep-login-token keeps the login token at the end")
    func keep() async throws {
        let authority = FakeAuthority(canLogIn: true)
        let lifecycle = TokenLifecycle(authority: authority, keepLoginToken: true, logger: Self.quiet, now: ManualClock().read)
        try await lifecycle.start(with: nil)
        #expect(await lifecycle.finish() == false)
        #expect(authority.revoked.isEmpty)
    }

    @Test("concurrent requests at the due time renew once")
    func concurrentRenewal() async throws {
        let clock = ManualClock(), authority = FakeAuthority(canLogIn: false)
        let lifecycle = TokenLifecycle(authority: authority, logger: Self.quiet, now: clock.read)
        try await lifecycle.start(with: VaultToken("given"))
        clock.advance(.seconds(80))
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await lifecycle.token().value } }
            for try await token in group { #expect(token == "given") }
        }
        #expect(authority.calls.filter { $0.hasPrefix("renew") }.count == 1)
    }

    @Test("maintain() renews in the background, sleeping until each due time")
    func maintain() async throws {
        let clock = ManualClock(), authority = FakeAuthority(canLogIn: false, lookupTTL: 100)
        let lifecycle = TokenLifecycle(authority: authority, logger: Self.quiet, now: clock.read)
        try await lifecycle.start(with: VaultToken("given"))
        let sleeps = Mutex<[Duration]>([])
        // Each "sleep" moves the clock instead of waiting; after three, stop.
        await lifecycle.maintain(sleep: { duration in
            let count = sleeps.withLock { $0.append(duration); return $0.count }
            clock.advance(duration)
            if count == 3 { throw CancellationError() }
        })
        #expect(sleeps.withLock { $0 } == [.seconds(75), .seconds(75), .seconds(75)])
        #expect(authority.calls.filter { $0.hasPrefix("renew") }.count == 2)
    }
}

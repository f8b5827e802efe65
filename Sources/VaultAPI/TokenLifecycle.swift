import Foundation
import Logging

/// The server calls a token's life needs. `ServerTokenAuthority` sends them; tests put a fake
/// in its place to drive renewals and re-logins without a server.
public protocol TokenAuthority: Sendable {
    /// `auth/token/lookup-self` with `token`.
    func lookUp(_ token: VaultToken) async throws -> TokenDetails
    /// `auth/token/renew-self` with `token`.
    func renew(_ token: VaultToken) async throws -> TokenGrant
    /// A login with the configured credentials; only called when `canLogIn`.
    func logIn() async throws -> TokenGrant
    /// `auth/token/revoke-self` with `token`.
    func revoke(_ token: VaultToken) async throws
    /// Whether login credentials are configured.
    var canLogIn: Bool { get }
}

/// The real authority: the client's server, and the configured login method if any.
public struct ServerTokenAuthority: TokenAuthority {
    /// The client the calls go through; its own token is replaced per call.
    public let client: VaultClient
    /// The login to perform, if credentials are configured.
    public let login: LoginMethod?
    private let readFile: @Sendable (String) throws -> String

    /// An authority for `client`'s server, logging in with `login`.
    public init(
        client: VaultClient, login: LoginMethod?,
        readFile: @escaping @Sendable (String) throws -> String = CredentialSource.readFromDisk
    ) {
        self.client = client
        self.login = login
        self.readFile = readFile
    }

    public var canLogIn: Bool { login != nil }

    public func lookUp(_ token: VaultToken) async throws -> TokenDetails {
        try await client.with(token: token.value).lookUpSelf()
    }

    public func renew(_ token: VaultToken) async throws -> TokenGrant {
        try await client.with(token: token.value).renewSelf()
    }

    public func logIn() async throws -> TokenGrant {
        guard let login else { throw TokenLifecycleError.noCredentials }
        return try await client.logIn(login, readFile: readFile)
    }

    public func revoke(_ token: VaultToken) async throws {
        try await client.with(token: token.value).revokeSelf()
    }
}

/// Why no usable token is available.
public enum TokenLifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `start` has not run, or `finish` already has.
    case notStarted
    /// A login was needed but no credentials are configured.
    case noCredentials
    /// The token expired, could not be renewed, and there are no credentials to log in again.
    case expired

    public var description: String {
        switch self {
        case .notStarted: "no token: authentication has not started"
        case .noCredentials: "no login credentials are configured"
        case .expired: "the token has expired and could not be renewed, and no login credentials are configured to get another"
        }
    }
}

/// Keeps a run's token usable: looks it up (or logs in) at start, renews it at 75% of its TTL,
/// logs in again when it cannot be renewed, and revokes a token it obtained by login when the
/// run ends. Every request asks `token()` first, which acts when the schedule says so;
/// `maintain()` does the same in the background for runs that sit idle (a confirmation prompt).
public actor TokenLifecycle {
    /// How the current token was obtained; only login tokens are revoked at the end.
    public enum Origin: Sendable, Equatable {
        /// Given by the user (VAULT_TOKEN, ~/.vault-token).
        case provided
        /// Obtained by this run's login.
        case login
    }

    private let authority: any TokenAuthority
    private let keepLoginToken: Bool
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger
    private var current: VaultToken?
    private var refresh: Task<VaultToken, any Error>?
    /// How the current token was obtained.
    public private(set) var origin: Origin = .provided
    /// The renewal schedule; nil before `start`.
    public private(set) var schedule: TokenSchedule?
    /// What lookup-self said at start (or after the last login).
    public private(set) var details: TokenDetails?

    /// A lifecycle driven by `now` (injected so tests control time), keeping a login token at
    /// the end only if `keepLoginToken`.
    public init(
        authority: any TokenAuthority, keepLoginToken: Bool = false, logger: Logger = Logger(label: "vaultform.auth"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.authority = authority
        self.keepLoginToken = keepLoginToken
        self.logger = logger
        self.now = now
    }

    /// Begins with `token`, or with a login when `token` is nil and credentials exist, and
    /// looks the token up. Returns nil when there is neither (unauthenticated use).
    @discardableResult
    public func start(with token: VaultToken?) async throws -> TokenDetails? {
        if let token {
            let details = try await authority.lookUp(token)
            current = token
            origin = .provided
            schedule = TokenSchedule(
                ttl: details.timeToLive, renewable: details.renewable, canLogIn: authority.canLogIn, at: now())
            self.details = details
        } else if authority.canLogIn {
            let grant = try await authority.logIn()
            current = grant.token
            origin = .login
            schedule = TokenSchedule(
                ttl: grant.leaseDuration, renewable: grant.renewable, canLogIn: true, at: now())
            details = try await authority.lookUp(grant.token)
        } else {
            return nil
        }
        if let details { logger.info("token: \(details.summary)") }
        return details
    }

    /// The token to send now, renewed or replaced first when the schedule says it is due.
    public func token() async throws -> VaultToken {
        guard let current, let schedule else { throw TokenLifecycleError.notStarted }
        if let refresh { return try await refresh.value }
        switch schedule.action(at: now()) {
        case .wait: return current
        case .expired: throw TokenLifecycleError.expired
        case .renew, .logIn:
            let task = Task { try await self.perform() }
            refresh = task
            defer { refresh = nil }
            return try await task.value
        }
    }

    /// `client` with the current token, for the next request.
    public func authorized(_ client: VaultClient) async throws -> VaultClient {
        client.with(token: try await token().value)
    }

    /// Renews or logs in whenever due, sleeping in between, until cancelled or until the token
    /// can no longer be kept. `sleep` is injected for tests.
    public func maintain(
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async {
        while !Task.isCancelled, let schedule {
            let delay: Duration
            switch schedule.action(at: now()) {
            case .wait(until: nil), .expired:
                return
            case .wait(until: let instant?):
                delay = max(instant - now(), .milliseconds(10))
            case .renew, .logIn:
                do {
                    _ = try await token()
                    continue
                } catch {
                    logger.warning("could not refresh the token: \(error)")
                    delay = .seconds(10)
                }
            }
            do { try await sleep(delay) } catch { return }
        }
    }

    /// Ends the run: revokes a token obtained by login unless asked to keep it. Returns
    /// whether a token was revoked; a failed revocation is logged, not thrown, because the
    /// run's own result matters more.
    @discardableResult
    public func finish() async -> Bool {
        refresh?.cancel()
        defer {
            current = nil
            schedule = nil
        }
        guard origin == .login, let current else { return false }
        if keepLoginToken {
            logger.info("keeping the login token (--keep-login-token)")
            return false
        }
        do {
            try await authority.revoke(current)
            logger.info("revoked the login token")
            return true
        } catch {
            logger.warning("could not revoke the login token: \(error)")
            return false
        }
    }

    // MARK: - Acting on the schedule

    private func perform() async throws -> VaultToken {
        guard let current, var schedule else { throw TokenLifecycleError.notStarted }
        if case .renew = schedule.action(at: now()) {
            do {
                let grant = try await authority.renew(current)
                schedule.renewed(ttl: grant.leaseDuration, renewable: grant.renewable, at: now())
                self.schedule = schedule
                logger.info("renewed the token: \(TokenDetails.format(grant.leaseDuration)) left")
                return current
            } catch {
                logger.warning("could not renew the token: \(error)")
                schedule.renewalFailed()
                self.schedule = schedule
            }
        }
        switch schedule.action(at: now()) {
        case .logIn: return try await logInAgain(replacing: current)
        case .expired: throw TokenLifecycleError.expired
        case .wait, .renew: return current
        }
    }

    private func logInAgain(replacing old: VaultToken) async throws -> VaultToken {
        let grant = try await authority.logIn()
        if origin == .login, !keepLoginToken {
            do { try await authority.revoke(old) } catch { logger.info("could not revoke the previous login token: \(error)") }
        }
        current = grant.token
        origin = .login
        schedule?.loggedIn(ttl: grant.leaseDuration, renewable: grant.renewable, at: now())
        logger.info("logged in again: \(TokenDetails.format(grant.leaseDuration)) left")
        return grant.token
    }
}

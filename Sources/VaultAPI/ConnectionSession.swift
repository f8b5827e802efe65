import Foundation
import Logging

/// One run's authenticated connection: the client, the token's lifecycle, and the background
/// renewal. Commands open one after they have checked the server is there, ask it for a
/// client before each request (so a due renewal or re-login happens first), and close it at
/// the end, which revokes a login token unless asked to keep it.
public final class ConnectionSession: Sendable {
    /// The settings the session was opened with.
    public let configuration: ConnectionConfiguration
    /// The token's lifecycle (renewal, re-login, revocation).
    public let lifecycle: TokenLifecycle
    /// What lookup-self said at the start; nil for an unauthenticated session.
    public let details: TokenDetails?
    private let base: VaultClient
    private let maintenance: Task<Void, Never>?

    private init(
        configuration: ConnectionConfiguration, lifecycle: TokenLifecycle, details: TokenDetails?, base: VaultClient,
        maintenance: Task<Void, Never>?
    ) {
        self.configuration = configuration
        self.lifecycle = lifecycle
        self.details = details
        self.base = base
        self.maintenance = maintenance
    }

    /// Authenticates as the configuration says: logs in when login credentials are set (they
    /// win), else looks the token up; with neither, the session is unauthenticated. Starts
    /// background renewal unless `maintain` is false.
    /// - Throws: `VaultError` when the server refuses the token or the login (the error names
    ///   the path), `ConnectionSettingsError` when a credential file cannot be read.
    public static func open(
        _ configuration: ConnectionConfiguration, client: VaultClient, keepLoginToken: Bool = false,
        maintain: Bool = true, readFile: @escaping @Sendable (String) throws -> String = CredentialSource.readFromDisk
    ) async throws -> ConnectionSession {
        let lifecycle = TokenLifecycle(
            authority: ServerTokenAuthority(client: client, login: configuration.login, readFile: readFile),
            keepLoginToken: keepLoginToken, logger: client.logger)
        let given = configuration.login == nil ? configuration.token?.value : nil
        let details = try await lifecycle.start(with: given)
        let maintenance = maintain && details != nil ? Task { await lifecycle.maintain() } : nil
        return ConnectionSession(
            configuration: configuration, lifecycle: lifecycle, details: details, base: client, maintenance: maintenance)
    }

    /// Whether the token came from a login this session made.
    public var loggedIn: Bool {
        get async { await lifecycle.origin == .login && details != nil }
    }

    /// The client to send the next request with, holding a token that is not due for renewal.
    public func client() async throws -> VaultClient {
        guard details != nil else { return base.with(token: nil) }
        return try await lifecycle.authorized(base)
    }

    /// Ends the session: stops renewing and revokes a login token unless it is to be kept.
    /// Returns whether a token was revoked.
    @discardableResult
    public func close() async -> Bool {
        maintenance?.cancel()
        return await lifecycle.finish()
    }
}

import ArgumentParser
import Foundation
import VaultAPI
import VaultformManifest
import VaultformRender

/// What every command that reads a server starts with: the manifest loaded (diagnostics
/// printed), the connection resolved, the token looked up or a login made.
struct ServerConnection {
    let configuration: ConnectionConfiguration
    let session: ConnectionSession
    let identity: ServerIdentity

    /// Loads the manifest, printing its diagnostics; fails (exit 1, with their summary) on errors.
    static func loadManifest(_ options: ManifestOptions, color: Bool) throws -> Manifest {
        let result = options.loader().load(path: options.path)
        Terminal.writeError(DiagnosticRendering.text(result.diagnostics, color: color))
        GitHubActions.annotate(result.diagnostics)
        guard let manifest = result.manifest else {
            let summary = DiagnosticRendering.summary(result.diagnostics, path: options.path)
            throw CommandFailure(lines: [summary], reasons: [summary])
        }
        return manifest
    }

    /// Resolves the connection (flags over the manifest over the environment), identifies the
    /// server, and opens an authenticated session. `token`, when given, stands where the
    /// environment's VAULT_TOKEN and BAO_TOKEN would (bootstrap's root token): the process's
    /// own environment is never changed.
    static func open(_ options: ConnectionOptions, manifest: Manifest, token: String? = nil) async throws -> ServerConnection {
        var environment = ProcessInfo.processInfo.environment
        if let token {
            environment["VAULT_TOKEN"] = token
            environment["BAO_TOKEN"] = token
        }
        let configuration = try options.resolve(manifest: manifest.server, environment: environment)
        if case .none = configuration.authentication {
            // Every command that opens a connection needs a token; without one the server
            // would only answer 403 after the first request.
            throw CommandFailure.error(
                "no token: set VAULT_TOKEN (or BAO_TOKEN) or write ~/.vault-token, or log in with --approle-role-id-file (VAULT_ROLE_ID) or --jwt-role")
        }
        return try await report(configuration) {
            let configured = try options.client(for: configuration)
            let identity = try await configured.identity()
            let (client, finding) = await configured.routedToActiveNode()
            if let note = activeNodeNote(finding, configured: configured.address) { Terminal.writeError(note + "\n") }
            let session = try await ConnectionSession.open(configuration, client: client, keepLoginToken: options.keepLoginToken)
            return ServerConnection(configuration: configuration, session: session, identity: identity)
        }
    }

    /// The line that says where requests go when the configured node is a standby (decision
    /// 0008); nil when it is the active node.
    static func activeNodeNote(_ finding: ActiveNodeRoute.Finding, configured: URL) -> String? {
        let shown = configured.absoluteString.hasSuffix("/") ? String(configured.absoluteString.dropLast()) : configured.absoluteString
        switch finding {
        case .configuredIsActive:
            return nil
        case .routed(let active):
            return "note: \(shown) is a standby; sending requests to the active node at \(active), so every read sees the writes before it"
        case .unroutable(let reason):
            return "warning: \(shown) is a standby and its active node cannot be used: \(reason); requests stay on \(shown), which forwards writes but may answer reads from a copy that lags them"
        }
    }

    /// Runs `body`; a server or connection error it throws fails the command with one clear
    /// line and a hint that names the setting to fix (exit 1; see `ErrorReport`).
    static func report<T>(_ configuration: ConnectionConfiguration, _ body: () async throws -> T) async throws -> T {
        try await ErrorReport.mapping(configuration, body)
    }

    /// Runs `body`; any error it throws fails the command with one clear line (for work
    /// before a server is involved).
    static func reportPlain<T>(_ body: () throws -> T) throws -> T {
        try ErrorReport.mapping(body)
    }

    /// Runs `body` with the session's client and closes the session on every path, so a
    /// login token is revoked even when the command fails.
    func whileOpen<T>(_ body: (VaultClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(try await session.client())
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    /// Ends the session: a token obtained by login is revoked unless asked otherwise.
    func close() async {
        _ = await session.close()
    }
}

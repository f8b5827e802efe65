import ArgumentParser
import Foundation
import Synchronization
import VaultAPI
import VaultformManifest
import VaultformRender

/// What every command that reads a server starts with: the manifest loaded (diagnostics
/// printed), the connection resolved, the token looked up or a login made.
struct ServerConnection {
    /// Where the error lines printed by `report`, `reportPlain` and `loadManifest` are also
    /// collected, for commands that put them in a report of their own (drift).
    @TaskLocal static var errors: ErrorLines?

    let configuration: ConnectionConfiguration
    let session: ConnectionSession
    let identity: ServerIdentity

    /// Loads the manifest, printing its diagnostics; exits 1 on errors.
    static func loadManifest(_ options: ManifestOptions, color: Bool) throws -> Manifest {
        let result = options.loader().load(path: options.path)
        Terminal.writeError(DiagnosticRendering.text(result.diagnostics, color: color))
        GitHubActions.annotate(result.diagnostics)
        guard let manifest = result.manifest else {
            let summary = DiagnosticRendering.summary(result.diagnostics, path: options.path)
            Terminal.writeError(summary + "\n")
            errors?.append(summary)
            throw ExitCode.failure
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
            fail("no token: set VAULT_TOKEN (or BAO_TOKEN) or write ~/.vault-token, or log in with --approle-role-id-file (VAULT_ROLE_ID) or --jwt-role")
            throw ExitCode.failure
        }
        return try await report(configuration) {
            let client = try options.client(for: configuration)
            let identity = try await client.identity()
            let session = try await ConnectionSession.open(configuration, client: client, keepLoginToken: options.keepLoginToken)
            return ServerConnection(configuration: configuration, session: session, identity: identity)
        }
    }

    /// Runs `body`, turning a server or connection error into one clear line (and a hint that
    /// names the setting to fix) and exit 1.
    static func report<T>(_ configuration: ConnectionConfiguration, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as VaultError {
            fail("\(error)")
            if let hint = configuration.hint(for: error) { Terminal.writeError("hint: \(hint)\n") }
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            fail("\(error)")
            throw ExitCode.failure
        }
    }

    /// Runs `body`, turning any error into one clear line and exit 1 (for work before a server is involved).
    static func reportPlain<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            fail("\(error)")
            throw ExitCode.failure
        }
    }

    /// Reports an error line: on standard error, unless the collector says the command's own
    /// report prints it (drift's text report), and into the collector.
    static func fail(_ line: String) {
        if errors?.echo ?? true { Terminal.writeError("error: \(line)\n") }
        errors?.append(line)
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

/// Error lines collected while a command runs (see `ServerConnection.errors`).
final class ErrorLines: Sendable {
    private let lines = Mutex<[String]>([])
    /// Whether the lines are also printed on standard error as they come; false when the
    /// command prints them itself, so that no error is shown twice.
    let echo: Bool

    init(echo: Bool = true) { self.echo = echo }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// Every line, in order, one per line.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

import ArgumentParser
import Foundation
import Logging
import VaultAPI
import VaultformManifest

/// The server connection flags, shared by every command that talks to a server. Each one
/// wins over the manifest's `server:` settings, which win over the environment
/// (BAO_* over VAULT_*), which wins over ~/.vault-token.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's URL (else manifest server.address, BAO_ADDR, VAULT_ADDR, https://127.0.0.1:8200).", valueName: "url"))
    var address: String?

    @Option(help: ArgumentHelp("The namespace for every request (else server.namespace, BAO_/VAULT_NAMESPACE); \"\" for none.", valueName: "name"))
    var namespace: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("A PEM file of CA certificates to trust (else server.ca_cert, VAULT_CACERT).", valueName: "file"))
    var caCert: String?

    @Option(name: .customLong("ca-path"), help: ArgumentHelp("A directory of hashed CA certificates to trust (else server.ca_path, VAULT_CAPATH).", valueName: "dir"))
    var caPath: String?

    @Option(name: .customLong("client-cert"), help: ArgumentHelp("A PEM client certificate for mTLS listeners (else VAULT_CLIENT_CERT).", valueName: "file"))
    var clientCert: String?

    @Option(name: .customLong("client-key"), help: ArgumentHelp("The client certificate's PEM key (else VAULT_CLIENT_KEY).", valueName: "file"))
    var clientKey: String?

    @Option(name: .customLong("tls-server-name"), help: ArgumentHelp("The name to expect in the server's certificate (else server.tls_server_name, VAULT_TLS_SERVER_NAME).", valueName: "name"))
    var tlsServerName: String?

    @Flag(name: .customLong("skip-verify"), help: "Do not verify the server's certificate (also VAULT_SKIP_VERIFY=true). Warns on every run.")
    var skipVerify = false

    @Flag(name: .customLong("allow-insecure-http"), help: "Allow plain http:// to a host that is not loopback.")
    var allowInsecureHTTP = false

    @Option(name: .customLong("approle-role-id-file"), help: ArgumentHelp("Log in with AppRole, the role ID read from this file (else VAULT_ROLE_ID, VAULT_ROLE_ID_PATH).", valueName: "file"))
    var appRoleRoleIDFile: String?

    @Option(name: .customLong("approle-secret-id-file"), help: ArgumentHelp("The AppRole secret ID's file (else VAULT_SECRET_ID, VAULT_SECRET_ID_PATH).", valueName: "file"))
    var appRoleSecretIDFile: String?

    @Option(name: .customLong("approle-mount"), help: ArgumentHelp("The AppRole auth mount (default: approle).", valueName: "path"))
    var appRoleMount: String?

    @Option(name: .customLong("jwt-role"), help: ArgumentHelp("Log in with JWT as this role; the JWT from --jwt-file or VAULT_JWT.", valueName: "role"))
    var jwtRole: String?

    @Option(name: .customLong("jwt-file"), help: ArgumentHelp("A file holding the JWT (an OIDC token from the CI system).", valueName: "file"))
    var jwtFile: String?

    @Option(name: .customLong("jwt-mount"), help: ArgumentHelp("The JWT auth mount (default: jwt).", valueName: "path"))
    var jwtMount: String?

    @Flag(name: .customLong("keep-login-token"), help: "Do not revoke the token obtained by an AppRole or JWT login when the command ends.")
    var keepLoginToken = false

    @Option(name: .customLong("max-concurrency"), help: ArgumentHelp("How many requests may be in flight at once.", valueName: "n"))
    var maxConcurrency: Int = 8

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("How long one attempt of a request may take (10s, 2m; default 30s, 10s for status).", valueName: "duration"))
    var requestTimeout: DurationArgument?

    @Option(help: ArgumentHelp("How long one request may take, its retries included (else VAULTFORM_TIMEOUT; default 35s).", valueName: "duration"))
    var timeout: DurationArgument?

    @Option(help: ArgumentHelp("How long the whole command may take, retries included (5m, 1h).", valueName: "duration"))
    var deadline: DurationArgument?

    @Flag(name: .shortAndLong, help: "Show requests, retries and the token's policies and TTL on standard error.")
    var verbose = false

    func validate() throws {
        guard maxConcurrency >= 1 else { throw ValidationError("--max-concurrency must be at least 1") }
    }

    /// The flags as the resolver takes them.
    var flags: ConnectionInputs.Flags {
        ConnectionInputs.Flags(
            address: address, namespace: namespace, caCert: caCert, caPath: caPath, clientCert: clientCert,
            clientKey: clientKey, tlsServerName: tlsServerName, skipVerify: skipVerify, allowInsecureHTTP: allowInsecureHTTP,
            appRoleRoleIDFile: appRoleRoleIDFile, appRoleSecretIDFile: appRoleSecretIDFile, appRoleMount: appRoleMount,
            jwtRole: jwtRole, jwtFile: jwtFile, jwtMount: jwtMount)
    }

    /// Resolves the connection and prints its warnings (skip-verify, conflicts) to standard
    /// error, as every run must. Problems end the command with exit 1 (one `error:` line each).
    func resolve(manifest: ServerSettings?, environment: [String: String]) throws -> ConnectionConfiguration {
        let inputs = ConnectionInputs(
            flags: flags, manifest: manifest.map(ConnectionInputs.ManifestSettings.init) ?? .init(),
            environment: environment, tokenFile: ConnectionInputs.homeTokenFile(environment: environment))
        let configuration: ConnectionConfiguration
        do {
            configuration = try ConnectionConfiguration.resolve(inputs)
        } catch {
            throw CommandFailure.error(error.problems)
        }
        for warning in configuration.warnings { Terminal.writeError("warning: \(warning)\n") }
        // A named file or directory that is not there is a mistake to report now, not a TLS
        // failure (or, over plain HTTP, silence) later.
        var missing: [String] = []
        for (setting, isDirectory) in [
            (configuration.caCert, false), (configuration.caPath, true), (configuration.clientCert, false), (configuration.clientKey, false),
        ] {
            guard let setting else { continue }
            var directory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: setting.value, isDirectory: &directory) || directory.boolValue != isDirectory {
                missing.append("\(setting.value) (\(setting.source)) is not an existing \(isDirectory ? "directory" : "file")")
            }
        }
        guard missing.isEmpty else {
            throw CommandFailure.error(missing)
        }
        return configuration
    }

    /// Where library messages go: standard error, with requests and token details only at -v.
    func logger(label: String = "vaultform") -> Logger {
        let level: Logger.Level = verbose ? .debug : .warning
        return Logger(label: label) { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// How long one request may take, retries included, when neither `--timeout` nor
    /// VAULTFORM_TIMEOUT says: enough to ride out a restart (about 11 s of retries) or a
    /// sealed server's 10 s, short enough that a server that never answers is reported soon.
    static let defaultRequestDeadline: Duration = .seconds(35)

    /// The client for the configuration, with this invocation's timeouts and concurrency; it
    /// says on standard error (without -v) when a request is retried.
    func client(for configuration: ConnectionConfiguration, defaultTimeout: Duration = .seconds(30)) throws -> VaultClient {
        var client = try configuration.client(
            timeout: requestTimeout?.duration ?? defaultTimeout, maxConcurrentRequests: maxConcurrency,
            logger: logger(label: "vaultform.api"))
        client.requestDeadline = try requestDeadline(environment: ProcessInfo.processInfo.environment)
        client.retryObserver = { line in Terminal.writeError("vaultform: \(line)…\n") }
        return client
    }

    /// `--timeout`, else VAULTFORM_TIMEOUT, else the default.
    func requestDeadline(environment: [String: String]) throws -> Duration {
        if let timeout { return timeout.duration }
        guard let text = environment["VAULTFORM_TIMEOUT"], !text.isEmpty else { return Self.defaultRequestDeadline }
        guard let parsed = DurationArgument(argument: text) else {
            throw ValidationError("VAULTFORM_TIMEOUT is `\(text)`, not a duration (35s, 2m)")
        }
        return parsed.duration
    }

    /// Runs `operation`, failing with a clear error when `--deadline` passes first.
    func withinDeadline<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let deadline = deadline?.duration else { return try await operation() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw DeadlineExceeded(deadline: deadline)
            }
            return result
        }
    }
}

/// The `--deadline` passed before the command finished.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let deadline: Duration
    var description: String { "the command did not finish within its deadline (--deadline \(TokenDetails.format(deadline)))" }
}

/// A duration on the command line: `30s`, `2m`, `1h30m`, or whole seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let duration: Duration

    init?(argument: String) {
        guard case .success(let span) = TimeSpan.parse(argument), span.seconds > 0 else { return nil }
        duration = .seconds(span.seconds)
    }
}

extension ConnectionInputs.ManifestSettings {
    /// The manifest's `server:` block, each value with its `FILE:LINE:COL`. CA paths are
    /// relative to the manifest file that names them, like policy files.
    init(_ server: ServerSettings) {
        func value(_ located: Located<String>?, path: Bool = false) -> Value? {
            guard let located else { return nil }
            var text = located.value
            if path, !text.isEmpty, !text.hasPrefix("/") {
                let directory = (located.location.file as NSString).deletingLastPathComponent
                if !directory.isEmpty { text = (directory as NSString).appendingPathComponent(text) }
            }
            return Value(text, at: located.location.description)
        }
        self.init(
            address: value(server.address), namespace: value(server.namespace), caCert: value(server.caCert, path: true),
            caPath: value(server.caPath, path: true), tlsServerName: value(server.tlsServerName))
    }
}

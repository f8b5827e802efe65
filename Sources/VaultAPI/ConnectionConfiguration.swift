import Foundation
import Logging

/// The connection as resolved from flags, manifest, environment and token file: every value
/// knows its source, so `vaultform status` can explain it and errors can point at it. Build
/// one with `ConnectionConfiguration.resolve(_:)`.
public struct ConnectionConfiguration: Sendable {
    /// The server's URL (default `https://127.0.0.1:8200`, as Vault's CLI).
    public var address: Sourced<URL>
    /// The namespace sent with every request, if any.
    public var namespace: Sourced<String>?
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caCert: Sourced<String>?
    /// A directory of hashed CA certificates to trust.
    public var caPath: Sourced<String>?
    /// A client certificate for listeners that require mTLS.
    public var clientCert: Sourced<String>?
    /// The client certificate's key.
    public var clientKey: Sourced<String>?
    /// The name to verify in the server's certificate, when it differs from the address.
    public var tlsServerName: Sourced<String>?
    /// Set, and true, only when verification was switched off explicitly.
    public var skipVerify: Sourced<Bool>?
    /// Whether `--allow-insecure-http` permitted plain HTTP to a remote host.
    public var allowInsecureHTTP: Bool
    /// The token, if one was found. Not used when `login` is set.
    public var token: Sourced<VaultToken>?
    /// Login credentials, if configured; they win over `token`.
    public var login: LoginMethod?
    /// Things to tell the user on every run (verification off, conflicting variables, an
    /// ignored token); the command line prints them to standard error.
    public var warnings: [String]

    /// Creates a configuration; most callers use `resolve(_:)`.
    public init(
        address: Sourced<URL>, namespace: Sourced<String>? = nil, caCert: Sourced<String>? = nil,
        caPath: Sourced<String>? = nil, clientCert: Sourced<String>? = nil, clientKey: Sourced<String>? = nil,
        tlsServerName: Sourced<String>? = nil, skipVerify: Sourced<Bool>? = nil, allowInsecureHTTP: Bool = false,
        token: Sourced<VaultToken>? = nil, login: LoginMethod? = nil, warnings: [String] = []
    ) {
        self.address = address
        self.namespace = namespace
        self.caCert = caCert
        self.caPath = caPath
        self.clientCert = clientCert
        self.clientKey = clientKey
        self.tlsServerName = tlsServerName
        self.skipVerify = skipVerify
        self.allowInsecureHTTP = allowInsecureHTTP
        self.token = token
        self.login = login
        self.warnings = warnings
    }

    /// The TLS settings for the transport.
    public var tls: TLSOptions {
        TLSOptions(
            caFile: caCert?.value, caDirectory: caPath?.value, clientCertificate: clientCert?.value,
            clientKey: clientKey?.value, serverName: tlsServerName?.value,
            skipVerification: skipVerify?.value ?? false)
    }

    /// How requests will be authenticated: login credentials first, then a token.
    public var authentication: Authentication {
        if let login { return .login(login) }
        if let token { return .token(token) }
        return .none
    }

    /// A client for this configuration, holding the token when one is used directly (a login
    /// happens later, through `TokenLifecycle`).
    public func client(
        timeout: Duration = .seconds(60), maxConcurrentRequests: Int = 8,
        logger: Logger = Logger(label: "vaultform.api")
    ) throws -> VaultClient {
        let directToken = login == nil ? token?.value.value : nil
        var client = try VaultClient(
            address: address.value, token: directToken, namespace: namespace?.value, tls: tls, timeout: timeout,
            maxConcurrentRequests: maxConcurrentRequests, logger: logger)
        client.allowInsecureHTTP = allowInsecureHTTP
        return client
    }

    /// One line per setting that is set, `name: value (from source)`, for `vaultform status`
    /// and `-v`. The token and credentials appear only as where they come from.
    public var summary: [(name: String, value: String)] {
        func line(_ name: String, _ setting: Sourced<String>?) -> (name: String, value: String)? {
            setting.map { (name, "\($0.value) (from \($0.source))") }
        }
        var lines: [(name: String, value: String)] = [
            ("address", "\(Self.display(address.value)) (from \(address.source))"),
            line("namespace", namespace) ?? ("namespace", "none"),
        ]
        lines += [
            line("ca_cert", caCert), line("ca_path", caPath), line("client_cert", clientCert),
            line("client_key", clientKey), line("tls_server_name", tlsServerName),
        ].compactMap { $0 }
        if address.value.scheme?.lowercased() == "https" {
            lines.append(("tls_verify", skipVerify.map { "SKIPPED (from \($0.source))" } ?? "on"))
        }
        switch authentication {
        case .none:
            lines.append(("token", "not set"))
        case .token(let token):
            lines.append(("token", "set (from \(token.source))"))
        case .login(let method):
            lines.append(("login", method.description))
            if let token { lines.append(("token", "set (from \(token.source)) but not used: login wins")) }
        }
        return lines
    }

    static func display(_ url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

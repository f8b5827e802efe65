/// Everything the connection is configured from, as plain values: the resolver reads nothing
/// itself (the token file comes through a function), so precedence is tested with tables and
/// no home directory.
public struct ConnectionInputs: Sendable {
    /// The command line's connection flags; nil and false mean "not given".
    public struct Flags: Sendable, Equatable {
        /// `--address`.
        public var address: String?
        /// `--namespace`.
        public var namespace: String?
        /// `--ca-cert`.
        public var caCert: String?
        /// `--ca-path`.
        public var caPath: String?
        /// `--client-cert`.
        public var clientCert: String?
        /// `--client-key`.
        public var clientKey: String?
        /// `--tls-server-name`.
        public var tlsServerName: String?
        /// `--skip-verify`.
        public var skipVerify: Bool
        /// `--allow-insecure-http`.
        public var allowInsecureHTTP: Bool
        /// `--approle-role-id-file`.
        public var appRoleRoleIDFile: String?
        /// `--approle-secret-id-file`.
        public var appRoleSecretIDFile: String?
        /// `--approle-mount`.
        public var appRoleMount: String?
        /// `--jwt-role`.
        public var jwtRole: String?
        /// `--jwt-file`.
        public var jwtFile: String?
        /// `--jwt-mount`.
        public var jwtMount: String?

        /// No flags given.
        public init(
            address: String? = nil, namespace: String? = nil, caCert: String? = nil, caPath: String? = nil,
            clientCert: String? = nil, clientKey: String? = nil, tlsServerName: String? = nil,
            skipVerify: Bool = false, allowInsecureHTTP: Bool = false,
            appRoleRoleIDFile: String? = nil, appRoleSecretIDFile: String? = nil, appRoleMount: String? = nil,
            jwtRole: String? = nil, jwtFile: String? = nil, jwtMount: String? = nil
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
            self.appRoleRoleIDFile = appRoleRoleIDFile
            self.appRoleSecretIDFile = appRoleSecretIDFile
            self.appRoleMount = appRoleMount
            self.jwtRole = jwtRole
            self.jwtFile = jwtFile
            self.jwtMount = jwtMount
        }
    }

    /// The manifest's `server:` block. VaultAPI does not know the manifest's types, so the
    /// command line copies the values in with their `FILE:LINE:COL`; relative paths are
    /// expected already resolved against the manifest file.
    public struct ManifestSettings: Sendable, Equatable {
        /// One value and where it is written.
        public struct Value: Sendable, Equatable {
            /// The value as written (after variable substitution).
            public var text: String
            /// `FILE:LINE:COL` of the value.
            public var location: String

            /// Pairs a value with its location.
            public init(_ text: String, at location: String) {
                self.text = text
                self.location = location
            }
        }

        /// `server.address`.
        public var address: Value?
        /// `server.namespace`.
        public var namespace: Value?
        /// `server.ca_cert`.
        public var caCert: Value?
        /// `server.ca_path`.
        public var caPath: Value?
        /// `server.tls_server_name`.
        public var tlsServerName: Value?

        /// No manifest settings.
        public init(
            address: Value? = nil, namespace: Value? = nil, caCert: Value? = nil, caPath: Value? = nil,
            tlsServerName: Value? = nil
        ) {
            self.address = address
            self.namespace = namespace
            self.caCert = caCert
            self.caPath = caPath
            self.tlsServerName = tlsServerName
        }
    }

    /// The command line's flags.
    public var flags: Flags
    /// The manifest's settings; empty when no manifest is used.
    public var manifest: ManifestSettings
    /// The process environment.
    public var environment: [String: String]
    /// The token helper file's content, or nil when there is none. Injected so tests need no
    /// home directory.
    public var tokenFile: @Sendable () -> String?
    /// How the token file is named in sources and messages.
    public var tokenFileName: String

    /// Collects the inputs; the default token file is `~/.vault-token`, read from `HOME`.
    public init(
        flags: Flags = Flags(), manifest: ManifestSettings = ManifestSettings(), environment: [String: String] = [:],
        tokenFileName: String = "~/.vault-token", tokenFile: @escaping @Sendable () -> String? = { nil }
    ) {
        self.flags = flags
        self.manifest = manifest
        self.environment = environment
        self.tokenFileName = tokenFileName
        self.tokenFile = tokenFile
    }

    /// Reads `$HOME/.vault-token` (the file `vault login` and `bao login` write), or nil when
    /// there is no home or no file.
    public static func homeTokenFile(environment: [String: String]) -> @Sendable () -> String? {
        let home = environment["HOME"]
        return {
            guard let home, !home.isEmpty else { return nil }
            return try? CredentialSource.readFromDisk(home + "/.vault-token")
        }
    }
}

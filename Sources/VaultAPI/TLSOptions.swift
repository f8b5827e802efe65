/// How to trust the server and how to prove who we are to it. Kept as a value so the
/// configuration layer can say where each setting came from before a connection exists.
public struct TLSOptions: Sendable, Hashable {
    /// A PEM file of CA certificates to trust instead of the system's (VAULT_CACERT).
    public var caFile: String?
    /// A directory of hashed CA certificates to trust (VAULT_CAPATH).
    public var caDirectory: String?
    /// A PEM client certificate to present, for listeners that require mTLS (VAULT_CLIENT_CERT).
    public var clientCertificate: String?
    /// The PEM private key of the client certificate (VAULT_CLIENT_KEY).
    public var clientKey: String?
    /// The name to expect in the server's certificate and to send as SNI, when it differs from
    /// the address's host (VAULT_TLS_SERVER_NAME). The address still decides where to connect.
    public var serverName: String?
    /// Accept any certificate and host name. Only for an explicit request (VAULT_SKIP_VERIFY).
    public var skipVerification: Bool

    /// Creates options; the defaults trust the system's CAs and verify everything.
    public init(
        caFile: String? = nil, caDirectory: String? = nil, clientCertificate: String? = nil,
        clientKey: String? = nil, serverName: String? = nil, skipVerification: Bool = false
    ) {
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.serverName = serverName
        self.skipVerification = skipVerification
    }
}

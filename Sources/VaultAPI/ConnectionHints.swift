import Foundation

/// What to try after a connection failure, judged from what the configuration lacks. libcurl
/// explains TLS failures in OpenSSL's words (a listener that requires a client certificate
/// just closes the connection under TLS 1.3: "getpeername() failed"), so the setting to change
/// is named here, next to the error.
extension ConnectionConfiguration {
    /// Whether libcurl's words say the server answered the TLS handshake in plain HTTP
    /// (OpenSSL: "wrong version number", or "packet length too long" for some servers).
    static func answeredInPlainHTTP(_ detail: String) -> Bool {
        detail.contains("wrong version number") || detail.contains("packet length too long")
            || detail.contains("speaking plain http")
    }

    /// One sentence for people, or nil when the error says it all.
    public func hint(for error: VaultError) -> String? {
        let https = address.value.scheme?.lowercased() == "https"
        let detail = error.messages.joined(separator: " ").lowercased()
        switch error.code {
        case .certificate where skipVerify == nil:
            if detail.contains("no alternative certificate subject name") || detail.contains("does not match target host") {
                let name = tlsServerName.map { "\($0.value) (from \($0.source))" } ?? "the address's host"
                return "the server's certificate does not carry \(name); set --tls-server-name (or VAULT_TLS_SERVER_NAME) to a name it carries"
            }
            if let trusted = caCert ?? caPath {
                return "the server's certificate is not signed by the CA in \(trusted.value) (from \(trusted.source)); check that it is the CA that issued the server's certificate"
            }
            if detail.contains("client") || detail.contains("unable to set private key") || detail.contains("could not load pem") {
                return "the client certificate or key cannot be used; check --client-cert and --client-key"
            }
            return "the server's certificate is not signed by a CA the system trusts; for a private CA (like the seed's vault-ca.crt) set --ca-cert or VAULT_CACERT"
        case .tls, .connectionLost:
            guard https else { return nil }
            if Self.answeredInPlainHTTP(detail) {
                var plain = URLComponents(url: address.value, resolvingAgainstBaseURL: false)
                plain?.scheme = "http"
                let suggestion = plain?.url.map { Self.display($0) } ?? "http://"
                return "the server at \(Self.display(address.value)) does not speak TLS (it answered in plain HTTP): if it is a plain-HTTP listener, use \(suggestion) (plain http is allowed on loopback only, else with --allow-insecure-http)"
            }
            if let clientCert {
                return "the server may have refused the client certificate from \(clientCert.source); check it is signed by a CA the listener trusts (tls_client_ca_file)"
            }
            return "the server may require a client certificate (mTLS): set --client-cert and --client-key, or VAULT_CLIENT_CERT and VAULT_CLIENT_KEY"
        case .http where !https && error.status == 400 && (detail.contains("not json") || detail.contains("https server")):
            return "a plain http:// request answered with 400 usually means the server speaks HTTPS here: use https://"
        case .timedOut:
            return "nothing answered in time: check that \(Self.display(address.value)) is a Vault or OpenBao listener (a firewall that drops packets, or another service on that port, looks like this); give a slow server more time with --request-timeout and --timeout"
        case .connectionRefused where address.source == .default:
            return "no address is configured, so the default \(ConnectionConfiguration.defaultAddress) was tried; set --address or VAULT_ADDR"
        default:
            return nil
        }
    }
}

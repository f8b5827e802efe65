import Foundation
import Testing
import VaultAPI

/// The precedence rules as a table: flags > manifest > environment (BAO_ over VAULT_) >
/// token file > default, each value with its source.
@Suite("Connection settings: precedence and sources")
struct ConnectionResolverTests {
    typealias Manifest = ConnectionInputs.ManifestSettings

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var flags = ConnectionInputs.Flags()
        var manifest = Manifest()
        var environment: [String: String] = [:]
        var tokenFile: String?
        var setting: @Sendable (ConnectionConfiguration) -> String?
        var expected: String?
        var testDescription: String { name }
    }

    static let manifestFile = "manifests/hoodcloud/server.yaml"
    static func at(_ line: Int) -> String { "\(manifestFile):\(line):3" }

    static func address(_ c: ConnectionConfiguration) -> String? {
        "\(c.address.value.absoluteString) <- \(c.address.source)"
    }
    static func show(_ setting: Sourced<String>?) -> String? { setting.map { "\($0.value) <- \($0.source)" } }

    static let cases: [Case] = [
        Case(name: "address: default", setting: address, expected: "https://127.0.0.1:8200 <- default"),
        Case(
            name: "address: VAULT_ADDR", environment: ["VAULT_ADDR": "https://v.example:8200"], setting: address,
            expected: "https://v.example:8200 <- environment VAULT_ADDR"),
        Case(
            name: "address: BAO_ADDR wins over VAULT_ADDR",
            environment: ["VAULT_ADDR": "https://v.example:8200", "BAO_ADDR": "https://b.example:8200"],
            setting: address, expected: "https://b.example:8200 <- environment BAO_ADDR"),
        Case(
            name: "address: an empty BAO_ADDR is unset", environment: ["VAULT_ADDR": "https://v.example", "BAO_ADDR": ""],
            setting: address, expected: "https://v.example <- environment VAULT_ADDR"),
        Case(
            name: "address: manifest over environment",
            manifest: Manifest(address: .init("https://m.example:8200", at: at(4))),
            environment: ["VAULT_ADDR": "https://v.example:8200"], setting: address,
            expected: "https://m.example:8200 <- manifest server.address (manifests/hoodcloud/server.yaml:4:3)"),
        Case(
            name: "address: flag over manifest and environment",
            flags: .init(address: "https://f.example:8200"),
            manifest: Manifest(address: .init("https://m.example:8200", at: at(4))),
            environment: ["VAULT_ADDR": "https://v.example:8200", "BAO_ADDR": "https://b.example"], setting: address,
            expected: "https://f.example:8200 <- flag --address"),
        Case(
            name: "namespace: manifest over VAULT_NAMESPACE",
            manifest: Manifest(namespace: .init("team-a", at: at(5))), environment: ["VAULT_NAMESPACE": "team-b"],
            setting: { show($0.namespace) }, expected: "team-a <- manifest server.namespace (\(at(5)))"),
        Case(
            name: "namespace: an empty flag clears the environment's",
            flags: .init(namespace: ""), environment: ["VAULT_NAMESPACE": "team-b"],
            setting: { show($0.namespace) }, expected: nil),
        Case(
            name: "namespace: BAO_NAMESPACE", environment: ["BAO_NAMESPACE": "ns1"],
            setting: { show($0.namespace) }, expected: "ns1 <- environment BAO_NAMESPACE"),
        Case(
            name: "ca_cert: VAULT_CACERT (the seed's step 6)",
            environment: ["VAULT_CACERT": "infrastructure/docker/config/vault/tls/vault-ca.crt"],
            setting: { show($0.caCert) },
            expected: "infrastructure/docker/config/vault/tls/vault-ca.crt <- environment VAULT_CACERT"),
        Case(
            name: "ca_cert: flag over manifest",
            flags: .init(caCert: "/flag/ca.pem"), manifest: Manifest(caCert: .init("/m/ca.pem", at: at(6))),
            setting: { show($0.caCert) }, expected: "/flag/ca.pem <- flag --ca-cert"),
        Case(
            name: "ca_path: manifest", manifest: Manifest(caPath: .init("/etc/cas", at: at(7))),
            environment: ["BAO_CAPATH": "/b"], setting: { show($0.caPath) },
            expected: "/etc/cas <- manifest server.ca_path (\(at(7)))"),
        Case(
            name: "client cert and key: environment", environment: ["VAULT_CLIENT_CERT": "/c.pem", "VAULT_CLIENT_KEY": "/k.pem"],
            setting: { [show($0.clientCert), show($0.clientKey)].compactMap { $0 }.joined(separator: "; ") },
            expected: "/c.pem <- environment VAULT_CLIENT_CERT; /k.pem <- environment VAULT_CLIENT_KEY"),
        Case(
            name: "tls_server_name: flag", flags: .init(tlsServerName: "vault.internal"),
            manifest: Manifest(tlsServerName: .init("m.internal", at: at(8))),
            setting: { show($0.tlsServerName) }, expected: "vault.internal <- flag --tls-server-name"),
        Case(
            name: "tls_server_name: VAULT_TLS_SERVER_NAME", environment: ["VAULT_TLS_SERVER_NAME": "e.internal"],
            setting: { show($0.tlsServerName) }, expected: "e.internal <- environment VAULT_TLS_SERVER_NAME"),
        Case(name: "skip-verify: off by default", setting: { $0.skipVerify.map { "\($0.source)" } }, expected: nil),
        Case(
            name: "skip-verify: VAULT_SKIP_VERIFY=true", environment: ["VAULT_SKIP_VERIFY": "true"],
            setting: { $0.skipVerify.map { "\($0.value) <- \($0.source)" } }, expected: "true <- environment VAULT_SKIP_VERIFY"),
        Case(
            name: "skip-verify: VAULT_SKIP_VERIFY=0 is off", environment: ["VAULT_SKIP_VERIFY": "0"],
            setting: { $0.skipVerify.map { "\($0.source)" } }, expected: nil),
        Case(
            name: "skip-verify: the flag", flags: .init(skipVerify: true), environment: ["VAULT_SKIP_VERIFY": "false"],
            setting: { $0.skipVerify.map { "\($0.value) <- \($0.source)" } }, expected: "true <- flag --skip-verify"),
        Case(
            name: "token: VAULT_TOKEN over the token file", environment: ["VAULT_TOKEN": "hvs.env"], tokenFile: "hvs.file\n",
            setting: { $0.token.map { "\($0.value.value) <- \($0.source)" } }, expected: "hvs.env <- environment VAULT_TOKEN"),
        Case(
            name: "token: BAO_TOKEN over VAULT_TOKEN", environment: ["VAULT_TOKEN": "hvs.v", "BAO_TOKEN": "s.b"],
            setting: { $0.token.map { "\($0.value.value) <- \($0.source)" } }, expected: "s.b <- environment BAO_TOKEN"),
        Case(
            name: "token: the token file, trimmed", tokenFile: "  hvs.file\n",
            setting: { $0.token.map { "\($0.value.value) <- \($0.source)" } }, expected: "hvs.file <- ~/.vault-token"),
        Case(
            name: "token: an empty token file is no token", tokenFile: "\n",
            setting: { $0.token.map { "\($0.source)" } }, expected: nil),
    ]

    @Test("each setting's value and source", arguments: cases)
    func precedence(_ row: Case) throws {
        let inputs = ConnectionInputs(
            flags: row.flags, manifest: row.manifest, environment: row.environment,
            tokenFile: { [tokenFile = row.tokenFile] in tokenFile })
        let configuration = try ConnectionConfiguration.resolve(inputs)
        #expect(row.setting(configuration) == row.expected)
    }

    static func resolve(
        flags: ConnectionInputs.Flags = .init(), manifest: Manifest = Manifest(), environment: [String: String] = [:]
    ) throws -> ConnectionConfiguration {
        try ConnectionConfiguration.resolve(ConnectionInputs(flags: flags, manifest: manifest, environment: environment))
    }

    static func problems(
        flags: ConnectionInputs.Flags = .init(), manifest: Manifest = Manifest(), environment: [String: String] = [:]
    ) -> [String] {
        do {
            _ = try ConnectionConfiguration.resolve(ConnectionInputs(flags: flags, manifest: manifest, environment: environment))
            return []
        } catch {
            return error.problems
        }
    }

    @Test("plain http:// only to loopback, unless --allow-insecure-http")
    func insecureHTTP() throws {
        for loopback in ["http://127.0.0.1:8200", "http://127.8.9.10", "http://localhost:8200", "http://[::1]:8200"] {
            #expect(Self.problems(flags: .init(address: loopback)).isEmpty, "\(loopback)")
        }
        let refused = Self.problems(environment: ["VAULT_ADDR": "http://10.0.0.5:8200"])
        #expect(refused.count == 1)
        #expect(refused.first?.contains("refusing plain http:// to 10.0.0.5") == true)
        #expect(refused.first?.contains("environment VAULT_ADDR") == true)
        #expect(refused.first?.contains("--allow-insecure-http") == true)
        #expect(Self.problems(flags: .init(address: "http://128.0.0.1")).count == 1)
        #expect(Self.problems(flags: .init(address: "http://localhost.example.com")).count == 1)

        let allowed = try Self.resolve(flags: .init(address: "http://10.0.0.5:8200", allowInsecureHTTP: true))
        #expect(allowed.warnings.contains { $0.contains("plain HTTP to 10.0.0.5") })
    }

    @Test("addresses that are not http(s) URLs are refused, naming the source")
    func badAddress() {
        let problems = Self.problems(manifest: Manifest(address: .init("vault.example:8200", at: Self.at(4))))
        #expect(problems == [
            "the address `vault.example:8200` (manifest server.address (manifests/hoodcloud/server.yaml:4:3)) is not an http:// or https:// URL with a host"
        ])
        #expect(Self.problems(flags: .init(address: "ftp://x")).count == 1)
    }

    @Test("skip-verify: a warning every time, and an unparsable value is an error")
    func skipVerify() throws {
        let skipping = try Self.resolve(environment: ["BAO_SKIP_VERIFY": "1"])
        #expect(skipping.tls.skipVerification)
        #expect(skipping.warnings.contains { $0.contains("TLS verification is OFF (environment BAO_SKIP_VERIFY)") })
        #expect(try Self.resolve().warnings.isEmpty)
        #expect(Self.problems(environment: ["VAULT_SKIP_VERIFY": "yes"]) == [
            "environment VAULT_SKIP_VERIFY is `yes`, not a boolean (use true or false)"
        ])
    }

    @Test("BAO_ and VAULT_ set to different values: BAO_ is used, with a warning that never shows a token")
    func conflictingVariables() throws {
        let configuration = try Self.resolve(environment: [
            "VAULT_ADDR": "https://a.example", "BAO_ADDR": "https://b.example",
            "VAULT_TOKEN": "hvs.vault-secret", "BAO_TOKEN": "s.bao-secret",
        ])
        #expect(configuration.warnings.contains {
            $0.contains("BAO_ADDR and VAULT_ADDR are both set and differ; using BAO_ADDR (https://b.example rather than https://a.example)")
        })
        let tokenWarning = configuration.warnings.first { $0.contains("BAO_TOKEN") }
        #expect(tokenWarning != nil)
        #expect(configuration.warnings.allSatisfy { !$0.contains("secret") })
        // The same value twice is no conflict.
        let same = try Self.resolve(environment: ["VAULT_ADDR": "https://a.example", "BAO_ADDR": "https://a.example"])
        #expect(same.warnings.isEmpty)
    }

    @Test("a client key without a certificate is refused")
    func keyWithoutCertificate() {
        #expect(Self.problems(flags: .init(clientKey: "/k.pem")).first?.contains("no client certificate") == true)
    }

    @Test("TLS options follow the resolved settings")
    func tlsOptions() throws {
        let configuration = try Self.resolve(
            flags: .init(clientCert: "/c.pem", tlsServerName: "vault.internal"),
            manifest: Manifest(caCert: .init("/ca.pem", at: Self.at(6))),
            environment: ["VAULT_CAPATH": "/cas", "VAULT_CLIENT_KEY": "/k.pem"])
        #expect(configuration.tls == TLSOptions(
            caFile: "/ca.pem", caDirectory: "/cas", clientCertificate: "/c.pem", clientKey: "/k.pem",
            serverName: "vault.internal", skipVerification: false))
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// mTLS: a dev server with a second listener that requires and verifies client certificates
/// (`tls_require_and_verify_client_cert`), every certificate made in the test with openssl.
@Suite("TLS client certificates (mTLS)")
struct TLSClientCertificateTests {
    @Test("the client certificate is accepted; without it, or with a stranger's, the connection is refused clearly")
    func mutualTLS() async throws {
        let pki = try await TestPKI()
        defer { pki.remove() }
        let port = try FreePort.loopbackPair()
        let listener = """
            listener "tcp" {
              address = "127.0.0.1:\(port)"
              cluster_address = "127.0.0.1:\(port + 1)"
              tls_cert_file = "\(pki.serverCertificate)"
              tls_key_file = "\(pki.serverKey)"
              tls_client_ca_file = "\(pki.caCertificate)"
              tls_require_and_verify_client_cert = true
            }

            """
        try await DevServer.with(extraConfig: listener) { server in
            let address = try #require(URL(string: "https://127.0.0.1:\(port)"))
            let withCertificate = TLSOptions(
                caFile: pki.caCertificate, clientCertificate: pki.clientCertificate, clientKey: pki.clientKey)

            // Presented: the listener answers, also to an authenticated request.
            let accepted = try VaultClient(address: address, token: server.rootToken, tls: withCertificate)
            #expect(try await accepted.health().initialized)
            #expect(try await accepted.lookUpSelf().policies == ["root"])

            // Absent: a transport error, and a hint that names the missing setting.
            let settings = ConnectionConfiguration(
                address: Sourced(address, from: .flag("--address")),
                caCert: Sourced(pki.caCertificate, from: .flag("--ca-cert")))
            let bare = try settings.client(timeout: .seconds(10))
            let refused = try await #require(throws: VaultError.self) { try await bare.health() }
            #expect([.connectionLost, .tls].contains(refused.code), "\(refused)")
            #expect(refused.description.hasPrefix("GET sys/health: "))
            #expect(settings.hint(for: refused)?.contains("the server may require a client certificate (mTLS)") == true)

            // A certificate from another CA: refused too.
            let stranger = try await TestPKI()
            defer { stranger.remove() }
            let foreign = try VaultClient(
                address: address,
                tls: TLSOptions(
                    caFile: pki.caCertificate, clientCertificate: stranger.clientCertificate,
                    clientKey: stranger.clientKey),
                timeout: .seconds(10))
            let rejected = try await #require(throws: VaultError.self) { try await foreign.health() }
            // Under TLS 1.3 the refusal arrives after the handshake, as a failed read on a loaded machine.
            #expect([.connectionLost, .tls, .certificate, .transport].contains(rejected.code), "\(rejected)")

            // End to end: the environment's client certificate, as the seed's services would set it.
            let environment = [
                "VAULT_ADDR": address.absoluteString, "VAULT_CACERT": pki.caCertificate,
                "VAULT_CLIENT_CERT": pki.clientCertificate, "VAULT_CLIENT_KEY": pki.clientKey,
                "VAULT_TOKEN": server.rootToken,
            ]
            let ok = try await StatusCommandTests.run(["status"], environment: environment)
            #expect(ok.code == 0, "\(ok.error)")
            #expect(ok.output.contains("client_cert:       \(pki.clientCertificate) (from environment VAULT_CLIENT_CERT)"))
            #expect(ok.output.contains("policies:          root"))
            var withoutCertificate = environment
            withoutCertificate["VAULT_CLIENT_CERT"] = nil
            withoutCertificate["VAULT_CLIENT_KEY"] = nil
            let failed = try await StatusCommandTests.run(["status", "--request-timeout", "10s"], environment: withoutCertificate)
            #expect(failed.code == 1)
            #expect(failed.error.contains("error: GET sys/health: "))
            #expect(failed.error.contains("hint: the server may require a client certificate (mTLS)"))
            for run in [ok, failed] { #expect(!run.all.contains(server.rootToken), "the root token was printed") }
        }
    }
}

/// A throwaway PKI made with openssl: a CA, a server certificate for 127.0.0.1 and localhost,
/// and a client certificate. EC keys, because they are made in milliseconds.
struct TestPKI {
    let directory: URL
    var caCertificate: String { path("ca.pem") }
    var caKey: String { path("ca.key") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await OpenSSL.run(
            ["req", "-x509"] + ec + [
                "-keyout", caKey, "-out", caCertificate, "-days", "2", "-subj", "/CN=vaultform test CA \(UUID().uuidString.prefix(8))",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try await issue("server", subject: "/CN=localhost", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try await issue("client", subject: "/CN=vaultform-client", extensions: "extendedKeyUsage=clientAuth\n")
    }

    private func issue(_ name: String, subject: String, extensions: String) async throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await OpenSSL.run(["req"] + ec + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try await OpenSSL.run([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", caCertificate, "-CAkey", caKey, "-CAcreateserial",
            "-out", path("\(name).pem"), "-days", "2", "-extfile", path("\(name).ext"),
        ])
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Runs the `openssl` command line.
enum OpenSSL {
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    /// Runs `openssl ARGUMENTS`, with `input` on standard input; returns standard output.
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil) async throws -> Data {
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments, environment: ProcessInfo.processInfo.environment, input: input)
        guard result.exitCode == 0 else { throw Failure(arguments: arguments, output: result.standardError) }
        return result.outputData
    }
}

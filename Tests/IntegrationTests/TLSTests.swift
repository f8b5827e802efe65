import Foundation
import Testing
import VaultAPI

/// TLS through libcurl against `bao server -dev -dev-tls`, whose certificate names
/// localhost and 127.0.0.1 and is signed by a CA written beside it.
@Suite("TLS against a -dev-tls server")
struct TLSTests {
    @Test("trust, distrust, server-name override and skip-verify")
    func tls() async throws {
        try await DevServer.with(tls: true) { server in
            let ca = try #require(server.caFile)
            #expect(server.address.scheme == "https")

            // The right CA: verified and answered.
            let trusted = try VaultClient(address: server.address, tls: TLSOptions(caFile: ca))
            #expect(try await trusted.health().sealed == false)

            // The system's CAs do not know the dev CA: a certificate error with curl's reason.
            let untrusted = try VaultClient(address: server.address, timeout: .seconds(10))
            let error = try await #require(throws: VaultError.self) { try await untrusted.health() }
            #expect(error.code == .certificate)
            #expect(error.description.contains("certificate"))
            #expect(error.description.hasPrefix("GET sys/health: certificate problem at \(server.address.absoluteString)"))

            // Server name in the certificate: the address dials 127.0.0.1, TLS checks "localhost".
            let renamed = try VaultClient(
                address: server.address, tls: TLSOptions(caFile: ca, serverName: "localhost"))
            #expect(try await renamed.health().initialized)

            // A server name the certificate does not carry fails verification, proving the
            // override is what TLS checks.
            let misnamed = try VaultClient(
                address: server.address, tls: TLSOptions(caFile: ca, serverName: "wrong.example"), timeout: .seconds(10))
            let mismatch = try await #require(throws: VaultError.self) { try await misnamed.health() }
            #expect(mismatch.code == .certificate)

            // Skip-verify accepts the unknown CA.
            let skipping = try VaultClient(address: server.address, tls: TLSOptions(skipVerification: true))
            #expect(try await skipping.health().initialized)
        }
    }

    @Test("a CA made with openssl that did not sign the server's certificate: a clear certificate error")
    func wrongCA() async throws {
        let other = try await TestPKI()
        defer { other.remove() }
        try await DevServer.with(tls: true) { server in
            let settings = ConnectionConfiguration(
                address: Sourced(server.address, from: .flag("--address")),
                caCert: Sourced(other.caCertificate, from: .environment("VAULT_CACERT")))
            let client = try settings.client(timeout: .seconds(10))
            let error = try await #require(throws: VaultError.self) { try await client.health() }
            #expect(error.code == .certificate)
            #expect(error.description.hasPrefix("GET sys/health: certificate problem at \(server.address.absoluteString)"))
            #expect(error.description.contains("certificate"))
            #expect(settings.hint(for: error) == "the server's certificate is not signed by the CA in \(other.caCertificate) (from environment VAULT_CACERT); check that it is the CA that issued the server's certificate")

            // End to end: the same through the command, which names the setting to fix.
            let run = try await StatusCommandTests.run(
                ["status", "--address", server.address.absoluteString, "--ca-cert", other.caCertificate])
            #expect(run.code == 1)
            #expect(run.error.contains("certificate problem"))
            #expect(run.error.contains("hint: the server's certificate is not signed by the CA in \(other.caCertificate) (from flag --ca-cert)"))
        }
    }

    @Test("a CA directory (--ca-path, hashed with openssl rehash), VAULT_CACERT, and skip-verify's warning")
    func caDirectoryAndSkipVerify() async throws {
        try await DevServer.with(tls: true) { server in
            let ca = try #require(server.caFile)
            let directory = server.directory.appendingPathComponent("cas", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ca, toPath: directory.appendingPathComponent("dev-ca.pem").path)
            try await OpenSSL.run(["rehash", directory.path])
            let byDirectory = try VaultClient(address: server.address, tls: TLSOptions(caDirectory: directory.path))
            #expect(try await byDirectory.health().initialized)

            let environment = ["VAULT_ADDR": server.address.absoluteString, "VAULT_TOKEN": server.rootToken]
            let byPath = try await StatusCommandTests.run(["status", "--ca-path", directory.path], environment: environment)
            #expect(byPath.code == 0, "\(byPath.error)")
            #expect(byPath.output.contains("ca_path:           \(directory.path) (from flag --ca-path)"))
            #expect(byPath.output.contains("tls_verify:        on"))

            var withCA = environment
            withCA["VAULT_CACERT"] = ca
            let byFile = try await StatusCommandTests.run(["status"], environment: withCA)
            #expect(byFile.code == 0, "\(byFile.error)")
            #expect(byFile.output.contains("ca_cert:           \(ca) (from environment VAULT_CACERT)"))
            #expect(!byFile.error.contains("warning"))

            var skipping = environment
            skipping["VAULT_SKIP_VERIFY"] = "true"
            let skipped = try await StatusCommandTests.run(["status"], environment: skipping)
            #expect(skipped.code == 0, "\(skipped.error)")
            #expect(skipped.output.contains("tls_verify:        SKIPPED (from environment VAULT_SKIP_VERIFY)"))
            #expect(skipped.error.contains("warning: TLS verification is OFF (environment VAULT_SKIP_VERIFY)"))
            let flagged = try await StatusCommandTests.run(["status", "--skip-verify"], environment: environment)
            #expect(flagged.error.contains("warning: TLS verification is OFF (flag --skip-verify)"))
            for run in [byPath, byFile, skipped, flagged] { #expect(!run.all.contains(server.rootToken)) }
        }
    }
}

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
}

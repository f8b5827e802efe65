import Foundation
import Testing
import VaultformSecrets

/// `PEMMeaning`: PEM text read as OpenBao's Go code reads it, against certificates and keys the
/// real `openssl` made.
@Suite struct PEMMeaningTests {
    @Test func certificatesIgnoreLayoutAndTextAround() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let one = PEMMeaning.certificates(keys.certificate)
        #expect(one.count == 1)
        let crlf = "# the cluster's CA\r\n\r\n" + keys.certificate.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n"
        #expect(PEMMeaning.certificates(crlf) == one)
        // Other blocks, and blocks with headers, are not certificates to the server.
        #expect(PEMMeaning.certificates(keys.p256PKCS8 + keys.certificate) == one)
        let withHeaders = keys.certificate.replacingOccurrences(
            of: "-----BEGIN CERTIFICATE-----\n", with: "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n")
        #expect(PEMMeaning.certificates(withHeaders).isEmpty)
        #expect(PEMMeaning.certificates("not a certificate").isEmpty)
        let other = try await OpenSSL.run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
            "-subj", "/CN=other", "-days", "1",
        ])
        #expect(PEMMeaning.certificates(keys.certificate + other) == one + PEMMeaning.certificates(other))
    }

    @Test func aPublicKeyIsTheSameKeyAsACertificateOfIt() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let certificate = try await OpenSSL.run(
            ["req", "-x509", "-key", "/dev/stdin", "-subj", "/CN=sa", "-days", "1"], input: keys.rsa2048PKCS8)
        let key = try #require(PEMMeaning.publicKey(keys.rsa2048Public))
        #expect(PEMMeaning.publicKey(certificate) == key)
        #expect(PEMMeaning.publicKey(keys.rsa2048Public.replacingOccurrences(of: "\n", with: "\r\n")) == key)
        #expect(PEMMeaning.publicKey(keys.p384Public) != key)
        // What `certutil.ParsePublicKeyPEM` refuses: PKCS#1, a private key, two blocks, no PEM.
        #expect(PEMMeaning.publicKey(keys.rsa2048PublicPKCS1) == nil)
        #expect(PEMMeaning.publicKey(keys.p256PKCS8) == nil)
        #expect(PEMMeaning.publicKey(keys.rsa2048Public + keys.p384Public) == nil)
        #expect(PEMMeaning.publicKey("garbage") == nil)
    }
}

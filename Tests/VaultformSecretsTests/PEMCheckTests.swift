import Foundation
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// `SecretValues.check` for PEM keys and certificates, against keys the real `openssl` made.
@Suite struct PEMCheckTests {
    @Test func privateKeysOfEveryEncoding() async throws {
        let keys = try await OpenSSLFixtures.shared()
        for keyType: String? in [nil, "any", "rsa"] {
            expectCheck(.string(keys.rsa2048PKCS8), field(.pemPrivateKey, keyType: keyType), .valid)
            expectCheck(.string(keys.rsa2048PKCS1), field(.pemPrivateKey, keyType: keyType), .valid)
        }
        for keyType: String? in [nil, "any", "ec"] {
            expectCheck(.string(keys.p256PKCS8), field(.pemPrivateKey, keyType: keyType), .valid)
            expectCheck(.string(keys.p256SEC1), field(.pemPrivateKey, keyType: keyType), .valid)
            expectCheck(.string(keys.p384PKCS8), field(.pemPrivateKey, keyType: keyType), .valid)
        }
        expectCheck(.string(keys.ed25519), field(.pemPrivateKey), .valid)
        expectCheck(.string(keys.ed25519), field(.pemPrivateKey, keyType: "any"), .valid)
    }

    @Test func privateKeyOfTheWrongAlgorithm() async throws {
        let keys = try await OpenSSLFixtures.shared()
        expectCheck(.string(keys.p256PKCS8), field(.pemPrivateKey, keyType: "rsa"), .invalid("an EC key, not RSA"))
        expectCheck(.string(keys.p256SEC1), field(.pemPrivateKey, keyType: "rsa"), .invalid("an EC key, not RSA"))
        expectCheck(.string(keys.ed25519), field(.pemPrivateKey, keyType: "rsa"), .invalid("an Ed25519 key, not RSA"))
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemPrivateKey, keyType: "ec"), .invalid("an RSA key, not EC"))
        expectCheck(.string(keys.rsa2048PKCS1), field(.pemPrivateKey, keyType: "ec"), .invalid("an RSA key, not EC"))
        expectCheck(.string(keys.ed25519), field(.pemPrivateKey, keyType: "ec"), .invalid("an Ed25519 key, not EC"))
        expectCheck(.string(keys.secp256k1SEC1), field(.pemPrivateKey, keyType: "ec"),
                    .invalid("an EC key on a curve other than P-256, P-384 or P-521"))
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemPrivateKey, keyType: "dsa"),
                    .invalid("the field's key_type `dsa` is none of rsa, ec or any"))
    }

    @Test func rsaKeySizes() async throws {
        let keys = try await OpenSSLFixtures.shared()
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemPrivateKey, keyType: "rsa", minBits: 2048), .valid)
        expectCheck(.string(keys.rsa2048PKCS1), field(.pemPrivateKey, minBits: 2048), .valid)
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemPrivateKey, keyType: "rsa", minBits: 3072),
                    .invalid("an RSA key of 2048 bits, fewer than 3072"))
        expectCheck(.string(keys.rsa1024), field(.pemPrivateKey, keyType: "rsa", minBits: 2048),
                    .invalid("an RSA key of 1024 bits, fewer than 2048"))
        expectCheck(.string(keys.rsa1024), field(.pemPrivateKey, keyType: "rsa"), .valid)
        // swift-crypto does not load keys under 1024 bits; the size is still named.
        expectCheck(.string(keys.rsa512), field(.pemPrivateKey, keyType: "rsa", minBits: 2048),
                    .invalid("an RSA key of 512 bits, fewer than 2048"))
        expectCheck(.string(keys.rsa512), field(.pemPrivateKey),
                    .invalid("an RSA key of 512 bits; vaultform does not accept RSA keys under 1024 bits"))
        // min_bits concerns RSA keys only.
        expectCheck(.string(keys.p256PKCS8), field(.pemPrivateKey, minBits: 2048), .valid)
    }

    @Test func privateKeyTextDamage() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let key = keys.rsa2048PKCS8
        // CRLF line endings (a key pasted on Windows) are accepted, as is surrounding whitespace.
        expectCheck(.string(key.replacingOccurrences(of: "\n", with: "\r\n")), field(.pemPrivateKey, keyType: "rsa"), .valid)
        expectCheck(.string("\n  " + key + "\n\n"), field(.pemPrivateKey, keyType: "rsa"), .valid)
        // Without a trailing newline.
        expectCheck(.string(String(key.dropLast())), field(.pemPrivateKey, keyType: "rsa"), .valid)

        let truncated = String(key.prefix(key.count / 2))
        expectCheck(.string(truncated), field(.pemPrivateKey), .invalid("a truncated PEM block (it has no END line)"))

        var lines = key.split(separator: "\n").map(String.init)
        lines.remove(at: lines.count / 2)
        expectCheck(.string(lines.joined(separator: "\n")), field(.pemPrivateKey),
                    .invalid("a `PRIVATE KEY` block whose content is not a PKCS#8 private key"))

        let oneLine = key.replacingOccurrences(of: "\n", with: "\\n")
        expectCheck(.string(oneLine), field(.pemPrivateKey),
                    .invalid("a PEM private key written on one line with literal `\\n` sequences instead of line breaks"))

        let badBody = key.replacingOccurrences(of: "\n", with: "\n*", options: [], range: key.range(of: "\n"))
        expectCheck(.string(badBody), field(.pemPrivateKey), .invalid("a PEM block whose body is not base64"))

        let mismatchedEnd = key.replacingOccurrences(of: "-----END PRIVATE KEY-----", with: "-----END RSA PRIVATE KEY-----")
        expectCheck(.string(mismatchedEnd), field(.pemPrivateKey), .invalid("a PEM block whose END line does not match its BEGIN line"))

        expectCheck(.string("subject=CN = x\n" + key), field(.pemPrivateKey), .invalid("a PEM private key with other text around the block"))
        expectCheck(.string(key + keys.p256PKCS8), field(.pemPrivateKey), .invalid("2 PEM blocks, not one"))
        expectCheck("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", field(.pemPrivateKey), .invalid("not a PEM private key"))
        expectCheck(.string(keys.rsa2048Public), field(.pemPrivateKey), .invalid("a PEM public key, not a private key"))
        expectCheck(.string(keys.certificate), field(.pemPrivateKey), .invalid("a PEM certificate, not a private key"))
        expectCheck(["pem": "x"], field(.pemPrivateKey), .invalid("a JSON object, not a string"))

        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n"
        expectCheck(.string(encrypted), field(.pemPrivateKey),
                    .invalid("an encrypted private key (`ENCRYPTED PRIVATE KEY`); vaultform can check only an unencrypted one"))
        let legacyEncrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\nMIIEvQIBADANBgkq\n-----END RSA PRIVATE KEY-----\n"
        expectCheck(.string(legacyEncrypted), field(.pemPrivateKey),
                    .invalid("a PEM block with headers (a legacy encrypted key?), which vaultform cannot read"))
        let openSSH = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n"
        expectCheck(.string(openSSH), field(.pemPrivateKey), .invalid("an OpenSSH private key, not a PEM one (PKCS#8, PKCS#1 or SEC1)"))
    }

    @Test func publicKeys() async throws {
        let keys = try await OpenSSLFixtures.shared()
        expectCheck(.string(keys.rsa2048Public), field(.pemPublicKey), .valid)
        expectCheck(.string(keys.p256SEC1Public), field(.pemPublicKey), .valid)
        expectCheck(.string(keys.p384Public), field(.pemPublicKey), .valid)
        expectCheck(.string(keys.ed25519Public), field(.pemPublicKey), .valid)
        expectCheck(.string(keys.rsa2048Public.replacingOccurrences(of: "\n", with: "\r\n")), field(.pemPublicKey), .valid)
        expectCheck(.string(keys.secp256k1Public), field(.pemPublicKey), .invalid("an EC key on a curve other than P-256, P-384 or P-521"))
        expectCheck(.string(keys.rsa2048PublicPKCS1), field(.pemPublicKey),
                    .invalid("a PKCS#1 RSA public key (`RSA PUBLIC KEY`), not a SubjectPublicKeyInfo one (`PUBLIC KEY`)"))
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemPublicKey), .invalid("a PEM private key, not a public key"))
        expectCheck(.string(keys.certificate), field(.pemPublicKey), .invalid("a PEM certificate, not a public key"))
        expectCheck(.string(String(keys.rsa2048Public.prefix(100))), field(.pemPublicKey), .invalid("a truncated PEM block (it has no END line)"))
        expectCheck("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvaultformtestkey ops@example.com", field(.pemPublicKey),
                    .invalid("not a PEM public key"))
        let notSPKI = "-----BEGIN PUBLIC KEY-----\nAgEB\n-----END PUBLIC KEY-----\n"
        expectCheck(.string(notSPKI), field(.pemPublicKey), .invalid("a `PUBLIC KEY` block whose content is not a SubjectPublicKeyInfo"))
    }

    @Test func certificates() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let certificate = keys.certificate
        expectCheck(.string(certificate), field(.pemCertificate), .valid)
        expectCheck(.string(certificate.replacingOccurrences(of: "\n", with: "\r\n")), field(.pemCertificate), .valid)
        // A chain (leaf then intermediates) is accepted.
        expectCheck(.string(certificate + certificate), field(.pemCertificate), .valid)
        expectCheck(.string(keys.rsa2048PKCS8), field(.pemCertificate), .invalid("a PEM private key, not a certificate"))
        expectCheck(.string(keys.rsa2048Public), field(.pemCertificate), .invalid("a PEM public key, not a certificate"))
        expectCheck(.string(String(certificate.prefix(200))), field(.pemCertificate), .invalid("a truncated PEM block (it has no END line)"))
        expectCheck("not a certificate at all", field(.pemCertificate), .invalid("not a PEM certificate"))

        // A body cut short by whole lines still has BEGIN and END but the DER length no longer fits.
        var lines = certificate.split(separator: "\n").map(String.init)
        lines.remove(at: 2)
        expectCheck(.string(lines.joined(separator: "\n")), field(.pemCertificate),
                    .invalid("a PEM certificate whose DER length does not match its size (truncated?)"))

        // A well-formed SEQUENCE that is not a certificate: SEQUENCE { INTEGER 1 }.
        let sequence = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"
        expectCheck(.string(sequence), field(.pemCertificate), .invalid("a `CERTIFICATE` block whose content is not an X.509 certificate"))
        let notSequence = "-----BEGIN CERTIFICATE-----\nAgEB\n-----END CERTIFICATE-----\n"
        expectCheck(.string(notSequence), field(.pemCertificate), .invalid("a `CERTIFICATE` block whose content is not an X.509 certificate"))
    }
}

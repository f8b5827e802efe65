import Foundation
import Testing
import VaultformManifest
import VaultformSecrets

/// Malformed DER inside well-formed PEM: every check refuses it with its ordinary message and
/// nothing traps (swift-asn1 reads the structure and throws; the checks turn that into a verdict).
@Suite struct MalformedDERTests {
    /// PEM text of `label` around `der`.
    static func pem(_ label: String, _ der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n\(Data(der).base64EncodedString())\n-----END \(label)-----\n"
    }

    /// Bodies that are not one well-formed DER element, each with what is wrong.
    static let malformed: [(name: String, der: [UInt8])] = [
        ("empty", []),
        ("a tag alone", [0x30]),
        ("truncated: a SEQUENCE claiming 32 bytes holding 3", [0x30, 0x20, 0x02, 0x01, 0x01]),
        ("truncated inside: an INTEGER claiming 9 bytes in a SEQUENCE of 3", [0x30, 0x03, 0x02, 0x09, 0x01]),
        ("trailing bytes after the SEQUENCE", [0x30, 0x03, 0x02, 0x01, 0x01, 0x00]),
        ("oversized length: 4 length bytes of 0xFF", [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x01, 0x01]),
        ("oversized length: 8 length bytes of 0xFF", [0x30, 0x88] + [UInt8](repeating: 0xFF, count: 8) + [0x02, 0x01, 0x01]),
        ("oversized length: 9 length bytes", [0x30, 0x89] + [UInt8](repeating: 0x7F, count: 9) + [0x02, 0x01, 0x01]),
        ("length bytes missing", [0x30, 0x82, 0x01]),
        ("indefinite length (BER, not DER)", [0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00]),
        ("non-minimal length", [0x30, 0x81, 0x03, 0x02, 0x01, 0x01]),
        ("end-of-contents tag", [0x00, 0x00]),
        ("high tag number cut short", [0x1F, 0x81]),
        ("nested 200 deep", [UInt8](repeating: 0, count: 0).nested(depth: 200)),
    ]

    /// Well-formed DER of the wrong shape: wrong tags where a key or certificate has others.
    static let wrongTags: [(name: String, der: [UInt8])] = [
        ("an INTEGER, not a SEQUENCE", [0x02, 0x01, 0x01]),
        ("a SET, not a SEQUENCE", [0x31, 0x03, 0x02, 0x01, 0x01]),
        ("a primitive SEQUENCE tag", [0x10, 0x01, 0x00]),
        ("a SEQUENCE of OCTET STRINGs", [0x30, 0x06, 0x04, 0x01, 0x00, 0x04, 0x01, 0x00]),
        // PKCS#8 shape with the version an OCTET STRING and the AlgorithmIdentifier an INTEGER.
        ("PKCS#8 with swapped tags", [0x30, 0x09, 0x04, 0x01, 0x00, 0x02, 0x01, 0x00, 0x04, 0x01, 0x00]),
    ]

    @Test(arguments: malformed + wrongTags)
    func privateKeysRefuseIt(_ body: (name: String, der: [UInt8])) {
        expectCheck(.string(Self.pem("PRIVATE KEY", body.der)), field(.pemPrivateKey),
                    .invalid("a `PRIVATE KEY` block whose content is not a PKCS#8 private key"))
        expectCheck(.string(Self.pem("RSA PRIVATE KEY", body.der)), field(.pemPrivateKey, keyType: "rsa"),
                    .invalid("an `RSA PRIVATE KEY` block whose content is not a PKCS#1 RSA private key"))
        expectCheck(.string(Self.pem("EC PRIVATE KEY", body.der)), field(.pemPrivateKey),
                    .invalid("an `EC PRIVATE KEY` block whose content is not a SEC1 EC private key"))
    }

    @Test(arguments: malformed + wrongTags)
    func publicKeysRefuseIt(_ body: (name: String, der: [UInt8])) {
        expectCheck(.string(Self.pem("PUBLIC KEY", body.der)), field(.pemPublicKey),
                    .invalid("a `PUBLIC KEY` block whose content is not a SubjectPublicKeyInfo"))
        #expect(PEMMeaning.publicKey(Self.pem("CERTIFICATE", body.der)) == nil)
    }

    @Test(arguments: malformed + wrongTags)
    func certificatesRefuseIt(_ body: (name: String, der: [UInt8])) {
        let verdict = SecretValues.check(.string(Self.pem("CERTIFICATE", body.der)), against: field(.pemCertificate))
        let refusals: [FieldCheck] = [
            .invalid("a `CERTIFICATE` block whose content is not an X.509 certificate"),
            .invalid("a PEM certificate whose DER length does not match its size (truncated?)"),
        ]
        #expect(refusals.contains(verdict), "\(body.name): \(verdict)")
    }

    /// A SEQUENCE whose lengths do not fit its bytes is named as such, as before swift-asn1.
    @Test func lengthsThatDoNotFitAreNamed() {
        let lengthMessage = FieldCheck.invalid("a PEM certificate whose DER length does not match its size (truncated?)")
        for der: [UInt8] in [[0x30, 0x20, 0x02, 0x01, 0x01], [0x30, 0x03, 0x02, 0x01, 0x01, 0x00], [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]] {
            expectCheck(.string(Self.pem("CERTIFICATE", der)), field(.pemCertificate), lengthMessage)
        }
        expectCheck(.string(Self.pem("CERTIFICATE", [0x30, 0x03, 0x02, 0x01, 0x01])), field(.pemCertificate),
                    .invalid("a `CERTIFICATE` block whose content is not an X.509 certificate"))
    }

    /// A real certificate cut at every length is refused, never trapped on.
    @Test func everyPrefixOfARealCertificate() async throws {
        let keys = try await OpenSSLFixtures.shared()
        guard let certificate = PEMMeaning.certificates(keys.certificate).first, let der = Data(base64Encoded: certificate) else {
            Issue.record("the fixture certificate did not decode")
            return
        }
        let bytes = [UInt8](der)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            let verdict = SecretValues.check(.string(Self.pem("CERTIFICATE", Array(bytes[..<cut]))), against: field(.pemCertificate))
            #expect(verdict != .valid, "a certificate cut at \(cut) of \(bytes.count) bytes")
            #expect(PEMMeaning.publicKey(Self.pem("CERTIFICATE", Array(bytes[..<cut]))) == nil)
        }
        #expect(PEMMeaning.publicKey(keys.certificate) != nil)
    }
}

extension [UInt8] {
    /// These bytes wrapped in `depth` SEQUENCEs (short lengths while they fit, then long ones).
    func nested(depth: Int) -> [UInt8] {
        var bytes = self
        for _ in 0..<depth {
            let count = bytes.count
            let length: [UInt8] = count < 0x80 ? [UInt8(count)] : count < 0x100 ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
            bytes = [0x30] + length + bytes
        }
        return bytes
    }
}

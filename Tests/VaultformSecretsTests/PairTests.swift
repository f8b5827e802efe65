import Foundation
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// `SecretPairs.check` on pairs made by vaultform and by `openssl`.
@Suite struct PairTests {
    /// A generated private key and its public half.
    static func pair(_ kind: String, field: SecretField) throws -> (private: JSONValue, public: JSONValue) {
        let generator = SecretGenerator(kind: kind, publicField: Located("public", at: here), location: here)
        let values = try SecretGeneration.generate(generator, for: field)
        return (try #require(values["value"]), try #require(values["public"]))
    }

    /// Checks a pair; only the verdict is compared, so a failure prints no key.
    static func expectPair(
        _ kind: String, _ privateValue: JSONValue, _ publicValue: JSONValue, _ expected: PairCheck,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let verdict = SecretPairs.check(kind: kind, privateValue: privateValue, publicValue: publicValue)
        #expect(verdict == expected, sourceLocation: sourceLocation)
        if case .unreadable(let message) = verdict {
            let quotes = messageQuotes(message, privateValue) || messageQuotes(message, publicValue)
            #expect(!quotes, "the message quotes a value", sourceLocation: sourceLocation)
        }
    }

    @Test func rsaPairs() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let first = try Self.pair("rsa", field: field(.pemPrivateKey))
        let second = try Self.pair("rsa", field: field(.pemPrivateKey))
        Self.expectPair("rsa", first.private, first.public, .matches)
        Self.expectPair("rsa", first.private, second.public, .mismatch)
        Self.expectPair("rsa", .string(keys.rsa2048PKCS8), .string(keys.rsa2048Public), .matches)
        // PKCS#1 and PKCS#8 encodings of one key have one public half.
        Self.expectPair("rsa", .string(keys.rsa2048PKCS1), .string(keys.rsa2048Public), .matches)
        Self.expectPair("rsa", .string(keys.rsa2048PKCS1.replacingOccurrences(of: "\n", with: "\r\n")), .string(keys.rsa2048Public), .matches)
        Self.expectPair("rsa", .string(keys.rsa2048PKCS1), first.public, .mismatch)

        Self.expectPair("rsa", .string(keys.p256PKCS8), first.public,
                        .unreadable("the private key is not a readable RSA private key: an EC key, not RSA"))
        Self.expectPair("rsa", first.private, .string(keys.p256SEC1Public),
                        .unreadable("the public key is not a readable RSA public key: an EC key, not RSA"))
        Self.expectPair("rsa", first.private, .string(keys.rsa2048PublicPKCS1), .unreadable(
            "the public key is not a readable RSA public key: a PKCS#1 RSA public key (`RSA PUBLIC KEY`), not a SubjectPublicKeyInfo one (`PUBLIC KEY`)"))
        Self.expectPair("rsa", "not a key", first.public, .unreadable("the private key is not a readable RSA private key: not a PEM private key"))
        Self.expectPair("rsa", first.private, first.private,
                        .unreadable("the public key is not a readable RSA public key: a PEM private key, not a public key"))
        let cut = try #require(first.private.stringValue).prefix(300)
        Self.expectPair("rsa", .string(String(cut)), first.public,
                        .unreadable("the private key is not a readable RSA private key: a truncated PEM block (it has no END line)"))
    }

    @Test func ecdsaP256Pairs() async throws {
        let keys = try await OpenSSLFixtures.shared()
        let first = try Self.pair("ecdsa_p256", field: field(.pemPrivateKey))
        let second = try Self.pair("ecdsa_p256", field: field(.pemPrivateKey))
        Self.expectPair("ecdsa_p256", first.private, first.public, .matches)
        Self.expectPair("ecdsa_p256", second.private, second.public, .matches)
        Self.expectPair("ecdsa_p256", first.private, second.public, .mismatch)
        // A SEC1 key from `openssl ecparam -genkey` and its `openssl pkey -pubout`.
        Self.expectPair("ecdsa_p256", .string(keys.p256SEC1), .string(keys.p256SEC1Public), .matches)
        Self.expectPair("ecdsa_p256", .string(keys.p256SEC1), first.public, .mismatch)

        Self.expectPair("ecdsa_p256", .string(keys.p384PKCS8), .string(keys.p384Public),
                        .unreadable("the private key is not a readable P-256 private key: an EC key on a curve other than P-256"))
        Self.expectPair("ecdsa_p256", first.private, .string(keys.p384Public),
                        .unreadable("the public key is not a readable P-256 public key: an EC key on a curve other than P-256"))
        Self.expectPair("ecdsa_p256", .string(keys.rsa2048PKCS8), first.public,
                        .unreadable("the private key is not a readable P-256 private key: an RSA key, not EC"))
        Self.expectPair("ecdsa_p256", first.private, .string(keys.ed25519Public),
                        .unreadable("the public key is not a readable P-256 public key: an Ed25519 key, not EC"))
    }

    @Test func x25519Pairs() throws {
        let first = try Self.pair("x25519", field: field(.base64))
        let second = try Self.pair("x25519", field: field(.base64))
        Self.expectPair("x25519", first.private, first.public, .matches)
        Self.expectPair("x25519", first.private, second.public, .mismatch)
        Self.expectPair("x25519", second.private, first.public, .mismatch)
        // A trailing newline around base64 is ignored, as for base64 fields.
        let publicWithNewline = JSONValue.string(try #require(first.public.stringValue) + "\n")
        Self.expectPair("x25519", first.private, publicWithNewline, .matches)

        let short = JSONValue.string(Data(repeating: 9, count: 31).base64EncodedString())
        Self.expectPair("x25519", first.private, short,
                        .unreadable("the public key is not a readable X25519 public key: decodes to 31 bytes, not 32"))
        Self.expectPair("x25519", "%%%%", first.public, .unreadable(
            "the private key is not a readable X25519 private key: not base64 (it has characters outside the base64 alphabet)"))
        let unpadded = JSONValue.string(String(try #require(first.private.stringValue).dropLast()))
        Self.expectPair("x25519", unpadded, first.public, .unreadable(
            "the private key is not a readable X25519 private key: not base64 (its length is not a multiple of 4; is the `=` padding missing?)"))
    }

    @Test func valuesThatAreNotStringsAndUnknownKinds() throws {
        let keys = try Self.pair("x25519", field: field(.base64))
        Self.expectPair("x25519", ["key": "x"], keys.public, .unreadable("the private key is a JSON object, not a string"))
        Self.expectPair("x25519", keys.private, 42, .unreadable("the public key is an integer, not a string"))
        Self.expectPair("x25519", .null, keys.public, .unreadable("the private key is null, not a string"))
        Self.expectPair("ed25519", keys.private, keys.public, .unreadable("the pair kind `ed25519` is none of rsa, ecdsa_p256, x25519"))
    }
}

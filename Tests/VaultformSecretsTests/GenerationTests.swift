import Foundation
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// `SecretGeneration.generate`, with the results checked by the real `openssl` and by Python's
/// `cryptography`. Generated keys go to those tools on standard input, never as arguments, and
/// only verdicts are compared, so a failing test prints no key.
@Suite struct GenerationTests {
    static func generator(
        _ kind: String, length: Int? = nil, classes: [String]? = nil, bytes: Int? = nil, bits: Int? = nil,
        publicField: String? = nil
    ) -> SecretGenerator {
        SecretGenerator(kind: kind, length: length, classes: classes, bytes: bytes, bits: bits,
                        publicField: publicField.map { Located($0, at: here) }, location: here)
    }

    static func named(_ name: String, _ field: SecretField) -> SecretField {
        var field = field
        field.name = name
        return field
    }

    /// Generates and returns the one string value named `name`.
    static func string(_ values: [String: JSONValue], _ name: String) throws -> String {
        try #require(values[name]?.stringValue, "no string value for `\(name)`")
    }

    // MARK: Passwords

    @Test func passwordsHaveEveryClassAndOnlyAllowedCharacters() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%+-.:=?@^_~")
        let classes = PasswordCharacterClass.allCases.map { Set($0.characters) }
        var counts: [Character: Int] = [:]
        var wrongLength = 0, missingClass = 0, disallowed = 0
        let total = 2_000
        for _ in 0..<total {
            let password = try Self.string(SecretGeneration.generate(Self.generator("password"), for: field(.string)), "value")
            if password.count != 32 { wrongLength += 1 }
            if !classes.allSatisfy({ set in password.contains(where: set.contains) }) { missingClass += 1 }
            if !password.allSatisfy(allowed.contains) { disallowed += 1 }
            for character in password { counts[character, default: 0] += 1 }
        }
        #expect(wrongLength == 0)
        #expect(missingClass == 0)
        #expect(disallowed == 0)
        // Uniform over the 75 characters: each expected about 853 times in 64,000 draws
        // (standard deviation about 29); the bounds are ten deviations wide.
        let expected = Double(total * 32) / Double(allowed.count)
        #expect(counts.count == allowed.count)
        let outliers = counts.values.filter { Double($0) < expected * 0.66 || Double($0) > expected * 1.34 }.count
        #expect(outliers == 0)
    }

    @Test func passwordSymbolsAreShellAndYAMLSafe() {
        let symbols = PasswordCharacterClass.symbol.characters
        #expect(String(symbols) == "!#%+-.:=?@^_~")
        for unsafe in Array("\"'`\\$ \t\n") { #expect(!symbols.contains(unsafe)) }
    }

    @Test func passwordClassesAndLength() throws {
        for _ in 0..<200 {
            let digits = try Self.string(SecretGeneration.generate(Self.generator("password", length: 12, classes: ["digit"]), for: field(.string)), "value")
            let onlyDigits = digits.count == 12 && digits.allSatisfy { $0.isASCII && $0.isNumber }
            #expect(onlyDigits)

            let mixed = try Self.string(SecretGeneration.generate(Self.generator("password", length: 8, classes: ["lower", "symbol"]), for: field(.string)), "value")
            let lower = Set(PasswordCharacterClass.lower.characters), symbol = Set(PasswordCharacterClass.symbol.characters)
            let fits = mixed.count == 8 && mixed.allSatisfy { lower.contains($0) || symbol.contains($0) }
                && mixed.contains(where: lower.contains) && mixed.contains(where: symbol.contains)
            #expect(fits)
        }
        // Exactly as many characters as classes: one of each.
        let tight = try Self.string(SecretGeneration.generate(Self.generator("password", length: 4), for: field(.string)), "value")
        let oneOfEach = PasswordCharacterClass.allCases.allSatisfy { tight.contains(where: Set($0.characters).contains) }
        #expect(tight.count == 4 && oneOfEach)
    }

    @Test func passwordsHonourTheFieldsPatternAndMinimumLength() throws {
        let startsLower = field(.string, pattern: "^[a-z]", minLength: 20)
        for _ in 0..<200 {
            let password = try SecretGeneration.generate(Self.generator("password", length: 24), for: startsLower)
            let verdict = SecretValues.check(try #require(password["value"]), against: startsLower)
            #expect(verdict == .valid)
        }
        #expect(throws: SecretGenerationError("the generator makes 16 characters but `value` needs at least 20")) {
            try SecretGeneration.generate(Self.generator("password", length: 16), for: startsLower)
        }
        #expect(throws: SecretGenerationError("no password of the generator's length and classes matched `value`'s pattern in 10000 draws")) {
            try SecretGeneration.generate(Self.generator("password", classes: ["digit"]), for: field(.string, pattern: "[a-z]"))
        }
        #expect(throws: SecretGenerationError("a password of 3 characters cannot hold one of each of 4 classes")) {
            try SecretGeneration.generate(Self.generator("password", length: 3), for: field(.string))
        }
        #expect(throws: SecretGenerationError("`emoji` is not a character class (lower, upper, digit, symbol)")) {
            try SecretGeneration.generate(Self.generator("password", classes: ["emoji"]), for: field(.string))
        }
    }

    // MARK: Random bytes

    @Test func randomBytes() throws {
        let cases: [(generator: Int?, field: Int?, expected: Int)] = [(nil, nil, 32), (16, nil, 16), (nil, 24, 24), (64, 64, 64), (1, nil, 1)]
        for (generatorBytes, fieldBytes, expected) in cases {
            let values = try SecretGeneration.generate(Self.generator("random_bytes", bytes: generatorBytes), for: field(.base64, bytes: fieldBytes))
            let text = try Self.string(values, "value")
            let decoded = try #require(Data(base64Encoded: text))
            #expect(decoded.count == expected)
            #expect(values.count == 1)
            expectCheck(.string(text), field(.base64, bytes: expected), .valid)
        }
        // Two draws differ.
        let first = try SecretGeneration.generate(Self.generator("random_bytes"), for: field(.base64))
        let second = try SecretGeneration.generate(Self.generator("random_bytes"), for: field(.base64))
        #expect(first != second)
        #expect(throws: SecretGenerationError("the generator makes 16 bytes but `value` must hold 32")) {
            try SecretGeneration.generate(Self.generator("random_bytes", bytes: 16), for: field(.base64, bytes: 32))
        }
    }

    // MARK: RSA

    @Test func rsaKeysPassOpenSSL() async throws {
        let privateField = field(.pemPrivateKey, keyType: "rsa", minBits: 2048)
        let values = try SecretGeneration.generate(Self.generator("rsa", publicField: "public_pem"), for: privateField)
        #expect(Set(values.keys) == ["value", "public_pem"])
        let privatePEM = try Self.string(values, "value"), publicPEM = try Self.string(values, "public_pem")

        let privateFramed = privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && privatePEM.hasSuffix("\n-----END PRIVATE KEY-----\n")
            && !privatePEM.hasSuffix("\n\n")
        #expect(privateFramed)
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n") && publicPEM.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        #expect(!publicPEM.hasSuffix("\n\n"))

        #expect(try await OpenSSL.succeeds(["rsa", "-check", "-noout"], input: privatePEM))
        #expect(try await OpenSSL.run(["rsa", "-pubout"], input: privatePEM) == publicPEM)
        let text = try await OpenSSL.run(["rsa", "-text", "-noout"], input: privatePEM)
        let says2048 = text.contains("Private-Key: (2048 bit")
        #expect(says2048)
        // The private key is written exactly as OpenSSL writes PKCS#8.
        let rewritten = try await OpenSSL.run(["pkey"], input: privatePEM)
        let sameAsOpenSSL = rewritten == privatePEM
        #expect(sameAsOpenSSL)

        expectCheck(.string(privatePEM), privateField, .valid)
        expectCheck(.string(publicPEM), field(.pemPublicKey), .valid)
        #expect(SecretPairs.check(kind: "rsa", privateValue: .string(privatePEM), publicValue: .string(publicPEM)) == .matches)
    }

    @Test func rsaKeySizeFollowsBitsOrTheFieldsMinimum() async throws {
        // No `bits`: the field's min_bits, rounded up to a multiple of 128 (BoringSSL rounds other sizes down).
        let values = try SecretGeneration.generate(Self.generator("rsa"), for: field(.pemPrivateKey, keyType: "rsa", minBits: 2050))
        #expect(values.count == 1)
        let privatePEM = try Self.string(values, "value")
        let text = try await OpenSSL.run(["rsa", "-text", "-noout"], input: privatePEM)
        let says2176 = text.contains("Private-Key: (2176 bit")
        #expect(says2176)
        expectCheck(.string(privatePEM), field(.pemPrivateKey, keyType: "rsa", minBits: 2050), .valid)

        #expect(throws: SecretGenerationError("an RSA key size must be a multiple of 128 bits (2048, 3072, 4096, …), not 2056")) {
            try SecretGeneration.generate(Self.generator("rsa", bits: 2056), for: field(.pemPrivateKey))
        }
        #expect(throws: SecretGenerationError("RSA keys are generated with 2048 to 16384 bits, not 1024")) {
            try SecretGeneration.generate(Self.generator("rsa", bits: 1024), for: field(.pemPrivateKey))
        }
        #expect(throws: SecretGenerationError("the generator makes 2048-bit keys but `value` needs at least 3072")) {
            try SecretGeneration.generate(Self.generator("rsa", bits: 2048), for: field(.pemPrivateKey, minBits: 3072))
        }
    }

    // MARK: X25519

    static let x25519Script = """
        import base64, sys
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        private_b64, public_b64 = sys.stdin.read().split()
        key = X25519PrivateKey.from_private_bytes(base64.b64decode(private_b64, validate=True))
        derived = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        print("ok" if derived == base64.b64decode(public_b64, validate=True) else "mismatch")
        """

    @Test func x25519KeysPassPythonCryptography() async throws {
        let privateField = Self.named("sealed_box_private_key", field(.base64, bytes: 32))
        let values = try SecretGeneration.generate(Self.generator("x25519", publicField: "sealed_box_public_key"), for: privateField)
        #expect(Set(values.keys) == ["sealed_box_private_key", "sealed_box_public_key"])
        let privateKey = try Self.string(values, "sealed_box_private_key"), publicKey = try Self.string(values, "sealed_box_public_key")
        #expect(try await python(Self.x25519Script, input: privateKey + "\n" + publicKey + "\n") == "ok")

        expectCheck(.string(privateKey), field(.base64, bytes: 32), .valid)
        expectCheck(.string(publicKey), field(.base64, bytes: 32), .valid)

        // The script does tell a wrong public key.
        let other = try SecretGeneration.generate(Self.generator("x25519", publicField: "public"), for: field(.base64))
        let otherPublic = try Self.string(other, "public")
        #expect(try await python(Self.x25519Script, input: privateKey + "\n" + otherPublic + "\n") == "mismatch")
    }

    // MARK: ECDSA P-256

    @Test func ecdsaKeysPassOpenSSL() async throws {
        let privateField = field(.pemPrivateKey, keyType: "ec")
        let values = try SecretGeneration.generate(Self.generator("ecdsa_p256", publicField: "public_pem"), for: privateField)
        let privatePEM = try Self.string(values, "value"), publicPEM = try Self.string(values, "public_pem")
        let privateFramed = privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && privatePEM.hasSuffix("\n-----END PRIVATE KEY-----\n")
        #expect(privateFramed)
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n") && publicPEM.hasSuffix("\n-----END PUBLIC KEY-----\n"))

        #expect(try await OpenSSL.succeeds(["ec", "-check", "-noout"], input: privatePEM))
        #expect(try await OpenSSL.run(["pkey", "-pubout"], input: privatePEM) == publicPEM)
        let text = try await OpenSSL.run(["pkey", "-text_pub", "-noout"], input: privatePEM)
        #expect(text.contains("NIST CURVE: P-256") || text.contains("ASN1 OID: prime256v1"))

        expectCheck(.string(privatePEM), privateField, .valid)
        expectCheck(.string(publicPEM), field(.pemPublicKey), .valid)
    }

    // MARK: Misfits

    @Test func generatorsThatDoNotFitTheField() {
        #expect(throws: SecretGenerationError("a `rsa` generator cannot fill `value`, a `base64` field")) {
            try SecretGeneration.generate(Self.generator("rsa"), for: field(.base64))
        }
        #expect(throws: SecretGenerationError("a `rsa` generator cannot fill `value`, a `pem-private-key` field")) {
            try SecretGeneration.generate(Self.generator("rsa"), for: field(.pemPrivateKey, keyType: "ec"))
        }
        #expect(throws: SecretGenerationError("a `ecdsa_p256` generator cannot fill `value`, a `pem-private-key` field")) {
            try SecretGeneration.generate(Self.generator("ecdsa_p256"), for: field(.pemPrivateKey, keyType: "rsa"))
        }
        #expect(throws: SecretGenerationError("a `x25519` generator cannot fill `value`, a `base64` field")) {
            try SecretGeneration.generate(Self.generator("x25519"), for: field(.base64, bytes: 16))
        }
        #expect(throws: SecretGenerationError("a `password` generator cannot fill `value`, a `integer` field")) {
            try SecretGeneration.generate(Self.generator("password"), for: field(.integer))
        }
        #expect(throws: SecretGenerationError("`public_field` names `value` itself; it must name another field")) {
            try SecretGeneration.generate(Self.generator("x25519", publicField: "value"), for: field(.base64))
        }
        #expect(throws: SecretGenerationError("`uuid` is not a generator vaultform knows (password, random_bytes, rsa, x25519, ecdsa_p256)")) {
            try SecretGeneration.generate(Self.generator("uuid"), for: field(.string))
        }
    }
}

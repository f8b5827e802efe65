import Crypto
import _CryptoExtras
import VaultWire
import VaultformManifest

/// Why a generator could not fill a field, phrased for a person; never contains a generated value.
public struct SecretGenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message, as printed.
    public var description: String { message }
}

/// A class of characters a generated password draws from.
public enum PasswordCharacterClass: String, Sendable, CaseIterable {
    /// `a`–`z`.
    case lower
    /// `A`–`Z`.
    case upper
    /// `0`–`9`.
    case digit
    /// `!#%+-.:=?@^_~`.
    case symbol

    /// The class's characters. Symbols leave out quotes, backslash, `$`, backquote and spaces, so
    /// a password survives shells, YAML and `.env` files unquoted.
    public var characters: [Character] {
        switch self {
        case .lower: return Array("abcdefghijklmnopqrstuvwxyz")
        case .upper: return Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        case .digit: return Array("0123456789")
        case .symbol: return Array("!#%+-.:=?@^_~")
        }
    }
}

/// Generates values for fields whose schema names a generator.
public enum SecretGeneration {
    /// Generates a value for `field` with `generator`, returning field name → value: the field
    /// itself, plus the generator's `public_field` for a key pair. Every value is a JSON string.
    ///
    /// - `password`: `length` (default 32) characters drawn uniformly from the union of `classes`
    ///   (default all: lower, upper, digit, symbol), with at least one character of each class.
    ///   A draw that misses a class, or that the field's `min_length` or `pattern` rejects, is
    ///   discarded and drawn again, so the result is uniform among the passwords that qualify.
    /// - `random_bytes`: `bytes` (default the field's `bytes`, else 32) random bytes as standard
    ///   base64 with padding.
    /// - `rsa`: a key of `bits` bits (a multiple of 128; default 2048, or the field's `min_bits`
    ///   rounded up to a multiple of 128 when larger) as a
    ///   PKCS#8 PEM private key (`BEGIN PRIVATE KEY`, as `openssl genrsa` of OpenSSL 3 writes)
    ///   and a SubjectPublicKeyInfo PEM public key (`BEGIN PUBLIC KEY`, as `openssl rsa -pubout`).
    /// - `x25519`: 32 random bytes as the private key and the public key derived from them,
    ///   both standard base64.
    /// - `ecdsa_p256`: a P-256 key as a PKCS#8 PEM private key and a SubjectPublicKeyInfo PEM
    ///   public key.
    ///
    /// PEM text ends with a single newline. Randomness comes from `SystemRandomNumberGenerator`
    /// and swift-crypto's key generation (the operating system's CSPRNG).
    public static func generate(
        _ generator: SecretGenerator, for field: SecretField
    ) throws(SecretGenerationError) -> [String: JSONValue] {
        try checkFit(generator, field)
        var values: [String: JSONValue] = [:]
        let publicValue: String?
        switch generator.kind {
        case "password":
            values[field.name] = .string(try password(generator, field))
            publicValue = nil
        case "random_bytes":
            let count = try randomByteCount(generator, field)
            values[field.name] = .string(Base64.encode(randomBytes(count)))
            publicValue = nil
        case "rsa":
            let key = try rsaKey(bits: rsaBits(generator, field))
            values[field.name] = .string(PEM.encode(label: "PRIVATE KEY", der: key.pkcs8DERRepresentation))
            publicValue = PEM.encode(label: "PUBLIC KEY", der: key.publicKey.derRepresentation)
        case "ecdsa_p256":
            let key = P256.Signing.PrivateKey()
            values[field.name] = .string(PEM.encode(label: "PRIVATE KEY", der: key.derRepresentation))
            publicValue = PEM.encode(label: "PUBLIC KEY", der: key.publicKey.derRepresentation)
        case "x25519":
            let raw = randomBytes(32)
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) else {
                throw SecretGenerationError("could not make an X25519 key for `\(field.name)`")
            }
            values[field.name] = .string(Base64.encode(raw))
            publicValue = Base64.encode(key.publicKey.rawRepresentation)
        default:
            throw SecretGenerationError(
                "`\(generator.kind)` is not a generator vaultform knows (\(SecretGenerator.kinds.joined(separator: ", ")))")
        }
        if let value = values[field.name], SecretValues.check(value, against: field) != .valid {
            // The rules above should make this impossible; refuse rather than store a value the schema rejects.
            throw SecretGenerationError("the `\(generator.kind)` generator made a value that `\(field.name)` does not accept")
        }
        if let publicName = generator.publicField?.value, let publicValue {
            values[publicName] = .string(publicValue)
        }
        return values
    }

    // MARK: Kinds

    /// The most draws a password may take before the field is declared impossible to fill.
    static let maximumPasswordDraws = 10_000

    private static func password(_ generator: SecretGenerator, _ field: SecretField) throws(SecretGenerationError) -> String {
        let length = generator.length ?? 32
        var classes: [PasswordCharacterClass] = []
        for name in generator.classes ?? PasswordCharacterClass.allCases.map(\.rawValue) {
            guard let characterClass = PasswordCharacterClass(rawValue: name) else {
                throw SecretGenerationError("`\(name)` is not a character class (lower, upper, digit, symbol)")
            }
            if !classes.contains(characterClass) { classes.append(characterClass) }
        }
        guard !classes.isEmpty else { throw SecretGenerationError("a password needs at least one character class") }
        guard length >= classes.count else {
            throw SecretGenerationError(
                "a password of \(SecretValues.counted(length, "character")) cannot hold one of each of \(classes.count) classes")
        }
        if let minimum = field.minLength, length < minimum {
            throw SecretGenerationError(
                "the generator makes \(SecretValues.counted(length, "character")) but `\(field.name)` needs at least \(minimum)")
        }
        let alphabet = classes.flatMap(\.characters)
        let classSets = classes.map { Set($0.characters) }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<maximumPasswordDraws {
            var characters: [Character] = []
            characters.reserveCapacity(length)
            for _ in 0..<length {
                characters.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
            }
            guard classSets.allSatisfy({ set in characters.contains(where: set.contains) }) else { continue }
            let candidate = String(characters)
            guard SecretValues.check(.string(candidate), against: field) == .valid else { continue }
            return candidate
        }
        throw SecretGenerationError(
            "no password of the generator's length and classes matched `\(field.name)`'s pattern in \(maximumPasswordDraws) draws")
    }

    private static func randomByteCount(_ generator: SecretGenerator, _ field: SecretField) throws(SecretGenerationError) -> Int {
        if let made = generator.bytes, let wanted = field.bytes, made != wanted {
            throw SecretGenerationError("the generator makes \(made) bytes but `\(field.name)` must hold \(wanted)")
        }
        let count = generator.bytes ?? field.bytes ?? 32
        guard count >= 1 else { throw SecretGenerationError("a `random_bytes` generator must make at least 1 byte") }
        return count
    }

    /// The largest RSA key the generator makes (the manifest's `min_bits` goes no higher).
    static let largestRSABits = 16384

    /// RSA key sizes are multiples of this: swift-crypto's BoringSSL rounds any other size down.
    static let rsaBitsGranularity = 128

    private static func rsaBits(_ generator: SecretGenerator, _ field: SecretField) throws(SecretGenerationError) -> Int {
        // Without `bits`, the default grows to the field's minimum, rounded up to a size BoringSSL makes.
        let granularity = rsaBitsGranularity
        let bits = generator.bits ?? max(2048, ((field.minBits ?? 0) + granularity - 1) / granularity * granularity)
        guard bits >= 2048, bits <= largestRSABits else {
            throw SecretGenerationError("RSA keys are generated with 2048 to \(largestRSABits) bits, not \(bits)")
        }
        guard bits % granularity == 0 else {
            throw SecretGenerationError("an RSA key size must be a multiple of \(granularity) bits (2048, 3072, 4096, …), not \(bits)")
        }
        if let minimum = field.minBits, bits < minimum {
            throw SecretGenerationError("the generator makes \(bits)-bit keys but `\(field.name)` needs at least \(minimum)")
        }
        return bits
    }

    private static func rsaKey(bits: Int) throws(SecretGenerationError) -> _RSA.Signing.PrivateKey {
        do {
            return try _RSA.Signing.PrivateKey(keySize: _RSA.Signing.KeySize(bitCount: bits))
        } catch {
            throw SecretGenerationError("could not generate a \(bits)-bit RSA key: \(error)")
        }
    }

    // MARK: Checks

    /// The generator must suit the field, as validation requires (`checkGenerator`); checked
    /// again here because a generator can be built without a validated manifest.
    private static func checkFit(_ generator: SecretGenerator, _ field: SecretField) throws(SecretGenerationError) {
        let fits: Bool
        switch generator.kind {
        case "password": fits = field.type == .string
        case "random_bytes": fits = field.type == .base64
        case "rsa": fits = field.type == .pemPrivateKey && field.keyType != "ec"
        case "ecdsa_p256": fits = field.type == .pemPrivateKey && field.keyType != "rsa"
        case "x25519": fits = field.type == .base64 && (field.bytes ?? 32) == 32
        default: fits = true
        }
        guard fits else {
            throw SecretGenerationError("a `\(generator.kind)` generator cannot fill `\(field.name)`, a `\(field.type.rawValue)` field")
        }
        if let publicName = generator.publicField?.value, publicName == field.name {
            throw SecretGenerationError("`public_field` names `\(field.name)` itself; it must name another field")
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) }
    }
}

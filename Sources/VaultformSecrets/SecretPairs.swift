import Crypto
import _CryptoExtras
import VaultWire

/// The verdict on a key-pair constraint between two stored values.
public enum PairCheck: Sendable, Equatable {
    /// The public value is the public half of the private value.
    case matches
    /// Both sides read, but the public value belongs to another private key.
    case mismatch
    /// A side does not read as a key of the pair's kind; the text says which side and why,
    /// never quoting either value.
    case unreadable(String)
}

/// Checks that two fields of a secret hold the two halves of one key pair.
public enum SecretPairs {
    /// The pair kinds `check` knows, as a schema's `pairs` name them.
    public static let kinds = ["rsa", "ecdsa_p256", "x25519"]

    /// Whether `publicValue` is the public half of `privateValue`, for pair kind:
    /// - `rsa`: a PEM RSA private key (PKCS#8 or PKCS#1) and a SubjectPublicKeyInfo PEM public
    ///   key; compared as the DER of the SubjectPublicKeyInfo.
    /// - `ecdsa_p256`: a PEM P-256 private key (PKCS#8 or SEC1) and a SubjectPublicKeyInfo PEM
    ///   public key; compared likewise.
    /// - `x25519`: both standard base64 of 32 raw bytes; the public key derived from the
    ///   private one is compared with the stored one.
    ///
    /// `.unreadable` when a side does not read (the text says which), or for an unknown kind.
    public static func check(kind: String, privateValue: JSONValue, publicValue: JSONValue) -> PairCheck {
        guard case .string(let privateText) = privateValue else {
            return .unreadable("the private key is \(SecretValues.noun(privateValue)), not a string")
        }
        guard case .string(let publicText) = publicValue else {
            return .unreadable("the public key is \(SecretValues.noun(publicValue)), not a string")
        }
        switch kind {
        case "rsa":
            return compare(
                derivedPublic: KeyInspection.rsaPrivateKey(privateText).map { $0.publicKey.derRepresentation },
                storedPublic: KeyInspection.rsaPublicKey(publicText).map { $0.derRepresentation },
                kind: "RSA")
        case "ecdsa_p256":
            return compare(
                derivedPublic: KeyInspection.p256PrivateKey(privateText).map { $0.publicKey.derRepresentation },
                storedPublic: KeyInspection.p256PublicKey(publicText).map { $0.derRepresentation },
                kind: "P-256")
        case "x25519":
            let derived = rawX25519(privateText).flatMap { bytes -> Result<[UInt8], Rejection> in
                guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes) else {
                    return .failure(Rejection("not an X25519 key"))
                }
                return .success(Array(key.publicKey.rawRepresentation))
            }
            return compare(derivedPublic: derived, storedPublic: rawX25519(publicText), kind: "X25519")
        default:
            return .unreadable("the pair kind `\(kind)` is none of \(kinds.joined(separator: ", "))")
        }
    }

    /// The public half of a stored private key, in the form the generator writes it (a
    /// SubjectPublicKeyInfo PEM for `rsa` and `ecdsa_p256`, base64 of 32 bytes for `x25519`),
    /// or nil when the private value is not a readable key of that kind.
    public static func derivePublic(kind: String, privateValue: JSONValue) -> JSONValue? {
        guard case .string(let privateText) = privateValue else { return nil }
        switch kind {
        case "rsa":
            guard case .success(let key) = KeyInspection.rsaPrivateKey(privateText) else { return nil }
            return .string(PEM.encode(label: "PUBLIC KEY", der: key.publicKey.derRepresentation))
        case "ecdsa_p256":
            guard case .success(let key) = KeyInspection.p256PrivateKey(privateText) else { return nil }
            return .string(PEM.encode(label: "PUBLIC KEY", der: key.publicKey.derRepresentation))
        case "x25519":
            guard case .success(let bytes) = rawX25519(privateText),
                  let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes)
            else { return nil }
            return .string(key.publicKey.rawRepresentation.base64EncodedString())
        default:
            return nil
        }
    }

    private static func compare<Bytes: Equatable>(
        derivedPublic: Result<Bytes, Rejection>, storedPublic: Result<Bytes, Rejection>, kind: String
    ) -> PairCheck {
        switch (derivedPublic, storedPublic) {
        case (.failure(let rejection), _):
            return .unreadable("the private key is not a readable \(kind) private key: \(rejection.reason)")
        case (_, .failure(let rejection)):
            return .unreadable("the public key is not a readable \(kind) public key: \(rejection.reason)")
        case (.success(let derived), .success(let stored)):
            return derived == stored ? .matches : .mismatch
        }
    }

    /// The 32 bytes a base64 X25519 key holds, or why it holds none.
    private static func rawX25519(_ text: String) -> Result<[UInt8], Rejection> {
        switch Base64.decode(text) {
        case .failure(let failure): return .failure(Rejection(failure.reason))
        case .success(let bytes):
            guard bytes.count == 32 else { return .failure(Rejection("decodes to \(SecretValues.counted(bytes.count, "byte")), not 32")) }
            return .success(bytes)
        }
    }
}

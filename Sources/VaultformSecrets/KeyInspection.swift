import Crypto
import SwiftASN1
import _CryptoExtras

/// Why a text is not the key or certificate it should be, phrased for a person; never quotes the text.
struct Rejection: Error, Equatable {
    var reason: String

    init(_ reason: String) { self.reason = reason }
}

/// A private key read far enough to know what it is, not yet parsed by swift-crypto.
struct PrivateKeyBlock {
    /// The algorithm, from the PKCS#8 AlgorithmIdentifier or implied by the PEM label.
    var algorithm: KeyAlgorithm
    /// The DER of the whole block (PKCS#8, PKCS#1 or SEC1).
    var der: [UInt8]
    /// For RSA: the modulus size read from the DER, so a key too small for swift-crypto can be named.
    var rsaModulusBits: Int?
}

/// A SubjectPublicKeyInfo read far enough to know its algorithm.
struct PublicKeyBlock {
    var algorithm: KeyAlgorithm
    /// The DER of the whole SubjectPublicKeyInfo.
    var der: [UInt8]
    var rsaModulusBits: Int?
}

/// Reads and checks PEM keys and certificates: the structure with swift-asn1, the
/// key material with swift-crypto.
enum KeyInspection {
    /// RSA keys below this size are refused outright (swift-crypto will not load them either).
    static let smallestRSABits = 1024

    // MARK: Private keys

    /// The one private key `text` holds: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or
    /// SEC1 (`EC PRIVATE KEY`).
    static func readPrivateKey(_ text: String) -> Result<PrivateKeyBlock, Rejection> {
        let block: PEMBlock
        switch PEM.singleBlock(text, noun: "private key") {
        case .failure(let failure): return .failure(Rejection(failure.reason))
        case .success(let found): block = found
        }
        let der = block.der
        switch block.label {
        case "PRIVATE KEY":
            guard let outer = DERReading.whole(der[...]), outer.isConstructed(.sequence),
                  let parts = outer.children, parts.count >= 3, parts[0].isPrimitive(.integer),
                  let algorithm = KeyAlgorithm(algorithmIdentifier: parts[1]), let key = parts[2].primitiveContent,
                  parts[2].isPrimitive(.octetString)
            else { return .failure(Rejection("a `PRIVATE KEY` block whose content is not a PKCS#8 private key")) }
            var bits: Int?
            if algorithm == .rsa { bits = rsaModulusBits(ofPKCS1: key) }
            return .success(PrivateKeyBlock(algorithm: algorithm, der: der, rsaModulusBits: bits))
        case "RSA PRIVATE KEY":
            guard let bits = rsaModulusBits(ofPKCS1: der[...]) else {
                return .failure(Rejection("an `RSA PRIVATE KEY` block whose content is not a PKCS#1 RSA private key"))
            }
            return .success(PrivateKeyBlock(algorithm: .rsa, der: der, rsaModulusBits: bits))
        case "EC PRIVATE KEY":
            guard let outer = DERReading.whole(der[...]), outer.isConstructed(.sequence),
                  let parts = outer.children, parts.count >= 2, parts[0].isPrimitive(.integer),
                  parts[1].isPrimitive(.octetString)
            else { return .failure(Rejection("an `EC PRIVATE KEY` block whose content is not a SEC1 EC private key")) }
            // The curve is the [0] parameters element, when present.
            let curve = parts.dropFirst(2).first { $0.isConstructed(ASN1Node.contextZero) }?.children?.first
                .flatMap { $0.isPrimitive(.objectIdentifier) ? ECCurve(oid: $0.objectIdentifier) : nil }
            return .success(PrivateKeyBlock(algorithm: .ec(curve: curve), der: der, rsaModulusBits: nil))
        case "ENCRYPTED PRIVATE KEY":
            return .failure(Rejection("an encrypted private key (`ENCRYPTED PRIVATE KEY`); vaultform can check only an unencrypted one"))
        case "OPENSSH PRIVATE KEY":
            return .failure(Rejection("an OpenSSH private key, not a PEM one (PKCS#8, PKCS#1 or SEC1)"))
        default:
            return .failure(Rejection(wrongLabel(block.label, expected: "private key")))
        }
    }

    /// Checks a PEM private key against `key_type` (rsa, ec, any; nil is any) and, for RSA,
    /// `min_bits`. Keys of other algorithms (Ed25519, X25519, …) pass `any` when their PKCS#8
    /// structure reads; `min_bits` applies to RSA keys only.
    static func checkPrivateKey(_ text: String, keyType: String?, minBits: Int?) -> FieldCheck {
        let key: PrivateKeyBlock
        switch readPrivateKey(text) {
        case .failure(let rejection): return .invalid(rejection.reason)
        case .success(let found): key = found
        }
        switch keyType ?? "any" {
        case "rsa": guard key.algorithm == .rsa else { return .invalid("\(key.algorithm.phrase), not RSA") }
        case "ec": guard case .ec = key.algorithm else { return .invalid("\(key.algorithm.phrase), not EC") }
        case "any": break
        case let other: return .invalid("the field's key_type `\(other)` is none of rsa, ec or any")
        }
        switch key.algorithm {
        case .rsa:
            guard let parsed = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: key.der) else {
                return .invalid(rsaFailure(kind: "private key", bits: key.rsaModulusBits, minBits: minBits))
            }
            if let minBits, parsed.keySizeInBits < minBits {
                return .invalid("an RSA key of \(parsed.keySizeInBits) bits, fewer than \(minBits)")
            }
            return .valid
        case .ec(let curve):
            switch curve {
            case .other: return .invalid("an EC key on a curve other than P-256, P-384 or P-521")
            case .p256?: return (try? P256.Signing.PrivateKey(derRepresentation: key.der)) == nil ? ecUnreadable("private") : .valid
            case .p384?: return (try? P384.Signing.PrivateKey(derRepresentation: key.der)) == nil ? ecUnreadable("private") : .valid
            case .p521?: return (try? P521.Signing.PrivateKey(derRepresentation: key.der)) == nil ? ecUnreadable("private") : .valid
            case nil:
                // A SEC1 key without parameters: whichever curve reads it.
                let readable = (try? P256.Signing.PrivateKey(derRepresentation: key.der)) != nil
                    || (try? P384.Signing.PrivateKey(derRepresentation: key.der)) != nil
                    || (try? P521.Signing.PrivateKey(derRepresentation: key.der)) != nil
                return readable ? .valid : ecUnreadable("private")
            }
        default:
            return .valid
        }
    }

    /// The RSA private key `text` holds, or why it holds none.
    static func rsaPrivateKey(_ text: String) -> Result<_RSA.Signing.PrivateKey, Rejection> {
        switch readPrivateKey(text) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let key):
            guard key.algorithm == .rsa else { return .failure(Rejection("\(key.algorithm.phrase), not RSA")) }
            guard let parsed = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: key.der) else {
                return .failure(Rejection(rsaFailure(kind: "private key", bits: key.rsaModulusBits, minBits: nil)))
            }
            return .success(parsed)
        }
    }

    /// The P-256 private key `text` holds, or why it holds none.
    static func p256PrivateKey(_ text: String) -> Result<P256.Signing.PrivateKey, Rejection> {
        switch readPrivateKey(text) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let key):
            guard case .ec(let curve) = key.algorithm else { return .failure(Rejection("\(key.algorithm.phrase), not EC")) }
            guard curve == nil || curve == .p256 else { return .failure(Rejection("an EC key on a curve other than P-256")) }
            guard let parsed = try? P256.Signing.PrivateKey(derRepresentation: key.der) else {
                return .failure(Rejection("an EC private key that does not parse"))
            }
            return .success(parsed)
        }
    }

    // MARK: Public keys

    /// The one SubjectPublicKeyInfo (`PUBLIC KEY`) `text` holds.
    static func readPublicKey(_ text: String) -> Result<PublicKeyBlock, Rejection> {
        let block: PEMBlock
        switch PEM.singleBlock(text, noun: "public key") {
        case .failure(let failure): return .failure(Rejection(failure.reason))
        case .success(let found): block = found
        }
        switch block.label {
        case "PUBLIC KEY":
            guard let outer = DERReading.whole(block.der[...]), outer.isConstructed(.sequence),
                  let parts = outer.children, parts.count == 2,
                  let algorithm = KeyAlgorithm(algorithmIdentifier: parts[0]), parts[1].isPrimitive(.bitString),
                  let bitString = parts[1].primitiveContent
            else { return .failure(Rejection("a `PUBLIC KEY` block whose content is not a SubjectPublicKeyInfo")) }
            var bits: Int?
            if algorithm == .rsa, bitString.first == 0 { bits = rsaModulusBits(ofPKCS1: bitString.dropFirst()) }
            return .success(PublicKeyBlock(algorithm: algorithm, der: block.der, rsaModulusBits: bits))
        case "RSA PUBLIC KEY":
            return .failure(Rejection(
                "a PKCS#1 RSA public key (`RSA PUBLIC KEY`), not a SubjectPublicKeyInfo one (`PUBLIC KEY`)"))
        default:
            return .failure(Rejection(wrongLabel(block.label, expected: "public key")))
        }
    }

    /// Checks a PEM public key: an RSA or P-256/P-384/P-521 key that swift-crypto reads, or a
    /// well-formed SubjectPublicKeyInfo of another algorithm.
    static func checkPublicKey(_ text: String) -> FieldCheck {
        let key: PublicKeyBlock
        switch readPublicKey(text) {
        case .failure(let rejection): return .invalid(rejection.reason)
        case .success(let found): key = found
        }
        switch key.algorithm {
        case .rsa:
            guard (try? _RSA.Signing.PublicKey(unsafeDERRepresentation: key.der)) != nil else {
                return .invalid(rsaFailure(kind: "public key", bits: key.rsaModulusBits, minBits: nil))
            }
            return .valid
        case .ec(let curve):
            switch curve {
            case .p256?: return (try? P256.Signing.PublicKey(derRepresentation: key.der)) == nil ? ecUnreadable("public") : .valid
            case .p384?: return (try? P384.Signing.PublicKey(derRepresentation: key.der)) == nil ? ecUnreadable("public") : .valid
            case .p521?: return (try? P521.Signing.PublicKey(derRepresentation: key.der)) == nil ? ecUnreadable("public") : .valid
            case .other?, nil: return .invalid("an EC key on a curve other than P-256, P-384 or P-521")
            }
        default:
            return .valid
        }
    }

    /// The RSA public key `text` holds, or why it holds none.
    static func rsaPublicKey(_ text: String) -> Result<_RSA.Signing.PublicKey, Rejection> {
        switch readPublicKey(text) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let key):
            guard key.algorithm == .rsa else { return .failure(Rejection("\(key.algorithm.phrase), not RSA")) }
            guard let parsed = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: key.der) else {
                return .failure(Rejection(rsaFailure(kind: "public key", bits: key.rsaModulusBits, minBits: nil)))
            }
            return .success(parsed)
        }
    }

    /// The P-256 public key `text` holds, or why it holds none.
    static func p256PublicKey(_ text: String) -> Result<P256.Signing.PublicKey, Rejection> {
        switch readPublicKey(text) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let key):
            guard case .ec(let curve) = key.algorithm else { return .failure(Rejection("\(key.algorithm.phrase), not EC")) }
            guard curve == .p256 else { return .failure(Rejection("an EC key on a curve other than P-256")) }
            guard let parsed = try? P256.Signing.PublicKey(derRepresentation: key.der) else {
                return .failure(Rejection("an EC public key that does not parse"))
            }
            return .success(parsed)
        }
    }

    // MARK: Certificates

    /// Checks PEM certificates structurally: one or more `CERTIFICATE` blocks (a chain is
    /// accepted), each a DER SEQUENCE whose length matches its size and which holds the three
    /// parts of an X.509 certificate. Signatures, dates and names are not examined.
    static func checkCertificate(_ text: String) -> FieldCheck {
        let blocks: [PEMBlock]
        switch PEM.blocks(text) {
        case .failure(let failure): return .invalid(failure.reason(expecting: "certificate"))
        case .success(let found): blocks = found
        }
        for block in blocks {
            guard block.label == "CERTIFICATE" else { return .invalid(wrongLabel(block.label, expected: "certificate")) }
            let notCertificate = FieldCheck.invalid("a `CERTIFICATE` block whose content is not an X.509 certificate")
            // A constructed SEQUENCE's identifier octet.
            guard block.der.first == 0x30 else { return notCertificate }
            let outer: ASN1Node
            switch DERReading.parse(block.der[...]) {
            case .failure(.lengthMismatch): return .invalid("a PEM certificate whose DER length does not match its size (truncated?)")
            case .failure(.malformed): return notCertificate
            case .success(let node): outer = node
            }
            guard let parts = outer.children, parts.count == 3, parts[0].isConstructed(.sequence),
                  parts[1].isConstructed(.sequence), parts[2].isPrimitive(.bitString)
            else { return notCertificate }
        }
        return .valid
    }

    // MARK: Helpers

    /// The modulus size of a PKCS#1 RSAPrivateKey or RSAPublicKey, or nil when `der` is not one.
    private static func rsaModulusBits(ofPKCS1 der: ArraySlice<UInt8>) -> Int? {
        guard let outer = DERReading.whole(der), outer.isConstructed(.sequence), let parts = outer.children else { return nil }
        // RSAPrivateKey starts with a version, RSAPublicKey with the modulus.
        let modulusIndex = parts.count >= 9 ? 1 : 0
        guard parts.count > modulusIndex, parts[modulusIndex].isPrimitive(.integer) else { return nil }
        return parts[modulusIndex].unsignedBitCount
    }

    private static func rsaFailure(kind: String, bits: Int?, minBits: Int?) -> String {
        guard let bits, bits < smallestRSABits else { return "an RSA \(kind) that does not parse" }
        if let minBits, bits < minBits { return "an RSA key of \(bits) bits, fewer than \(minBits)" }
        return "an RSA key of \(bits) bits; vaultform does not accept RSA keys under \(smallestRSABits) bits"
    }

    private static func ecUnreadable(_ half: String) -> FieldCheck {
        .invalid("an EC \(half) key that does not parse")
    }

    /// "a PEM certificate, not a private key", for a block of the wrong kind.
    private static func wrongLabel(_ label: String, expected: String) -> String {
        let found: String
        switch label {
        case "PUBLIC KEY", "RSA PUBLIC KEY": found = "a PEM public key"
        case "CERTIFICATE": found = "a PEM certificate"
        case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST": found = "a PEM certificate request"
        case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY": found = "a PEM private key"
        default:
            if label.hasSuffix("PRIVATE KEY") && expected == "private key" {
                return "a `\(label)` block, which is none of PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`)"
            }
            found = label.hasSuffix("PRIVATE KEY") ? "a PEM private key" : "a PEM block labelled `\(label)`"
        }
        return "\(found), not a \(expected)"
    }
}

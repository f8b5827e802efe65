import SwiftASN1

/// DER read with swift-asn1, just far enough to tell what a key or certificate is. swift-asn1
/// checks the encoding strictly (definite, minimal lengths; no trailing bytes; bounded
/// nesting) and throws on anything malformed, so a hostile text fails cleanly; key material is
/// interpreted by swift-crypto once the algorithm is known.
enum DERReading {
    /// Why bytes are not one well-formed DER element.
    enum Failure: Error, Equatable {
        /// The lengths do not fit the bytes: an element runs past the end, bytes follow the
        /// outermost one (a body cut short or padded), or a length is one DER does not allow
        /// (indefinite, non-minimal, past any size).
        case lengthMismatch
        /// Any other malformation (a bad tag, a non-minimal length, nesting too deep).
        case malformed
    }

    /// `bytes` as exactly one element with nothing after it.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Result<ASN1Node, Failure> {
        do {
            return .success(try DER.parse(bytes))
        } catch let error as ASN1Error {
            // swift-asn1 (pinned exactly) names trailing bytes and lengths past any size only
            // in the reason of an invalidASN1Object.
            let reason = String(describing: error)
            let lengths = error.code == .invalidASN1Object
                && (reason.contains("Trailing unparsed data") || reason.contains("Excessively large field"))
            let mismatch = error.code == .truncatedASN1Field || error.code == .unsupportedFieldLength || lengths
            return .failure(mismatch ? .lengthMismatch : .malformed)
        } catch {
            return .failure(.malformed)
        }
    }

    /// `bytes` as exactly one element with nothing after it; nil when they are not well-formed DER.
    static func whole(_ bytes: ArraySlice<UInt8>) -> ASN1Node? {
        try? parse(bytes).get()
    }
}

extension ASN1Node {
    /// The tag of a constructed `[0]` (a certificate's version, a SEC1 key's curve parameters).
    static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    /// The child elements of a constructed element; nil for a primitive one.
    var children: [ASN1Node]? {
        guard case .constructed(let nodes) = content else { return nil }
        return Array(nodes)
    }

    /// The content octets of a primitive element; nil for a constructed one.
    var primitiveContent: ArraySlice<UInt8>? {
        guard case .primitive(let bytes) = content else { return nil }
        return bytes
    }

    /// Whether this is a constructed element with `tag` (a SEQUENCE, a `[0]`).
    func isConstructed(_ tag: ASN1Identifier) -> Bool {
        identifier == tag && children != nil
    }

    /// Whether this is a primitive element with `tag` (an INTEGER, an OCTET STRING, a BIT STRING, an OID).
    func isPrimitive(_ tag: ASN1Identifier) -> Bool {
        identifier == tag && primitiveContent != nil
    }

    /// The number of significant bits of an INTEGER's content read as unsigned (an RSA modulus).
    var unsignedBitCount: Int {
        guard let content = primitiveContent, let firstNonZero = content.firstIndex(where: { $0 != 0 }) else { return 0 }
        let leading = content[firstNonZero]
        return (content.endIndex - firstNonZero - 1) * 8 + (8 - leading.leadingZeroBitCount)
    }

    /// The object identifier this element holds; nil when it is not a well-formed OID.
    var objectIdentifier: ASN1ObjectIdentifier? {
        guard isPrimitive(.objectIdentifier) else { return nil }
        return try? ASN1ObjectIdentifier(derEncoded: self)
    }
}

/// The algorithms a key's AlgorithmIdentifier can name, as far as vaultform tells them apart.
enum KeyAlgorithm: Equatable {
    case rsa
    case ec(curve: ECCurve?)
    case ed25519, x25519, ed448, x448, dsa, rsaPSS
    case other

    /// Reads an AlgorithmIdentifier SEQUENCE { OID, parameters }. An OID this reader cannot
    /// decode names an algorithm it does not know.
    init?(algorithmIdentifier element: ASN1Node) {
        guard element.isConstructed(.sequence), let parts = element.children, let oid = parts.first,
              oid.isPrimitive(.objectIdentifier) else { return nil }
        switch oid.objectIdentifier {
        case OID.rsaEncryption?: self = .rsa
        case OID.ecPublicKey?:
            let curve = parts.count > 1 && parts[1].isPrimitive(.objectIdentifier) ? ECCurve(oid: parts[1].objectIdentifier) : nil
            self = .ec(curve: curve)
        case OID.ed25519?: self = .ed25519
        case OID.x25519?: self = .x25519
        case OID.ed448?: self = .ed448
        case OID.x448?: self = .x448
        case OID.dsa?: self = .dsa
        case OID.rsaPSS?: self = .rsaPSS
        default: self = .other
        }
    }

    /// The key's kind with its article, for messages: "an EC key", "an Ed25519 key".
    var phrase: String {
        switch self {
        case .rsa: return "an RSA key"
        case .ec: return "an EC key"
        case .ed25519: return "an Ed25519 key"
        case .x25519: return "an X25519 key"
        case .ed448: return "an Ed448 key"
        case .x448: return "an X448 key"
        case .dsa: return "a DSA key"
        case .rsaPSS: return "an RSA-PSS key"
        case .other: return "a key of an algorithm vaultform does not know"
        }
    }
}

/// The named curves swift-crypto reads, plus "some other curve".
enum ECCurve: Equatable {
    case p256, p384, p521
    case other

    /// The curve an OID names; an OID that did not decode is some other curve.
    init(oid: ASN1ObjectIdentifier?) {
        switch oid {
        case OID.prime256v1?: self = .p256
        case OID.secp384r1?: self = .p384
        case OID.secp521r1?: self = .p521
        default: self = .other
        }
    }
}

/// The object identifiers of the algorithms and curves above.
enum OID {
    static let rsaEncryption = ASN1ObjectIdentifier.AlgorithmIdentifier.rsaEncryption
    static let rsaPSS = ASN1ObjectIdentifier.AlgorithmIdentifier.rsaPSS
    static let ecPublicKey = ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey
    static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 1]
    static let x25519: ASN1ObjectIdentifier = [1, 3, 101, 110]
    static let x448: ASN1ObjectIdentifier = [1, 3, 101, 111]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ed448: ASN1ObjectIdentifier = [1, 3, 101, 113]
    static let prime256v1 = ASN1ObjectIdentifier.NamedCurves.secp256r1
    static let secp384r1 = ASN1ObjectIdentifier.NamedCurves.secp384r1
    static let secp521r1 = ASN1ObjectIdentifier.NamedCurves.secp521r1
}

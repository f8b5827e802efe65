/// Just enough of a DER reader to tell what a key or certificate is: tag, length and content of
/// each element, with single-byte tags and definite lengths. It never interprets key material;
/// swift-crypto does that once the algorithm is known.
struct DERElement {
    /// The identifier octet (0x30 SEQUENCE, 0x02 INTEGER, 0x04 OCTET STRING, 0x06 OID, 0xA0 [0], ...).
    var tag: UInt8
    /// The content octets.
    var content: ArraySlice<UInt8>

    static let sequence: UInt8 = 0x30
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06

    /// Reads one element from the start of `bytes`, returning it and what follows; nil when the
    /// bytes do not start with a well-formed element.
    static func read(_ bytes: ArraySlice<UInt8>) -> (element: DERElement, rest: ArraySlice<UInt8>)? {
        var index = bytes.startIndex
        guard index < bytes.endIndex else { return nil }
        let tag = bytes[index]
        // High tag numbers (low five bits all set) do not occur in the structures read here.
        guard tag & 0x1F != 0x1F else { return nil }
        index += 1
        guard index < bytes.endIndex else { return nil }
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            // 0x80 is BER's indefinite length, which DER forbids; four length bytes is far beyond any key.
            guard count >= 1, count <= 4, bytes.endIndex - index >= count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard bytes.endIndex - index >= length else { return nil }
        let end = index + length
        return (DERElement(tag: tag, content: bytes[index..<end]), bytes[end...])
    }

    /// Reads `bytes` as exactly one element with nothing after it.
    static func readWhole(_ bytes: ArraySlice<UInt8>) -> DERElement? {
        guard let (element, rest) = read(bytes), rest.isEmpty else { return nil }
        return element
    }

    /// The child elements of a constructed element, or nil when the content is not a run of
    /// well-formed elements.
    var children: [DERElement]? {
        var remaining = content
        var result: [DERElement] = []
        while !remaining.isEmpty {
            guard let (element, rest) = DERElement.read(remaining) else { return nil }
            result.append(element)
            remaining = rest
        }
        return result
    }

    /// The number of significant bits of an INTEGER's content read as unsigned (an RSA modulus).
    var unsignedBitCount: Int {
        guard let firstNonZero = content.firstIndex(where: { $0 != 0 }) else { return 0 }
        let leading = content[firstNonZero]
        return (content.endIndex - firstNonZero - 1) * 8 + (8 - leading.leadingZeroBitCount)
    }
}

/// The algorithms a key's AlgorithmIdentifier can name, as far as vaultform tells them apart.
enum KeyAlgorithm: Equatable {
    case rsa
    case ec(curve: ECCurve?)
    case ed25519, x25519, ed448, x448, dsa, rsaPSS
    case other

    /// Reads an AlgorithmIdentifier SEQUENCE { OID, parameters }.
    init?(algorithmIdentifier element: DERElement) {
        guard element.tag == DERElement.sequence, let parts = element.children, let oid = parts.first,
              oid.tag == DERElement.objectIdentifier else { return nil }
        switch Array(oid.content) {
        case OID.rsaEncryption: self = .rsa
        case OID.ecPublicKey:
            let curve = parts.count > 1 && parts[1].tag == DERElement.objectIdentifier ? ECCurve(oid: Array(parts[1].content)) : nil
            self = .ec(curve: curve)
        case OID.ed25519: self = .ed25519
        case OID.x25519: self = .x25519
        case OID.ed448: self = .ed448
        case OID.x448: self = .x448
        case OID.dsa: self = .dsa
        case OID.rsaPSS: self = .rsaPSS
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

    init(oid: [UInt8]) {
        switch oid {
        case OID.prime256v1: self = .p256
        case OID.secp384r1: self = .p384
        case OID.secp521r1: self = .p521
        default: self = .other
        }
    }
}

/// The encoded contents of the object identifiers used above.
enum OID {
    /// 1.2.840.113549.1.1.1
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    /// 1.2.840.113549.1.1.10
    static let rsaPSS: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]
    /// 1.2.840.10045.2.1
    static let ecPublicKey: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    /// 1.2.840.10040.4.1
    static let dsa: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]
    /// 1.3.101.110
    static let x25519: [UInt8] = [0x2B, 0x65, 0x6E]
    /// 1.3.101.111
    static let x448: [UInt8] = [0x2B, 0x65, 0x6F]
    /// 1.3.101.112
    static let ed25519: [UInt8] = [0x2B, 0x65, 0x70]
    /// 1.3.101.113
    static let ed448: [UInt8] = [0x2B, 0x65, 0x71]
    /// 1.2.840.10045.3.1.7
    static let prime256v1: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
    /// 1.3.132.0.34
    static let secp384r1: [UInt8] = [0x2B, 0x81, 0x04, 0x00, 0x22]
    /// 1.3.132.0.35
    static let secp521r1: [UInt8] = [0x2B, 0x81, 0x04, 0x00, 0x23]
}

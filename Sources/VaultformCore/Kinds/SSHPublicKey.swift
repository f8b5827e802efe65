import Foundation

/// An OpenSSH public key (`ssh-rsa AAAA…`), read for what the SSH engine generated: its key
/// type as the engine's `key_type` names it (`rsa`, `ec`, `ed25519`) and its size as
/// `key_bits` does (the RSA modulus's bits, the EC curve's size, 0 for ed25519).
struct SSHPublicKey: Equatable {
    var keyType: String
    var keyBits: Int

    /// The key in an authorized_keys line; nil when it is not one this can read.
    init?(authorizedKey line: String) {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let blob = Data(base64Encoded: String(parts[1])) else { return nil }
        var reader = Reader(bytes: [UInt8](blob))
        guard let name = reader.string().flatMap({ String(bytes: $0, encoding: .utf8) }) else { return nil }
        switch name {
        case "ssh-rsa":
            // The exponent, then the modulus, each an mpint.
            guard reader.string() != nil, let modulus = reader.string() else { return nil }
            let significant = modulus.drop { $0 == 0 }
            guard let first = significant.first else { return nil }
            self.init(keyType: "rsa", keyBits: (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount))
        case "ecdsa-sha2-nistp256": self.init(keyType: "ec", keyBits: 256)
        case "ecdsa-sha2-nistp384": self.init(keyType: "ec", keyBits: 384)
        case "ecdsa-sha2-nistp521": self.init(keyType: "ec", keyBits: 521)
        case "ssh-ed25519": self.init(keyType: "ed25519", keyBits: 0)
        default: return nil
        }
    }

    init(keyType: String, keyBits: Int) {
        self.keyType = keyType
        self.keyBits = keyBits
    }

    /// Length-prefixed strings of the SSH wire format.
    private struct Reader {
        var bytes: [UInt8]
        var offset = 0

        mutating func string() -> ArraySlice<UInt8>? {
            guard offset + 4 <= bytes.count else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard length >= 0, offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return bytes[offset..<offset + length]
        }
    }
}

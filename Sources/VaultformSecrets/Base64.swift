import Foundation

/// Standard base64 (RFC 4648 section 4: `A–Z a–z 0–9 + /`, padded with `=`), read strictly the
/// way Go's `base64.StdEncoding` reads it: the length must be a multiple of four and padding is
/// required. Whitespace around the text (a trailing newline from `base64` or `echo`) is ignored;
/// whitespace inside it, line breaks included (Go would skip those), is not.
enum Base64 {
    /// Why a text is not base64, phrased for a person and never quoting the text.
    enum Failure: Error, Equatable {
        case urlSafeAlphabet
        case lineBreaks
        case badCharacter
        case badLength
        case badPadding

        /// The reason, for a `FieldCheck` message.
        var reason: String {
            switch self {
            case .urlSafeAlphabet: return "not standard base64 (it uses the URL-safe alphabet, `-` and `_`)"
            case .lineBreaks: return "not base64 on one line (it is split across lines; `base64 -w0` writes one line)"
            case .badCharacter: return "not base64 (it has characters outside the base64 alphabet)"
            case .badLength: return "not base64 (its length is not a multiple of 4; is the `=` padding missing?)"
            case .badPadding: return "not base64 (the `=` padding is misplaced)"
            }
        }
    }

    /// The decoded bytes, or why the text is not strict standard base64.
    static func decode(_ text: String) -> Result<[UInt8], Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var sextets: [UInt8] = []
        sextets.reserveCapacity(trimmed.utf8.count)
        var padding = 0
        var sawURLSafe = false
        var sawLineBreak = false
        var sawOther = false
        for byte in trimmed.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            if padding > 0 { return .failure(.badPadding) }
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextets.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): sextets.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sextets.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): sextets.append(62)
            case UInt8(ascii: "/"): sextets.append(63)
            case UInt8(ascii: "-"), UInt8(ascii: "_"): sawURLSafe = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): sawLineBreak = true
            default: sawOther = true
            }
        }
        if sawOther { return .failure(.badCharacter) }
        if sawURLSafe { return .failure(.urlSafeAlphabet) }
        if sawLineBreak { return .failure(.lineBreaks) }
        guard (sextets.count + padding) % 4 == 0 else { return .failure(.badLength) }
        // Padding completes the last group only: one `=` after three characters, two after two.
        let remainder = sextets.count % 4
        switch (remainder, padding) {
        case (0, 0), (3, 1), (2, 2): break
        default: return .failure(.badPadding)
        }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index + 4 <= sextets.count {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
                | UInt32(sextets[index + 2]) << 6 | UInt32(sextets[index + 3])
            bytes.append(UInt8(truncatingIfNeeded: group >> 16))
            bytes.append(UInt8(truncatingIfNeeded: group >> 8))
            bytes.append(UInt8(truncatingIfNeeded: group))
            index += 4
        }
        if remainder == 3 {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12 | UInt32(sextets[index + 2]) << 6
            bytes.append(UInt8(truncatingIfNeeded: group >> 16))
            bytes.append(UInt8(truncatingIfNeeded: group >> 8))
        } else if remainder == 2 {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
            bytes.append(UInt8(truncatingIfNeeded: group >> 16))
        }
        return .success(bytes)
    }

    /// Standard base64 with padding, on one line.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }
}

import Foundation

/// An IPv4 or IPv6 network or host as written in a CIDR binding. The address is kept as
/// written (host bits are not masked: the server keeps `10.0.0.5/24` as it is).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The address family, which decides the maximum prefix length.
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    /// IPv4 or IPv6.
    public var family: Family
    /// 4 or 16 bytes, network order.
    public var bytes: [UInt8]
    /// The prefix length; a bare address gets the full length (32 or 128).
    public var prefixLength: Int
    /// Whether the text named a prefix length (`10.0.0.5/32`) or was a bare address (`10.0.0.5`).
    public var prefixWritten: Bool

    /// The canonical text with its prefix: `10.0.0.0/8`, `2001:db8::/32`.
    public var description: String {
        guard family == .ipv4, bytes.count == 4 else { return "\(addressText)/\(prefixLength)" }
        // Built on the bytes: every CIDR binding of every role is canonicalised at each comparison.
        var text: [UInt8] = []
        text.reserveCapacity(18)
        func append(_ number: Int) {
            if number >= 100 { text.append(UInt8(ascii: "0") + UInt8(number / 100)) }
            if number >= 10 { text.append(UInt8(ascii: "0") + UInt8(number / 10 % 10)) }
            text.append(UInt8(ascii: "0") + UInt8(number % 10))
        }
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ".")) }
            append(Int(byte))
        }
        text.append(UInt8(ascii: "/"))
        append(prefixLength)
        return String(decoding: text, as: UTF8.self)
    }

    /// True for a single host (`/32` or `/128`).
    public var isHost: Bool { prefixLength == (family == .ipv4 ? 32 : 128) }

    /// The address alone in canonical form (RFC 5952 for IPv6).
    public var addressText: String {
        switch family {
        case .ipv4: return bytes.map(String.init).joined(separator: ".")
        case .ipv6: return CIDR.formatIPv6(bytes)
        }
    }

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; the error says what is wrong.
    public static func parse(_ text: String) -> Result<CIDR, CIDRError> {
        if let cidr = parsePlainIPv4(text) { return .success(cidr) }
        return parseGeneral(text)
    }

    /// `parse` without its fast path for plain IPv4 (which must agree with it: a test says so).
    static func parseGeneral(_ text: String) -> Result<CIDR, CIDRError> {
        let trimmed = String(text.trimmingSpaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return .failure(.malformed(trimmed)) }
        let addressText = String(parts[0])
        let family: Family
        let bytes: [UInt8]
        if let v4 = parseIPv4(addressText) {
            (family, bytes) = (.ipv4, v4)
        } else if let v6 = parseIPv6(addressText) {
            (family, bytes) = (.ipv6, v6)
        } else {
            return .failure(.badAddress(addressText))
        }
        let maximum = family == .ipv4 ? 32 : 128
        guard parts.count == 2 else {
            return .success(CIDR(family: family, bytes: bytes, prefixLength: maximum, prefixWritten: false))
        }
        let prefixText = parts[1]
        guard !prefixText.isEmpty, prefixText.count <= 3, prefixText.allSatisfy(\.isASCIIDigit),
              let prefix = Int(prefixText), prefix <= maximum
        else { return .failure(.badPrefix(String(prefixText), maximum: maximum)) }
        return .success(CIDR(family: family, bytes: bytes, prefixLength: prefix, prefixWritten: true))
    }

    /// The common case, `a.b.c.d` or `a.b.c.d/n` with nothing around it, read on the bytes;
    /// nil for anything else (the general parser then decides, and words any error).
    private static func parsePlainIPv4(_ text: String) -> CIDR? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4)
        var value = 0, digits = 0, leadingZero = false
        var prefix: Int?
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 { leadingZero = byte == UInt8(ascii: "0") } else if leadingZero && prefix == nil { return nil }
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3 else { return nil }
            case UInt8(ascii: "."):
                guard prefix == nil, digits > 0, value <= 255, bytes.count < 3 else { return nil }
                bytes.append(UInt8(value))
                (value, digits) = (0, 0)
            case UInt8(ascii: "/"):
                guard prefix == nil, digits > 0, value <= 255, bytes.count == 3 else { return nil }
                bytes.append(UInt8(value))
                (value, digits) = (0, 0)
                prefix = -1
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        if prefix == nil {
            guard value <= 255, bytes.count == 3 else { return nil }
            bytes.append(UInt8(value))
            return CIDR(family: .ipv4, bytes: bytes, prefixLength: 32, prefixWritten: false)
        }
        guard value <= 32 else { return nil }
        return CIDR(family: .ipv4, bytes: bytes, prefixLength: value, prefixWritten: true)
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCIIDigit),
                  !(octet.count > 1 && octet.hasPrefix("0")), let value = UInt8(octet)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":" as Character) else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains("." as Character) {
                    guard let v4 = parseIPv4(String(piece)) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, piece.allSatisfy(\.isHexDigit),
                      let value = UInt16(piece, radix: 16)
                else { return nil }
                result.append(value)
            }
            return result
        }
        if halves.count == 2 {
            sawGap = true
            guard let h = groups(halves[0], allowIPv4Tail: false),
                  let t = groups(halves[1], allowIPv4Tail: true)
            else { return nil }
            (head, tail) = (h, t)
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard let h = groups(halves[0], allowIPv4Tail: true), h.count == 8 else { return nil }
            head = h
        }
        let all = sawGap ? head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail : head
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    static func formatIPv6(_ bytes: [UInt8]) -> String {
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // RFC 5952: compress the longest run of two or more zero groups, the first on a tie.
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength, length >= 2 { (bestStart, bestLength) = (runStart, length) }
                runStart = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let left = hex[..<bestStart].joined(separator: ":")
        let right = hex[(bestStart + bestLength)...].joined(separator: ":")
        return "\(left)::\(right)"
    }
}

/// Why a CIDR did not parse.
public enum CIDRError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String), badAddress(String), badPrefix(String, maximum: Int)

    public var description: String {
        switch self {
        case .malformed(let text): "`\(text)` is not ADDRESS or ADDRESS/PREFIX"
        case .badAddress(let text): "`\(text)` is not an IPv4 or IPv6 address"
        case .badPrefix(let text, let maximum): "prefix length `\(text)` is not a number from 0 to \(maximum)"
        }
    }
}

/// The one check that every name becoming a segment of an API path goes through: mount
/// paths, policy, role and key names, secret paths (in the manifest), and every request path
/// (in the client, before anything is sent).
///
/// A segment that the server, a proxy or curl would resolve differently from how vaultform
/// addressed it lets a manifest reach another endpoint: `team-a/../../seal` turns a mount
/// write into `POST /v1/sys/seal`. So `.` and `..`, empty segments, their percent-encoded
/// spellings, backslashes (a separator to some proxies) and control characters are refused.
public enum PathSegment {
    /// Why `segment` cannot be one segment of a request path, or nil when it can.
    ///
    /// These are the problems that change where a request goes; the client refuses them in
    /// any path it is asked to send.
    public static func addressingProblem(_ segment: Substring) -> String? {
        if segment.isEmpty { return "has an empty segment (`//`, or a `/` at an end)" }
        if segment == "." || segment == ".." {
            return "has a `\(segment)` segment, which the server resolves to another path"
        }
        // Every request path comes through here: printable ASCII with no `\` or `%` (nearly
        // all of them) has none of the problems below, decided in one pass over the bytes.
        if segment.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "%") }) {
            return nil
        }
        for scalar in segment.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                return "contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)))"
            }
            if scalar == "\\" { return "contains a backslash, which some servers and proxies read as `/`" }
        }
        let decoded = percentDecoded(segment).lowercased()
        if decoded != segment.lowercased(), decoded == "." || decoded == ".." || decoded.contains("/") || decoded.contains("\\") {
            return "has a percent-encoded segment `\(segment)` that decodes to `\(decoded)`"
        }
        return nil
    }

    /// Why `segment` cannot be a name in a manifest that becomes a path segment, or nil.
    ///
    /// Stricter than `addressingProblem`: `%`, `?` and `#` also mean something else in a URL
    /// (an escape, the query, the fragment), so a name holding them would be read one way by
    /// vaultform and another by a person, a proxy or a log.
    public static func problem(_ segment: Substring) -> String? {
        if let problem = addressingProblem(segment) { return problem }
        for character in ["%", "?", "#"] where segment.contains(Character(character)) {
            return "contains `\(character)`, which has a meaning of its own in a URL"
        }
        return nil
    }

    /// Why `path` (segments separated by `/`) cannot be sent, or nil. A single trailing `/`
    /// is allowed when `trailingSlash` is (listing endpoints and mount paths end with one).
    public static func problem(inPath path: String, trailingSlash: Bool = true, strict: Bool = false) -> String? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if trailingSlash, segments.count > 1, segments.last?.isEmpty == true { segments.removeLast() }
        for segment in segments {
            if let problem = strict ? problem(segment) : addressingProblem(segment) { return problem }
        }
        return nil
    }

    /// `text` with each `%XX` escape decoded (invalid escapes kept as written).
    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        let decoded = String(decoding: output, as: UTF8.self)
        // Decoded again: `%252e` is `%2e` to a proxy that decodes twice.
        return decoded == String(text) ? decoded : percentDecoded(Substring(decoded))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

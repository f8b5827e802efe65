import Foundation

/// A length of time as the manifest writes it (`30m`, `1h30m`, `720h`, `7d`, `3600`), held as
/// whole seconds because that is how the server reads every TTL back.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in whole seconds.
    public var seconds: Int

    /// A duration of the given number of seconds.
    public init(seconds: Int) { self.seconds = seconds }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    /// The shortest human form: `1h30m`, `7d` only for whole days above a week is avoided, `0s`.
    public var description: String { TimeSpan.format(seconds) }

    /// Parses the text forms; returns an explanation on failure.
    ///
    /// Accepted: digits alone (seconds), or one or more `NUMBER UNIT` parts with units s, m, h, d,
    /// where NUMBER may have a fraction as long as the total is a whole number of seconds.
    public static func parse(_ text: String) -> Result<TimeSpan, TimeSpanError> {
        let trimmed = String(text.trimmingSpaces)
        if trimmed.isEmpty { return .failure(.empty) }
        if trimmed.hasPrefix("-") { return .failure(.negative) }
        if trimmed.allSatisfy(\.isASCIIDigit) {
            guard let value = Int(trimmed) else { return .failure(.tooLarge) }
            return .success(TimeSpan(seconds: value))
        }
        var total = 0.0
        var index = trimmed.startIndex
        var sawPart = false
        while index < trimmed.endIndex {
            let numberStart = index
            while index < trimmed.endIndex, trimmed[index].isASCIIDigit || trimmed[index] == "." {
                index = trimmed.index(after: index)
            }
            let number = trimmed[numberStart..<index]
            guard !number.isEmpty, let value = Double(number) else { return .failure(.malformed) }
            guard index < trimmed.endIndex else { return .failure(.missingUnit) }
            let unit = trimmed[index]
            index = trimmed.index(after: index)
            let scale: Double
            switch unit {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            default: return .failure(.unknownUnit(String(unit)))
            }
            total += value * scale
            sawPart = true
        }
        guard sawPart else { return .failure(.malformed) }
        guard total < Double(Int32.max) * 100 else { return .failure(.tooLarge) }
        guard total == total.rounded() else { return .failure(.fractionalSeconds) }
        return .success(TimeSpan(seconds: Int(total)))
    }

    /// Formats seconds the way a person writes them: `0s`, `45s`, `30m`, `1h30m`, `720h`.
    public static func format(_ seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        if seconds < 0 { return "\(seconds)s" }
        var rest = seconds
        var text = ""
        let hours = rest / 3600
        rest %= 3600
        let minutes = rest / 60
        rest %= 60
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 { text += "\(rest)s" }
        return text
    }
}

/// Why a duration did not parse.
public enum TimeSpanError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty, negative, malformed, missingUnit, unknownUnit(String), tooLarge, fractionalSeconds

    public var description: String {
        switch self {
        case .empty: "it is empty"
        case .negative: "durations cannot be negative"
        case .malformed: "it is not a number followed by a unit"
        case .missingUnit: "a number lacks its unit (s, m, h or d)"
        case .unknownUnit(let unit): "`\(unit)` is not a unit (use s, m, h or d)"
        case .tooLarge: "it is too large"
        case .fractionalSeconds: "it is not a whole number of seconds"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Wrapping TTLs as the server reads them (`parseutil.ParseDurationSecond`): integers are
/// seconds, strings are seconds, `<n>d` days, or a Go duration such as "1h30m" or "1.5h".
///
/// vaultform keeps whole seconds and refuses negative or sub-second values the server would
/// take, because neither means anything for a wrapping TTL and both hide typos.
enum WrappingDuration {
    /// Seconds for an attribute's value, or a message saying what is wrong with it.
    static func seconds(from value: SyntaxValue) -> Result<Int, DurationProblem> {
        switch value {
        case let .string(text, _):
            return seconds(fromText: text)
        case let .number(text, _):
            guard let number = integer(fromNumber: text) else {
                guard let real = Double(text), real.isFinite else {
                    return .failure("\(text) is not a number")
                }
                return wholeSeconds(nanoseconds: real * 1e9, written: text)
            }
            return checked(number, written: text)
        case .null:
            return .success(0)
        default:
            return .failure("expected a duration such as \"1h\" or a number of seconds, found \(value.kindName)")
        }
    }

    /// The canonical spelling, largest units first: 5400 → "1h30m", 90 → "1m30s".
    static func render(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")]
        return parts.filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined()
    }

    static func seconds(fromText text: String) -> Result<Int, DurationProblem> {
        if text.isEmpty {
            return .success(0)
        }
        if let number = Int(text) {
            return checked(number, written: inQuotes(text))
        }
        if text.hasSuffix("d") {
            guard let days = Int(text.dropLast()) else {
                return .failure("\(inQuotes(text)) is not a duration: a day count must be a whole number such as \"2d\"")
            }
            let (product, overflow) = days.multipliedReportingOverflow(by: 86_400)
            return overflow ? .failure("\(inQuotes(text)) is too long a duration") : checked(product, written: inQuotes(text))
        }
        switch goDurationNanoseconds(text) {
        case let .success(nanoseconds): return wholeSeconds(nanoseconds: nanoseconds, written: inQuotes(text))
        case let .failure(message): return .failure(message)
        }
    }

    /// HCL v1 integer literals: decimal, `0x` hexadecimal, or leading-zero octal.
    private static func integer(fromNumber text: String) -> Int? {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let magnitude: Int?
        if digits.lowercased().hasPrefix("0x") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else if digits.count > 1, digits.hasPrefix("0") {
            magnitude = Int(digits.dropFirst(), radix: 8)
        } else {
            magnitude = Int(digits)
        }
        return magnitude.map { negative ? -$0 : $0 }
    }

    private static func checked(_ seconds: Int, written: String) -> Result<Int, DurationProblem> {
        seconds < 0 ? .failure("\(written) is negative; a wrapping TTL must be zero or more") : .success(seconds)
    }

    private static func wholeSeconds(nanoseconds: Double, written: String) -> Result<Int, DurationProblem> {
        let seconds = nanoseconds / 1e9
        guard seconds.rounded() == seconds, abs(seconds) < 1e15 else {
            return .failure("\(written) is not a whole number of seconds")
        }
        return checked(Int(seconds), written: written)
    }

    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "\u{B5}s": 1e3, "\u{3BC}s": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// Go's `time.ParseDuration`: an optional sign, then number-unit pairs such as "1h30m".
    /// Doubles are exact for every duration that is a whole number of seconds under 2^53 ns.
    private static func goDurationNanoseconds(_ text: String) -> Result<Double, DurationProblem> {
        let invalid = Result<Double, DurationProblem>.failure(
            "\(inQuotes(text)) is not a duration; use a form such as \"90s\", \"30m\", \"1h30m\" or a number of seconds"
        )
        var rest = Substring(text)
        var sign = 1.0
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest == "0" {
            return .success(0)
        }
        guard !rest.isEmpty else { return invalid }
        var total = 0.0
        while !rest.isEmpty {
            let whole = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(whole.count)
            var fraction = Substring("")
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix { $0.isASCII && $0.isNumber }
                rest = rest.dropFirst(fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty, let amount = Double("0\(whole).\(fraction)0") else {
                return invalid
            }
            let unitText = rest.prefix { !($0.isASCII && $0.isNumber) && $0 != "." }
            rest = rest.dropFirst(unitText.count)
            guard let unit = units[String(unitText)] else {
                return unitText.isEmpty
                    ? .failure("\(inQuotes(text)) is missing a unit: add s, m or h, or write a plain number of seconds")
                    : .failure("\(inQuotes(text)) has unknown unit \(inQuotes(String(unitText))); use ns, us, ms, s, m or h")
            }
            total += amount * unit
        }
        return .success(sign * total)
    }
}

/// Why a wrapping TTL was refused; the decoder adds the attribute name and location.
struct DurationProblem: Error, Equatable, ExpressibleByStringInterpolation {
    let message: String

    init(stringLiteral value: String) {
        message = value
    }

    init(stringInterpolation: DefaultStringInterpolation) {
        message = String(stringInterpolation: stringInterpolation)
    }
}

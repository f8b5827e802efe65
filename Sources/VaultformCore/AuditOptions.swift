/// An audit device's options as the server reads them, so two spellings the server treats
/// alike compare equal and only those: audit devices cannot change in place, so a false
/// difference here would plan a destructive replace that resets the device's HMAC salt.
///
/// The rules are OpenBao's (`internal/builtin/audit/{file,socket,syslog,http}/backend.go`):
/// `hmac_accessor`, `log_raw` and `elide_list_responses` go through Go's
/// `strconv.ParseBool` and default to true, false and false; `format` defaults to `json`;
/// for `file`, `file_path` falls back to `path`, `stdout` and `discard` match in any case,
/// and `mode` is octal (`strconv.ParseUint(mode, 8, 32)`), defaults to 0600 and loses its
/// executable bits; for `socket`, `socket_type` defaults to `tcp` and `write_timeout` (a
/// duration, `parseutil.ParseDurationSecond`) to 2 s; for `http`, `headers` is JSON whose
/// header names the server canonicalises (`httpHeaders`); for `syslog`, `facility` is read
/// in any case (`syslogFacility`) and defaults to `AUTH`, and `tag` defaults to `vault`. Other keys are compared as the text they are.
public enum AuditOptions {
    /// The options in their meaning's one spelling, with every default the device type has
    /// filled in; a value the server would refuse is kept as written.
    public static func meaning(type: String, _ options: [String: String]) -> [String: String] {
        var result = options
        for (key, fallback) in [("hmac_accessor", true), ("log_raw", false), ("elide_list_responses", false)] {
            result[key] = result[key].map { text in goBool(text).map { String($0) } ?? text } ?? String(fallback)
        }
        if result["format"] == nil { result["format"] = "json" }
        switch type {
        case "file":
            if result["file_path"] == nil, let path = result["path"] {
                result["file_path"] = path
                result["path"] = nil
            }
            if let path = result["file_path"] {
                for special in ["stdout", "discard"] where goEqualFold(path, special) { result["file_path"] = special }
            }
            result["mode"] = result["mode"].map { text in fileMode(text) ?? text } ?? "0600"
        case "socket":
            if result["socket_type"] == nil { result["socket_type"] = "tcp" }
            result["write_timeout"] = result["write_timeout"].map { text in durationNanoseconds(text).map(durationText) ?? text } ?? "2s"
        case "http":
            result["headers"] = result["headers"].map { text in httpHeaders(text) ?? text }
        case "syslog":
            result["facility"] = result["facility"].map { text in syslogFacility(text) ?? text } ?? "AUTH"
            if result["tag"] == nil { result["tag"] = "vault" }
        default:
            break
        }
        return result
    }

    /// A syslog facility as go-syslog reads it (`facilityPriority`: Go's `strings.ToUpper`,
    /// then one of its names); nil for text it refuses. The only letters outside ASCII whose
    /// upper case is an ASCII letter are `ı` (to `I`) and `ſ` (to `S`).
    static func syslogFacility(_ text: String) -> String? {
        let names: Set<String> = [
            "KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "CRON", "AUTHPRIV", "FTP",
            "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7",
        ]
        var upper = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z": upper.append(Unicode.Scalar(scalar.value - 32) ?? scalar)
            case "\u{131}": upper.append("I")
            case "\u{17F}": upper.append("S")
            default: upper.append(scalar)
            }
        }
        let name = String(upper)
        return names.contains(name) ? name : nil
    }

    /// Go's `strconv.ParseBool`.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    /// Go's `strings.EqualFold` against lower-case ASCII `word`: ASCII letters in either
    /// case, and the two non-ASCII letters whose simple case folding reaches ASCII (`ſ` to
    /// `s`, the Kelvin sign to `k`).
    static func goEqualFold(_ text: String, _ word: String) -> Bool {
        let scalars = Array(text.unicodeScalars), target = Array(word.unicodeScalars)
        guard scalars.count == target.count else { return false }
        return zip(scalars, target).allSatisfy { scalar, wanted in
            if scalar.isASCII { return Character(scalar).lowercased() == String(wanted) }
            return (scalar == "\u{17F}" && wanted == "s") || (scalar == "\u{212A}" && wanted == "k")
        }
    }

    /// The mode the file gets: octal digits only (Go's base-8 `ParseUint` takes no prefix or
    /// sign), at most 32 bits, executable bits cleared; 0 keeps the file's own mode.
    static func fileMode(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }),
              let value = UInt32(text, radix: 8)
        else { return nil }
        let mode = value == 0 ? 0 : value & ~0o111
        let octal = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }

    /// go-secure-stdlib's `parseutil.ParseDurationSecond` on text, in nanoseconds: empty is
    /// 0, an integer (Go's `ParseInt`, sign allowed) is seconds, an integer followed by `d` is
    /// days, anything else goes through Go's `time.ParseDuration` (`2000ms`, `1.5s`, `1h2m`).
    static func durationNanoseconds(_ text: String) -> Int64? {
        if text.isEmpty { return 0 }
        let second: Int64 = 1_000_000_000
        if let seconds = goParseInt(Substring(text)) { return seconds.multipliedReportingOverflow(by: second).overflow ? nil : seconds * second }
        if text.hasSuffix("d"), let days = goParseInt(text.dropLast()) {
            let (value, overflow) = days.multipliedReportingOverflow(by: 86_400 * second)
            return overflow ? nil : value
        }
        return goParseDuration(text)
    }

    /// A duration in the one spelling the comparison uses: whole seconds as `2s`, else nanoseconds.
    static func durationText(_ nanoseconds: Int64) -> String {
        nanoseconds % 1_000_000_000 == 0 ? "\(nanoseconds / 1_000_000_000)s" : "\(nanoseconds)ns"
    }

    /// Go's `strconv.ParseInt(text, 10, 64)`: an optional sign, then ASCII digits only.
    static func goParseInt(_ text: Substring) -> Int64? {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(text.first == "+" ? digits : text)
    }

    /// Go's `time.ParseDuration`, in nanoseconds: an optional sign, then one or more decimal
    /// numbers with an optional fraction, each followed by a unit (ns, us, µs, μs, ms, s, m, h).
    static func goParseDuration(_ text: String) -> Int64? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        let units: [Substring: UInt64] = [
            "ns": 1, "us": 1_000, "\u{B5}s": 1_000, "\u{3BC}s": 1_000, "ms": 1_000_000,
            "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
        ]
        let limit: UInt64 = 1 << 63
        func isDigit(_ character: Character) -> Bool { ("0"..."9").contains(character) && character.isASCII }
        var total: UInt64 = 0
        while !rest.isEmpty {
            guard let first = rest.first, first == "." || isDigit(first) else { return nil }
            var whole: UInt64 = 0
            let integerDigits = rest.prefix { isDigit($0) }
            for digit in integerDigits.utf8 {
                let (shifted, overflow) = whole.multipliedReportingOverflow(by: 10)
                guard !overflow, shifted + UInt64(digit - 48) <= limit else { return nil }
                whole = shifted + UInt64(digit - 48)
            }
            rest = rest.dropFirst(integerDigits.count)
            var fraction: UInt64 = 0, scale = 1.0, fractionDigits = 0
            if rest.first == "." {
                rest = rest.dropFirst()
                let digits = rest.prefix { isDigit($0) }
                var overflowed = false
                for digit in digits.utf8 where !overflowed {
                    // Go stops taking digits once the fraction would overflow, and reads on.
                    let (shifted, overflow) = fraction.multipliedReportingOverflow(by: 10)
                    if overflow || shifted + UInt64(digit - 48) > limit {
                        overflowed = true
                    } else {
                        fraction = shifted + UInt64(digit - 48)
                        scale *= 10
                    }
                }
                fractionDigits = digits.count
                rest = rest.dropFirst(digits.count)
            }
            guard !integerDigits.isEmpty || fractionDigits > 0 else { return nil }
            let unitText = rest.prefix { $0 != "." && !isDigit($0) }
            guard !unitText.isEmpty, let unit = units[unitText] else { return nil }
            rest = rest.dropFirst(unitText.count)
            guard whole <= limit / unit else { return nil }
            var value = whole * unit
            if fraction > 0 {
                value += UInt64(Double(fraction) * (Double(unit) / scale))
                guard value <= limit else { return nil }
            }
            total += value
            guard total <= limit else { return nil }
        }
        if negative { return total == limit ? Int64.min : -Int64(total) }
        return total < limit ? Int64(total) : nil
    }
}

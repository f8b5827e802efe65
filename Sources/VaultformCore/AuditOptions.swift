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
/// duration) to 2 s; for `syslog`, `facility` defaults to `AUTH` and `tag` to `vault`. Other
/// keys are compared as the text they are.
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
            result["write_timeout"] = result["write_timeout"].map { text in durationSeconds(text).map { "\($0)s" } ?? text } ?? "2s"
        case "syslog":
            if result["facility"] == nil { result["facility"] = "AUTH" }
            if result["tag"] == nil { result["tag"] = "vault" }
        default:
            break
        }
        return result
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

    /// `parseutil.ParseDurationSecond`: bare integers are seconds, else Go duration text.
    static func durationSeconds(_ text: String) -> Int? {
        if let seconds = Int(text) { return seconds }
        return Canonical.goDurationSeconds(text)
    }
}

import Crypto
import Foundation
import VaultWire
import VaultformManifest

/// Checks, coerces, describes and fingerprints the values stored in a KV v2 secret against the
/// fields of its schema. Values come from Vault as JSON: `bao kv put key=value` always stores
/// strings, and `bao kv put @file.json` keeps JSON types. Nothing here returns or logs a value's
/// content, only its type, shape and a keyed fingerprint.
public enum SecretValues {
    /// How many bytes a standard base64 text decodes to, or nil when it is not base64.
    public static func base64DecodedCount(_ text: String) -> Int? {
        if case .success(let bytes) = Base64.decode(text) { return bytes.count }
        return nil
    }

    /// Checks `value` against `field`: its type, then the field's constraints (`pattern` and
    /// `min_length` for strings, `bytes` for base64, `key_type` and `min_bits` for private keys).
    /// `.coercible` is reported whatever the field's `coerce` says; the caller decides. A missing
    /// value is the caller's concern; JSON `null` is invalid.
    ///
    /// Rules worth knowing: lengths count Unicode code points; `pattern` is an
    /// `NSRegularExpression` searched anywhere in the value (anchor it with `^…$` to match the
    /// whole value); base64 is the standard alphabet with required padding, whitespace around it
    /// ignored; PEM text may use LF or CRLF line endings.
    public static func check(_ value: JSONValue, against field: SecretField) -> FieldCheck {
        if value == .null { return .invalid("null") }
        switch field.type {
        case .string: return checkString(value, field: field)
        case .url:
            guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
            return isHTTPURL(text) ? .valid : .invalid("not an http(s) URL")
        case .email:
            guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
            return isEmailAddress(text) ? .valid : .invalid("not an email address")
        case .integer: return checkInteger(value)
        case .boolean:
            if value.boolValue != nil { return .valid }
            if coerced(value, to: .boolean) != nil { return .coercible("a boolean stored as a string") }
            return .invalid("\(noun(value)), not a boolean")
        case .jsonObject: return checkJSONContainer(value, wantObject: true)
        case .jsonArray: return checkJSONContainer(value, wantObject: false)
        case .base64: return checkBase64(value, bytes: field.bytes)
        case .pemPrivateKey:
            guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
            return KeyInspection.checkPrivateKey(text, keyType: field.keyType, minBits: field.minBits)
        case .pemPublicKey:
            guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
            return KeyInspection.checkPublicKey(text)
        case .pemCertificate:
            guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
            return KeyInspection.checkCertificate(text)
        }
    }

    /// The value rewritten into `type` when `check` finds it `.coercible`: a string holding a
    /// JSON object or array becomes that object or array, a string of an optional `-` and
    /// digits becomes a number (when it fits a JSON number exactly, |n| ≤ 2^53), `"true"` and
    /// `"false"` become booleans. Nil for anything else, including a value already of the type.
    public static func coerced(_ value: JSONValue, to type: SecretFieldType) -> JSONValue? {
        guard case .string(let text) = value else { return nil }
        switch type {
        case .jsonObject:
            if case .object? = embeddedJSON(text) { return embeddedJSON(text) }
            return nil
        case .jsonArray:
            if case .array? = embeddedJSON(text) { return embeddedJSON(text) }
            return nil
        case .integer:
            guard isSignedDigits(text), let number = Int(text), number.magnitude <= maximumExactInteger else { return nil }
            return .number(Double(number))
        case .boolean:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The value's shape, for plans, never its content: "string, 44 characters", "integer",
    /// "number", "boolean", "null", "JSON object (3 keys)", "JSON array (2 items)", or for a
    /// string holding a JSON document, "JSON object stored as a string (3 keys)".
    public static func shape(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let number): return isIntegral(number) ? "integer" : "number"
        case .string(let text):
            switch embeddedJSON(text) {
            case .object(let members)?: return "JSON object stored as a string (\(counted(members.count, "key")))"
            case .array(let elements)?: return "JSON array stored as a string (\(counted(elements.count, "item")))"
            default: return "string, \(counted(text.unicodeScalars.count, "character"))"
            }
        case .array(let elements): return "JSON array (\(counted(elements.count, "item")))"
        case .object(let members): return "JSON object (\(counted(members.count, "key")))"
        }
    }

    /// `hmac:` and the first 16 hex digits of HMAC-SHA256 under `key` of the value's place and
    /// its canonical bytes (a string's UTF-8, or `encoded()` with sorted keys for any other
    /// value). Equal values at one place give equal fingerprints under one key, so a plan can
    /// say "unchanged" or "changed"; the key keeps a low-entropy secret from being guessed from
    /// the plan; and the place (`kv-secret:secret/app.password`) keeps equal values at two
    /// places from looking equal, so a plan never shows that two secrets share a password.
    /// (A string and the value it encodes, such as `"42"` and `42`, share canonical bytes.)
    public static func fingerprint(_ value: JSONValue, key: SymmetricKey, at place: String) -> String {
        let bytes: Data
        if case .string(let text) = value {
            bytes = Data(text.utf8)
        } else {
            // Encoding fails only for non-finite numbers, which JSON cannot carry.
            bytes = (try? value.encoded()) ?? Data(String(describing: value).utf8)
        }
        let code = HMAC<SHA256>.authenticationCode(for: fingerprintInput(bytes, at: place), using: key)
        return "hmac:" + code.prefix(8).map(hexByte).joined()
    }

    /// The place's length (8 bytes, big-endian), the place, then the value: no place and value
    /// can be split differently to give the same input.
    static func fingerprintInput(_ value: Data, at place: String) -> Data {
        let placeBytes = Data(place.utf8)
        var input = Data()
        input.reserveCapacity(8 + placeBytes.count + value.count)
        withUnsafeBytes(of: UInt64(placeBytes.count).bigEndian) { input.append(contentsOf: $0) }
        input.append(placeBytes)
        input.append(value)
        return input
    }

    // MARK: Type rules

    private static func checkString(_ value: JSONValue, field: SecretField) -> FieldCheck {
        guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
        if let minimum = field.minLength, text.unicodeScalars.count < minimum {
            return .invalid("shorter than \(counted(minimum, "character"))")
        }
        if let pattern = field.pattern {
            guard let expression = try? NSRegularExpression(pattern: pattern) else {
                return .invalid("the field's pattern `\(pattern)` is not a valid regular expression")
            }
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            if expression.firstMatch(in: text, range: range) == nil {
                return .invalid("does not match the pattern `\(pattern)`")
            }
        }
        return .valid
    }

    private static func checkInteger(_ value: JSONValue) -> FieldCheck {
        switch value {
        case .number(let number):
            return isIntegral(number) ? .valid : .invalid("a number with a fractional part, not an integer")
        case .string(let text):
            if coerced(value, to: .integer) != nil { return .coercible("an integer stored as a string") }
            if isSignedDigits(text) { return .invalid("an integer stored as a string, too large to be stored exactly as a JSON number") }
            return .invalid("a string, not an integer")
        default:
            return .invalid("\(noun(value)), not an integer")
        }
    }

    private static func checkJSONContainer(_ value: JSONValue, wantObject: Bool) -> FieldCheck {
        let wanted = wantObject ? "a JSON object" : "a JSON array"
        switch value {
        case .object: return wantObject ? .valid : .invalid("a JSON object, not a JSON array")
        case .array: return wantObject ? .invalid("a JSON array, not a JSON object") : .valid
        case .string(let text):
            switch embeddedJSON(text) {
            case .object?:
                return wantObject ? .coercible("a JSON object stored as a string")
                    : .invalid("a JSON object stored as a string, not a JSON array")
            case .array?:
                return wantObject ? .invalid("a JSON array stored as a string, not a JSON object")
                    : .coercible("a JSON array stored as a string")
            default:
                return .invalid("a string, not \(wanted)")
            }
        default:
            return .invalid("\(noun(value)), not \(wanted)")
        }
    }

    private static func checkBase64(_ value: JSONValue, bytes wanted: Int?) -> FieldCheck {
        guard let text = value.stringValue else { return .invalid("\(noun(value)), not a string") }
        switch Base64.decode(text) {
        case .failure(let failure): return .invalid(failure.reason)
        case .success(let bytes):
            if let wanted, bytes.count != wanted { return .invalid("decodes to \(counted(bytes.count, "byte")), not \(wanted)") }
            return .valid
        }
    }

    /// An absolute http or https URL with a host, and no whitespace or control characters.
    private static func isHTTPURL(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: isSpaceOrControl),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// `local@domain`: one `@`, something before it, a domain with a dot that neither starts
    /// nor ends the domain nor doubles up, and no whitespace or control characters.
    private static func isEmailAddress(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: isSpaceOrControl) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty else { return false }
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }

    // MARK: Helpers

    /// 2^53: every integer up to this magnitude is exact in a Double, as in Vault's float64.
    private static let maximumExactInteger: UInt = 1 << 53

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }

    private static func isIntegral(_ number: Double) -> Bool {
        number.isFinite && number.rounded(.towardZero) == number
    }

    /// An optional `-` and one or more ASCII digits, nothing else.
    private static func isSignedDigits(_ text: String) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The JSON object or array a string holds, if it holds one (surrounding whitespace allowed).
    private static func embeddedJSON(_ text: String) -> JSONValue? {
        guard let first = text.utf8.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return nil }
        return try? JSONValue(decoding: Data(text.utf8))
    }

    /// The value's JSON type with its article, for messages: "a string", "an integer".
    static func noun(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let number): return isIntegral(number) ? "an integer" : "a number"
        case .string: return "a string"
        case .array: return "a JSON array"
        case .object: return "a JSON object"
        }
    }

    /// "1 key", "3 keys".
    static func counted(_ count: Int, _ unit: String) -> String {
        "\(count) \(unit)\(count == 1 ? "" : "s")"
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

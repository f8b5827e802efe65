import Foundation
import VaultPath

/// The shape of every manifest value, written once as data. The checker walks YAML against
/// it (unknown keys, wrong types, bad durations and CIDRs) and `vaultform schema` turns the
/// same data into a JSON Schema, so the two can never disagree.
public indirect enum Shape: Sendable {
    /// Any text; scalars keep the characters written (`yes` stays `yes`, `0123` stays `0123`).
    case string(StringRule)
    /// A whole number, optionally bounded.
    case integer(min: Int?, max: Int?)
    /// `true` or `false` only (YAML 1.1's `yes`/`on` are refused with a hint).
    case boolean
    /// A duration (`1h30m`, `720h`, `3600`), held as seconds.
    case duration
    /// An IPv4 or IPv6 address or network.
    case cidr
    /// One of a fixed set of words.
    case oneOf([String])
    /// A list; `unique` rejects repeated items.
    case list(Shape, unique: Bool)
    /// A map with free keys and values of one shape.
    case map(Shape)
    /// A map with known keys.
    case object(ObjectShape)
    /// Any scalar, kept as the text written (option maps: the server stores strings).
    case scalarText
    /// Any scalar or list of scalars (a variable's value before its type is known).
    case anyValue
    /// Any YAML value, nested lists and maps included, kept with what JSON type it is
    /// (a generic endpoint's `data`).
    case anyData

    /// A short name of the expected type for messages ("a duration such as `1h`").
    public var expectation: String {
        switch self {
        case .string(let rule): return rule.expectation
        case .integer(let min, let max):
            if let min, let max { return "an integer from \(min) to \(max)" }
            if let min { return min == 0 ? "a non-negative integer" : "an integer of at least \(min)" }
            return "an integer"
        case .boolean: return "`true` or `false`"
        case .duration: return "a duration such as `30m`, `1h30m`, `720h` or a number of seconds"
        case .cidr: return "a CIDR such as `10.0.0.0/8` or an address such as `10.0.0.5`"
        case .oneOf(let words): return "one of " + words.map { "`\($0)`" }.joined(separator: ", ")
        case .list(let item, _): return "a list of \(item.pluralExpectation)"
        case .map: return "a map"
        case .object(let object): return "a map (\(object.title))"
        case .scalarText: return "a single value"
        case .anyValue: return "a value or a list of values"
        case .anyData: return "any value"
        }
    }

    var pluralExpectation: String {
        switch self {
        case .string: return "strings"
        case .integer: return "integers"
        case .boolean: return "booleans"
        case .duration: return "durations"
        case .cidr: return "CIDRs"
        case .oneOf(let words): return "values from " + words.map { "`\($0)`" }.joined(separator: ", ")
        case .object(let object): return "maps (\(object.title))"
        default: return "values"
        }
    }
}

/// What a string must look like.
public enum StringRule: Sendable {
    /// Any text, including empty.
    case any
    /// Non-empty text.
    case nonEmpty
    /// A mount-style path: non-empty, no leading or trailing `/`, no spaces.
    case mountPath
    /// A name: non-empty, no `/`, no spaces (policies, roles, keys).
    case name
    /// A variable name: letters, digits, `_` and `-`, starting with a letter or `_`.
    case identifier
    /// A secret path inside a KV v2 engine: `MOUNT/PATH`, no leading or trailing `/`.
    case secretPath

    var expectation: String {
        switch self {
        case .any: "a string"
        case .nonEmpty: "a non-empty string"
        case .mountPath: "a path such as `secret` or `team/kv` (no leading or trailing `/`)"
        case .name: "a name without `/` or spaces"
        case .identifier: "a name of letters, digits, `_` and `-`"
        case .secretPath: "a secret path such as `secret/app/config`"
        }
    }

    /// A regular expression for the JSON Schema, when the rule has one.
    var pattern: String? {
        switch self {
        case .any: nil
        case .nonEmpty: "\\S"
        // Each segment: no spaces, `\\`, `%`, `?`, `#` or control characters, and not `.` or `..`.
        case .mountPath, .secretPath: #"^(?!(.*/)?\.\.?(/|$))[^/\s\\%?#\x00-\x1f\x7f]+(/[^/\s\\%?#\x00-\x1f\x7f]+)*$"#
        case .name: #"^(?!\.\.?$)[^/\s\\%?#\x00-\x1f\x7f]+$"#
        case .identifier: "^[A-Za-z_][A-Za-z0-9_-]*$"
        }
    }

    /// Why `text` breaks the rule, or nil when it fits.
    func problem(with text: String) -> String? {
        switch self {
        case .any:
            return nil
        case .nonEmpty:
            return text.trimmingSpaces.isEmpty ? "must not be empty" : nil
        case .mountPath, .secretPath:
            if text.isEmpty { return "must not be empty" }
            if text.hasPrefix("/") || text.hasSuffix("/") { return "must not start or end with `/`" }
            if text.contains(where: \.isWhitespace) { return "must not contain spaces" }
            if text.containsText("//") { return "must not contain an empty segment (`//`)" }
            // The same segment check the client makes before sending, and stricter (`%`, `?`, `#`).
            if let problem = PathSegment.problem(inPath: text, trailingSlash: false, strict: true) {
                return "`\(text)` \(problem)"
            }
            if self == .secretPath, !text.contains("/" as Character) { return "must name the engine and the secret (`MOUNT/PATH`)" }
            return nil
        case .name:
            if text.isEmpty { return "must not be empty" }
            if text.contains("/" as Character) { return "must not contain `/`" }
            if text.contains(where: \.isWhitespace) { return "must not contain spaces" }
            if let problem = PathSegment.problem(Substring(text)) { return "`\(text)` \(problem)" }
            return nil
        case .identifier:
            guard let first = text.first, first.isLetter || first == "_",
                  text.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" })
            else { return "must be letters, digits, `_` and `-`, starting with a letter or `_`" }
            return nil
        }
    }
}

/// A map with known keys: the manifest's objects.
public struct ObjectShape: Sendable {
    /// What a person calls this object ("an AppRole role").
    public var title: String
    /// The known keys, in the order documentation lists them.
    public var fields: [Field]
    /// Groups of keys of which exactly one must be present (`hcl`, `file`, `rules`).
    public var exactlyOneOf: [[String]]
    /// Groups of keys of which at most one may be present.
    public var atMostOneOf: [[String]]
    /// One or two sentences for the JSON Schema's description.
    public var summary: String

    /// Creates an object shape.
    public init(
        _ title: String, summary: String = "", fields: [Field],
        exactlyOneOf: [[String]] = [], atMostOneOf: [[String]] = []
    ) {
        self.title = title
        self.summary = summary
        self.fields = fields
        self.exactlyOneOf = exactlyOneOf
        self.atMostOneOf = atMostOneOf
    }

    /// The field for a key, if it is known.
    public func field(_ key: String) -> Field? { fields.first { $0.key == key } }
}

/// One known key of an object.
public struct Field: Sendable {
    /// The YAML key.
    public var key: String
    /// What its value must look like.
    public var shape: Shape
    /// Whether the key must be present.
    public var required: Bool
    /// What it means, for the JSON Schema (and so for editors' hover text).
    public var summary: String

    /// Creates a field.
    public init(_ key: String, _ shape: Shape, required: Bool = false, _ summary: String = "") {
        self.key = key
        self.shape = shape
        self.required = required
        self.summary = summary
    }
}

import VaultformManifest
import VaultformPolicy

/// One field's value in the normalised form both sides of a comparison use: durations in
/// seconds, CIDRs canonical, sets sorted, policies by meaning. Equality here is what "no
/// change" means, so every normalisation the server applies must already be reflected.
///
/// The policy, secret and write-only cases are `indirect` (boxed): every resource holds a
/// dictionary of these with each field its kind defaults, so the enum's inline size is what
/// a plan of thousands of objects pays per field. Boxed, a value takes 17 bytes instead of
/// over 70 (the write-only value's four optionals), which cut plan's peak memory at 10,000
/// objects by tens of megabytes.
public enum FieldValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    /// A duration, held in seconds and shown as `1h30m`.
    case seconds(Int)
    /// A list whose order matters to the server.
    case list([String])
    /// A list whose order does not matter; kept sorted and unique.
    case set([String])
    /// Option maps and the like; compared as a whole.
    case map([String: String])
    /// An ACL policy, compared by meaning and shown as canonical HCL.
    indirect case policy(PolicyDocument)
    /// A secret value, never held: its shape, a keyed fingerprint, or where a new one comes from.
    indirect case sensitive(SensitiveValue)
    /// A value the server never reads back: where it comes from and a keyed fingerprint.
    indirect case writeOnly(WriteOnlyValue)

    /// A set from any strings: sorted and de-duplicated, so order never shows as a change.
    public static func unorderedSet(_ items: [String]) -> FieldValue { .set(items.byteSortedUnique()) }

    /// Equal as the server compares: text by its bytes (see `ExactText.swift`), so a value
    /// changed only in its Unicode normalisation is a change.
    public static func == (lhs: FieldValue, rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(lhs), .string(rhs)): lhs.hasSameBytes(as: rhs)
        case let (.integer(lhs), .integer(rhs)): lhs == rhs
        case let (.boolean(lhs), .boolean(rhs)): lhs == rhs
        case let (.seconds(lhs), .seconds(rhs)): lhs == rhs
        case let (.list(lhs), .list(rhs)), let (.set(lhs), .set(rhs)): lhs.hasSameBytes(as: rhs)
        case let (.map(lhs), .map(rhs)): lhs.hasSameBytes(as: rhs)
        case let (.policy(lhs), .policy(rhs)): lhs == rhs
        case let (.sensitive(lhs), .sensitive(rhs)): lhs == rhs
        case let (.writeOnly(lhs), .writeOnly(rhs)): lhs == rhs
        default: false
        }
    }

    /// The value as a person reads it in a plan (never a secret: sensitive values are masked).
    public var description: String {
        switch self {
        case .string(let text): return "\"\(text)\""
        case .integer(let number): return String(number)
        case .boolean(let flag): return String(flag)
        case .seconds(let seconds): return TimeSpan.format(seconds)
        case .list(let items), .set(let items): return "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.keys.sorted().map { "\($0) = \"\(map[$0] ?? "")\"" }.joined(separator: ", ") + "}"
        case .policy(let document): return "(\(document.rules.count) path rule\(document.rules.count == 1 ? "" : "s"))"
        case .sensitive(let value): return value.description
        case .writeOnly(let value): return value.description
        }
    }
}

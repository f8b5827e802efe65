/// The syntax tree both the HCL and the JSON parser produce, so one decoder gives both
/// notations the same meaning and the same error messages.
///
/// HCL `path "x" { … }` becomes an item with keys `path`, `x`; JSON `"path": {"x": {…}}`
/// becomes an item with key `path` whose object holds an item `x`. The decoder accepts both.
struct SyntaxItem: Sendable, Equatable {
    var keys: [SyntaxKey]
    var value: SyntaxValue
    /// Whether `=` (HCL) or `:` (JSON) separated the keys from the value.
    var hasEquals: Bool

    /// The item's first key; items always have at least one, and `location` covers the rest.
    var name: String { keys.first?.text ?? "" }
    var location: SourceLocation { keys.first?.location ?? value.location }
}

struct SyntaxKey: Sendable, Equatable {
    var text: String
    var location: SourceLocation
}

indirect enum SyntaxValue: Sendable, Equatable {
    case string(String, SourceLocation)
    case number(String, SourceLocation)
    case bool(Bool, SourceLocation)
    case null(SourceLocation)
    case list([SyntaxValue], SourceLocation)
    case object([SyntaxItem], SourceLocation)

    var location: SourceLocation {
        switch self {
        case let .string(_, location), let .number(_, location), let .bool(_, location),
             let .null(location), let .list(_, location), let .object(_, location):
            location
        }
    }

    /// A scalar's text as the server's decoder would turn it into a string; nil for
    /// null, lists and objects.
    var scalarText: String? {
        switch self {
        case let .string(text, _), let .number(text, _): text
        case let .bool(value, _): value ? "true" : "false"
        case .null, .list, .object: nil
        }
    }

    /// How the value is named in an error message.
    var kindName: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .list: "a list"
        case .object: "an object"
        }
    }
}

/// How deep lists and objects may nest before the parsers refuse, so hostile input cannot
/// exhaust the stack. Real policies nest four levels at most.
let maximumNesting = 32

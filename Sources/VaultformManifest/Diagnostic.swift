/// A place in a manifest file, 1-based, as editors and compilers print it.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file path as the user gave it (relative paths stay relative, so messages match what they typed).
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// Creates a location; line and column are 1-based.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the form every diagnostic starts with.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A value together with the place it was written, so later checks can point at it.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where the value was written (for a value that came from a variable: where the variable was used).
    public var location: SourceLocation

    /// Pairs a value with its location.
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// One problem found in a manifest. Validators return lists of these and never throw, so a
/// user sees every problem at once; the command line decides how to print them.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// How serious a diagnostic is: errors make `validate` fail, warnings do not.
    public enum Severity: String, Sendable, Codable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Error, warning or note.
    public var severity: Severity
    /// What is wrong, in one sentence a person can act on.
    public var message: String
    /// Where it is wrong; nil only for problems outside any file (an environment variable, a flag).
    public var location: SourceLocation?
    /// How to fix it, when there is a likely fix ("did you mean `token_ttl`?").
    public var hint: String?
    /// Other places involved, such as the first declaration of a duplicated name.
    public var related: [RelatedLocation]

    /// Another place that explains a diagnostic.
    public struct RelatedLocation: Sendable, Equatable {
        /// What happened there.
        public var message: String
        /// Where.
        public var location: SourceLocation

        /// Creates a related location.
        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation?,
        hint: String? = nil, related: [RelatedLocation] = []
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.related = related
    }

    /// Shorthand for an error diagnostic.
    public static func error(
        _ message: String, at location: SourceLocation?, hint: String? = nil, related: [RelatedLocation] = []
    ) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint, related: related)
    }

    /// Shorthand for a warning diagnostic.
    public static func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location, hint: hint)
    }

    /// The compiler-style line: `FILE:LINE:COL: error: MESSAGE`, then the hint and related places.
    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        for item in related { text += "\n  \(item.location): note: \(item.message)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error, which is what decides the exit code.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column, sourceless ones first, so output is stable.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (l?, r?): return l == r ? a.offset < b.offset : l < r
            }
        }.map(\.element)
    }
}

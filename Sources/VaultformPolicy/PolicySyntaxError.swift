/// Why a policy text was refused, and where inside that text.
///
/// Line and column are 1-based and count Unicode scalars within the policy text itself, so
/// the manifest layer can add the offset of the policy inside its YAML file.
public struct PolicySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line within the policy text.
    public var line: Int
    /// 1-based column within that line; one past the last character for "ran out of text".
    public var column: Int
    /// A sentence for a person, naming what was found and what was expected.
    public var message: String

    /// Builds an error; public so callers can fabricate expected errors in tests.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(at location: SourceLocation, _ message: String) {
        self.init(line: location.line, column: location.column, message: message)
    }

    /// `line:column: message`, the shape editors and terminals recognise.
    public var description: String {
        "\(line):\(column): \(message)"
    }
}

/// A 1-based position in the policy text.
struct SourceLocation: Sendable, Equatable {
    var line: Int
    var column: Int

    var spelled: String { "\(line):\(column)" }
}

// Messages raised by the lexer and the two syntax parsers; the decoder's live in
// `PolicyDecoder.swift`, next to the checks that raise them.
extension PolicySyntaxError {
    static func unterminatedString(at location: SourceLocation) -> PolicySyntaxError {
        PolicySyntaxError(at: location, "unterminated string: add a closing \" on the same line")
    }

    static func unterminatedComment(at location: SourceLocation) -> PolicySyntaxError {
        PolicySyntaxError(at: location, "unterminated comment: \"/*\" has no closing \"*/\"")
    }

    static func unterminatedHeredoc(_ anchor: String, at location: SourceLocation) -> PolicySyntaxError {
        PolicySyntaxError(at: location, "unterminated heredoc: no line reads \(anchor)")
    }

    static func invalidEscape(_ sequence: String, at location: SourceLocation) -> PolicySyntaxError {
        PolicySyntaxError(at: location, "invalid escape sequence \"\(sequence)\" in string")
    }

    static func illegalCharacter(_ scalar: Unicode.Scalar, at location: SourceLocation) -> PolicySyntaxError {
        switch scalar {
        case "'":
            return PolicySyntaxError(at: location, "strings use double quotes (\"), not single quotes")
        case "/":
            return PolicySyntaxError(at: location, "unexpected \"/\": comments start with \"//\" or \"/*\"")
        case ";":
            return PolicySyntaxError(at: location, "unexpected \";\": attributes need no terminator")
        default:
            let invisible = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
                || scalar.value == 0xFEFF
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let shown = invisible ? "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex : "\"\(scalar)\""
            return PolicySyntaxError(at: location, "unexpected character \(shown)")
        }
    }

    static func expected(_ what: String, after: String, found token: Token) -> PolicySyntaxError {
        PolicySyntaxError(at: token.location, "expected \(what) after \(after), found \(token.kind.spelled)")
    }

    static func unclosed(
        _ closer: String, _ what: String, openedAt opening: SourceLocation, found token: Token
    ) -> PolicySyntaxError {
        PolicySyntaxError(
            at: token.location,
            "expected \"\(closer)\" to close \(what) opened at \(opening.spelled), found \(token.kind.spelled)"
        )
    }
}

/// User text in double quotes, escaped like an HCL string and shortened when long, so an
/// error message stays on one line and shows invisible characters.
func inQuotes(_ text: String) -> String {
    let limit = 80
    guard text.unicodeScalars.count > limit else { return PolicyRenderer.quoted(text) }
    let head = String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1)))
    return PolicyRenderer.quoted(head).dropLast() + "…\""
}

/// A key as it appears in a message: bare when it is a plain word such as `capabilities`,
/// quoted otherwise.
func displayName(_ key: String) -> String {
    !key.isEmpty && key.unicodeScalars.allSatisfy(\.isIdentifierPart) ? key : inQuotes(key)
}

/// The known word closest to `word`, when close enough to be a plausible typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    guard word.unicodeScalars.count <= 64 else { return nil }
    let lowered = word.lowercased()
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(Array(lowered.unicodeScalars), Array(candidate.unicodeScalars))
        if distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    guard let best, best.distance <= max(1, min(3, best.candidate.count / 3)) else { return nil }
    return best.candidate
}

/// The suffix `; did you mean "x"?` for an error message, or nothing.
func didYouMean(_ word: String, _ candidates: [String]) -> String {
    guard let match = closestMatch(to: word, in: candidates) else { return "" }
    return "; did you mean \"\(match)\"?"
}

private func editDistance(_ lhs: [Unicode.Scalar], _ rhs: [Unicode.Scalar]) -> Int {
    var previous = Array(0...rhs.count)
    for (i, left) in lhs.enumerated() {
        var current = [i + 1]
        for (j, right) in rhs.enumerated() {
            let substitution = previous[j] + (left == right ? 0 : 1)
            current.append(min(substitution, previous[j + 1] + 1, current[j] + 1))
        }
        previous = current
    }
    return previous.last ?? 0
}

/// One lexical unit of HCL v1 or JSON policy text.
struct Token: Sendable, Equatable {
    var kind: TokenKind
    var location: SourceLocation
}

enum TokenKind: Sendable, Equatable {
    case leftBrace, rightBrace, leftBracket, rightBracket, equals, comma, colon
    case string(String)
    case heredoc(String)
    case number(String)
    case bool(Bool)
    case null
    case identifier(String)
    case endOfText

    /// How the token is named in an error message.
    var spelled: String {
        switch self {
        case .leftBrace: "\"{\""
        case .rightBrace: "\"}\""
        case .leftBracket: "\"[\""
        case .rightBracket: "\"]\""
        case .equals: "\"=\""
        case .comma: "\",\""
        case .colon: "\":\""
        case let .string(text): "string \(inQuotes(text))"
        case .heredoc: "heredoc"
        case let .number(text): "number \(text)"
        case let .bool(value): "\(value)"
        case .null: "null"
        case let .identifier(name): inQuotes(name)
        case .endOfText: "end of text"
        }
    }
}

/// Turns policy text into tokens, skipping whitespace and the three comment styles.
///
/// It works on Unicode scalars with bounds-checked reads only, so no input can crash it.
/// CRLF counts as one line break; a lone CR is whitespace. JSON mode follows the server's
/// JSON scanner, which shares HCL's string escapes but has no heredocs or `/* */` comments.
struct PolicyLexer {
    private let scalars: [Unicode.Scalar]
    private let isJSON: Bool
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String, isJSON: Bool) {
        self.scalars = Array(text.unicodeScalars)
        self.isJSON = isJSON
    }

    /// All tokens, ending with `.endOfText`, or the first lexical error.
    static func tokenize(_ text: String, isJSON: Bool) -> Result<[Token], PolicySyntaxError> {
        var lexer = PolicyLexer(text, isJSON: isJSON)
        if let error = lexer.nullCharacter() {
            return .failure(error)
        }
        var tokens: [Token] = []
        while true {
            switch lexer.next() {
            case let .success(token):
                tokens.append(token)
                if token.kind == .endOfText {
                    return .success(tokens)
                }
            case let .failure(error):
                return .failure(error)
            }
        }
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    /// The server refuses a raw U+0000 anywhere, even in a comment or a string.
    private func nullCharacter() -> PolicySyntaxError? {
        guard let position = scalars.firstIndex(of: "\u{0}") else { return nil }
        var probe = self
        while probe.index < position {
            probe.advance()
        }
        return .illegalCharacter("\u{0}", at: probe.location)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let position = index + offset
        return position >= 0 && position < scalars.count ? scalars[position] : nil
    }

    private mutating func advance() {
        guard let scalar = peek() else { return }
        index += 1
        if scalar == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private mutating func next() -> Result<Token, PolicySyntaxError> {
        if let error = skipTrivia() {
            return .failure(error)
        }
        let start = location
        guard let scalar = peek() else {
            return .success(Token(kind: .endOfText, location: start))
        }
        let single: TokenKind? = switch scalar {
        case "{": .leftBrace
        case "}": .rightBrace
        case "[": .leftBracket
        case "]": .rightBracket
        case "=": .equals
        case ",": .comma
        case ":" where isJSON: .colon
        default: nil
        }
        if let single {
            advance()
            return .success(Token(kind: single, location: start))
        }
        if scalar == "\"" {
            return scanString().map { Token(kind: .string($0), location: start) }
        }
        if scalar == "<", peek(1) == "<", !isJSON {
            return scanHeredoc().map { Token(kind: .heredoc($0), location: start) }
        }
        let digitFollows = peek(1)?.isDigit ?? false
        if scalar.isDigit || (scalar == "-" && digitFollows) || (scalar == "." && digitFollows && !isJSON) {
            return .success(Token(kind: .number(scanNumber()), location: start))
        }
        if scalar.isIdentifierStart {
            let word = scanIdentifier()
            let kind: TokenKind = switch word {
            case "true": .bool(true)
            case "false": .bool(false)
            case "null" where isJSON: .null
            default: .identifier(word)
            }
            return .success(Token(kind: kind, location: start))
        }
        return .failure(.illegalCharacter(scalar, at: start))
    }

    /// Skips whitespace and comments; returns an error only for an unterminated `/*`.
    private mutating func skipTrivia() -> PolicySyntaxError? {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                advance()
            } else if scalar == "#" || (scalar == "/" && peek(1) == "/") {
                while let current = peek(), current != "\n" {
                    advance()
                }
            } else if scalar == "/" && peek(1) == "*" {
                let start = location
                if isJSON {
                    return PolicySyntaxError(at: start, "unexpected \"/*\": JSON policies allow only # and // comments")
                }
                advance()
                advance()
                while !(peek() == "*" && peek(1) == "/") {
                    guard peek() != nil else { return .unterminatedComment(at: start) }
                    advance()
                }
                advance()
                advance()
            } else {
                return nil
            }
        }
        return nil
    }

    private mutating func scanIdentifier() -> String {
        var word = ""
        while let scalar = peek(), scalar.isIdentifierPart {
            word.unicodeScalars.append(scalar)
            advance()
        }
        return word
    }

    private mutating func scanNumber() -> String {
        var text = ""
        while let scalar = peek() {
            let isSign = scalar == "-" || scalar == "+"
            let afterExponent = text.last == "e" || text.last == "E"
            let accepted = scalar.isDigit || scalar.isASCIILetter || scalar == "."
                || (scalar == "-" && text.isEmpty) || (isSign && afterExponent)
            guard accepted else { break }
            text.unicodeScalars.append(scalar)
            advance()
        }
        return text
    }

    /// A double-quoted string. In HCL, `${` opens a section the server keeps verbatim up to
    /// its matching `}`: quotes and line breaks do not end the string there and escapes stay
    /// undecoded, so a path such as "a${b}" means exactly those characters.
    private mutating func scanString() -> Result<String, PolicySyntaxError> {
        let start = location
        advance()
        var value = ""
        var braces = 0
        while true {
            guard let scalar = peek(), scalar != "\n" || braces > 0 else {
                return .failure(.unterminatedString(at: start))
            }
            if scalar == "\"" && braces == 0 {
                advance()
                return .success(value)
            }
            if scalar == "\\" {
                let escapeStart = index
                switch scanEscape() {
                case let .success(decoded) where braces == 0:
                    value.unicodeScalars.append(decoded)
                case .success:
                    value.unicodeScalars.append(contentsOf: scalars[escapeStart..<min(index, scalars.count)])
                case let .failure(error):
                    return .failure(error)
                }
                continue
            }
            if !isJSON {
                if braces == 0 && scalar == "$" && peek(1) == "{" {
                    braces = 1
                    value += "${"
                    advance()
                    advance()
                    continue
                }
                if braces > 0 && scalar == "{" {
                    braces += 1
                } else if braces > 0 && scalar == "}" {
                    braces -= 1
                }
            }
            value.unicodeScalars.append(scalar)
            advance()
        }
    }

    private mutating func scanEscape() -> Result<Unicode.Scalar, PolicySyntaxError> {
        let start = location
        advance()
        guard let scalar = peek(), scalar != "\n" else {
            return .failure(.unterminatedString(at: start))
        }
        advance()
        let simple: Unicode.Scalar? = switch scalar {
        case "\"": "\""
        case "\\": "\\"
        case "n": "\n"
        case "t": "\t"
        case "r": "\r"
        case "a": "\u{07}"
        case "b": "\u{08}"
        case "f": "\u{0C}"
        case "v": "\u{0B}"
        default: nil
        }
        if let simple {
            return .success(simple)
        }
        switch scalar {
        case "u": return scanHexEscape(digits: 4, start: start, prefix: "u")
        case "U": return scanHexEscape(digits: 8, start: start, prefix: "U")
        case "x": return scanHexEscape(digits: 2, start: start, prefix: "x")
        case "0"..."7": return scanOctalEscape(first: scalar, start: start)
        default: return .failure(.invalidEscape("\\\(scalar)", at: start))
        }
    }

    private mutating func readHex(_ count: Int) -> (text: String, value: UInt32?) {
        var text = ""
        for _ in 0..<count {
            guard let scalar = peek(), scalar.properties.isASCIIHexDigit else { break }
            text.unicodeScalars.append(scalar)
            advance()
        }
        return (text, text.count == count ? UInt32(text, radix: 16) : nil)
    }

    private mutating func scanHexEscape(
        digits: Int, start: SourceLocation, prefix: String
    ) -> Result<Unicode.Scalar, PolicySyntaxError> {
        let (text, value) = readHex(digits)
        guard let value else {
            return .failure(.invalidEscape("\\\(prefix)\(text)", at: start))
        }
        if let scalar = Unicode.Scalar(value) {
            return .success(scalar)
        }
        // A UTF-16 surrogate pair written as two \u escapes. The server takes these in HCL but
        // crashes on them in JSON (OpenBao 2.7.2), so JSON gets an error instead.
        if prefix == "u", !isJSON, (0xD800...0xDBFF).contains(value), peek() == "\\", peek(1) == "u" {
            advance()
            advance()
            let (lowText, low) = readHex(4)
            if let low, (0xDC00...0xDFFF).contains(low),
               let scalar = Unicode.Scalar(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
            {
                return .success(scalar)
            }
            return .failure(.invalidEscape("\\u\(text)\\u\(lowText)", at: start))
        }
        return .failure(.invalidEscape("\\\(prefix)\(text)", at: start))
    }

    private mutating func scanOctalEscape(
        first: Unicode.Scalar, start: SourceLocation
    ) -> Result<Unicode.Scalar, PolicySyntaxError> {
        var text = String(first)
        for _ in 0..<2 {
            guard let scalar = peek(), ("0"..."7").contains(scalar) else { break }
            text.unicodeScalars.append(scalar)
            advance()
        }
        guard text.count == 3, let value = UInt32(text, radix: 8), value <= 0xFF,
              let scalar = Unicode.Scalar(value)
        else {
            return .failure(.invalidEscape("\\\(text)", at: start))
        }
        return .success(scalar)
    }

    /// `<<EOF` or `<<-EOF` up to a line holding just the anchor (indenting it is fine, as on
    /// the server); `<<-` also strips the indentation common to the body's lines.
    private mutating func scanHeredoc() -> Result<String, PolicySyntaxError> {
        let start = location
        advance()
        advance()
        let indented = peek() == "-"
        if indented {
            advance()
        }
        let anchor = scanIdentifier()
        if peek() == "\r" {
            advance()
        }
        guard !anchor.isEmpty, peek() == "\n" else {
            return .failure(PolicySyntaxError(at: start, "a heredoc starts with <<NAME followed by a line break"))
        }
        advance()
        var lines: [String] = []
        var current = ""
        while true {
            let scalar = peek()
            if scalar == nil || scalar == "\n" {
                if current.hasSuffix("\r") {
                    current.removeLast()
                }
                let candidate = String(current.drop { $0 == " " || $0 == "\t" })
                if candidate == anchor {
                    return .success(Self.heredocBody(lines, indented: indented))
                }
                guard scalar != nil else {
                    return .failure(.unterminatedHeredoc(anchor, at: start))
                }
                lines.append(current)
                current = ""
                advance()
            } else if let scalar {
                current.unicodeScalars.append(scalar)
                advance()
            }
        }
    }

    private static func heredocBody(_ lines: [String], indented: Bool) -> String {
        guard indented else {
            return lines.map { $0 + "\n" }.joined()
        }
        let indents = lines.filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }
        let common = indents.min() ?? 0
        return lines.map { String($0.dropFirst(min(common, $0.count))) + "\n" }.joined()
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    // ASCII is decided without Unicode's property tables (a lookup per character was most
    // of lexing a policy); the answers are the same as the properties'.
    var isIdentifierStart: Bool {
        isASCII ? isASCIILetter || self == "_" : properties.isAlphabetic
    }
    var isIdentifierPart: Bool {
        if isASCII { return isASCIILetter || isDigit || self == "_" || self == "-" || self == "." }
        return isIdentifierStart || properties.numericType != nil
    }
}

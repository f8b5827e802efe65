/// Builds the syntax tree from JSON tokens. Like the server's HCL JSON parser it tolerates
/// trailing commas, comments and repeated keys; keys must be quoted.
struct JSONSyntaxParser {
    private let tokens: [Token]
    private var index = 0
    private var depth = 0

    /// The items of the top-level object, which must be the whole document.
    static func parse(_ tokens: [Token]) throws(PolicySyntaxError) -> [SyntaxItem] {
        var parser = JSONSyntaxParser(tokens: tokens)
        let document = try parser.value(in: "the JSON document")
        let trailing = parser.current
        guard trailing.kind == .endOfText else {
            throw PolicySyntaxError(
                at: trailing.location, "unexpected \(trailing.kind.spelled) after the end of the JSON document"
            )
        }
        guard case let .object(items, _) = document else {
            throw PolicySyntaxError(at: document.location, "a JSON policy must be an object, found \(document.kindName)")
        }
        return items
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token {
        if index < tokens.count {
            return tokens[index]
        }
        return tokens.last ?? Token(kind: .endOfText, location: SourceLocation(line: 1, column: 1))
    }

    private mutating func advance() {
        index += 1
    }

    private mutating func value(in context: String) throws(PolicySyntaxError) -> SyntaxValue {
        let token = current
        switch token.kind {
        case let .string(text):
            advance()
            return .string(text, token.location)
        case let .number(text):
            advance()
            return .number(text, token.location)
        case let .bool(flag):
            advance()
            return .bool(flag, token.location)
        case .null:
            advance()
            return .null(token.location)
        case .leftBracket:
            return try list()
        case .leftBrace:
            return try object()
        default:
            throw PolicySyntaxError(at: token.location, "expected a value in \(context), found \(token.kind.spelled)")
        }
    }

    private mutating func object() throws(PolicySyntaxError) -> SyntaxValue {
        let opening = current.location
        try enterNesting(at: opening)
        defer { depth -= 1 }
        advance()
        var items: [SyntaxItem] = []
        while true {
            let token = current
            switch token.kind {
            case .rightBrace:
                advance()
                return .object(items, opening)
            case .endOfText:
                throw .unclosed("}", "object", openedAt: opening, found: token)
            case let .string(key):
                advance()
                let separator = current
                guard separator.kind == .colon else {
                    throw .expected("\":\"", after: inQuotes(key), found: separator)
                }
                advance()
                let value = try value(in: inQuotes(key))
                items.append(SyntaxItem(keys: [SyntaxKey(text: key, location: token.location)], value: value, hasEquals: true))
                try separatorOrEnd(closer: .rightBrace, what: "object", openedAt: opening)
            case let .identifier(name):
                throw PolicySyntaxError(at: token.location, "JSON keys must be quoted: write \"\(name)\"")
            default:
                throw PolicySyntaxError(at: token.location, "expected a quoted key or \"}\", found \(token.kind.spelled)")
            }
        }
    }

    private mutating func list() throws(PolicySyntaxError) -> SyntaxValue {
        let opening = current.location
        try enterNesting(at: opening)
        defer { depth -= 1 }
        advance()
        var elements: [SyntaxValue] = []
        while true {
            let token = current
            switch token.kind {
            case .rightBracket:
                advance()
                return .list(elements, opening)
            case .endOfText:
                throw .unclosed("]", "list", openedAt: opening, found: token)
            default:
                elements.append(try value(in: "a list"))
                try separatorOrEnd(closer: .rightBracket, what: "list", openedAt: opening)
            }
        }
    }

    /// After a member: a comma (possibly trailing) or the closing bracket, left unconsumed.
    private mutating func separatorOrEnd(
        closer: TokenKind, what: String, openedAt opening: SourceLocation
    ) throws(PolicySyntaxError) {
        let token = current
        if token.kind == .comma {
            advance()
        } else if token.kind != closer {
            let closerText = closer == .rightBrace ? "}" : "]"
            if token.kind == .endOfText {
                throw .unclosed(closerText, what, openedAt: opening, found: token)
            }
            throw PolicySyntaxError(
                at: token.location, "expected \",\" or \"\(closerText)\" in \(what), found \(token.kind.spelled)"
            )
        }
    }

    private mutating func enterNesting(at location: SourceLocation) throws(PolicySyntaxError) {
        depth += 1
        if depth > maximumNesting {
            throw PolicySyntaxError(at: location, "lists and objects nest more than \(maximumNesting) levels deep")
        }
    }
}

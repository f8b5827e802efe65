/// Builds the syntax tree from HCL v1 tokens, following the grammar of hashicorp/hcl v1
/// that the server uses: items are keys then `= value` or, for blocks, `{ … }` directly;
/// commas between items and stray commas in lists are tolerated, as the server does.
struct HCLSyntaxParser {
    private let tokens: [Token]
    private var index = 0
    private var depth = 0

    static func parse(_ tokens: [Token]) throws(PolicySyntaxError) -> [SyntaxItem] {
        var parser = HCLSyntaxParser(tokens: tokens)
        return try parser.objectList(closing: nil)
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

    /// Items up to the matching `}` (when `closing` names the block) or the end of text.
    private mutating func objectList(
        closing: (what: String, openedAt: SourceLocation)?
    ) throws(PolicySyntaxError) -> [SyntaxItem] {
        var items: [SyntaxItem] = []
        while true {
            let token = current
            switch token.kind {
            case .endOfText:
                if let closing {
                    throw .unclosed("}", closing.what, openedAt: closing.openedAt, found: token)
                }
                return items
            case .rightBrace:
                guard closing != nil else {
                    throw PolicySyntaxError(at: token.location, "unexpected \"}\": no block is open here")
                }
                advance()
                return items
            default:
                items.append(try item(topLevel: closing == nil))
                if current.kind == .comma {
                    advance()
                }
            }
        }
    }

    private mutating func item(topLevel: Bool) throws(PolicySyntaxError) -> SyntaxItem {
        var keys: [SyntaxKey] = []
        while true {
            let token = current
            switch token.kind {
            case let .identifier(text), let .string(text):
                keys.append(SyntaxKey(text: text, location: token.location))
                advance()
                continue
            default:
                break
            }
            break
        }
        guard let first = keys.first else {
            let wanted = topLevel ? "a block such as path \"secret/*\" { … }" : "an attribute name"
            throw PolicySyntaxError(at: current.location, "expected \(wanted), found \(current.kind.spelled)")
        }
        let name = displayName(first.text)
        let spelledKeys = ([name] + keys.dropFirst().map { inQuotes($0.text) }).joined(separator: " ")
        let what = topLevel && first.text == "path" ? "path block" : name
        let token = current
        switch token.kind {
        case .equals where keys.count > 1:
            throw PolicySyntaxError(
                at: token.location,
                "unexpected \"=\" after \(spelledKeys): write \(spelledKeys) { … } without \"=\""
            )
        case .equals:
            advance()
            let value = try value(of: name, startingAt: first.location)
            return SyntaxItem(keys: keys, value: value, hasEquals: true)
        case .leftBrace:
            let value = try object(what: what, openedAt: first.location)
            return SyntaxItem(keys: keys, value: value, hasEquals: false)
        default:
            if keys.count == 1 {
                throw .expected("\"=\"", after: name, found: token)
            }
            throw .expected("\"{\"", after: spelledKeys, found: token)
        }
    }

    private mutating func value(
        of name: String, startingAt start: SourceLocation
    ) throws(PolicySyntaxError) -> SyntaxValue {
        let token = current
        switch token.kind {
        case let .string(text), let .heredoc(text):
            advance()
            return .string(text, token.location)
        case let .number(text):
            advance()
            return .number(text, token.location)
        case let .bool(flag):
            advance()
            return .bool(flag, token.location)
        case .leftBracket:
            return try list(of: name)
        case .leftBrace:
            return try object(what: name, openedAt: start)
        default:
            throw .expected("a value", after: "\(name) =", found: token)
        }
    }

    private mutating func list(of name: String) throws(PolicySyntaxError) -> SyntaxValue {
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
            case .comma:
                advance()
            case .endOfText, .rightBrace:
                throw .unclosed("]", "\(name) list", openedAt: opening, found: token)
            default:
                elements.append(try value(of: name, startingAt: token.location))
                let next = current
                switch next.kind {
                case .comma:
                    advance()
                case .rightBracket:
                    break
                case .endOfText, .rightBrace:
                    throw .unclosed("]", "\(name) list", openedAt: opening, found: next)
                default:
                    throw PolicySyntaxError(
                        at: next.location,
                        "expected \",\" or \"]\" in \(name) list, found \(next.kind.spelled)"
                    )
                }
            }
        }
    }

    private mutating func object(
        what: String, openedAt: SourceLocation
    ) throws(PolicySyntaxError) -> SyntaxValue {
        let brace = current.location
        try enterNesting(at: brace)
        defer { depth -= 1 }
        advance()
        let items = try objectList(closing: (what, openedAt))
        return .object(items, brace)
    }

    private mutating func enterNesting(at location: SourceLocation) throws(PolicySyntaxError) {
        depth += 1
        if depth > maximumNesting {
            throw PolicySyntaxError(at: location, "lists and blocks nest more than \(maximumNesting) levels deep")
        }
    }
}

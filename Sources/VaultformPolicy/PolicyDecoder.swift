/// Gives a syntax tree its meaning as path rules, making the checks the server makes when a
/// policy is written (and a few stricter ones, listed in `PolicyParser.swift`), each
/// reported at the place in the text it concerns.
struct PolicyDecoder {
    let isJSON: Bool

    static let topLevelKeys = ["path", "name"]

    static let attributes = [
        "capabilities", "required_parameters", "allowed_parameters", "denied_parameters",
        "min_wrapping_ttl", "max_wrapping_ttl", "mfa_methods", "pagination_limit",
        "list_scan_response_keys_filter_path", "expiration", "policy", "comment",
    ]

    /// The rules in text order, before merging.
    func rules(from items: [SyntaxItem]) throws(PolicySyntaxError) -> [PathRule] {
        var rules: [PathRule] = []
        for item in items {
            switch item.name {
            case "path":
                rules += try pathRules(item)
            case "name":
                // Accepted and ignored by the server: the policy's name is in the API path.
                guard item.keys.count == 1, item.value.scalarText != nil else {
                    throw PolicySyntaxError(at: item.location, "name must be a string, as in name = \"reader\"")
                }
            default:
                throw .unknownTopLevelKey(item.name, at: item.location)
            }
        }
        return rules
    }

    private func pathRules(_ item: SyntaxItem) throws(PolicySyntaxError) -> [PathRule] {
        if item.keys.count > 2 {
            let extra = item.keys[2]
            if extra.text == "path" {
                throw PolicySyntaxError(
                    at: extra.location, "expected \"{\" after path \(inQuotes(item.keys[1].text)), found \"path\""
                )
            }
            throw PolicySyntaxError(
                at: extra.location,
                "unexpected \(inQuotes(extra.text)) after path \(inQuotes(item.keys[1].text)): a path block takes exactly one path"
            )
        }
        if item.keys.count == 2 {
            guard case let .object(body, _) = item.value else {
                throw PolicySyntaxError(at: item.value.location, "expected a { … } block after path \(inQuotes(item.keys[1].text))")
            }
            return [try rule(path: item.keys[1], body: body)]
        }
        guard isJSON else {
            throw PolicySyntaxError(
                at: item.location, "path needs the path it governs: write path \"secret/*\" { capabilities = [\"read\"] }"
            )
        }
        let maps: [SyntaxValue] = if case let .list(elements, _) = item.value { elements } else { [item.value] }
        var rules: [PathRule] = []
        for map in maps {
            guard case let .object(entries, _) = map else {
                throw PolicySyntaxError(
                    at: map.location, "\"path\" must map each path to its rules, as in {\"secret/*\": {…}}; found \(map.kindName)"
                )
            }
            for entry in entries {
                guard let key = entry.keys.first, case let .object(body, _) = entry.value else {
                    throw PolicySyntaxError(
                        at: entry.value.location,
                        "the rules for path \(inQuotes(entry.name)) must be an object, found \(entry.value.kindName)"
                    )
                }
                rules.append(try rule(path: key, body: body))
            }
        }
        return rules
    }

    private func rule(path key: SyntaxKey, body: [SyntaxItem]) throws(PolicySyntaxError) -> PathRule {
        // By bytes: `String.contains(String)` goes through the regex machinery, a third of
        // decoding a small policy.
        if key.text.utf8.containsPlusStar {
            throw PolicySyntaxError(
                at: key.location, "path \(inQuotes(key.text)) combines wildcards as \"+*\", which the server forbids"
            )
        }
        var block = PathBlock(path: key.text)
        for attribute in body {
            try block.apply(attribute)
        }
        return try block.finish()
    }
}

extension PolicySyntaxError {
    static func unknownCapability(_ name: String, at location: SourceLocation) -> PolicySyntaxError {
        let candidates = Capability.allCases.map(\.rawValue)
        return PolicySyntaxError(
            at: location,
            "unknown capability \(inQuotes(name)) (expected one of \(Capability.spelledOut))\(didYouMean(name, candidates))"
        )
    }

    static func unknownAttribute(_ name: String, path: String, at location: SourceLocation) -> PolicySyntaxError {
        var message = "unknown attribute \(inQuotes(name)) in path \(inQuotes(path)) (expected one of "
            + "\(PolicyDecoder.attributes.joined(separator: ", ")))\(didYouMean(name, PolicyDecoder.attributes))"
        if name == "path" {
            message += "; is a \"}\" missing before it?"
        }
        return PolicySyntaxError(at: location, message)
    }

    static func unknownTopLevelKey(_ name: String, at location: SourceLocation) -> PolicySyntaxError {
        PolicySyntaxError(
            at: location,
            "unknown top-level key \(inQuotes(name)) (expected path or name)\(didYouMean(name, PolicyDecoder.topLevelKeys))"
        )
    }

    static func wrongType(_ what: String, expected: String, found value: SyntaxValue) -> PolicySyntaxError {
        PolicySyntaxError(at: value.location, "\(what) must be \(expected), found \(value.kindName)")
    }
}

extension String.UTF8View {
    /// Whether the text holds `+*` (wildcards the server refuses to combine).
    fileprivate var containsPlusStar: Bool {
        var previous: UInt8 = 0
        for byte in self {
            if previous == UInt8(ascii: "+") && byte == UInt8(ascii: "*") { return true }
            previous = byte
        }
        return false
    }
}

/// One path block's attributes as they are read, with where each was set.
struct PathBlock {
    var rule: PathRule
    var setAt: [String: SourceLocation] = [:]

    init(path: String) {
        rule = PathRule(path: path, capabilities: [])
        // Keep the path exactly as written until `finish()` normalises the whole rule.
        rule.path = path
    }

    /// Lists may be repeated (the server appends them) and comments are ignored; everything
    /// else may be set once.
    static let repeatable: Set<String> = ["capabilities", "required_parameters", "mfa_methods", "comment"]

    mutating func apply(_ attribute: SyntaxItem) throws(PolicySyntaxError) {
        let name = attribute.name
        guard PolicyDecoder.attributes.contains(name) else {
            if name == "control_group" {
                throw PolicySyntaxError(
                    at: attribute.location, "control_group is not supported by vaultform (it needs Vault Enterprise)"
                )
            }
            throw .unknownAttribute(name, path: rule.path, at: attribute.location)
        }
        if attribute.keys.count > 1 {
            throw PolicySyntaxError(at: attribute.location, "\(name) takes a value: write \(name) = …")
        }
        if let first = setAt[name], !Self.repeatable.contains(name) {
            throw PolicySyntaxError(
                at: attribute.location, "\(name) is set twice in path \(inQuotes(rule.path)) (first at \(first.spelled))"
            )
        }
        setAt[name] = setAt[name] ?? attribute.location
        let value = attribute.value
        switch name {
        case "capabilities":
            rule.capabilities += try capabilities(value)
        case "policy":
            rule.capabilities += try legacyPolicy(value)
        case "required_parameters":
            rule.requiredParameters += try scalarList(value, of: name)
        case "allowed_parameters":
            rule.allowedParameters = try parameterMap(value, of: name)
        case "denied_parameters":
            rule.deniedParameters = try parameterMap(value, of: name)
        case "min_wrapping_ttl":
            rule.minWrappingTTL = try duration(value, of: name)
        case "max_wrapping_ttl":
            rule.maxWrappingTTL = try duration(value, of: name)
        case "mfa_methods":
            rule.mfaMethods += try scalarList(value, of: name)
        case "pagination_limit":
            rule.paginationLimit = try integer(value, of: name)
        case "list_scan_response_keys_filter_path":
            rule.responseKeysFilterPath = try string(value, of: name)
        case "expiration":
            rule.expiration = try expiration(value)
        default:
            break // "comment": accepted and ignored by the server, whatever its type.
        }
    }

    /// The cross-attribute checks the server makes, then the normalised rule. The server
    /// skips them for a block containing `deny`, so this does too.
    func finish() throws(PolicySyntaxError) -> PathRule {
        let denies = rule.capabilities.contains(.deny)
        if !denies, let min = rule.minWrappingTTL, let max = rule.maxWrappingTTL, min > 0, max > 0, max < min,
           let location = setAt["max_wrapping_ttl"]
        {
            throw PolicySyntaxError(
                at: location,
                "max_wrapping_ttl (\(WrappingDuration.render(max))) cannot be less than "
                    + "min_wrapping_ttl (\(WrappingDuration.render(min)))"
            )
        }
        if !denies, rule.responseKeysFilterPath?.isEmpty == false, !rule.capabilities.contains(.list),
           let location = setAt["list_scan_response_keys_filter_path"]
        {
            throw PolicySyntaxError(
                at: location, "list_scan_response_keys_filter_path needs the list capability on path \(inQuotes(rule.path))"
            )
        }
        return rule.normalized()
    }

    private func capabilities(_ value: SyntaxValue) throws(PolicySyntaxError) -> [Capability] {
        guard case let .list(elements, _) = value else {
            throw .wrongType("capabilities", expected: "a list such as [\"read\", \"list\"]", found: value)
        }
        var result: [Capability] = []
        for element in elements {
            let name: String
            switch element {
            case let .string(text, _), let .number(text, _):
                name = text
            default:
                throw .wrongType("each capability", expected: "a quoted name such as \"read\"", found: element)
            }
            guard let capability = Capability(rawValue: name) else {
                throw .unknownCapability(name, at: element.location)
            }
            result.append(capability)
        }
        return result
    }

    private func legacyPolicy(_ value: SyntaxValue) throws(PolicySyntaxError) -> [Capability] {
        let name = try string(value, of: "policy")
        switch name {
        case "deny": return [.deny]
        case "read": return [.read, .list]
        case "write": return [.create, .read, .update, .delete, .list]
        case "sudo": return [.create, .read, .update, .delete, .list, .sudo]
        default:
            throw PolicySyntaxError(
                at: value.location,
                "unknown policy \(inQuotes(name)) (expected one of deny, read, write, sudo; better, use capabilities)"
            )
        }
    }

    private func scalarList(_ value: SyntaxValue, of name: String) throws(PolicySyntaxError) -> [String] {
        guard case let .list(elements, _) = value else {
            throw .wrongType(name, expected: "a list such as [\"name\"]", found: value)
        }
        var result: [String] = []
        for element in elements {
            guard let text = element.scalarText else {
                throw .wrongType("each entry of \(name)", expected: "a string", found: element)
            }
            result.append(text)
        }
        return result
    }

    private func parameterMap(_ value: SyntaxValue, of name: String) throws(PolicySyntaxError) -> [String: [String]] {
        guard case let .object(entries, _) = value else {
            throw .wrongType(name, expected: "an object such as { \"name\" = [] }", found: value)
        }
        var result: [String: [String]] = [:]
        for entry in entries {
            guard entry.keys.count == 1 else {
                throw PolicySyntaxError(at: entry.location, "each entry of \(name) is written \"parameter\" = [values]")
            }
            let values = try scalarList(entry.value, of: "\(name) \(inQuotes(entry.name))")
            result[entry.name, default: []] += values
        }
        return result
    }

    private func duration(_ value: SyntaxValue, of name: String) throws(PolicySyntaxError) -> Int {
        switch WrappingDuration.seconds(from: value) {
        case let .success(seconds): return seconds
        case let .failure(problem): throw PolicySyntaxError(at: value.location, "\(name): \(problem.message)")
        }
    }

    private func integer(_ value: SyntaxValue, of name: String) throws(PolicySyntaxError) -> Int {
        switch value {
        case let .number(text, _), let .string(text, _):
            if let number = Int(text) {
                return number
            }
        default:
            break
        }
        throw .wrongType(name, expected: "a whole number", found: value)
    }

    private func string(_ value: SyntaxValue, of name: String) throws(PolicySyntaxError) -> String {
        guard case let .string(text, _) = value else {
            throw .wrongType(name, expected: "a string", found: value)
        }
        return text
    }

    private func expiration(_ value: SyntaxValue) throws(PolicySyntaxError) -> String {
        switch value {
        case let .string(text, _), let .number(text, _):
            if Int(text) != nil || isRFC3339(text) {
                return text
            }
        default:
            break
        }
        throw PolicySyntaxError(
            at: value.location,
            "expiration must be an RFC 3339 time such as \"2030-01-31T12:00:00Z\" or Unix seconds"
        )
    }
}

/// Whether `text` has the shape Go's `time.Parse(time.RFC3339, …)` accepts:
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
private func isRFC3339(_ text: String) -> Bool {
    let chars = Array(text)
    func digits(_ range: Range<Int>) -> Bool {
        range.upperBound <= chars.count && chars[range].allSatisfy { $0.isASCII && $0.isNumber }
    }
    func char(_ index: Int, _ expected: Character) -> Bool {
        index < chars.count && chars[index] == expected
    }
    guard digits(0..<4), char(4, "-"), digits(5..<7), char(7, "-"), digits(8..<10), char(10, "T"),
          digits(11..<13), char(13, ":"), digits(14..<16), char(16, ":"), digits(17..<19)
    else { return false }
    var index = 19
    if char(index, ".") {
        index += 1
        let start = index
        while index < chars.count, chars[index].isASCII, chars[index].isNumber {
            index += 1
        }
        guard index > start else { return false }
    }
    if char(index, "Z") {
        return index + 1 == chars.count
    }
    guard char(index, "+") || char(index, "-") else { return false }
    return digits(index + 1..<index + 3) && char(index + 3, ":") && digits(index + 4..<index + 6)
        && index + 6 == chars.count
}

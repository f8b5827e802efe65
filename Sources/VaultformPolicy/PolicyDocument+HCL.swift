extension PolicyDocument {
    /// Canonical HCL for the document: what vaultform writes to the server, so the same
    /// rules always produce byte-identical text and `parse(renderHCL())` gives them back.
    public func renderHCL() -> String {
        renderHCL(comments: [:])
    }

    /// Canonical HCL with a `# comment` line above the block of each path that has one, so a
    /// structured rule's description survives into the text people read on the server.
    /// Keys are paths as in `rules` (a leading `/` is ignored); multi-line text gives
    /// several comment lines.
    public func renderHCL(comments: [String: String]) -> String {
        let rules = normalized().rules
        guard !rules.isEmpty else {
            // The server refuses an empty policy but accepts one holding only a comment.
            return "# This policy grants nothing.\n"
        }
        var commentsByPath: [String: String] = [:]
        for (path, text) in comments {
            commentsByPath[path.hasPrefix("/") ? String(path.dropFirst()) : path] = text
        }
        var blocks: [String] = []
        var commented: Set<String> = []
        for rule in rules {
            var lines: [String] = []
            if let text = commentsByPath[rule.path], commented.insert(rule.path).inserted {
                lines += commentLines(text)
            }
            let parts = PolicyRenderer.blocks(rule)
            lines += parts.first ?? []
            blocks.append(lines.map { $0 + "\n" }.joined())
            blocks += parts.dropFirst().map { $0.map { $0 + "\n" }.joined() }
        }
        return blocks.joined(separator: "\n")
    }

    private func commentLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { line in
            let trimmed = line.trimmingSuffix { $0 == " " || $0 == "\t" || $0 == "\r" }
            return trimmed.isEmpty ? "#" : "# \(trimmed)"
        }
    }
}

/// The layout of one path block: attributes in a fixed order, capabilities in canonical
/// order, empty attributes left out (except `capabilities`, which states the intent).
enum PolicyRenderer {
    /// Usually one block. Merging can leave a rule whose max wrapping TTL is below its min,
    /// which the server refuses within one block but accepts (and enforces as "never
    /// allowed") across two; such a rule is written as two blocks so its meaning survives.
    static func blocks(_ rule: PathRule) -> [[String]] {
        guard let min = rule.minWrappingTTL, let max = rule.maxWrappingTTL, max < min,
              !rule.capabilities.contains(.deny)
        else {
            return [block(rule)]
        }
        var withoutMin = rule
        withoutMin.minWrappingTTL = nil
        let minOnly = PathRule(path: rule.path, capabilities: [], minWrappingTTL: min, expiration: rule.expiration)
        return [block(withoutMin), block(minOnly)]
    }

    private static func block(_ rule: PathRule) -> [String] {
        var lines = ["path \(quoted(rule.path)) {"]
        lines.append("  capabilities = \(list(rule.capabilities.map(\.rawValue)))")
        if !rule.requiredParameters.isEmpty {
            lines.append("  required_parameters = \(list(rule.requiredParameters))")
        }
        lines += parameters("allowed_parameters", rule.allowedParameters)
        lines += parameters("denied_parameters", rule.deniedParameters)
        if let seconds = rule.minWrappingTTL {
            lines.append("  min_wrapping_ttl = \(quoted(WrappingDuration.render(seconds)))")
        }
        if let seconds = rule.maxWrappingTTL {
            lines.append("  max_wrapping_ttl = \(quoted(WrappingDuration.render(seconds)))")
        }
        if !rule.mfaMethods.isEmpty {
            lines.append("  mfa_methods = \(list(rule.mfaMethods))")
        }
        if let limit = rule.paginationLimit {
            lines.append("  pagination_limit = \(limit)")
        }
        if let filter = rule.responseKeysFilterPath {
            lines.append("  list_scan_response_keys_filter_path = \(quoted(filter))")
        }
        if let expiration = rule.expiration {
            lines.append("  expiration = \(quoted(expiration))")
        }
        lines.append("}")
        return lines
    }

    private static func parameters(_ name: String, _ parameters: [String: [String]]) -> [String] {
        guard !parameters.isEmpty else { return [] }
        let entries = parameters.keys.sorted().map { key in
            "    \(quoted(key)) = \(list(parameters[key] ?? []))"
        }
        return ["  \(name) = {"] + entries + ["  }"]
    }

    private static func list(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }

    /// A double-quoted HCL string; control characters and "${" are escaped so the text stays
    /// on one line and parses back to the same value.
    static func quoted(_ text: String) -> String {
        var result = "\""
        let scalars = Array(text.unicodeScalars)
        for (offset, scalar) in scalars.enumerated() {
            let next = offset + 1 < scalars.count ? scalars[offset + 1] : nil
            switch scalar {
            case "$" where next == "{":
                // A raw "${" would open an HCL v1 interpolation section; the escape reads back as "$".
                result += "\\u0024"
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, predicate(last) {
            result.removeLast()
        }
        return result
    }
}

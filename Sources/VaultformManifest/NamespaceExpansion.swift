import Foundation
import Yams

/// `for_each` on a `namespaces` entry: one entry per combination of its values (the product
/// of every key's list, in the order written), with `${each.KEY}` replaced in every string of
/// the entry, its path, metadata and contents. Twenty tenants of one shape are one entry.
/// Runs on the YAML before variables are substituted, so the lists may come from variables
/// (`tenant: "${var.tenants}"`) and the expanded entries are checked as if written out.
enum NamespaceExpansion {
    /// The most entries one `for_each` may expand to.
    static let maxEntries = 1000

    /// `body` (a file's top level) with every `namespaces` entry that has `for_each` expanded.
    static func expand(_ body: Node, resolver: inout VariableResolver, checker: inout Checker, diagnostics: inout [Diagnostic]) -> Node {
        guard case .mapping(let mapping) = body, case .sequence(let entries)? = mapping["namespaces"] else { return body }
        var expanded: [Node] = []
        for entry in entries {
            guard case .mapping(let fields) = entry, let forEach = fields["for_each"] else {
                expanded.append(entry)
                continue
            }
            let template = Node.mapping(.init(fields.filter { $0.key.scalar?.string != "for_each" }.map { ($0.key, $0.value) },
                                              fields.tag, fields.style, fields.mark))
            guard let axes = Self.axes(resolver.substitute(forEach, checker: &checker), checker: checker, diagnostics: &diagnostics) else { continue }
            let count = axes.reduce(1) { $0 * $1.values.count }
            guard count <= maxEntries else {
                diagnostics.append(.error("`for_each` expands to \(count) namespaces; vaultform expands at most \(maxEntries)",
                                          at: checker.location(of: forEach)))
                continue
            }
            var combinations: [[String: String]] = [[:]]
            for axis in axes {
                combinations = combinations.flatMap { partial in axis.values.map { partial.merging([axis.key: $0]) { _, new in new } } }
            }
            for values in combinations where !values.isEmpty {
                expanded.append(replacing(template, values, checker: checker, diagnostics: &diagnostics))
            }
        }
        let pairs = mapping.map { pair in
            (pair.key, pair.key.scalar?.string == "namespaces" ? Node.sequence(.init(expanded, entries.tag, entries.style, entries.mark)) : pair.value)
        }
        return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
    }

    /// The keys of a `for_each` map, each with its values (a single value is a list of one).
    private static func axes(_ node: Node, checker: Checker, diagnostics: inout [Diagnostic]) -> [(key: String, values: [String])]? {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            diagnostics.append(.error("`for_each` must be a map of names to lists of values", at: checker.location(of: node),
                                      hint: "write `for_each: { tenant: [acme, globex], env: [dev, prod] }`"))
            return nil
        }
        var axes: [(key: String, values: [String])] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string, StringRule.identifier.problem(with: key) == nil else {
                diagnostics.append(.error("a `for_each` key must be a name of letters, digits, `_` and `-`", at: checker.location(of: keyNode)))
                return nil
            }
            let items: [Node]
            switch valueNode {
            case .sequence(let sequence): items = Array(sequence)
            case .scalar: items = [valueNode]
            default: items = []
            }
            let values = items.compactMap { $0.scalar?.string }
            guard !values.isEmpty, values.count == items.count else {
                diagnostics.append(.error("`for_each.\(key)` must be a non-empty list of values", at: checker.location(of: valueNode)))
                return nil
            }
            axes.append((key, values))
        }
        return axes
    }

    /// `node` with `${each.KEY}` replaced by its value in every string; an unknown key is an error.
    private static func replacing(_ node: Node, _ values: [String: String], checker: Checker, diagnostics: inout [Diagnostic]) -> Node {
        switch node {
        case .scalar(let scalar):
            guard scalar.string.contains("${each.") else { return node }
            var text = scalar.string
            for (key, value) in values { text = text.replacingOccurrences(of: "${each.\(key)}", with: value) }
            if text.contains("${each.") {
                diagnostics.append(.error("`\(scalar.string)` names a key `for_each` does not have (it has \(values.keys.sorted().joined(separator: ", ")))",
                                          at: checker.location(of: node)))
            }
            return .scalar(.init(text, scalar.tag, .doubleQuoted, scalar.mark))
        case .sequence(let sequence):
            return .sequence(.init(sequence.map { replacing($0, values, checker: checker, diagnostics: &diagnostics) }, sequence.tag, sequence.style, sequence.mark))
        case .mapping(let mapping):
            let pairs = mapping.map { ($0.key, replacing($0.value, values, checker: checker, diagnostics: &diagnostics)) }
            return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
        case .alias:
            return node
        }
    }
}

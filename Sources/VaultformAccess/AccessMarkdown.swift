import VaultformManifest

/// The access map and the access diff as Markdown for a pull request, each with a Mermaid
/// diagram of principals → policies → path groups (GitHub renders Mermaid).
public enum AccessMarkdown {
    /// The map: a diagram, then one table per principal. The built-in `default` policy's
    /// own rules are left out (every token that carries it gets them); `source` names where
    /// the manifest came from.
    public static func map(_ map: AccessMap, source: String) -> String {
        var out = "### Access map\n\n"
        out += "From \(code(source)), evaluated as the server evaluates policies. "
        out += "Rules of the built-in `default` policy alone are not listed.\n\n"
        if map.principals.isEmpty { return out + "The manifest declares no principal.\n" }
        var diagram = MermaidGraph()
        for access in map.principals {
            let principal = diagram.node(access.principal.address, shape: .box)
            for name in access.principal.policies where name != "default" {
                let policy = diagram.node(name, shape: .stadium)
                diagram.edge(principal, policy)
                var byGroup: [String: (capabilities: Set<String>, denies: Bool)] = [:]
                for entry in access.entries where entry.policies.contains(name) {
                    var group = byGroup[entry.group] ?? ([], false)
                    if entry.capabilities == ["deny"] { group.denies = true } else { group.capabilities.formUnion(entry.capabilities) }
                    byGroup[entry.group] = group
                }
                for (group, grant) in byGroup.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    let node = diagram.node(group, shape: .parallelogram)
                    let label = sorted(grant.capabilities).joined(separator: ", ") + (grant.denies ? (grant.capabilities.isEmpty ? "deny" : "; some denied") : "")
                    diagram.edge(policy, node, label: label, dashed: grant.capabilities.isEmpty)
                }
            }
        }
        out += diagram.rendered + "\n"
        for access in map.principals {
            out += "#### \(code(access.principal.address))\n\n"
            out += "Policies: " + access.principal.policies.map(code).joined(separator: ", ")
            out += " (declared at \(place(access.principal.location)))\n\n"
            if !access.unknownPolicies.isEmpty {
                out += "Not evaluated (not in the manifest): " + access.unknownPolicies.map(code).joined(separator: ", ") + "\n\n"
            }
            let entries = access.entries.filter { $0.policies != ["default"] }
            if entries.isEmpty {
                out += "No rules beyond the `default` policy.\n\n"
                continue
            }
            out += "| Path | Capabilities | Policy | Rule |\n|---|---|---|---|\n"
            for entry in entries {
                out += "| \(code(entry.pattern)) | \(cell(entry.capabilities.joined(separator: ", "))) | "
                out += "\(cell(entry.policies.joined(separator: ", "))) | \(entry.location.map(place) ?? "built in") |\n"
            }
            out += "\n"
        }
        return out
    }

    /// The diff: a summary line, a diagram of what changes, then one table per principal.
    public static func diff(_ diff: AccessDiff, old: String, new: String) -> String {
        var out = "### Access changes\n\nFrom \(code(old)) to \(code(new)).\n\n"
        if diff.isEmpty { return out + "No principal gains or loses access.\n" }
        let gaining = diff.principals.filter(\.gains).count
        let losing = diff.principals.filter(\.losses).count
        out += "**\(count(gaining, "principal gains", "principals gain")) access, \(count(losing, "loses", "lose")) access.**\n\n"
        var diagram = MermaidGraph()
        for principal in diff.principals where !principal.changes.isEmpty {
            let node = diagram.node(principal.address, shape: .box)
            for change in principal.changes {
                let policy = diagram.node(change.decidedBy?.policies.first ?? "no rule", shape: .stadium)
                diagram.edge(node, policy)
                let label = (change.gained.map { "+" + $0 } + change.lost.map { "-" + $0 }).joined(separator: " ")
                diagram.edge(policy, diagram.node(change.group, shape: .parallelogram), label: label, dashed: change.gained.isEmpty)
            }
        }
        out += diagram.rendered + "\n"
        for principal in diff.principals {
            out += "#### \(code(principal.address)) (\(principal.status.rawValue))\n\n"
            if !principal.policiesAdded.isEmpty { out += "Policies added: " + principal.policiesAdded.map(code).joined(separator: ", ") + "\n\n" }
            if !principal.policiesRemoved.isEmpty { out += "Policies removed: " + principal.policiesRemoved.map(code).joined(separator: ", ") + "\n\n" }
            guard !principal.changes.isEmpty else { continue }
            out += "| Path | Before | After | Gains | Loses | Decided by |\n|---|---|---|---|---|---|\n"
            for change in principal.changes {
                let decided = change.decidedBy.map { decision in
                    code(decision.pattern) + " in " + cell(decision.policies.joined(separator: ", "))
                        + (decision.location.map { " (" + place($0) + ")" } ?? "")
                } ?? "no rule"
                out += "| \(code(change.pattern)) | \(list(change.before)) | \(list(change.after)) | \(list(change.gained)) | \(list(change.lost)) | \(decided) |\n"
            }
            out += "\n"
        }
        return out
    }

    static func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }

    static func list(_ capabilities: [String]) -> String { capabilities.isEmpty ? "–" : cell(capabilities.joined(separator: ", ")) }

    static func sorted(_ names: Set<String>) -> [String] { names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    static func place(_ location: SourceLocation) -> String { cell("\(location.file):\(location.line)") }

    /// Text safe in a table cell: pipes escaped, control characters and newlines as `\u{…}`.
    static func cell(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A code span that holds any text: fenced with more backticks than it contains.
    static func code(_ text: String) -> String {
        let safe = cell(text)
        var longest = 0
        var run = 0
        for character in safe {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = safe.hasPrefix("`") || safe.hasSuffix("`") ? " " : ""
        return fence + pad + safe + pad + fence
    }
}

/// A Mermaid flowchart built node by node; each distinct label is one node.
public struct MermaidGraph {
    enum Shape {
        case box, stadium, parallelogram
    }

    private var ids: [String: String] = [:]
    private var lines: [String] = []
    private var edges: Set<String> = []

    mutating func node(_ label: String, shape: Shape) -> String {
        let key = "\(shape):\(label)"
        if let id = ids[key] { return id }
        let id = "n\(ids.count + 1)"
        ids[key] = id
        let text = "\"" + Self.escaped(label) + "\""
        switch shape {
        case .box: lines.append("  \(id)[\(text)]")
        case .stadium: lines.append("  \(id)([\(text)])")
        case .parallelogram: lines.append("  \(id)[/\(text)/]")
        }
        return id
    }

    mutating func edge(_ from: String, _ to: String, label: String = "", dashed: Bool = false) {
        let arrow = dashed ? "-.->" : "-->"
        let line = label.isEmpty ? "  \(from) \(arrow) \(to)" : "  \(from) \(arrow)|\"\(Self.escaped(label))\"| \(to)"
        guard edges.insert(line).inserted else { return }
        lines.append(line)
    }

    var rendered: String { "```mermaid\nflowchart LR\n" + lines.joined(separator: "\n") + "\n```\n" }

    /// Label text Mermaid shows as written: quotes, angle brackets, `#` and backticks as
    /// entity codes, control characters as spaces.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "#": out += "#35;"
            case "`": out += "#96;"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

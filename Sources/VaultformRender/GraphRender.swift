import VaultformAccess
import VaultformCore

/// `vaultform graph`: the dependency graph as DOT (Graphviz), Mermaid, or a numbered list.
/// Arrows point from an object to what it needs first, as in `terraform graph`.
public enum GraphRender {
    /// A Graphviz digraph: one node per object, labelled with its address.
    public static func dot(_ graph: DependencyGraph) -> String {
        var out = "digraph vaultform {\n  rankdir = \"RL\";\n  node [shape = box];\n"
        for node in graph.nodes { out += "  \(quoted(node.address.description));\n" }
        for edge in graph.edges {
            out += "  \(quoted(edge.from.description)) -> \(quoted(edge.to.description)) [label = \(quoted(edge.reason))];\n"
        }
        return out + "}\n"
    }

    /// A Mermaid flowchart, fenced for Markdown (GitHub and GitLab render it).
    public static func mermaid(_ graph: DependencyGraph) -> String {
        var ids: [Address: String] = [:]
        var out = "```mermaid\nflowchart RL\n"
        for (index, node) in graph.nodes.enumerated() {
            let id = "n\(index + 1)"
            ids[node.address] = id
            out += "  \(id)[\"\(MermaidGraph.escaped(node.address.description))\"]\n"
        }
        for edge in graph.edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            out += "  \(from) -->|\"\(MermaidGraph.escaped(edge.reason))\"| \(to)\n"
        }
        return out + "```\n"
    }

    /// Apply's order, one object a line, each with what it needs.
    public static func text(_ graph: DependencyGraph) -> String {
        guard !graph.nodes.isEmpty else { return "The manifest declares no objects.\n" }
        var needs: [Address: [DependencyGraph.Edge]] = [:]
        for edge in graph.edges { needs[edge.from, default: []].append(edge) }
        let width = String(graph.nodes.count).count
        var out = ""
        for (index, node) in graph.nodes.enumerated() {
            let number = String(index + 1)
            out += String(repeating: " ", count: width - number.count) + number + ". " + node.address.description + "\n"
            for edge in needs[node.address] ?? [] {
                out += String(repeating: " ", count: width + 2) + "needs \(edge.to) (\(edge.reason))\n"
            }
        }
        return out
    }

    /// A DOT string: quotes and backslashes escaped, control characters as spaces.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

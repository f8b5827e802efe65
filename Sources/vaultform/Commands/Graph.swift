import ArgumentParser
import VaultformCore
import VaultformRender

/// `vaultform graph`: the manifest's objects in apply's order and what each needs first.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the manifest's dependency order as DOT, Mermaid or a numbered list.",
        discussion: """
            One node per object the manifest declares, in the order apply creates them; an \
            arrow from an object to what it needs first: its namespace, its mount (a role on its \
            auth method, a key on its engine, a secret on its KV engine), the policies it grants \
            (token_policies, policies) and the objects it names (a group's members, an alias's \
            entity, an endpoint's after). Only objects the manifest declares are drawn. Sends no \
            request to any server.

            Examples:
              vaultform graph manifests/hoodcloud | dot -Tsvg > hoodcloud.svg
              vaultform graph manifests/hoodcloud --format mermaid > graph.md
              vaultform graph examples/approle-ci-runner.yaml --format text
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid, text
    }

    @OptionGroup var manifest: ManifestOptions
    @Option(help: "Output format: dot (Graphviz), mermaid (a fenced block for Markdown) or text (apply's order).")
    var format: Format = .dot

    func run() throws {
        let loaded = try AccessCommand.manifest(path: manifest.path, varFiles: manifest.varFiles, assignments: manifest.assignments)
        let graph = DependencyGraph(DesiredState(loaded))
        switch format {
        case .dot: Terminal.write(GraphRender.dot(graph))
        case .mermaid: Terminal.write(GraphRender.mermaid(graph))
        case .text: Terminal.write(GraphRender.text(graph))
        }
    }
}

import Foundation
import Testing
import VaultformCore
import VaultformManifest
import VaultformRender

/// `vaultform graph`: what each object needs first, and apply's order honouring it.
@Suite struct DependencyGraphTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func graph(_ yaml: String) throws -> DependencyGraph {
        let result = ManifestLoader().load(sources: [("m.yaml", yaml)])
        let manifest = try #require(result.manifest, "\(result.diagnostics.map(\.message))")
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.map(\.message))")
        return DependencyGraph(DesiredState(manifest))
    }

    static func edges(_ graph: DependencyGraph) -> [String] {
        graph.edges.map { "\($0.from) -> \($0.to) (\($0.reason))" }
    }

    @Test("mounts, namespaces, granted policies and named objects are edges; what the manifest does not declare is not")
    func edgesOfEachSort() throws {
        let graph = try Self.graph("""
            version: 1
            namespaces:
              - { path: team }
              - { path: team/sub, contents: { secrets_engines: [{ path: kv, type: transit }] } }
            secrets_engines: [{ path: kv, type: kv-v2, kv_config: { max_versions: 3 } }]
            auth_methods: [{ path: approle, type: approle }]
            policies: [{ name: reader, hcl: 'path "kv/*" { capabilities = ["read"] }' }]
            external_policies: [elsewhere]
            approle_roles:
              - { name: app, token_policies: [Reader, elsewhere] }
            identity_groups:
              - { name: a-parent, member_groups: [b-child] }
              - { name: b-child }
            """)
        #expect(Set(Self.edges(graph)) == [
            "namespace:team/sub/ -> namespace:team/ (namespace)",
            "team/sub::mount:kv/ -> namespace:team/sub/ (namespace)",
            "kv-config:kv/ -> mount:kv/ (mount)",
            "approle-role:approle/app -> auth:approle/ (mount)",
            "approle-role:approle/app -> policy:reader (policy)",
            "identity-group:a-parent -> identity-group:b-child (member_groups)",
        ])
        // The member group comes first although its name sorts after the parent's.
        let order = graph.nodes.map(\.address.description)
        #expect(order.firstIndex(of: "identity-group:b-child")! < order.firstIndex(of: "identity-group:a-parent")!)
    }

    @Test("in every manifest of the repository, each object comes after everything it needs")
    func orderHonoursEveryEdge() throws {
        var paths = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.map { "examples/" + $0 }
        paths.append("manifests/hoodcloud")
        var checked = 0
        for path in paths.sorted() {
            let inputs = VariableInputs(environment: [:], varFiles: path == "manifests/hoodcloud" ? [Self.root.appendingPathComponent("manifests/hoodcloud/env/prod.yaml").path] : [], assignments: [])
            let result = ManifestLoader(inputs: inputs).load(path: Self.root.appendingPathComponent(path).path)
            let manifest = try #require(result.manifest, "\(path): \(result.diagnostics.map(\.message))")
            let graph = DependencyGraph(DesiredState(manifest))
            let position = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.address, $0) })
            #expect(position.count == graph.nodes.count, "\(path): a node twice")
            for edge in graph.edges {
                #expect((position[edge.to] ?? .max) < (position[edge.from] ?? -1), "\(path): \(edge)")
            }
            checked += graph.edges.count
        }
        #expect(checked > 30)
    }

    @Test("DOT and Mermaid quote what they draw; text lists apply's order with each object's needs")
    func rendering() throws {
        let graph = try Self.graph("""
            version: 1
            secrets_engines: [{ path: "kv", type: kv-v2 }]
            secret_schemas: [{ path: 'kv/a"b', fields: { x: { type: string } } }]
            """)
        let dot = GraphRender.dot(graph)
        #expect(dot.hasPrefix("digraph vaultform {\n"))
        #expect(dot.contains(#"  "kv-secret:kv/a\"b" -> "mount:kv/" [label = "mount"];"#), "\(dot)")
        let mermaid = GraphRender.mermaid(graph)
        #expect(mermaid.hasPrefix("```mermaid\nflowchart RL\n"))
        #expect(mermaid.contains("n3[\"kv-secret:kv/a#quot;b\"]"), "\(mermaid)")
        #expect(mermaid.contains("n3 -->|\"mount\"| n1"), "\(mermaid)")
        // A KV v2 engine's config is an object of its own, on the engine.
        #expect(GraphRender.text(graph) == """
            1. mount:kv/
            2. kv-config:kv/
               needs mount:kv/ (mount)
            3. kv-secret:kv/a"b
               needs mount:kv/ (mount)

            """)
    }
}

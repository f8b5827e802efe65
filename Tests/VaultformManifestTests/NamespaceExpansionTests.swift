import Testing
import VaultformManifest

/// `for_each` on namespaces: one entry, many namespaces of the same shape.
@Suite struct NamespaceExpansionTests {
    static func load(_ yaml: String, inputs: VariableInputs = VariableInputs()) -> ManifestLoader.Result {
        ManifestLoader(inputs: inputs).load(sources: [("m.yaml", yaml)])
    }

    @Test("for_each expands to the product of its lists, with ${each.KEY} in the path, metadata and contents, lists from variables too")
    func product() throws {
        let result = Self.load("""
            version: 1
            variables:
              tenants: { type: list, default: [acme, globex, initech] }
            namespaces:
              - path: tenants
              - path: tenants/${each.tenant}/${each.env}
                for_each: { tenant: "${var.tenants}", env: [dev, prod] }
                custom_metadata: { owner: "${each.tenant}" }
                contents:
                  policies: [{ name: "${each.tenant}-reader", hcl: 'path "kv/${each.env}/*" { capabilities = ["read"] }' }]
            """)
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.namespaces.map(\.path) == [
            "tenants", "tenants/acme/dev", "tenants/acme/prod", "tenants/globex/dev", "tenants/globex/prod",
            "tenants/initech/dev", "tenants/initech/prod",
        ])
        let globexProd = try #require(manifest.namespaces.first { $0.path == "tenants/globex/prod" })
        #expect(globexProd.customMetadata == ["owner": "globex"])
        #expect(globexProd.contents.policies.map(\.name) == ["globex-reader"])
        if case .hcl(let text)? = globexProd.contents.policies.first?.source { #expect(text.contains("kv/prod/*")) } else { Issue.record("no HCL") }
    }

    @Test("an unknown each key, a for_each that is not a map of lists, and an expansion declaring a path twice are errors")
    func errors() {
        let result = Self.load("""
            version: 1
            namespaces:
              - path: t/${each.tenant}
                for_each: { name: [a] }
              - path: u
                for_each: [a, b]
              - path: v/${each.x}
                for_each: { x: [a, a] }
            """)
        let messages = result.diagnostics.map(\.description)
        #expect(result.manifest == nil)
        #expect(messages.contains { $0.contains("names a key `for_each` does not have (it has name)") }, "\(messages)")
        #expect(messages.contains { $0.contains("`for_each` must be a map of names to lists of values") }, "\(messages)")
        #expect(messages.contains { $0.contains("namespace `v/a` is declared twice") }, "\(messages)")
    }
}

import Testing

@testable import VaultformManifest

/// Long lists of objects are checked, and many inline policies parsed, on several cores: the
/// outcome must be the one thread's, object for object and diagnostic for diagnostic.
@Suite("Loading on several cores")
struct ParallelLoadTests {
    /// `count` policies and as many AppRole roles; with `mistakes`, every tenth item of each
    /// has a mistake of one of several sorts (HCL syntax, capability, key, CIDR, duration, type,
    /// a variable's bad value, an undefined variable).
    static func manifest(count: Int, mistakes: Bool) -> String {
        var text = "version: 1\nvariables:\n  ttl: { type: string, default: forever }\n"
        text += "auth_methods:\n  - { path: approle, type: approle }\npolicies:\n"
        for index in 0..<count {
            switch mistakes ? index % 10 : 0 {
            case 3: text += "  - { name: p\(index), hcl: 'path \"kv/\(index)\" { capabilities = [\"read\"' }\n"
            case 5: text += "  - { name: p\(index), hcl: 'path \"kv/\(index)\" { capabilities = [\"raed\"] }' }\n"
            case 7: text += "  - { name: p\(index), colour: red, hcl: 'path \"kv/\(index)\" { capabilities = [\"read\"] }' }\n"
            default: text += "  - { name: p\(index), hcl: 'path \"kv/\(index)/*\" { capabilities = [\"read\", \"list\"] }' }\n"
            }
        }
        text += "approle_roles:\n"
        for index in 0..<count {
            switch mistakes ? index % 10 : 0 {
            case 2: text += "  - { name: r\(index), secret_id_bound_cidrs: [10.0.0.300/8] }\n"
            case 4: text += "  - { name: r\(index), token_ttl: forever }\n"
            case 6: text += "  - name: r\(index)\n    token_policies: { p\(index): yes }\n"
            // A bad value from a variable (its error notes the variable), and an undefined one.
            case 8: text += "  - { name: r\(index), token_ttl: \"${var.ttl}\" }\n"
            case 9: text += "  - { name: r\(index), token_ttl: \"${var.nope}\" }\n"
            default:
                text += "  - { name: r\(index), token_policies: [p\(index)], secret_id_ttl: 1h, token_bound_cidrs: [10.\(index % 256).0.0/16] }\n"
            }
        }
        return text
    }

    static func load(_ text: String, usesCores: Bool) -> ManifestLoader.Result {
        var loader = ManifestLoader()
        loader.usesCores = usesCores
        return loader.load(sources: [(file: "m.yaml", text: text)])
    }

    @Test("a valid manifest gives the same objects, in the same order")
    func sameObjects() throws {
        #expect(400 >= Checker.splitListLength)
        let text = Self.manifest(count: 400, mistakes: false)
        let one = Self.load(text, usesCores: false), many = Self.load(text, usesCores: true)
        let manifest = try #require(many.manifest)
        #expect(manifest.policies.count == 400 && manifest.appRoleRoles.count == 400)
        #expect(manifest.policies.map(\.name) == (0..<400).map { "p\($0)" })
        #expect(many.manifest == one.manifest)
        #expect(many.diagnostics == one.diagnostics)
    }

    @Test("a manifest with mistakes in many items gives the same diagnostics, in the same order")
    func sameDiagnostics() {
        let text = Self.manifest(count: 400, mistakes: true)
        let one = Self.load(text, usesCores: false), many = Self.load(text, usesCores: true)
        // Eight sorts of mistake, each in every tenth item of its list.
        #expect(one.diagnostics.filter { $0.severity == .error }.count >= 8 * 40, "\(one.diagnostics.count)")
        #expect(one.diagnostics.contains { $0.related.contains { $0.message.contains("variable `ttl`") } })
        #expect(many.diagnostics == one.diagnostics)
        #expect(many.manifest == nil)
    }
}

import Foundation
import Testing
@testable import VaultformManifest

/// A 500-byte manifest whose aliases (or variable references) expand to billions of nodes
/// once took over 13 GB; it must be refused quickly, with the place of the alias.
@Suite("Expansion budget")
struct ExpansionBudgetTests {
    /// Nine levels of nine aliases: 9^9 (387 million) scalars from about 350 bytes.
    static func bomb(under key: String = "variables", indent: String = "  ") -> String {
        var text = "version: 1\n\(key):\n\(indent)a: &a [x,x,x,x,x,x,x,x,x]\n"
        let names = Array("abcdefghi")
        for index in 1..<names.count {
            let previous = names[index - 1]
            text += "\(indent)\(names[index]): &\(names[index]) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        return text
    }

    /// Loads and times it. The refusal is by count, not time; the bound only shows the load ends
    /// (an unbounded expansion runs for minutes or exhausts memory), loose for a loaded machine.
    static func timedLoad(_ text: String, inputs: VariableInputs = VariableInputs()) -> (ManifestLoader.Result, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = load(text, inputs: inputs)
        return (result, clock.now - start)
    }

    @Test("a billion-laughs bomb is refused at the alias that crosses the budget", arguments: ["variables", "x-unknown", "secrets_engines"])
    func bombRefused(key: String) {
        let (result, elapsed) = Self.timedLoad(Self.bomb(under: key))
        #expect(elapsed < .seconds(60))
        #expect(result.manifest == nil)
        let error = result.diagnostics.first { $0.message.contains("YAML aliases expand this file past") }
        // Aliases of levels a to e add 74,718 nodes; the first `*e` (66,430 more) on line 8 crosses 100,000.
        #expect(error?.location == SourceLocation(file: "m.yaml", line: 8, column: 10), "\(result.diagnostics)")
    }

    @Test("an alias used as a mapping key (hashed by the YAML parser) is refused before parsing")
    func keyBomb() {
        let text = Self.bomb(under: "anchors") + "keys:\n  ? *i\n  : 1\n"
        let (result, elapsed) = Self.timedLoad(text)
        #expect(elapsed < .seconds(60))
        #expect(result.diagnostics.contains { $0.message.contains("YAML aliases expand") })
    }

    @Test("a bomb in a var file or in --var is refused too")
    func bombInVariables() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let varFile = directory.appendingPathComponent("vars.yaml")
        try Self.bomb(under: "ignored").replacingOccurrences(of: "version: 1\nignored:\n", with: "v: *i\n")
            .replacingOccurrences(of: "  ", with: "").write(to: varFile, atomically: true, encoding: .utf8)
        let manifest = "version: 1\nvariables:\n  v: { type: list }\n"
        let (fromFile, elapsed) = Self.timedLoad(manifest, inputs: VariableInputs(varFiles: [varFile.path]))
        #expect(elapsed < .seconds(60))
        #expect(fromFile.diagnostics.contains { $0.message.contains("YAML aliases expand") && $0.location?.file == varFile.path }, "\(fromFile.diagnostics)")

        let flow = "[" + (0..<9).map { _ in "*a" }.joined(separator: ",") + "]"
        var value = "[&a [x,x,x,x,x,x,x,x,x], "
        for level in 1..<8 { value += "&\(Character(UnicodeScalar(97 + level)!)) " + flow.replacingOccurrences(of: "*a", with: "*\(Character(UnicodeScalar(96 + level)!))") + ", " }
        value += "x]"
        let (fromFlag, flagElapsed) = Self.timedLoad(manifest, inputs: VariableInputs(assignments: ["v=" + value]))
        #expect(flagElapsed < .seconds(60))
        #expect(fromFlag.diagnostics.contains { $0.message.contains("YAML aliases expand") }, "\(fromFlag.diagnostics)")
    }

    @Test("a list variable referenced thousands of times is refused at the reference that crosses the budget")
    func variableMultiplication() {
        var text = "version: 1\nvariables:\n  v: { type: list, default: [" + (0..<100).map { "i\($0)" }.joined(separator: ",") + "] }\nexternal_policies:\n"
        text += String(repeating: "  - ${var.v}\n", count: 2_000)
        let (result, elapsed) = Self.timedLoad(text)
        #expect(elapsed < .seconds(60))
        let error = result.diagnostics.first { $0.message.contains("variable references expand the manifest past") }
        // Each use adds 101 nodes: the 991st crosses 100,000.
        #expect(error?.location == SourceLocation(file: "m.yaml", line: 4 + 991, column: 5), "\(result.diagnostics.prefix(3))")
    }

    @Test("ordinary anchors and aliases still load")
    func ordinaryAliases() {
        let text = """
            version: 1
            auth_methods:
              - { path: a1, type: approle, tuning: &t { default_lease_ttl: 1h } }
              - { path: a2, type: approle, tuning: *t }
              - { path: a3, type: approle, tuning: *t }
            """
        #expect(!load(text).diagnostics.hasErrors, "\(load(text).diagnostics)")
    }

    @Test("with no anchor in the file, an alias is an error of its own and `*` in text is no alias")
    func aliasesWithoutAnchors() {
        // The scan is skipped when the text has no `&`: a `*` in a policy path is text, and
        // an alias of no anchor must still fail, at its place.
        let text = "version: 1\npolicies:\n  - { name: p, hcl: 'path \"kv/*\" { capabilities = [\"read\"] }' }\nexternal_policies: [*nothing]\n"
        let result = load(text)
        #expect(result.manifest == nil)
        let error = result.diagnostics.first { $0.message.contains("undefined alias") }
        #expect(error?.location?.line == 4, "\(result.diagnostics)")
        #expect(!load("version: 1\npolicies:\n  - { name: p, hcl: 'path \"kv/*\" { capabilities = [\"read\"] }' }\n").diagnostics.hasErrors)
    }

    @Test("a manifest file over the size limit is refused before it is read")
    func fileSizeLimit() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vf-big-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(("version: 1\n#" + String(repeating: "x", count: ExpansionBudget.maxFileBytes)).utf8).write(to: file)
        let result = ManifestLoader().load(path: file.path)
        #expect(result.manifest == nil)
        #expect(result.diagnostics.contains { $0.message.contains("vaultform reads files of up to 8 MiB") }, "\(result.diagnostics)")
    }
}

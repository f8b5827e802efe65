import Foundation
import Testing
import VaultAPI

/// `vaultform show PLANFILE` renders a saved plan without a server, and with `--check` says
/// whether apply would still accept it.
@Suite("show renders a saved plan offline and checks it against a dev server")
struct ShowCommandTests {
    @Test("show renders text, JSON and Markdown with no server; --check says applicable, then stale after an out-of-band change")
    func showAndCheck() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-show")
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = PlanExactnessTests.unique("show")
        let secretMount = PlanExactnessTests.unique("kv")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines: [{ path: \(secretMount), type: kv-v2 }]
            policies:
              - name: \(policy)
                hcl: |
                  path "secret/data/show/*" { capabilities = ["read"] }
            secret_schemas:
              - path: \(secretMount)/app
                fields: { password: { type: string, generate: { kind: password, length: 24 } } }
            """, in: directory)
        let planFile = directory.appendingPathComponent("p.plan").path
        let planned = try await server.vaultform(["plan", manifest, "-out", planFile])
        #expect(planned.code == 0, "\(planned.all)")

        // No server, no token: VAULT_* is cleared by the runner.
        let text = try await StatusCommandTests.run(["show", planFile])
        #expect(text.code == 0, "\(text.all)")
        #expect(text.output.contains("made by vaultform"), "\(text.output)")
        #expect(text.output.contains("against OpenBao"), "\(text.output)")
        #expect(text.output.contains("policy:\(policy)"), "\(text.output)")
        #expect(text.output.contains("3 to add, 0 to change, 0 to destroy"), "\(text.output)")
        let json = try await StatusCommandTests.run(["show", planFile, "--format", "json"])
        #expect(json.code == 0, "\(json.all)")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect((decoded?["changes"] as? [Any])?.count == 3, "\(json.output)")
        let markdown = try await StatusCommandTests.run(["show", planFile, "--format", "markdown"])
        #expect(markdown.code == 0, "\(markdown.all)")
        #expect(markdown.output.contains("vaultform plan (p.plan)"), "\(markdown.output)")
        let detailed = try await StatusCommandTests.run(["show", planFile, "--detailed-exitcode"])
        #expect(detailed.code == 2, "\(detailed.all)")
        // Through a symlink, as CI artefact directories often hold them.
        let link = directory.appendingPathComponent("latest.plan")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: planFile)
        let linked = try await StatusCommandTests.run(["show", link.path])
        #expect(linked.code == 0 && linked.output == text.output, "\(linked.all)")

        let applicable = try await server.vaultform(["show", planFile, "--check"])
        #expect(applicable.code == 0, "\(applicable.all)")
        #expect(applicable.error.contains("still applies"), "\(applicable.error)")

        // Someone creates the policy by hand: the plan's create no longer applies.
        let client = try server.client()
        _ = try await client.request(.put, "sys/policies/acl/\(policy)", body: ["policy": .string(#"path "x" { capabilities = ["list"] }"#)])
        let stale = try await server.vaultform(["show", planFile, "--check"])
        #expect(stale.code == 1, "\(stale.all)")
        #expect(stale.error.contains("no longer applies"), "\(stale.error)")
        #expect(stale.error.contains("policy:\(policy) changed on the server since the plan was made"), "\(stale.error)")
        // apply agrees with show.
        let applied = try await server.vaultform(["apply", planFile, "--auto-approve"])
        #expect(applied.code == 1, "\(applied.all)")
        #expect(applied.error.contains("stale"), "\(applied.error)")

        // An edited file is refused by show --check as apply would refuse it.
        var bytes = try String(contentsOfFile: planFile, encoding: .utf8)
        bytes = bytes.replacingOccurrences(of: "secret/data/show/*", with: "secret/data/shoe/*")
        try bytes.write(toFile: planFile, atomically: true, encoding: .utf8)
        let edited = try await server.vaultform(["show", planFile, "--check"])
        #expect(edited.code == 1, "\(edited.all)")
        #expect(edited.error.contains("digest"), "\(edited.error)")
    }

    @Test("show refuses what is not a plan file, naming the file")
    func refusesNonPlans() async throws {
        let directory = try scratchDirectory("vf-show-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try await StatusCommandTests.run(["show", directory.appendingPathComponent("none.plan").path])
        #expect(missing.code == 1, "\(missing.all)")
        #expect(missing.error.contains("none.plan: cannot read the plan file"), "\(missing.error)")
        let yaml = directory.appendingPathComponent("m.yaml")
        try "version: 1\n".write(to: yaml, atomically: true, encoding: .utf8)
        let notPlan = try await StatusCommandTests.run(["show", yaml.path])
        #expect(notPlan.code == 1, "\(notPlan.all)")
        #expect(notPlan.error.contains("m.yaml: not a vaultform plan file"), "\(notPlan.error)")
        let asDirectory = try await StatusCommandTests.run(["show", directory.path])
        #expect(asDirectory.code == 1, "\(asDirectory.all)")
        #expect(asDirectory.error.contains("not a plan file"), "\(asDirectory.error)")
    }
}

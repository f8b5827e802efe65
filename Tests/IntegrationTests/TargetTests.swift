import Foundation
import Testing

/// `--target` narrows a plan; a target that names nothing must not pass as "No changes".
@Suite("--target")
struct TargetTests {
    @Test("a target matching nothing fails with a did-you-mean; a targeted plan says it covered only its targets")
    func targets() async throws {
        let server = try await DevServer.shared()
        let name = "tgt\(UInt32.random(in: 0...UInt32.max))-admin"
        let directory = try scratchDirectory("vf-target")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        try """
            version: 1
            policies:
              - { name: \(name), hcl: 'path "secret/data/x" { capabilities = ["read"] }' }
              - { name: \(name)-other, hcl: 'path "secret/data/y" { capabilities = ["read"] }' }
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let misspelt = "policy:" + name.replacingOccurrences(of: "admin", with: "admn")

        for command in [["plan", manifest], ["apply", manifest, "--auto-approve"]] {
            let run = try await server.vaultform(command + ["--target", misspelt])
            #expect(run.code == 1, "\(command[0]): \(run.all)")
            #expect(run.error.contains("--target \(misspelt) matches nothing in the manifest or on the server"), "\(run.all)")
            #expect(run.error.contains("did you mean `policy:\(name)`?"), "\(run.all)")
            #expect(!run.output.contains("No changes"), "\(run.all)")
        }

        let text = try await server.vaultform(["plan", manifest, "--target", "policy:\(name)"])
        #expect(text.code == 0, "\(text.all)")
        #expect(text.output.contains("This plan covers only its targets (policy:\(name)); other objects were not compared."), "\(text.all)")
        #expect(!text.output.contains("\(name)-other"))
        let markdown = try await server.vaultform(["plan", manifest, "--target", "policy:\(name)", "--format", "markdown"])
        #expect(markdown.output.contains("> This plan covers only its targets (policy:\(name))"), "\(markdown.all)")
        let json = try await server.vaultform(["plan", manifest, "--target", "policy:\(name)", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["targets"] as? [String] == ["policy:\(name)"])
        let whole = try await server.vaultform(["plan", manifest, "--format", "json"])
        let wholeObject = try #require(try JSONSerialization.jsonObject(with: Data(whole.output.utf8)) as? [String: Any])
        #expect(wholeObject["targets"] == nil)

        // Applied, the targeted object then plans as no changes, still saying it was targeted.
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve", "--target", "policy:\(name)"]).code == 0)
        let clean = try await server.vaultform(["plan", manifest, "--target", "policy:\(name)"])
        #expect(clean.output.hasPrefix("No changes. This plan covers only its targets"), "\(clean.all)")
    }
}

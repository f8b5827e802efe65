import Foundation
import Testing
import VaultAPI

/// The server refuses to tune a KV engine from version 2 to 1 ("cannot downgrade mount from
/// version 2"); vaultform once planned it as an update that apply then failed on.
@Suite("KV version 2 to 1")
struct KVDowngradeTests {
    @Test("plans a destructive replace; apply refuses it without --allow-destroy, converges with it")
    func downgradeIsAReplace() async throws {
        let server = try await DevServer.shared()
        let path = "kvdown\(UInt32.random(in: 0...UInt32.max))"
        _ = try await BaoCommand(server: server)("secrets", "enable", "-path=\(path)", "-version=2", "kv")
        let directory = try scratchDirectory("vf-kv-downgrade")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        try "version: 1\nsecrets_engines:\n  - { path: \(path), type: kv }\n".write(toFile: manifest, atomically: true, encoding: .utf8)

        let json = try await server.vaultform(["plan", manifest, "--format", "json"])
        #expect(json.code == 0, "\(json.all)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        #expect(change["action"] as? String == "replace", "\(json.output)")
        let text = try await server.vaultform(["plan", manifest])
        #expect(text.output.contains("cannot downgrade a KV engine from version 2 to 1"), "\(text.all)")

        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code == 1, "\(refused.all)")
        #expect(refused.error.contains("--allow-destroy"), "\(refused.all)")
        let client = try server.client()
        let kept = try await client.request(.get, "sys/mounts/\(path)")
        #expect(kept.json?["options"]?["version"]?.stringValue == "2", "the engine changed although apply refused")

        let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(applied.code == 0, "\(applied.all)")
        let after = try await client.request(.get, "sys/mounts/\(path)")
        #expect(after.json?["options"]?["version"]?.stringValue ?? "1" == "1", "\(String(describing: after.json))")
        let clean = try await server.vaultform(["plan", manifest])
        #expect(clean.code == 0)
        #expect(clean.output == "No changes. The server matches the manifest.\n", "\(clean.all)")
    }
}

import Foundation
import Testing
import VaultformCore

/// `vaultform plan`, run as a user runs it, against the shared dev server.
@Suite("vaultform plan against a dev server")
struct PlanCommandTests {
    static func manifest(_ text: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vf-plan-\(UUID().uuidString).yaml")
        try ("version: 1\n" + text).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func environment(_ server: DevServer) -> [String: String] {
        ["VAULT_ADDR": server.address.absoluteString, "VAULT_TOKEN": server.rootToken]
    }

    @Test("exit codes, text and JSON output, a saved plan, and no token anywhere")
    func planEndToEnd() async throws {
        let server = try await DevServer.shared()
        let name = "cmd\(UInt32.random(in: 0...UInt32.max))"
        let path = try Self.manifest("""
            policies: [{ name: \(name), hcl: 'path "secret/data/\(name)/*" { capabilities = ["read"] }' }]
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = Self.environment(server)

        let text = try await StatusCommandTests.run(["plan", path], environment: environment)
        #expect(text.code == 0, "\(text.all)")
        #expect(text.output.contains("+ policy \"\(name)\""))
        #expect(text.output.contains("Plan: 1 to add, 0 to change, 0 to destroy."))

        let detailed = try await StatusCommandTests.run(["plan", path, "--detailed-exitcode"], environment: environment)
        #expect(detailed.code == 2)

        let json = try await StatusCommandTests.run(["plan", path, "--format", "json"], environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["format_version"] as? Int == 1)
        #expect((object["changes"] as? [[String: Any]])?.first?["action"] as? String == "create")

        let planFile = path + ".plan"
        defer { try? FileManager.default.removeItem(atPath: planFile) }
        let saved = try await StatusCommandTests.run(["plan", path, "-out", planFile], environment: environment)
        #expect(saved.code == 0, "\(saved.all)")
        let file = try PlanFile.decode(try Data(contentsOf: URL(fileURLWithPath: planFile)))
        #expect(file.changes.map(\.address) == ["policy:\(name)"])
        #expect(file.server.flavour == "OpenBao")
        let permissions = try FileManager.default.attributesOfItem(atPath: planFile)[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        _ = try await BaoCommand(server: server).run(["policy", "write", name, "-"],
                                                input: "path \"secret/data/\(name)/*\" {\n  capabilities = [\"read\"]\n}\n")
        let clean = try await StatusCommandTests.run(["plan", path, "--detailed-exitcode"], environment: environment)
        #expect(clean.code == 0, "\(clean.all)")
        #expect(clean.output == "No changes. The server matches the manifest.\n")

        let fileText = (try? String(contentsOfFile: planFile, encoding: .utf8)) ?? ""
        let leaked = [text, detailed, json, saved, clean].contains { $0.all.contains(server.rootToken) } || fileText.contains(server.rootToken)
        #expect(!leaked, "the token appeared in plan output or the plan file")
    }

    @Test("--target narrows the plan; a bad target is a usage error")
    func targets() async throws {
        let server = try await DevServer.shared()
        let path = try Self.manifest("""
            policies:
              - { name: t-one, hcl: 'path "a" { capabilities = ["read"] }' }
              - { name: t-two, hcl: 'path "b" { capabilities = ["read"] }' }
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let narrowed = try await StatusCommandTests.run(["plan", path, "--target", "policy:t-two"], environment: Self.environment(server))
        #expect(narrowed.output.contains("policy \"t-two\""))
        #expect(!narrowed.output.contains("t-one"))
        let bad = try await StatusCommandTests.run(["plan", path, "--target", "polcy:x"], environment: Self.environment(server))
        #expect(bad.code != 0)
        #expect(bad.error.contains("not KIND:NAME"))
    }

    @Test("an invalid manifest fails before any request; an unreachable server fails clearly")
    func failures() async throws {
        let broken = try Self.manifest("policies: [{ name: x }]\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let invalid = try await StatusCommandTests.run(["plan", broken], environment: ["VAULT_ADDR": "http://127.0.0.1:1"])
        #expect(invalid.code == 1)
        #expect(invalid.error.contains("needs one of `hcl`, `file`, `rules`"))
        #expect(!invalid.error.contains("connection refused"))

        let valid = try Self.manifest("policies: [{ name: x, hcl: 'path \"a\" { capabilities = [\"read\"] }' }]\n")
        defer { try? FileManager.default.removeItem(atPath: valid) }
        let closedPort = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closedPort) {} }
        let port = closedPort.port
        let unreachable = try await StatusCommandTests.run(
            ["plan", valid, "--deadline", "5s"], environment: ["VAULT_ADDR": "http://127.0.0.1:\(port)", "VAULT_TOKEN": "t"])
        #expect(unreachable.code == 1)
        #expect(unreachable.error.contains("127.0.0.1:\(port)"))
    }
}

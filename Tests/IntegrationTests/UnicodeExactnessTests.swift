import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore
import VaultformRender

/// A finding of the outside trap suite, as a class: text changed out of band only in its
/// Unicode normalisation (a precomposed accent rewritten as a combining one) is a different
/// value to the server, so plan must see it, for every kind of text field; and apply repairs it.
@Suite("Unicode normalisation against a dev server")
struct UnicodeExactnessTests {
    static let composed = "caf\u{E9}"
    static let decomposed = "cafe\u{301}"

    @Test("a policy path, a mount description and an audit file path rewritten in another normalisation are drift that apply repairs")
    func normalisationIsAChange() async throws {
        // Its own server: it enables an audit device (see PlanExactnessTests).
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-unicode")
            defer { try? FileManager.default.removeItem(at: directory) }
            let kv = PlanExactnessTests.unique("kv"), policy = PlanExactnessTests.unique("p"), audit = PlanExactnessTests.unique("aud")
            let logPath = directory.appendingPathComponent("\(Self.composed).log").path
            let manifest = try SecretSchemaTests.write("""
                audit_devices:
                  - { path: \(audit), type: file, options: { file_path: "\(logPath)" } }
                secrets_engines:
                  - { path: \(kv), type: kv-v2, description: "\(Self.composed) secrets" }
                policies:
                  - name: \(policy)
                    rules: [{ path: "\(kv)/data/\(Self.composed)/*", capabilities: [read] }]
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

            // Out of band, the same text in the other normalisation, through the HTTP API.
            let client = try server.client()
            _ = try await client.request(.post, "sys/policies/acl/\(policy)", body: [
                "policy": .string("path \"\(kv)/data/\(Self.decomposed)/*\" { capabilities = [\"read\"] }\n"),
            ])
            _ = try await client.request(.post, "sys/mounts/\(kv)/tune", body: ["description": .string("\(Self.decomposed) secrets")])
            _ = try await client.request(.delete, "sys/audit/\(audit)")
            _ = try await client.request(.put, "sys/audit/\(audit)", body: [
                "type": "file",
                "options": ["file_path": .string(directory.appendingPathComponent("\(Self.decomposed).log").path)],
            ])

            let drift = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(drift.output.utf8)) as? [String: Any]
            let changes = (json?["changes"] as? [[String: Any]] ?? []).flatMap { change in
                (change["fields"] as? [[String: Any]] ?? []).map { "\(change["address"] ?? "") \($0["name"] ?? "")" }
            }
            #expect(changes.contains("policy:\(policy) policy"), "\(changes)")
            #expect(changes.contains("mount:\(kv)/ description"), "\(changes)")
            #expect(changes.contains("audit:\(audit)/ options"), "\(changes)")

            let repaired = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
            #expect(repaired.code == 0, "\(repaired.all)")
            let text = try await client.request(.get, "sys/policies/acl/\(policy)").data?["policy"]?.stringValue ?? ""
            #expect(text.utf8.contains(0xC3) && !text.unicodeScalars.contains("\u{301}"), "the server's policy was not repaired")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        }
    }
}

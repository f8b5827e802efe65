import Foundation
import Testing
import TestSupport
import VaultAPI

/// Audit devices against a real server: options written out of band in spellings the server
/// reads alike (`1` for `true`, `600` for `0600`, defaults spelled out) are no change, so no
/// replace resets the HMAC salt; a real difference is a replace, and apply carries it out.
@Suite("audit options against a dev server")
struct AuditOptionsExactnessTests {
    @Test("equivalent audit options are no change; a changed mode is a replace that apply makes")
    func equivalentOptions() async throws {
        // Its own server: it enables an audit device (see PlanExactnessTests).
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-audit-options")
            defer { try? FileManager.default.removeItem(at: directory) }
            let audit = PlanExactnessTests.unique("aud")
            let log = directory.appendingPathComponent("audit.log").path
            let client = try server.client()
            // Through the API: JSON true is stored as "1"; the mode without its leading zero.
            _ = try await client.request(.put, "sys/audit/\(audit)", body: [
                "type": "file",
                "options": ["file_path": .string(log), "log_raw": true, "mode": "600", "hmac_accessor": "True", "format": "json"],
            ])
            let stored = try await client.request(.get, "sys/audit").data?["\(audit)/"]?["options"]
            #expect(stored?["log_raw"]?.stringValue == "1", "the premise: the server keeps the spelling")
            let hash = try await client.request(.post, "sys/audit-hash/\(audit)", body: ["input": "x"]).data?["hash"]?.stringValue

            let manifest = try SecretSchemaTests.write("""
                audit_devices:
                  - { path: \(audit), type: file, options: { file_path: "\(log)", log_raw: "true", mode: "0600" } }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
            #expect(plan.code == 0, "\(plan.all)")
            // Applied, it touches nothing: the device keeps its salt (the same input hashes alike).
            let kept = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(kept.code == 0, "\(kept.all)")
            let hashAfter = try await client.request(.post, "sys/audit-hash/\(audit)", body: ["input": "x"]).data?["hash"]?.stringValue
            #expect(hash != nil && hashAfter == hash, "the device was re-created")

            let changed = try SecretSchemaTests.write("""
                audit_devices:
                  - { path: \(audit), type: file, options: { file_path: "\(log)", log_raw: "true", mode: "0640" } }
                """, in: directory)
            let replace = try await server.vaultform(["plan", changed, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(replace.output.utf8)) as? [String: Any]
            let change = (json?["changes"] as? [[String: Any]])?.first
            #expect(change?["action"] as? String == "replace", "\(replace.all)")
            let applied = try await server.vaultform(["apply", changed, "--auto-approve", "--allow-destroy"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await server.vaultform(["plan", changed, "--detailed-exitcode"]).code == 0)
            let stored0640 = try await client.request(.get, "sys/audit").data?["\(audit)/"]?["options"]?["mode"]?.stringValue
            #expect(stored0640 == "0640")
        }
    }
}

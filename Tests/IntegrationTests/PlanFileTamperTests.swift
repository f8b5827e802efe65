import Crypto
import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore

/// A saved plan edited after `plan -out` is refused before anything is written: its digest
/// is checked, keyed with the server's fingerprint key once the server has one.
@Suite("vaultform apply: edited plan files")
struct PlanFileTamperTests {
    static func policies(_ client: VaultClient) async throws -> [String] {
        (try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Writes `text` with the policy's capability `read` made `sudo`, `list`.
    static func escalated(_ text: String) -> String {
        text.replacingOccurrences(of: "[\\\"read\\\"]", with: "[\\\"sudo\\\", \\\"list\\\"]")
    }

    @Test("no fingerprint key yet: plan -out says the digest is not keyed; an edited plan is refused and nothing is written")
    func unkeyed() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-tamper")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let manifest = directory.appendingPathComponent("m.yaml").path
            try "version: 1\npolicies: [{ name: app, hcl: 'path \"app/*\" { capabilities = [\"read\"] }' }]\n"
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            let planFile = directory.appendingPathComponent("p.plan").path
            let plan = try await server.vaultform(["plan", manifest, "-out", planFile])
            #expect(plan.code == 0, "\(plan.all)")
            #expect(plan.error.contains("note: the server has no fingerprint key yet"), "\(plan.error)")
            let saved = try String(contentsOfFile: planFile, encoding: .utf8)
            #expect(saved.contains("\"digest\" : \"sha256:"))

            let edited = Self.escalated(saved)
            #expect(edited != saved)
            let editedFile = directory.appendingPathComponent("edited.plan").path
            try edited.write(toFile: editedFile, atomically: true, encoding: .utf8)
            let refused = try await server.vaultform(["apply", editedFile, "--auto-approve"])
            #expect(refused.code == 1, "\(refused.all)")
            #expect(refused.error.contains("error: \(editedFile): the plan file was changed after it was saved"), "\(refused.error)")
            #expect(refused.error.contains("Nothing was written."))
            #expect(!(try await Self.policies(client)).contains("app"))
            // Not even the lock: the check comes first.
            let mounts = try await client.request(.get, "sys/mounts").data?.objectValue ?? [:]
            #expect(mounts["vaultform-lock/"] == nil)

            // A file saved before digests were recorded (no digest) is refused too.
            let stripped = try PlanFile.decode(Data(saved.utf8))
            var old = stripped
            old.digest = nil
            try old.encoded().write(to: URL(fileURLWithPath: editedFile))
            let undigested = try await server.vaultform(["apply", editedFile, "--auto-approve"])
            #expect(undigested.code == 1)
            #expect(undigested.error.contains("the plan file has no digest"), "\(undigested.error)")

            let applied = try await server.vaultform(["apply", planFile, "--auto-approve"])
            #expect(applied.code == 0, "the untouched plan applies: \(applied.all)")
            #expect((try await Self.policies(client)).contains("app"))
        }
    }

    @Test("with a fingerprint key: the digest is keyed; edited plans are refused even with a recomputed digest")
    func keyed() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-tamper")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            // An apply with a secret schema creates the server's fingerprint key.
            let setup = directory.appendingPathComponent("setup.yaml").path
            try """
                version: 1
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas: [{ path: secret/app, fields: { token: { type: string, generate: { kind: password } } } }]
                """.write(toFile: setup, atomically: true, encoding: .utf8)
            #expect(try await server.vaultform(["apply", setup, "--auto-approve"]).code == 0)

            let manifest = directory.appendingPathComponent("m.yaml").path
            try "version: 1\npolicies: [{ name: app, hcl: 'path \"app/*\" { capabilities = [\"read\"] }' }]\n"
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            let planFile = directory.appendingPathComponent("p.plan").path
            let plan = try await server.vaultform(["plan", manifest, "-out", planFile])
            #expect(plan.code == 0, "\(plan.all)")
            #expect(!plan.error.contains("no fingerprint key"))
            let saved = try String(contentsOfFile: planFile, encoding: .utf8)
            #expect(saved.contains("\"digest\" : \"hmac-sha256:"))

            // Edited, with the digest recomputed as someone without the key can: unkeyed, or with another key.
            var edited = try PlanFile.decode(Data(Self.escalated(saved).utf8))
            let attempts: [(String, String?, String)] = [
                ("unkeyed", PlanDigest.of(edited, key: nil), "the server now has a fingerprint key"),
                ("another key", PlanDigest.of(edited, key: SymmetricKey(size: .bits256)), "the plan file was changed after it was saved"),
                ("left as it was", try PlanFile.decode(Data(saved.utf8)).digest, "the plan file was changed after it was saved"),
            ]
            for (name, digest, message) in attempts {
                edited.digest = digest
                let path = directory.appendingPathComponent("edited.plan").path
                try edited.encoded().write(to: URL(fileURLWithPath: path))
                let refused = try await server.vaultform(["apply", path, "--auto-approve"])
                #expect(refused.code == 1, "\(name): \(refused.all)")
                #expect(refused.error.contains(message), "\(name): \(refused.error)")
                #expect(refused.error.contains("Nothing was written."), "\(name)")
                #expect(!(try await Self.policies(client)).contains("app"), "\(name): written")
            }
            let applied = try await server.vaultform(["apply", planFile, "--auto-approve"])
            #expect(applied.code == 0, "the untouched plan applies: \(applied.all)")
            let stored = try await client.request(.get, "sys/policies/acl/app").data?["policy"]?.stringValue ?? ""
            #expect(stored.contains("\"read\"") && !stored.contains("sudo"), "\(stored)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Two findings of the security review against a real server: a key lost from the current
/// version of a secret (`bao kv put … note=oops`) is never silently regenerated, and equal
/// values at two places never show equal fingerprints in a plan that goes into a pull request.
@Suite("secret values lost or shared, against a dev server")
struct SecretLossTests {
    static let manifest = """
        secrets_engines: [{ path: secret, type: kv-v2 }]
        secret_schemas:
          - path: secret/hoodcloud/master-key
            allow_unexpected: true
            fields:
              key: { type: base64, bytes: 32, generate: { kind: random_bytes, bytes: 32 } }
        """

    @Test("a master key overwritten by `kv put note=oops` is a blocker naming version 1; --rotate makes a new one, marked as rotating")
    func lostKeyIsNotRegenerated() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-lost")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write(Self.manifest, in: directory)
            let first = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(first.code == 0, "\(first.all)")
            let original = try #require(try await SecretSchemaTests.fields("secret/hoodcloud/master-key", server)["key"])

            try await BaoCommand(server: server)("kv", "put", "-mount=secret", "hoodcloud/master-key", "note=oops")

            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            #expect(plan.code == 1, "a plan with a blocker exits 1: \(plan.all)")
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let findings = json?["findings"] as? [[String: Any]] ?? []
            let blocker = try #require(findings.first { $0["severity"] as? String == "blocker" }, "\(plan.output)")
            #expect(blocker["field"] as? String == "key")
            #expect((blocker["message"] as? String)?.contains("missing from the current version (2) but version 1 holds it") == true, "\(blocker)")
            #expect((blocker["hint"] as? String)?.contains("bao kv rollback -version=1 secret/hoodcloud/master-key") == true)
            let operations = json?["changes"] as? [[String: Any]] ?? []
            #expect(!operations.contains { $0["address"] as? String == "kv-secret:secret/hoodcloud/master-key" }, "\(operations)")

            let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(refused.code == 1, "\(refused.all)")
            #expect(try await SecretSchemaTests.fields("secret/hoodcloud/master-key", server)["key"] == nil, "apply wrote a new key")

            // Asked for: a new key, and the plan says it rotates (destroys the lost value's use).
            let rotating = try await server.vaultform(["plan", manifest, "--format", "json", "--rotate", "secret/hoodcloud/master-key.key"])
            let rotatingJSON = try JSONSerialization.jsonObject(with: Data(rotating.output.utf8)) as? [String: Any]
            let operation = try #require((rotatingJSON?["changes"] as? [[String: Any]])?.first, "\(rotating.all)")
            #expect(operation["rotates"] as? Bool == true, "\(operation)")
            let rotated = try await server.vaultform(["apply", manifest, "--auto-approve", "--rotate", "secret/hoodcloud/master-key.key"])
            #expect(rotated.code == 0, "\(rotated.all)")
            let now = try await SecretSchemaTests.fields("secret/hoodcloud/master-key", server)
            #expect(now["key"] != nil && now["key"] != original)
            #expect(now["note"]?.stringValue == "oops", "the hand-written field is kept")
        }
    }

    @Test("two secrets holding the same password show different fingerprints in a Markdown plan")
    func equalValuesDoNotLookEqual() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-reuse")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas:
                  - path: secret/app-a
                    fields: { password: { type: string, generate: { kind: password, length: 32 } } }
                  - path: secret/app-b
                    fields: { password: { type: string, generate: { kind: password, length: 32 } } }
                """, in: directory)
            // The first apply creates the server's fingerprint key and both secrets.
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let bao = BaoCommand(server: server)
            try await bao("kv", "patch", "-mount=secret", "app-a", "password=the-same-short-password")
            try await bao("kv", "patch", "-mount=secret", "app-b", "password=the-same-short-password")

            // A rotation of both shows what each holds now: shape and fingerprint.
            let plan = try await server.vaultform([
                "plan", manifest, "--format", "markdown", "--rotate", "secret/app-a.password", "--rotate", "secret/app-b.password",
            ])
            let fingerprints = plan.output.split(separator: "\n").filter { $0.contains("password") }.compactMap { line in
                line.range(of: #"hmac:[0-9a-f]{16}"#, options: .regularExpression).map { String(line[$0]) }
            }
            #expect(fingerprints.count == 2, "\(plan.output)")
            #expect(Set(fingerprints).count == 2, "equal passwords show equal fingerprints: \(plan.output)")
            #expect(!plan.all.contains("the-same-short-password"))
        }
    }
}

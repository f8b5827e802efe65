import Foundation
import Testing
import TestSupport
import VaultAPI

/// After any apply that writes a policy, the server holds its author's text (comments, order
/// and layout: the rationale a reviewer wrote), while plans still compare by meaning; a
/// structured rule's `description` becomes a comment above its block.
@Suite("policy text on the server, against a dev server")
struct PolicyTextTests {
    @Test("file and inline HCL are written as written; rule descriptions become comments; formatting alone is no change")
    func authorsText() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-policy-text")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fromFile = PlanExactnessTests.unique("pf"), structured = PlanExactnessTests.unique("ps")
        let text = """
            # Why: the control plane reads its own configuration only.
            path "secret/data/app/*" {
              capabilities = ["read"]   # never list: names are secret too
            }

            # Transit for the master key.
            path "transit/encrypt/app" { capabilities = ["update"] }
            """
        try text.write(toFile: directory.appendingPathComponent("\(fromFile).hcl").path, atomically: true, encoding: .utf8)
        let manifest = try SecretSchemaTests.write("""
            policies:
              - { name: \(fromFile), file: \(fromFile).hcl }
              - name: \(structured)
                rules:
                  - { path: "secret/data/ops/*", capabilities: [read, list], description: "Operators browse ops secrets" }
            """, in: directory)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        let client = try server.client()
        func stored(_ name: String) async throws -> String {
            try await client.request(.get, "sys/policies/acl/\(name)").data?["policy"]?.stringValue ?? ""
        }
        #expect(try await stored(fromFile) == text)
        #expect(try await stored(structured).contains("# Operators browse ops secrets\npath \"secret/data/ops/*\""))

        // Changed out of band (a grant added): drift; apply writes the author's text again.
        _ = try await client.request(.put, "sys/policies/acl/\(fromFile)", body: [
            "policy": "path \"secret/data/app/*\" { capabilities = [\"read\", \"list\"] }\npath \"transit/encrypt/app\" { capabilities = [\"update\"] }",
        ])
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 2)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        #expect(try await stored(fromFile) == text)

        // The same meaning in another layout: no change, and nothing is written.
        _ = try await client.request(.put, "sys/policies/acl/\(fromFile)", body: [
            "policy": "path \"transit/encrypt/app\" { capabilities = [\"update\"] }\npath \"secret/data/app/*\" { capabilities = [\"read\"] }",
        ])
        let version = try await client.request(.get, "sys/policies/acl/\(fromFile)").data?["version"]?.intValue
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        #expect(try await client.request(.get, "sys/policies/acl/\(fromFile)").data?["version"]?.intValue == version)
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// An apply that would delete the policy its own token depends on: the plan says so, apply
/// refuses before any write (not even the lock's), and with `--allow-self-lockout` it does
/// the rest first, releases its lock, and then takes its own access away.
@Suite("apply and the identity that runs it: self-lockout")
struct SelfLockoutApplyTests {
    @Test("a token holding an undeclared policy, and ownership of policies: plan marks it, apply refuses, the flag allows it and the lock is released")
    func undeclaredHeldPolicy() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-lockout")
            defer { try? FileManager.default.removeItem(at: directory) }
            let root = try server.client()
            // The applying identity: a token whose only real grants come from `ops`, which the
            // manifest does not declare but whose kind it owns.
            let everything = #"path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }"#
            _ = try await root.request(.put, "sys/policies/acl/ops", body: ["policy": .string(everything)], idempotent: true)
            let created = try await root.request(.post, "auth/token/create", body: ["policies": ["ops"], "ttl": "1h"])
            let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            let manifest = directory.appendingPathComponent("m.yaml").path
            try """
                version: 1
                ownership: [{ kind: policy }]
                policies:
                  - { name: app, hcl: 'path "app/*" { capabilities = ["read"] }' }
                """.write(toFile: manifest, atomically: true, encoding: .utf8)

            let plan = try await server.vaultform(["plan", manifest], token: token)
            #expect(plan.code == 0, "\(plan.all)")
            #expect(plan.output.contains("! self-lockout: the applying token holds policy ops"), "\(plan.output)")
            let json = try await server.vaultform(["plan", manifest, "--format", "json"], token: token)
            let changes = try JSONValue(decoding: Data(json.output.utf8))["changes"]?.arrayValue ?? []
            #expect(changes.map { $0["address"]?.stringValue ?? "" } == ["policy:app", "policy:ops"], "the self-lockout comes last")
            #expect(changes.last?["self_lockout"]?.stringValue == "the applying token holds policy ops")
            #expect(changes.first?["self_lockout"] == nil)
            let markdown = try await server.vaultform(["plan", manifest, "--format", "markdown"], token: token)
            #expect(markdown.output.contains("<strong>self-lockout</strong>"), "\(markdown.output)")

            // Refused before any write: no policy written, none deleted, not even the lock's mount.
            let refused = try await server.vaultform(["apply", manifest, "--auto-approve"], token: token)
            #expect(refused.code == 1, "\(refused.all)")
            #expect(refused.error.contains("policy:ops: self-lockout: the applying token holds policy ops"), "\(refused.error)")
            #expect(refused.error.contains("--allow-self-lockout"))
            #expect(refused.error.contains("Nothing was written."))
            // A saved plan keeps the mark, and is refused the same way.
            let planFile = directory.appendingPathComponent("ops.plan").path
            let saved = try await server.vaultform(["plan", manifest, "-out", planFile], token: token)
            #expect(saved.code == 0, "\(saved.all)")
            let savedRefused = try await server.vaultform(["apply", planFile], token: token)
            #expect(savedRefused.code == 1, "\(savedRefused.all)")
            #expect(savedRefused.error.contains("policy:ops: self-lockout: the applying token holds policy ops"), "\(savedRefused.error)")
            await #expect(throws: VaultError.self) { try await root.request(.get, "sys/policies/acl/app") }
            #expect(try await root.request(.get, "sys/policies/acl/ops").data?["policy"] != nil)
            #expect(try await root.request(.get, "sys/mounts").data?["vaultform-lock/"] == nil, "the lock was taken")

            // Allowed: everything else first, then the lock released, then the held policy.
            let allowed = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-self-lockout"], token: token)
            #expect(allowed.code == 0, "\(allowed.all)")
            #expect(allowed.output.contains("Apply complete: 1 added, 0 changed, 1 destroyed."), "\(allowed.all)")
            #expect(!allowed.error.contains("warning"), "\(allowed.error)")
            #expect(try await root.request(.get, "sys/policies/acl/app").data?["policy"] != nil)
            await #expect(throws: VaultError.self) { try await root.request(.get, "sys/policies/acl/ops") }
            let lock = try await root.request(.get, "vaultform-lock/data/apply")
            #expect(lock.data?["data"]?["state"] == "released", "the lock was left held: \(String(describing: lock.data))")
            // The token has lost its access, as the plan said.
            await #expect(throws: VaultError.self) { try await root.with(token: token).request(.get, "sys/policies/acl/app") }
        }
    }
}

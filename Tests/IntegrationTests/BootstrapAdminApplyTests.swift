import Foundation
import Testing
import TestSupport
import VaultAPI

/// The runbook's whole hand-over: bootstrap revokes the root token, and from then on the
/// admin AppRole runs the day-to-day applies, lock and fingerprint key included. And a
/// token that may not write the lock is told which capability to add where.
@Suite("bootstrap, then applies as the admin AppRole; the 403 a token without lock access gets")
struct BootstrapAdminApplyTests {
    @Test("bootstrap → drift → apply as the admin (lock, fingerprint key, --rotate, --lock-path) → plan: No changes")
    func seedFlowAsAdmin() async throws {
        let server = try await DevServer.startProduction()
        let directory = try scratchDirectory("vf-admin-apply")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let root = BootstrapTests.root.appendingPathComponent("manifests/hoodcloud")
            let admin = directory.appendingPathComponent("admin").path
            let home = ["HOME": directory.path]
            let common = [
                root.path, "--var-file", root.appendingPathComponent("env/dev.yaml").path,
                "--var", "audit_log_path=\(directory.appendingPathComponent("audit.log").path)",
                "--address", server.address.absoluteString,
            ]
            let bootstrap = try await StatusCommandTests.run(
                ["bootstrap"] + common + [
                    "--keys-file", directory.appendingPathComponent("keys.json").path, "--key-shares", "1", "--key-threshold", "1",
                    "--admin-role", "hoodcloud-admin", "--admin-credentials-dir", admin,
                ], environment: home)
            #expect(bootstrap.code == 0, "\(bootstrap.all)")
            #expect(bootstrap.output.contains("5. root token: revoked"), "\(bootstrap.all)")
            #expect(!bootstrap.error.contains("could not run vaultform apply"), "\(bootstrap.error)")
            let login = ["--approle-role-id-file", admin + "/role-id", "--approle-secret-id-file", admin + "/secret-id"]
            func vaultform(_ arguments: [String]) async throws -> StatusCommandTests.Run {
                try await StatusCommandTests.run(arguments + login, environment: home)
            }

            // Someone removes a service policy; the admin puts it back, under the lock.
            let adminClient = try await BootstrapTests.adminClient(server, admin: admin)
            _ = try await adminClient.request(.delete, "sys/policies/acl/hoodcloud-payment-service")
            let apply = try await vaultform(["apply"] + common + ["--auto-approve"])
            #expect(apply.code == 0, "\(apply.all)")
            #expect(apply.output.contains("Apply complete: 1 added, 0 changed, 0 destroyed."), "\(apply.all)")
            #expect(!apply.all.contains("403"), "\(apply.all)")

            // A rotation: a secret write under the lock, fingerprinted with the server's key.
            let rotate = try await vaultform(["apply"] + common + ["--auto-approve", "--rotate", "kv-secret:secret/hoodcloud/app-credentials.db_password"])
            #expect(rotate.code == 0, "\(rotate.all)")
            #expect(rotate.output.contains("Apply complete: 0 added, 1 changed, 0 destroyed."), "\(rotate.all)")

            // The lock elsewhere, on a KV v2 mount the admin may write (secret/).
            _ = try await adminClient.request(.delete, "sys/policies/acl/hoodcloud-auth-server")
            let elsewhere = try await vaultform(["apply"] + common + ["--auto-approve", "--lock-path", "secret/ops/vaultform-lock"])
            #expect(elsewhere.code == 0, "\(elsewhere.all)")
            #expect(try await adminClient.request(.get, "secret/data/ops/vaultform-lock").data?["data"]?["state"] == "released")

            // And the admin's plan sees nothing left to do, with fingerprints (it may read the key).
            let plan = try await vaultform(["plan"] + common)
            #expect(plan.code == 0, "\(plan.all)")
            #expect(plan.output.contains("No changes."), "\(plan.all)")
            #expect(try await adminClient.request(.get, "vaultform-lock/data/apply").data?["data"]?["state"] == "released")
            #expect(try await adminClient.request(.get, "vaultform-lock/data/fingerprint-key").data?["data"]?["key"] != nil)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("an apply whose token may read but not write the lock: the 403 names the capability, the path and the policy block")
    func lockWithoutWriteAccess() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-lock-403")
            defer { try? FileManager.default.removeItem(at: directory) }
            let root = try server.client()
            let policy = """
                path "sys/policies/acl" { capabilities = ["list"] }
                path "sys/policies/acl/*" { capabilities = ["create", "read", "update"] }
                path "sys/mounts/*" { capabilities = ["create", "read", "update"] }
                path "vaultform-lock/data/*" { capabilities = ["read"] }
                path "vaultform-lock/metadata/*" { capabilities = ["read"] }
                """
            _ = try await root.request(.put, "sys/policies/acl/operator", body: ["policy": .string(policy)], idempotent: true)
            let created = try await root.request(.post, "auth/token/create", body: ["policies": ["operator"], "ttl": "1h"])
            let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            let manifest = directory.appendingPathComponent("m.yaml").path
            try "version: 1\npolicies:\n  - { name: app, hcl: 'path \"app/*\" { capabilities = [\"read\"] }' }\n"
                .write(toFile: manifest, atomically: true, encoding: .utf8)

            let apply = try await server.vaultform(["apply", manifest, "--auto-approve"], token: token)
            #expect(apply.code == 1, "\(apply.all)")
            let expected = #"POST vaultform-lock/data/apply: HTTP 403: permission denied (the token lacks "create" or "update" on vaultform-lock/data/apply; it has "read" there; add to one of its policies (operator): path "vaultform-lock/data/apply" { capabilities = ["create", "read", "update"] })"#
            #expect(apply.error.contains(expected), "\(apply.error)")
            #expect(!apply.all.contains(token))
            await #expect(throws: VaultError.self) { try await root.request(.get, "sys/policies/acl/app") }
        }
    }
}

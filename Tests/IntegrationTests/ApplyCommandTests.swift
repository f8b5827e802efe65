import Foundation
import Testing
import VaultformCore

/// `vaultform apply` end to end, as CI runs it: apply, then plan must say no changes; drift
/// out of band, plan shows it, apply repairs it.
@Suite("vaultform apply against dev servers")
struct ApplyCommandTests {
    static func run(_ arguments: [String], _ server: DevServer) async throws -> StatusCommandTests.Run {
        try await server.vaultform(arguments)
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("an empty server: apply HoodCloud and every example, then plan says no changes")
    func applyShippedManifests() async throws {
        try await DevServer.with { server in
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("vf-apply-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            let hood = [Self.root.appendingPathComponent("manifests/hoodcloud").path,
                        "--var-file", Self.root.appendingPathComponent("manifests/hoodcloud/env/dev.yaml").path,
                        "--var", "audit_log_path=\(log)"]
            let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("examples").path)
                // engines.yaml needs a PostgreSQL (EnginesExampleTests starts one and applies it).
                .filter { $0.hasSuffix(".yaml") && $0 != "engines.yaml" }.sorted().map { [Self.root.appendingPathComponent("examples/\($0)").path] }
            for manifest in [hood] + examples {
                let apply = try await Self.run(["apply"] + manifest + ["--auto-approve"], server)
                #expect(apply.code == 0, "\(manifest[0]): \(apply.all)")
                #expect(apply.output.contains("Apply complete: "))
                let plan = try await Self.run(["plan"] + manifest + ["--detailed-exitcode"], server)
                #expect(plan.code == 0, "\(manifest[0]) after apply: \(plan.all)")
                #expect(plan.output == "No changes. The server matches the manifest.\n")
                #expect(!apply.all.contains(server.rootToken) && !plan.all.contains(server.rootToken))
            }
        }
    }

    @Test("each kind of out-of-band change: plan exits 2 and shows it, apply repairs it, plan exits 0")
    func driftAndRepair() async throws {
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-drift-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = directory.appendingPathComponent("m.yaml").path
            try """
                version: 1
                ownership: [{ kind: policy, prefix: app- }, { kind: approle_role, mount: approle }]
                audit_devices: [{ path: file, type: file, options: { file_path: "\(directory.path)/audit.log" } }]
                secrets_engines:
                  - { path: kv, type: kv-v2, tuning: { max_lease_ttl: 0 }, kv_config: { max_versions: 5 } }
                  - { path: transit, type: transit }
                transit_keys: [{ mount: transit, name: k, auto_rotate_period: 0 }]
                policies: [{ name: app-reader, rules: [{ path: "kv/data/app/*", capabilities: [read] }] }]
                auth_methods: [{ path: approle, type: approle }]
                approle_roles:
                  - { name: app, token_ttl: 1h, token_bound_cidrs: [10.0.0.5], token_policies: [app-reader] }
                  - { name: ci, token_ttl: 30m }
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let first = try await Self.run(["apply", manifest, "--auto-approve"], server)
            #expect(first.code == 0, "\(first.all)")

            let drifts: [(change: [String], input: String?, shows: String)] = [
                (["policy", "write", "app-reader", "-"], "path \"kv/data/*\" { capabilities = [\"read\"] }\n", "~ policy \"app-reader\""),
                (["write", "auth/approle/role/app", "token_ttl=2h"], nil, "token_ttl = 2h → 1h"),
                (["write", "auth/approle/role/app", "token_bound_cidrs=10.0.0.6"], nil, "token_bound_cidrs"),
                (["secrets", "tune", "-max-lease-ttl=5h", "kv/"], nil, "max_lease_ttl = 5h → 0s"),
                (["write", "kv/config", "max_versions=9"], nil, "max_versions = 9 → 5"),
                (["write", "transit/keys/k/config", "auto_rotate_period=48h"], nil, "auto_rotate_period = 48h → 0s"),
                (["audit", "disable", "file"], nil, "+ audit \"file/\""),
                (["delete", "auth/approle/role/ci"], nil, "+ approle-role \"approle/ci\""),
                (["policy", "write", "app-extra", "-"], "path \"x\" { capabilities = [\"read\"] }\n", "- policy \"app-extra\""),
                (["write", "auth/approle/role/stray", "token_ttl=1h"], nil, "- approle-role \"approle/stray\""),
            ]
            for drift in drifts {
                _ = try await bao.run(drift.change, input: drift.input)
                let plan = try await Self.run(["plan", manifest, "--detailed-exitcode"], server)
                #expect(plan.code == 2, "\(drift.change): \(plan.all)")
                #expect(plan.output.contains(drift.shows), "\(drift.change) should show `\(drift.shows)`:\n\(plan.output)")
                let apply = try await Self.run(["apply", manifest, "--auto-approve", "--allow-destroy"], server)
                #expect(apply.code == 0, "\(drift.change): \(apply.all)")
                let again = try await Self.run(["plan", manifest, "--detailed-exitcode"], server)
                #expect(again.code == 0, "\(drift.change) not repaired: \(again.all)")
            }
        }
    }

    @Test("a stale saved plan is refused; an unchanged one applies")
    func savedPlans() async throws {
        try await DevServer.with { server in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-saved-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = directory.appendingPathComponent("m.yaml").path, planFile = directory.appendingPathComponent("p.plan").path
            try """
                version: 1
                policies: [{ name: saved, hcl: 'path "a" { capabilities = ["read"] }' }]
                auth_methods: [{ path: approle, type: approle }]
                approle_roles: [{ name: r, token_ttl: 1h, role_id: fixed-role-id }]
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            #expect(try await Self.run(["plan", manifest, "-out", planFile], server).code == 0)
            _ = try await BaoCommand(server: server).run(["policy", "write", "saved", "-"], input: "path \"b\" { capabilities = [\"read\"] }\n")
            let stale = try await Self.run(["apply", planFile], server)
            #expect(stale.code == 1)
            #expect(stale.error.contains("stale"))
            #expect(stale.error.contains("policy:saved"))
            #expect(stale.error.contains("Nothing was written."))

            #expect(try await Self.run(["plan", manifest, "-out", planFile], server).code == 0)
            let fresh = try await Self.run(["apply", planFile], server)
            #expect(fresh.code == 0, "\(fresh.all)")
            #expect(fresh.output.contains("Apply complete: 2 added, 1 changed, 0 destroyed."), "\(fresh.output)")
            #expect(try await Self.run(["plan", manifest, "--detailed-exitcode"], server).code == 0)
            let roleID = try await BaoCommand(server: server).run(["read", "-field=role_id", "auth/approle/role/r/role-id"])
            #expect(roleID.trimmingCharacters(in: .whitespacesAndNewlines) == "fixed-role-id")
        }
    }

    @Test("a destructive change without --allow-destroy is refused and nothing is written; without a terminal apply needs --auto-approve")
    func safety() async throws {
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["secrets", "enable", "-path=data", "kv"])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-safe-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = directory.appendingPathComponent("m.yaml").path
            try """
                version: 1
                secrets_engines: [{ path: data, type: transit }]
                policies: [{ name: new-one, hcl: 'path "a" { capabilities = ["read"] }' }]
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let refused = try await Self.run(["apply", manifest, "--auto-approve"], server)
            #expect(refused.code == 1)
            #expect(refused.error.contains("mount:data/"))
            #expect(refused.error.contains("--allow-destroy"))
            #expect(refused.error.contains("Nothing was written."))
            let policies = try await bao.run(["policy", "list"])
            #expect(!policies.contains("new-one"), "a refused apply wrote something")

            try "version: 1\npolicies: [{ name: new-one, hcl: 'path \"a\" { capabilities = [\"read\"] }' }]\n"
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            let unconfirmed = try await Self.run(["apply", manifest], server)
            #expect(unconfirmed.code == 1)
            #expect(unconfirmed.error.contains("--auto-approve"))
            #expect(!(try await bao.run(["policy", "list"])).contains("new-one"))
        }
    }
}

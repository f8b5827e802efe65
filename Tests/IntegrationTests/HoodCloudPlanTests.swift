import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// The seed's vault-init.sh, run against a fresh server, then planned with the HoodCloud
/// manifest: the plan must list exactly the differences the manifest intends.
@Suite("HoodCloud: vault-init.sh, then plan")
struct HoodCloudPlanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the plan lists only what the manifest intends to change")
    func planAfterScript() async throws {
        try await DevServer.with { server in
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("vf-hood-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            // A dev server mounts KV v2 at secret/; a fresh production server, which the
            // script was written for, has nothing there.
            _ = try await BaoCommand(server: server).run(["secrets", "disable", "secret"])
            let script = Self.root.appendingPathComponent("Tests/IntegrationTests/Fixtures/vault-init.sh").path
            try await Self.runScript(script, server: server, auditLog: log)

            let manifestPath = Self.root.appendingPathComponent("manifests/hoodcloud").path
            let inputs = VariableInputs(assignments: ["audit_log_path=\(log)"])
            let result = ManifestLoader(inputs: inputs).load(path: manifestPath)
            let desired = Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
            let live = try await LiveReader(client: server.client()).read(for: desired)
            let plan = Planner.plan(desired: desired, live: live)
            let text = PlanText.render(plan, color: false)

            // What the manifest intends, and nothing else:
            let actions = Dictionary(plan.operations.map { ($0.address.description, $0.action) }, uniquingKeysWith: { a, _ in a })
            #expect(actions == [
                // The script never set the audit device's description.
                "audit:file/": .replace,
                // Nor the AppRole method's.
                "auth:approle/": .update,
                // The script left KV config at the server's defaults; the manifest states max_versions 10.
                "kv-config:secret/": .update,
                // Least-privilege policies replace the script's broad ones.
                "policy:hoodcloud-admin": .update,
                "policy:hoodcloud-auth-server": .update,
                "policy:hoodcloud-control-plane": .update,
                "policy:hoodcloud-payment-service": .update,
                // CIDR bindings, token types and lifetimes per the runbook's Security Model.
                "approle-role:approle/hoodcloud-admin": .update,
                "approle-role:approle/hoodcloud-auth-server": .update,
                "approle-role:approle/hoodcloud-control-plane": .update,
                "approle-role:approle/hoodcloud-payment-service": .update,
                // Steps 8-10 are done by hand after the script: the generated secrets are planned...
                "kv-secret:secret/hoodcloud/app-credentials": .create,
                "kv-secret:secret/hoodcloud/master-key": .create,
            ], "\(text)")
            // ...and every field only a person can supply is a blocker until its variable is set
            // (production defaults: require_supplied_secrets is true).
            let blocked = Dictionary(grouping: plan.blockers, by: { $0.address.description }).mapValues { $0.compactMap(\.field).sorted() }
            #expect(blocked["kv-secret:secret/hoodcloud/providers/hetzner"] == ["HCLOUD_TOKEN"])
            #expect(blocked["kv-secret:secret/infra/certbot/cloudflare"] == ["api_token"])
            #expect(blocked["kv-secret:secret/payment-service/credentials"]?.count == 5)
            #expect(blocked["kv-secret:secret/hoodcloud/app-credentials"]?.contains("clerk_secret_key") == true)
            #expect(plan.blockers.allSatisfy { $0.message.contains("is not set") }, "\(text)")
            let appCredentials = plan.operations.first { $0.address.description == "kv-secret:secret/hoodcloud/app-credentials" }
            #expect(appCredentials?.secretWrite?.fills.map(\.field).sorted() == [
                "db_password", "jwt_private_key", "redis_password", "sealed_box_private_key",
            ])
            let audit = plan.operations.first { $0.address.description == "audit:file/" }
            #expect(audit?.changes.map(\.field) == ["description"])
            let controlPlane = plan.operations.first { $0.address.description == "approle-role:approle/hoodcloud-control-plane" }
            let changedFields = Set(controlPlane?.changes.map(\.field) ?? [])
            #expect(changedFields.isSuperset(of: ["secret_id_bound_cidrs", "token_bound_cidrs"]))
            #expect(!plan.operations.contains { $0.address.kind == .secretsEngine || $0.address.kind == .transitKey })
        }
    }

    static func runScript(_ script: String, server: DevServer, auditLog: String) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("vf-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessRunner.cleanEnvironment
        environment["HOME"] = home.path
        environment["BAO_ADDR"] = server.address.absoluteString
        environment["BAO_TOKEN"] = server.rootToken
        environment["AUDIT_LOG"] = auditLog
        environment["PATH"] = (BaoCommand.bao as NSString).deletingLastPathComponent + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/bash"), [script], environment: environment, mergeStandardError: true)
        let text = result.standardOutput.replacingOccurrences(of: server.rootToken, with: "<token>")
        #expect(result.exitCode == 0, "vault-init.sh failed:\n\(text)")
    }
}

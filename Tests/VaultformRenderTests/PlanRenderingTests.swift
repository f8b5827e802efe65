import Foundation
import Testing
import VaultformCore
import VaultformManifest
import VaultformPolicy
import VaultformRender

/// Golden-file tests: the renderers' output for a plan with every action is compared with
/// committed files. Set VAULTFORM_RECORD_GOLDEN=1 to write new baselines after a deliberate change.
@Suite struct PlanRenderingTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func plan() throws -> Plan {
        let result = ManifestLoader().load(sources: [("m.yaml", """
            version: 1
            ownership: [{ kind: policy, prefix: app- }]
            audit_devices: [{ path: file, type: file, options: { file_path: /vault/logs/audit.log } }]
            secrets_engines:
              - { path: transit, type: transit }
              - { path: secret, type: kv-v2 }
            transit_keys: [{ mount: transit, name: master, type: aes256-gcm96, derived: true }]
            policies:
              - name: app-reader
                rules:
                  - { path: "secret/data/app/*", capabilities: [read, list] }
                  - { path: "auth/token/renew-self", capabilities: [update] }
            auth_methods: [{ path: approle, type: approle }]
            approle_roles:
              - { name: app, token_ttl: 1h, token_policies: [app-reader], token_bound_cidrs: [10.0.0.5/32] }
            secret_schemas:
              - path: secret/app
                forbidden: [legacy]
                fields:
                  db_password: { type: string, generate: { kind: password, length: 32, classes: [lower, upper, digit] } }
                  jwt_private_key: { type: pem-private-key, generate: { kind: rsa, bits: 2048, public_field: jwt_public_key } }
                  jwt_public_key: { type: pem-public-key }
                  env_vars: { type: json-object, coerce: true }
                  clerk_secret_key: { type: string, from_env: CLERK_SECRET_KEY }
            """)])
        let desired = Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
        let oldPolicy = try PolicyParser.parse("""
            path "secret/data/app/*" { capabilities = ["read"] }
            path "auth/token/renew-self" { capabilities = ["update"] }
            """).get()
        let live = LiveState(resources: [
            Resource(Address(.secretsEngine, "transit/"), fields: ["type": .string("transit")]),
            Resource(Address(.transitKey, "transit/master"), fields: ["type": .string("aes256-gcm96"), "derived": .boolean(false)]),
            Resource(Address(.policy, "app-reader"), fields: ["policy": .policy(oldPolicy)]),
            Resource(Address(.policy, "app-legacy"), fields: ["policy": .policy(oldPolicy)]),
            Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle")]),
            Resource(Address(.appRoleRole, "approle/app"), fields: [
                "token_ttl": .seconds(1800), "token_policies": .set(["app-reader"]), "token_bound_cidrs": .set(["10.0.0.5"]),
            ]),
        ], secrets: ["secret/app": SecretObservation(
            version: 4, exists: true,
            fields: [
                "db_password": ObservedField(shape: "string, 32 characters", verdict: .valid, fingerprint: "hmac:1f2e3d4c5b6a7988"),
                "env_vars": ObservedField(
                    shape: "JSON object stored as a string (2 keys)", verdict: .coercible("a JSON object stored as a string"),
                    fingerprint: "hmac:0a1b2c3d4e5f6071"),
                "legacy": ObservedField(shape: "string, 12 characters", verdict: .valid, fingerprint: "hmac:9988776655443322"),
            ],
            sources: ["clerk_secret_key": .unavailable("CLERK_SECRET_KEY is not set")])])
        return Planner.plan(desired: desired, live: live)
    }

    func assertGolden(_ actual: String, _ name: String) throws {
        let file = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["VAULTFORM_RECORD_GOLDEN"] == "1" {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected, "\(name) differs; diff it, and record with VAULTFORM_RECORD_GOLDEN=1 if intended:\n\(actual)")
    }

    @Test func textPlan() throws {
        try assertGolden(PlanText.render(try Self.plan(), color: false), "plan.txt")
    }

    @Test func jsonPlan() throws {
        try assertGolden(PlanJSON.render(try Self.plan()), "plan.json")
    }

    @Test func emptyPlanSaysSo() {
        let plan = Plan(operations: [], unchanged: [Address(.policy, "x")])
        #expect(PlanText.render(plan, color: false) == "No changes. The server matches the manifest.\n")
        #expect(PlanJSON.render(plan).contains("\"unchanged\" : 1"))
    }

    @Test func secretsShowShapesFingerprintsAndOriginsOnly() throws {
        let plan = try Self.plan()
        let text = PlanText.render(plan, color: false), json = PlanJSON.render(plan)
        #expect(text.contains("~ env_vars        = (JSON object stored as a string (2 keys), hmac:0a1b2c3d4e5f6071) → (rewritten as a json-object)"))
        #expect(text.contains("+ jwt_private_key = (generated: rsa, 2048 bits, with jwt_public_key)"))
        #expect(text.contains("Blocker: kv-secret:secret/app: `clerk_secret_key` is required and missing: CLERK_SECRET_KEY is not set"))
        #expect(text.contains("Warning: kv-secret:secret/app: forbidden field `legacy` is present"))
        #expect(text.hasSuffix("Apply will refuse this plan until the blocker above is resolved.\n"))
        #expect(json.contains(#""fingerprint" : "hmac:0a1b2c3d4e5f6071""#))
        #expect(json.contains(#""blockers" : 1"#))
    }

    @Test func colourOnlyWhenAsked() throws {
        let plan = try Self.plan()
        #expect(PlanText.render(plan, color: true).contains("\u{1B}["))
        #expect(!PlanText.render(plan, color: false).contains("\u{1B}["))
    }
}

@Suite("Apply progress bar")
struct ProgressBarTests {
    @Test("fills in proportion, pads the counter and percentage so the bar never jumps")
    func render() {
        #expect(ProgressBar.render(done: 0, total: 40, width: 20) == "[--------------------]  0/40   0%")
        #expect(ProgressBar.render(done: 12, total: 40, width: 20) == "[######--------------] 12/40  30%")
        #expect(ProgressBar.render(done: 40, total: 40, width: 20) == "[####################] 40/40 100%")
        #expect(ProgressBar.render(done: 1, total: 3, width: 3) == "[#--] 1/3  33%")
        #expect(ProgressBar.render(done: 5, total: 0, width: 4) == "[####] 1/1 100%", "a zero total never divides by zero")
    }

    @Test("each operation's line is printed above the bar, which is erased and redrawn")
    func sequence() {
        let text = ProgressBar.started(done: 1, total: 4, line: "[2/4] create policy:a…")
            + ProgressBar.finished(done: 2, total: 4)
        #expect(text == "\r\u{1B}[2K[2/4] create policy:a…\n[#######-----------------------] 1/4  25%"
            + "\r\u{1B}[2K[###############---------------] 2/4  50%")
    }
}

import Foundation
import Testing
import VaultAPI
import VaultformCore
import VaultformServer

/// A saved plan is self-contained: each operation carries the object it acts on, so apply
/// needs the file alone (no manifest, no desired state beside the plan) to create, update,
/// replace and fill, and to read every write back against what was planned.
@Suite("saved plans apply from the file alone, against a dev server")
struct SavedPlanSelfContainedTests {
    /// A manifest with a Transit key and AppRole roles; `extra` adds a role and a secret to fill.
    static func manifest(_ names: (tr: String, ar: String, kv: String), ttl: String, keyType: String, extra: Bool, in directory: URL) throws -> String {
        var yaml = """
            secrets_engines: [{ path: \(names.tr), type: transit }, { path: \(names.kv), type: kv-v2 }]
            transit_keys: [{ mount: \(names.tr), name: k, type: \(keyType), deletion_allowed: true }]
            auth_methods: [{ path: \(names.ar), type: approle }]
            approle_roles:
              - { name: app, mount: \(names.ar), role_id: "fixed-\(names.ar)", token_ttl: \(ttl) }

            """
        if extra {
            yaml += """
                  - { name: new, mount: \(names.ar), token_ttl: 1h, token_policies: [default] }
                secret_schemas:
                  - path: \(names.kv)/app
                    fields: { password: { type: string, generate: { kind: password, length: 24 } } }

                """
        }
        return try SecretSchemaTests.write(yaml, in: directory)
    }

    @Test("a saved plan applies with its manifest gone: a create, an update, a replace and a secret fill; a new plan then has nothing to do")
    func appliesWithoutTheManifest() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-selfcontained")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = (tr: PlanExactnessTests.unique("tr"), ar: PlanExactnessTests.unique("ar"), kv: PlanExactnessTests.unique("kv"))
        let first = try Self.manifest(names, ttl: "1h", keyType: "aes256-gcm96", extra: false, in: directory)
        let setup = try await server.vaultform(["apply", first, "--auto-approve"])
        #expect(setup.code == 0, "\(setup.all)")

        let planFile = directory.appendingPathComponent("p.plan").path
        let second = try Self.manifest(names, ttl: "2h", keyType: "ed25519", extra: true, in: directory)
        let planned = try await server.vaultform(["plan", second, "-out", planFile])
        #expect(planned.code == 0, "\(planned.all)")
        // Nothing but the plan file is left to apply from.
        try FileManager.default.removeItem(atPath: second)

        let applied = try await server.vaultform(["apply", planFile, "--auto-approve", "--allow-destroy"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(applied.output.contains("Apply complete: 3 added, 1 changed, 1 destroyed."), "\(applied.output)")

        let client = try server.client()
        let app = try await client.request(.get, "auth/\(names.ar)/role/app").data
        #expect(app?["token_ttl"]?.intValue == 7200)
        let roleID = try await client.request(.get, "auth/\(names.ar)/role/app/role-id").data
        #expect(roleID?["role_id"]?.stringValue == "fixed-\(names.ar)")
        let new = try await client.request(.get, "auth/\(names.ar)/role/new").data
        #expect(new?["token_ttl"]?.intValue == 3600)
        let key = try await client.request(.get, "\(names.tr)/keys/k").data
        #expect(key?["type"]?.stringValue == "ed25519")
        #expect(key?["deletion_allowed"]?.boolValue == true)
        let secret = try await SecretSchemaTests.fields("\(names.kv)/app", server)
        #expect(secret["password"]?.stringValue?.count == 24)

        let again = try Self.manifest(names, ttl: "2h", keyType: "ed25519", extra: true, in: directory)
        let replanned = try await server.vaultform(["plan", again, "--detailed-exitcode"])
        #expect(replanned.code == 0, "\(replanned.all)")
    }

    /// The applier reads an update back against the object the file carries (before, a saved
    /// update carried none, and its read-back checked nothing). A file whose object disagrees
    /// with its own field change (which no plan writes) shows which one the read-back uses.
    @Test("a plan restored from the file's bytes applies with nothing beside it, and reads an update back against the file's object")
    func readBackFromTheFile() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-selfcontained")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = (tr: PlanExactnessTests.unique("tr"), ar: PlanExactnessTests.unique("ar"), kv: PlanExactnessTests.unique("kv"))
        let setup = try await server.vaultform(
            ["apply", try Self.manifest(names, ttl: "1h", keyType: "aes256-gcm96", extra: false, in: directory), "--auto-approve"])
        #expect(setup.code == 0, "\(setup.all)")

        let client = try server.client()
        let desired = try SecretSchemaTests.desired(
            try Self.manifest(names, ttl: "2h", keyType: "aes256-gcm96", extra: false, in: directory))
        let live = try await LiveReader(client: client).read(for: desired)
        let plan = Planner.plan(desired: desired, live: live)
        #expect(plan.operations.map(\.action) == [.update], "\(plan.operations)")
        let file = PlanFile(
            plan: plan, live: live, desired: desired, manifestPath: "m.yaml",
            server: .init(address: server.address.absoluteString, namespace: nil, flavour: "OpenBao", version: "2.7.2"),
            vaultformVersion: "test")
        #expect(file.changes.first?.desired?["token_ttl"] == .seconds(7200))

        var disagreeing = file
        disagreeing.changes[0].desired?["token_ttl"] = .seconds(10800)
        let refused = await Applier(client: client).apply(try PlanFile.decode(try disagreeing.encoded()).restored())
        let failure = try #require(refused.failure)
        #expect(failure.reason.contains("the write did not take") && failure.reason.contains("token_ttl"), "\(failure)")

        let report = await Applier(client: client).apply(try PlanFile.decode(try file.encoded()).restored())
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        #expect(report.done.map(\.address) == [Address(.appRoleRole, "\(names.ar)/app")])
        #expect(Planner.plan(desired: desired, live: try await LiveReader(client: client).read(for: desired)).isEmpty)
    }
}

import Foundation
import Testing
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformServer

/// The reconciler on its own, against a real dev server: a manifest planned and applied
/// through it, and a saved plan it finds stale once an object it touches changes.
@Suite("Reconciler")
struct ReconcilerTests {
    static let manifest = """
        version: 1
        policies:
          - name: app
            hcl: 'path "app/*" { capabilities = ["read"] }'
        secrets_engines: [{ path: app, type: transit }]
        """

    static func load(_ text: String) throws -> Manifest {
        let result = ManifestLoader().load(sources: [(file: "m.yaml", text: text)])
        return try #require(result.manifest, "\(result.diagnostics)")
    }

    @Test("plans a manifest against the live server, applies it with the client it is given, and then plans no changes")
    func plansAndApplies() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            let reconciler = Reconciler(manifest: try Self.load(Self.manifest))
            let first = try await reconciler.plan(client: client)
            let addresses = Set(first.plan.operations.map(\.address.description))
            #expect(addresses == ["policy:app", "mount:app/"], "\(first.plan.operations)")
            #expect(first.plan.operations.allSatisfy { $0.action == .create })
            #expect(reconciler.refusals(first, options: ApplyOptions()).isEmpty)

            let report = await reconciler.apply(first, client: client)
            #expect(report.failure == nil, "\(String(describing: report.failure))")
            #expect(report.done.count == 2)
            let policy = try await client.request(.get, "sys/policies/acl/app").data?["policy"]?.stringValue
            #expect(policy?.contains("app/*") == true)

            let second = try await reconciler.plan(client: client)
            #expect(second.plan.isEmpty, "\(second.plan.operations)")
        }
    }

    @Test("a saved plan is current until an object it touches changes on the server; then that object is reported stale")
    func savedPlanStaleness() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            _ = try await client.request(.put, "sys/policies/acl/app", body: ["policy": #"path "old/*" { capabilities = ["read"] }"#])
            let reconciler = Reconciler(manifest: try Self.load(Self.manifest))
            let made = try await reconciler.plan(client: client)
            let file = PlanFile(
                plan: made.plan, live: made.live, desired: reconciler.desired, manifestPath: "m.yaml",
                server: PlanFile.Server(address: server.address.absoluteString, namespace: nil, flavour: "openbao", version: "test"),
                vaultformVersion: "test")
            let saved = try SavedPlan(try PlanFile.decode(try file.encoded()))
            try await saved.checkDigest(client: client)
            #expect(saved.plan.operations.map(\.address) == made.plan.operations.map(\.address))

            let fresh = try await saved.staleness(client: client)
            #expect(fresh.stale.isEmpty, "\(fresh.stale)")
            #expect(fresh.current.live.resources[Address(.policy, "app")] != nil)

            // Another hand changes the policy the plan updates: the plan is stale on it alone.
            _ = try await client.request(.put, "sys/policies/acl/app", body: ["policy": #"path "other/*" { capabilities = ["list"] }"#])
            let stale = try await saved.staleness(client: client)
            #expect(stale.stale == ["policy:app"], "\(stale.stale)")
        }
    }
}

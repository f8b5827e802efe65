import Testing
@testable import VaultformCore

/// Mount changes the server refuses or silently ignores on tune must be planned as
/// replacements (destructive, so apply asks for --allow-destroy), never as updates that fail
/// or never converge.
@Suite("Mount changes that need a replacement")
struct MountReplaceTests {
    static func kv(_ options: [String: String]?, forceNoCache: Bool? = nil) -> Resource {
        var fields: [String: FieldValue] = ["type": .string("kv")]
        if let options { fields["options"] = .map(options) }
        if let forceNoCache { fields["force_no_cache"] = .boolean(forceNoCache) }
        return Resource(Address(.secretsEngine, "kv/"), fields: fields)
    }

    @Test("KV version 2 to 1 (options.version, or type kv-v2 to kv) is a destructive replacement", arguments: [
        "secrets_engines: [{ path: kv, type: kv, options: { version: \"1\" } }]",
        "secrets_engines: [{ path: kv, type: kv }]",
    ])
    func downgradeReplaces(manifest: String) throws {
        let desired = try PlannerTests.desired(manifest)
        let plan = Planner.plan(desired: desired, live: LiveState(resources: [Self.kv(["version": "2"])]))
        let operation = try #require(plan.operations.first)
        #expect(operation.action == .replace)
        #expect(operation.isDestructive)
        #expect(operation.changes.first { $0.field == "options" }?.forcesReplacement?.contains("cannot downgrade") == true)
    }

    @Test("KV version 1 to 2 is still an update in place, and the same version is no change")
    func upgradeUpdates() throws {
        let v2 = try PlannerTests.desired("secrets_engines: [{ path: kv, type: kv-v2 }]")
        #expect(Planner.plan(desired: v2, live: LiveState(resources: [Self.kv([:])])).operations.first?.action == .update)
        #expect(Planner.plan(desired: v2, live: LiveState(resources: [Self.kv(["version": "2"])])).isEmpty)
        let v1 = try PlannerTests.desired("secrets_engines: [{ path: kv, type: kv }]")
        #expect(Planner.plan(desired: v1, live: LiveState(resources: [Self.kv([:])])).isEmpty)
        #expect(Planner.plan(desired: v1, live: LiveState(resources: [Self.kv(nil)])).isEmpty)
    }

    @Test("force_no_cache, which tuning ignores, forces a replacement")
    func forceNoCacheReplaces() throws {
        let desired = try PlannerTests.desired("secrets_engines: [{ path: kv, type: kv, tuning: { force_no_cache: true } }]")
        let plan = Planner.plan(desired: desired, live: LiveState(resources: [Self.kv([:], forceNoCache: false)]))
        let operation = try #require(plan.operations.first)
        #expect(operation.action == .replace)
        #expect(operation.changes.map(\.field) == ["force_no_cache"])
    }
}

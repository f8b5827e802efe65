import Foundation
import Testing
@testable import VaultformCore
import VaultformManifest
import VaultWire

/// Generic endpoints in the planner, without a server: the one comparison rule, deletion by
/// recorded recipe, and saved plans that carry what apply writes.
@Suite struct EndpointPlanningTests {
    static let manifest = """
        endpoints:
          - path: sys/config/x
            data: { ttl: 3600, ratio: 10.0, quoted: "42", on: true, list: [a, b], map: { n: 1 }, unread: keep }
            compare: [ttl, ratio, quoted, on, list, map]
        """

    /// The server's answer for the endpoint: other spellings of the same values, a key it adds.
    static func live(_ overrides: [String: JSONValue] = [:], recipe: String? = "DELETE sys/config/x") -> Resource {
        var data: [String: JSONValue] = [
            "ttl": "3600", "ratio": 1e1, "quoted": 42, "on": "true", "list": ["a", "b"], "map": ["n": 1.0], "added": "by the server",
        ]
        for (key, value) in overrides { data[key] = value }
        var resource = EndpointKind.definition.live(LiveRecord(address: Address(.endpoint, "sys/config/x"), data: .object(data)))
        if let recipe { resource.fields[EndpointKind.deleteField] = .string(recipe) }
        return resource
    }

    @Test func equivalentSpellingsAreNoChangeAndOnlyComparedKeysCount() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        #expect(Planner.plan(desired: desired, live: LiveState(resources: [Self.live()])).isEmpty)
        // Uncompared (`unread`) and server-added keys never count; a list's order does.
        #expect(Planner.plan(desired: desired, live: LiveState(resources: [Self.live(["unread": "other", "added": "x"])])).isEmpty)
        let reordered = Planner.plan(desired: desired, live: LiveState(resources: [Self.live(["list": ["b", "a"], "ratio": 10.5])]))
        #expect(reordered.operations.map { $0.changes.map(\.field) } == [["list", "ratio"]])
        // Not recorded: written (and so recorded) with its recipe.
        let unrecorded = Planner.plan(desired: desired, live: LiveState(resources: [Self.live(recipe: nil)]))
        #expect(unrecorded.operations.map { $0.changes.map(\.field) } == [[EndpointKind.deleteField]])
    }

    @Test func aDroppedEndpointIsDeletedByItsRecipeOrForgotten() throws {
        let desired = try PlannerTests.desired("endpoints: []")
        let deleted = Planner.plan(desired: desired, live: LiveState(resources: [Self.live(recipe: "POST sys/config/x/reset")]))
        let operation = try #require(deleted.operations.first)
        #expect(operation.action == .delete && !operation.onlyForgets && deleted.summary.destroy == 1)
        #expect(EndpointKind.definition.recordedDeletion?.writes(Resource(operation.address, fields: [EndpointKind.deleteField: .string("POST sys/config/x/reset")]))
            == [.post("sys/config/x/reset", [:])])
        let forgotten = Planner.plan(desired: desired, live: LiveState(resources: [Self.live(recipe: "never")]))
        #expect(forgotten.operations.first?.onlyForgets == true && forgotten.summary.destroy == 0)
    }

    @Test func aSavedPlanCarriesTheDataAndTheRecipe() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        let live = LiveState(resources: [Self.live(["ttl": 60])])
        let plan = Planner.plan(desired: desired, live: live)
        let server = PlanFile.Server(address: "http://127.0.0.1:8200", namespace: nil, flavour: "OpenBao", version: "2.7.2")
        let file = PlanFile(plan: plan, live: live, desired: desired, manifestPath: "m.yaml", server: server, vaultformVersion: "0.1.0")
        let restored = try PlanFile.decode(try file.encoded()).restored()
        let desiredObject = try #require(restored.operations.first?.desired)
        #expect(desiredObject == plan.operations.first?.desired)
        let write = try #require(EndpointKind.definition.update(desiredObject, [:]).first)
        #expect(write.path == "sys/config/x")
        #expect(write.body?["unread"] == "keep" && write.body?["ttl"] == 3600 && write.body?["quoted"] == "42" && write.body?["on"] == true)
        try PlanDigest.check(try PlanFile.decode(try file.encoded()), key: nil)
    }
}

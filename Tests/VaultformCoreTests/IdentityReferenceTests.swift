import Testing
import VaultWire
@testable import VaultformCore

/// Objects that name others by server ID (group members, aliases' entities and auth
/// methods): read back by name, written with references resolved at apply time, ordered
/// after what they name, and written again when the plan re-creates what they name.
@Suite("Identity references: names in plans, IDs only on the wire")
struct IdentityReferenceTests {
    static let manifest = """
        auth_methods: [{ path: up, type: userpass }]
        identity_entities: [{ name: alice }, { name: bob }]
        identity_groups:
          - { name: a-parent, member_groups: [z-child], member_entities: [Bob, alice] }
          - { name: z-child }
        entity_aliases: [{ name: Alice, mount: up, entity: alice }]
        """

    /// The server after an apply of the desired state: every object at its desired fields.
    static func applied(_ desired: DesiredState) -> LiveState {
        LiveState(resources: desired.entries.map(\.resource))
    }

    @Test("a member ID that names no entity reads as a name no manifest holds: drift, not a crash or a vanished member")
    func unknownIDIsDrift() throws {
        let names = ServerNames(entities: ["id-a": "alice"], groups: [:])
        let record = LiveRecord(address: Address(.identityGroup, "team"), data: .object([
            "type": .string("internal"), "member_entity_ids": .array([.string("id-gone"), .string("id-a")]),
        ]), names: names)
        let live = ResourceKind.identityGroup.definition.live(record)
        #expect(live.fields["member_entities"] == .set(["(no entity with ID id-gone)", "alice"]))
        let desired = try PlannerTests.desired("identity_entities: [{ name: alice }]\nidentity_groups: [{ name: team, member_entities: [alice] }]")
        let entry = try #require(desired.entry(Address(.identityGroup, "team")))
        let operation = Planner.compare(entry, live)
        #expect(operation.action == .update && operation.changes.map(\.field) == ["member_entities"])
    }

    @Test("members in another order and case are the same set")
    func membersAreUnordered() throws {
        let one = try PlannerTests.desired(Self.manifest)
        let other = try PlannerTests.desired(Self.manifest.replacingOccurrences(of: "[Bob, alice]", with: "[ALICE, bob]"))
        #expect(Planner.plan(desired: other, live: Self.applied(one)).isEmpty)
    }

    @Test("a group's write names its members by address; the applier turns them into IDs")
    func writesCarryReferences() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        let parent = try #require(desired.entry(Address(.identityGroup, "a-parent")))
        let request = try #require(ResourceKind.identityGroup.definition.creation(parent.resource).first)
        #expect(request.references["member_entity_ids"] == .many([Address(.identityEntity, "alice"), Address(.identityEntity, "bob")]))
        #expect(request.references["member_group_ids"] == .many([Address(.identityGroup, "z-child")]))
        #expect(request.body?["member_entities"] == nil && request.body?["member_entity_ids"] == nil)
        let alias = try #require(desired.entry(Address(.entityAlias, "up/alice")))
        let aliasWrite = try #require(ResourceKind.entityAlias.definition.creation(alias.resource).first)
        #expect(aliasWrite.references == ["mount_accessor": .one(Address(.authMethod, "up/")), "canonical_id": .one(Address(.identityEntity, "alice"))])
        #expect(aliasWrite.body?["name"]?.stringValue == "alice")
        let delete = try #require(ResourceKind.entityAlias.definition.delete(alias.address).first)
        #expect(delete.pathIdentifier == alias.address && delete.path == "identity/entity-alias/id/")
    }

    @Test("a group created in the same plan as the group it names comes after it, whatever their names")
    func orderedAfterWhatTheyName() throws {
        let plan = Planner.plan(desired: try PlannerTests.desired(Self.manifest), live: LiveState())
        let order = plan.operations.map(\.address.description)
        let child = try #require(order.firstIndex(of: "identity-group:z-child"))
        let parent = try #require(order.firstIndex(of: "identity-group:a-parent"))
        #expect(child < parent, "\(order)")
        let alias = try #require(order.firstIndex(of: "entity-alias:up/alice"))
        let method = try #require(order.firstIndex(of: "auth:up/")), entity = try #require(order.firstIndex(of: "identity-entity:alice"))
        #expect(method < alias && entity < alias)
    }

    @Test("an auth method the plan re-creates replaces its aliases; a group it re-creates is written again into its parents")
    func recreatedReferencesAreRewritten() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        var live = Self.applied(desired)
        live.resources[Address(.authMethod, "up/")]?.fields["type"] = .string("approle")
        live.resources[Address(.identityGroup, "z-child")]?.fields["type"] = .string("external")
        let plan = Planner.plan(desired: desired, live: live)
        let actions = plan.operations.map { "\($0.action.name) \($0.address)" }
        #expect(actions == ["replace auth:up/", "replace identity-group:z-child", "update identity-group:a-parent", "replace entity-alias:up/alice"])
        let alias = try #require(plan.operations.last)
        #expect(alias.changes.first?.forcesReplacement?.contains("auth:up/") == true)
        #expect(!plan.unchanged.contains(Address(.identityGroup, "a-parent")))
    }
}

import Testing
import VaultformCore
import VaultformManifest

/// Namespaces in addresses and plans: `NAMESPACE::KIND:NAME`, objects placed inside, ordering
/// (parents created first, deleted last), ownership by prefix and built-ins in every namespace.
@Suite struct NamespacePlanningTests {
    @Test("addresses carry their namespace and parse back; routes send a namespace to its parent")
    func addresses() throws {
        let inside = Address(.policy, "reader", namespace: "tenants/acme")
        #expect(inside.description == "tenants/acme::policy:reader")
        #expect(Address(parsing: inside.description) == inside)
        #expect(Address(parsing: "policy:reader") == Address(.policy, "reader"))
        #expect(Address(parsing: "policy:reader") != inside)
        #expect(Address(parsing: "::policy:reader") == nil)
        #expect(Address(parsing: "a::policy:") == nil)
        #expect(Address(parsing: "a::bogus:x") == nil)
        #expect(inside.route.namespace == "tenants/acme" && inside.route.local == Address(.policy, "reader"))
        let nested = Address(.namespace, "tenants/acme/dev/")
        #expect(nested.route.namespace == "tenants/acme" && nested.route.local == Address(.namespace, "dev/"))
        #expect(Address(.namespace, "tenants/").route.local == Address(.namespace, "tenants/"))
    }

    static let manifest = """
        policies: [{ name: top, hcl: 'path "x" { capabilities = ["read"] }' }]
        ownership: [{ kind: namespace, prefix: t/ }]
        namespaces:
          - path: t
          - path: t/a
            custom_metadata: { owner: a }
            contents:
              policies: [{ name: Reader, hcl: 'path "kv/*" { capabilities = ["read"] }' }]
              ownership: [{ kind: policy }]
        """

    @Test("a namespace's contents are addressed inside it; a new tree is created parents first, before its contents")
    func creation() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        let plan = Planner.plan(desired: desired, live: LiveState())
        #expect(plan.operations.map(\.address.description) == [
            "namespace:t/", "namespace:t/a/", "policy:top", "t/a::policy:reader",
        ])
        #expect(plan.operations[1].changes.map(\.field) == ["custom_metadata"])
        #expect(desired.namespacesWithContents == ["t/a"])
        #expect(desired.part("t/a").entries.map(\.address) == [Address(.policy, "reader")])
    }

    @Test("objects inside a namespace are ordered after those they name in the same namespace")
    func referencesInside() throws {
        let desired = try PlannerTests.desired("""
            namespaces:
              - path: t
                contents:
                  identity_groups:
                    - { name: a-parent, member_groups: [z-child] }
                    - { name: z-child }
            """)
        let plan = Planner.plan(desired: desired, live: LiveState())
        #expect(plan.operations.map(\.address.description) == ["namespace:t/", "t::identity-group:z-child", "t::identity-group:a-parent"])
    }

    @Test("undeclared namespaces under an owned prefix are deleted children first, after contents; built-ins inside are kept")
    func deletion() throws {
        let desired = try PlannerTests.desired(Self.manifest)
        let policy = { (name: String, namespace: String) in
            Resource(Address(.policy, name, namespace: namespace), fields: ["policy": .string("")])
        }
        let live = LiveState(resources: [
            Resource(Address(.namespace, "t/"), fields: ["custom_metadata": .map([:])]),
            Resource(Address(.namespace, "t/"), fields: ["custom_metadata": .map([:])]),
            Resource(Address(.namespace, "t/a/"), fields: ["custom_metadata": .map(["owner": "a"])]),
            Resource(Address(.namespace, "t/x/"), fields: ["custom_metadata": .map([:])]),
            Resource(Address(.namespace, "t/x/y/"), fields: ["custom_metadata": .map([:])]),
            Resource(Address(.namespace, "other/"), fields: ["custom_metadata": .map([:])]),
            policy("stray", "t/a"), policy("default", "t/a"), policy("stray", ""),
        ])
        let plan = Planner.plan(desired: desired, live: live)
        let deletions = plan.operations.filter { $0.action == .delete }
        #expect(deletions.map(\.address.description) == ["t/a::policy:stray", "namespace:t/x/y/", "namespace:t/x/"])
        #expect(deletions.filter { $0.address.kind == .namespace }.allSatisfy { $0.isDestructive })
        #expect(!plan.operations.contains { $0.address == Address(.namespace, "t/") })
    }
}

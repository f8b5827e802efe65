import Testing
import VaultformCore
import VaultformManifest
import VaultformPolicy

/// The planner marks what would take the applying identity's own access away, from the
/// identity the read stage found (`auth/token/lookup-self`), and puts those changes last.
@Suite struct SelfLockoutTests {
    static let admin = ApplyingIdentity(
        policies: ["default", "ops", "reader"], loginPath: "auth/approle/login", roleName: "ci", displayName: "approle")

    static func policy(_ text: String) throws -> FieldValue { .policy(try PolicyParser.parse(text).get()) }

    static func plan(_ yaml: String, _ live: [Resource], identity: ApplyingIdentity? = admin) throws -> Plan {
        var state = LiveState(resources: live)
        state.identity = identity
        return Planner.plan(desired: try PlannerTests.desired(yaml), live: state)
    }

    static func marks(_ plan: Plan) -> [String: String] {
        Dictionary(uniqueKeysWithValues: plan.operations.compactMap { op in op.selfLockout.map { (op.address.description, $0) } })
    }

    @Test func deletingAnOwnedPolicyTheTokenHoldsIsASelfLockoutAndComesLast() throws {
        let yaml = """
            ownership: [{ kind: policy }, { kind: secrets_engine }]
            policies: [{ name: app, rules: [{ path: "kv/*", capabilities: [read] }] }]
            """
        let live = [Resource(Address(.policy, "ops")), Resource(Address(.policy, "zzz-other")),
                    Resource(Address(.secretsEngine, "old/"), fields: ["type": .string("kv")])]
        let plan = try Self.plan(yaml, live)
        #expect(Self.marks(plan) == ["policy:ops": "the applying token holds policy ops"])
        #expect(plan.operations.map(\.address.description) == ["policy:app", "policy:zzz-other", "mount:old/", "policy:ops"])
        #expect(plan.selfLockouts.count == 1)
        // Without an identity (the token may not look itself up) nothing is marked.
        #expect(Self.marks(try Self.plan(yaml, live, identity: nil)).isEmpty)
        // A root token holds only root, which is never deleted.
        #expect(Self.marks(try Self.plan(yaml, live, identity: ApplyingIdentity(policies: ["root"], loginPath: "auth/token/root"))).isEmpty)
    }

    @Test func deletingTheLoginAuthMethodOrRoleIsASelfLockout() throws {
        let yaml = "ownership: [{ kind: auth_method }, { kind: approle_role, mount: approle }, { kind: approle_role, mount: other }]\n"
        let live = [Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle")]),
                    Resource(Address(.appRoleRole, "approle/ci")), Resource(Address(.appRoleRole, "approle/svc"))]
        let marks = Self.marks(try Self.plan(yaml, live))
        #expect(marks["auth:approle/"] == "the applying token logged in through approle/ (auth/approle/login)")
        #expect(marks["approle-role:approle/ci"] == "the applying token logged in with AppRole role approle/ci")
        #expect(marks["approle-role:approle/svc"] == nil)
        // The same objects on another mount are not the login's.
        let other = [Resource(Address(.authMethod, "other/"), fields: ["type": .string("approle")]), Resource(Address(.appRoleRole, "other/ci"))]
        #expect(Self.marks(try Self.plan(yaml, other)).isEmpty)
    }

    @Test func removingAHeldPolicyFromTheLoginRoleIsASelfLockout() throws {
        let yaml = """
            auth_methods: [{ path: approle, type: approle }]
            policies: [{ name: reader, rules: [{ path: "kv/*", capabilities: [read] }] }]
            approle_roles: [{ name: ci, token_policies: [reader] }]
            """
        let auth = Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle"), "description": .string("")])
        let dropping = try Self.plan(yaml, [auth, Resource(Address(.appRoleRole, "approle/ci"), fields: ["token_policies": .unorderedSet(["ops", "reader"])])])
        #expect(Self.marks(dropping)["approle-role:approle/ci"]
            == "the applying token logged in with AppRole role approle/ci, and this change removes ops from its token_policies")
        // Adding a policy to the role takes nothing away.
        let adding = try Self.plan(yaml, [auth, Resource(Address(.appRoleRole, "approle/ci"), fields: ["token_policies": .unorderedSet([])])])
        #expect(Self.marks(adding).isEmpty)
    }

    @Test func narrowingAHeldPolicyIsASelfLockoutWideningIsNot() throws {
        let live = [Resource(Address(.policy, "ops"), fields: ["policy": try Self.policy(#"path "kv/*" { capabilities = ["read", "list"] }"#)])]
        let narrowed = try Self.plan(#"policies: [{ name: ops, rules: [{ path: "kv/*", capabilities: [read] }] }]"#, live)
        #expect(Self.marks(narrowed)["policy:ops"] == #"the applying token holds policy ops, and this change removes "list" on "kv/*" from it"#)
        let widened = try Self.plan(#"policies: [{ name: ops, rules: [{ path: "kv/*", capabilities: [read, list, update] }, { path: "x/*", capabilities: [read] }] }]"#, live)
        #expect(widened.operations.map(\.action) == [.update])
        #expect(Self.marks(widened).isEmpty)
        let denied = try Self.plan(#"policies: [{ name: ops, rules: [{ path: "kv/*", capabilities: [read, list] }, { path: "kv/x", capabilities: [deny] }] }]"#, live)
        #expect(Self.marks(denied)["policy:ops"] == #"the applying token holds policy ops, and this change removes everything on "kv/x" (deny) from it"#)
        // A policy the token does not hold may change freely.
        let other = [Resource(Address(.policy, "ops2"), fields: ["policy": try Self.policy(#"path "kv/*" { capabilities = ["read", "list"] }"#)])]
        #expect(Self.marks(try Self.plan(#"policies: [{ name: ops2, rules: [{ path: "kv/*", capabilities: [read] }] }]"#, other)).isEmpty)
    }
}

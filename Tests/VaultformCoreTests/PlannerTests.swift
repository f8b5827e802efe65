import Foundation
import Testing
import VaultformCore
import VaultformManifest
import VaultformPolicy

/// The planner, driven by tables: (manifest, live objects) → operations.
@Suite struct PlannerTests {
    static func desired(_ yaml: String) throws -> DesiredState {
        let result = ManifestLoader().load(sources: [("m.yaml", "version: 1\n" + yaml)])
        return Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
    }

    static let role = """
        auth_methods: [{ path: approle, type: approle }]
        policies: [{ name: reader, rules: [{ path: "kv/data/*", capabilities: [read] }] }]
        approle_roles:
          - name: CI
            token_ttl: 1h
            token_policies: [reader, default]
            token_bound_cidrs: [10.0.0.5/32, "2001:DB8::/32"]
            secret_id_bound_cidrs: [10.0.0.5]
        """

    static func liveRole(_ overrides: [String: FieldValue] = [:]) -> Resource {
        var fields: [String: FieldValue] = [
            "token_ttl": .seconds(3600), "token_policies": .unorderedSet(["default", "reader"]),
            "token_bound_cidrs": .unorderedSet(["10.0.0.5", "2001:db8::/32"]),
            "secret_id_bound_cidrs": .unorderedSet(["10.0.0.5/32"]), "token_max_ttl": .seconds(0),
        ]
        for (key, value) in overrides { fields[key] = value }
        return Resource(Address(.appRoleRole, "approle/ci"), fields: fields)
    }

    static let matchingLive: [Resource] = [
        Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle"), "description": .string("")]),
        Resource(Address(.policy, "reader"), fields: ["policy": .policy(try! PolicyParser.parse(
            "# comment\npath \"kv/data/*\" {\n  capabilities = [\"read\"]\n}").get())]),
        liveRole(),
    ]

    @Test func nothingToDoWhenTheServerMatchesInItsOwnSpelling() throws {
        let plan = Planner.plan(desired: try Self.desired(Self.role), live: LiveState(resources: Self.matchingLive))
        #expect(plan.isEmpty, "\(plan.operations)")
        #expect(plan.unchanged.count == 3)
    }

    @Test func createsWhatIsMissingInDependencyOrder() throws {
        let plan = Planner.plan(desired: try Self.desired(Self.role), live: LiveState())
        #expect(plan.operations.map(\.address.description) == ["auth:approle/", "policy:reader", "approle-role:approle/ci"])
        #expect(plan.operations.allSatisfy { $0.action == .create })
        #expect(plan.summary == (3, 0, 0))
        let role = try #require(plan.operations.last)
        #expect(role.changes.map(\.field) == ["secret_id_bound_cidrs", "token_bound_cidrs", "token_policies", "token_ttl"])
        #expect(role.changes.allSatisfy { $0.before == nil })
    }

    @Test(arguments: [
        ("token_ttl", FieldValue.seconds(7200)),
        ("token_bound_cidrs", .unorderedSet(["10.0.0.6"])),
        // Not `[reader]`: a login adds `default`, so that is the wanted `[default, reader]`.
        ("token_policies", .unorderedSet(["writer"])),
    ])
    func updatesExactlyTheFieldThatDiffers(field: String, live value: FieldValue) throws {
        var live = Self.matchingLive
        live[2] = Self.liveRole([field: value])
        let plan = Planner.plan(desired: try Self.desired(Self.role), live: LiveState(resources: live))
        let operation = try #require(plan.operations.first)
        #expect(plan.operations.count == 1)
        #expect(operation.action == .update)
        #expect(operation.changes.map(\.field) == [field])
        #expect(operation.changes.first?.before == value)
    }

    /// Fields the manifest leaves out are managed at a fresh role's values (this test said
    /// the opposite until the outside test found `bind_secret_id=false` invisible).
    @Test func omittedFieldsAreManagedAtTheirDefaults() throws {
        var live = Self.matchingLive
        live[2] = Self.liveRole(["token_num_uses": .integer(9), "token_max_ttl": .seconds(99999), "bind_secret_id": .boolean(false)])
        let plan = Planner.plan(desired: try Self.desired(Self.role), live: LiveState(resources: live))
        let operation = try #require(plan.operations.first)
        #expect(plan.operations.count == 1 && operation.action == .update)
        #expect(operation.changes.map(\.field) == ["bind_secret_id", "token_max_ttl", "token_num_uses"])
        #expect(operation.changes.map(\.after) == [.boolean(true), .seconds(0), .integer(0)])
    }

    @Test func fieldsTheServerDoesNotReportAreAtTheirDefaults() throws {
        var live = Self.matchingLive
        live[2].fields["token_type"] = nil
        #expect(Planner.plan(desired: try Self.desired(Self.role), live: LiveState(resources: live)).isEmpty)
    }

    @Test func immutableFieldsReplaceWithAReason() throws {
        let desired = try Self.desired("""
            secrets_engines: [{ path: transit, type: transit }]
            transit_keys: [{ mount: transit, name: k, type: ed25519, exportable: false }]
            """)
        let live = LiveState(resources: [
            Resource(Address(.secretsEngine, "transit/"), fields: ["type": .string("transit")]),
            Resource(Address(.transitKey, "transit/k"), fields: ["type": .string("aes256-gcm96"), "exportable": .boolean(true)]),
        ])
        let operation = try #require(Planner.plan(desired: desired, live: live).operations.first)
        #expect(operation.action == .replace)
        #expect(operation.isDestructive)
        #expect(operation.changes.map(\.field) == ["exportable", "type"])
        #expect(operation.changes.allSatisfy { $0.forcesReplacement != nil })
    }

    @Test func exportableMayTurnOnInPlace() throws {
        let desired = try Self.desired("""
            secrets_engines: [{ path: transit, type: transit }]
            transit_keys: [{ mount: transit, name: k, exportable: true }]
            """)
        let live = LiveState(resources: [
            Resource(Address(.secretsEngine, "transit/"), fields: ["type": .string("transit")]),
            Resource(Address(.transitKey, "transit/k"), fields: ["type": .string("aes256-gcm96"), "exportable": .boolean(false)]),
        ])
        let operation = try #require(Planner.plan(desired: desired, live: live).operations.first)
        #expect(operation.action == .update)
    }

    @Test func mountOptionsCompareOnlyTheKeysTheManifestNames() throws {
        let desired = try Self.desired("secrets_engines: [{ path: secret, type: kv-v2 }]")
        let live = LiveState(resources: [
            Resource(Address(.secretsEngine, "secret/"), fields: ["type": .string("kv"), "options": .map(["version": "2", "extra": "x"])]),
        ])
        #expect(Planner.plan(desired: desired, live: live).isEmpty)
    }

    @Test func deletesOnlyWhatTheManifestOwnsAndNeverBuiltins() throws {
        let desired = try Self.desired("""
            ownership:
              - { kind: policy, prefix: app- }
              - { kind: approle_role, mount: approle }
            policies: [{ name: app-reader, hcl: 'path "x" { capabilities = ["read"] }' }]
            """)
        let policy = { (name: String) in Resource(Address(.policy, name), fields: ["policy": .policy(PolicyDocument(rules: []))]) }
        let live = LiveState(resources: [
            policy("app-reader"), policy("app-old"), policy("other"), policy("default"), policy("root"),
            Resource(Address(.appRoleRole, "approle/stale")), Resource(Address(.appRoleRole, "ci/stale")),
        ])
        let plan = Planner.plan(desired: desired, live: live)
        #expect(plan.operations.filter { $0.action == .delete }.map(\.address.description) == [
            "approle-role:approle/stale", "policy:app-old",
        ])
        #expect(plan.operations.first { $0.action == .delete }?.reason?.contains("m.yaml:4:5") == true)
    }

    @Test func targetsNarrowThePlan() throws {
        let plan = Planner.plan(
            desired: try Self.desired(Self.role), live: LiveState(),
            options: PlanOptions(targets: [Address(.policy, "reader")]))
        #expect(plan.operations.map(\.address.description) == ["policy:reader"])
    }
}

@Suite struct PlanFileTests {
    @Test func roundTripsAndFingerprintsTheLiveState() throws {
        let desired = try PlannerTests.desired(PlannerTests.role)
        let live = LiveState(resources: [PlannerTests.liveRole(["token_ttl": .seconds(60)])])
        let plan = Planner.plan(desired: desired, live: live)
        let server = PlanFile.Server(address: "http://127.0.0.1:8200", namespace: nil, flavour: "OpenBao", version: "2.7.2")
        let file = PlanFile(plan: plan, live: live, desired: desired, manifestPath: "m.yaml", server: server, vaultformVersion: "0.1.0")
        let decoded = try PlanFile.decode(try file.encoded())
        #expect(decoded == file)
        let role = try #require(decoded.changes.first { $0.address == "approle-role:approle/ci" })
        #expect(role.liveFingerprint == Fingerprint.of(live.resources[Address(.appRoleRole, "approle/ci")]))
        #expect(decoded.changes.first { $0.address == "policy:reader" }?.liveFingerprint == "absent")
        #expect(decoded.desiredDigest == Fingerprint.of(desired))
    }

    /// A restored plan is the plan that was saved, each operation with the object it acts on:
    /// the applier needs nothing else (only where the manifest declares each object, and why a
    /// delete happens, are not saved).
    @Test func restoresEveryOperationWithItsDesiredObject() throws {
        let desired = try PlannerTests.desired(PlannerTests.role + """

            ownership: [{ kind: policy, prefix: app- }]
            secrets_engines: [{ path: transit, type: transit }, { path: secret, type: kv-v2 }]
            transit_keys: [{ mount: transit, name: k, type: ed25519, deletion_allowed: true }]
            secret_schemas:
              - path: secret/app/config
                fields: { db_password: { type: string, generate: { kind: password, length: 24 } } }
            """)
        let live = LiveState(resources: [
            PlannerTests.liveRole(["token_ttl": .seconds(60)]),
            Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle")]),
            Resource(Address(.secretsEngine, "transit/"), fields: ["type": .string("transit")]),
            Resource(Address(.transitKey, "transit/k"), fields: ["type": .string("aes256-gcm96"), "deletion_allowed": .boolean(true)]),
            Resource(Address(.policy, "app-old"), fields: ["policy": .policy(PolicyDocument(rules: []))]),
        ])
        let plan = Planner.plan(desired: desired, live: live)
        let actions = Dictionary(plan.operations.map { ($0.address.description, $0.action) }, uniquingKeysWith: { first, _ in first })
        #expect(actions["policy:reader"] == .create && actions["approle-role:approle/ci"] == .update)
        #expect(actions["transit-key:transit/k"] == .replace && actions["policy:app-old"] == .delete)
        #expect(actions["kv-secret:secret/app/config"] == .create)
        // The planner gives every create, update and replace its whole desired object, defaults included.
        for operation in plan.operations {
            let expected = operation.action == .delete || operation.address.kind == .kvSecret
                ? nil : desired.entry(operation.address)?.resource
            #expect(operation.desired == expected, "\(operation.address)")
        }
        let role = try #require(plan.operations.first { $0.address.kind == .appRoleRole })
        #expect(role.desired?.fields["token_max_ttl"] == .seconds(0) && role.desired?.fields["token_ttl"] == .seconds(3600))

        let server = PlanFile.Server(address: "http://127.0.0.1:8200", namespace: nil, flavour: "OpenBao", version: "2.7.2")
        let file = PlanFile(plan: plan, live: live, desired: desired, manifestPath: "m.yaml", server: server, vaultformVersion: "0.1.0")
        let restored = try PlanFile.decode(try file.encoded()).restored()
        var expected = plan.operations
        for index in expected.indices { (expected[index].location, expected[index].reason) = (nil, nil) }
        #expect(restored.operations == expected)
        #expect(file.changes.first { $0.action == "update" }?.desired == role.desired?.fields)
        #expect(file.changes.filter { $0.action == "delete" || $0.secret != nil }.allSatisfy { $0.desired == nil })
    }

    @Test func aCreateWithoutItsObjectIsRefused() throws {
        let desired = try PlannerTests.desired(PlannerTests.role)
        let plan = Planner.plan(desired: desired, live: LiveState())
        let server = PlanFile.Server(address: "http://127.0.0.1:8200", namespace: nil, flavour: "OpenBao", version: "2.7.2")
        var file = PlanFile(plan: plan, live: LiveState(), desired: desired, manifestPath: "m.yaml", server: server, vaultformVersion: "0.1.0")
        file.changes[0].desired = nil
        #expect(throws: PlanFileError.self) { try file.restored() }
    }

    @Test func fingerprintsIgnoreSpellingButNotMeaning() {
        let a = Resource(Address(.policy, "p"), fields: ["token_policies": .unorderedSet(["b", "a", "a"])])
        let b = Resource(Address(.policy, "p"), fields: ["token_policies": .unorderedSet(["a", "b"])])
        let c = Resource(Address(.policy, "p"), fields: ["token_policies": .unorderedSet(["a"])])
        #expect(Fingerprint.of(a) == Fingerprint.of(b))
        #expect(Fingerprint.of(a) != Fingerprint.of(c))
        #expect(Fingerprint.of(nil) == "absent")
    }

    @Test(arguments: ["", "{}", "{\"format_version\": 99}", "[1,2]", "{\"format_version\": 1, \"changes\": 5}"])
    func refusesWhatIsNotAPlanFile(text: String) {
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data(text.utf8)) }
    }
}

import Testing
import VaultformCore

/// Which writes the client may repeat after a timeout or a 502: only those whose repetition
/// cannot fail or change anything (no server needed).
@Suite("Write requests")
struct WriteRequestTests {
    @Test("upserts and deletes are marked idempotent; enabling a mount, auth method or audit device is not")
    func idempotence() {
        func create(_ resource: Resource) -> [WriteRequest] { resource.address.kind.definition.creation(resource) }
        func marks(_ requests: [WriteRequest]) -> [String: Bool] {
            Dictionary(requests.map { ("\($0.method.rawValue) \($0.path)", $0.isIdempotent) }, uniquingKeysWith: { a, _ in a })
        }
        let created = marks(
            create(Resource(Address(.secretsEngine, "kv/"), fields: ["type": .string("kv")]))
                + create(Resource(Address(.authMethod, "approle/"), fields: ["type": .string("approle")]))
                + create(Resource(Address(.auditDevice, "file/"), fields: ["type": .string("file")]))
                + create(Resource(Address(.transitKey, "transit/k"), fields: ["deletion_allowed": .boolean(true)]))
                + create(Resource(Address(.policy, "p"), fields: [:]))
                + create(Resource(Address(.appRoleRole, "approle/r"), fields: ["role_id": .string("id")]))
                + create(Resource(Address(.appRoleRole, "approle/s"), fields: ["token_ttl": .seconds(60)]))
                + create(Resource(Address(.kvConfig, "kv/"), fields: ["max_versions": .integer(3)])))
        #expect(created == [
            "POST sys/mounts/kv": false, "POST sys/auth/approle": false, "PUT sys/audit/file": false,
            "POST transit/keys/k": true, "POST transit/keys/k/config": true, "PUT sys/policies/acl/p": true,
            "POST auth/approle/role/s": true, "POST auth/approle/role/r": true, "POST auth/approle/role/r/role-id": true,
            "POST kv/config": true,
        ])
        // A role is created before its role ID is set, even when the manifest gives nothing else
        // (the server refuses a role ID for a role that does not exist).
        let onlyRoleID = create(Resource(Address(.appRoleRole, "approle/r"), fields: ["role_id": .string("id")]))
        #expect(onlyRoleID.map(\.path) == ["auth/approle/role/r", "auth/approle/role/r/role-id"])
        let tuned = marks(
            ResourceKind.secretsEngine.definition.update(Resource(Address(.secretsEngine, "kv/")), ["max_lease_ttl": .seconds(60)])
                + ResourceKind.authMethod.definition.update(Resource(Address(.authMethod, "approle/")), ["default_lease_ttl": .seconds(60)]))
        #expect(tuned == ["POST sys/mounts/kv/tune": true, "POST sys/auth/approle/tune": true])
        let deleted = [Address(.secretsEngine, "kv/"), Address(.auditDevice, "file/"), Address(.policy, "p")]
            .flatMap { $0.kind.definition.delete($0) }
        #expect(deleted.allSatisfy { $0.isIdempotent })
    }
}

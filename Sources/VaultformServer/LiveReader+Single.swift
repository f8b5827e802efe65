import VaultAPI
import VaultformCore

extension LiveReader {
    /// Reads one object by its address, for the check after each write; nil when it does not
    /// exist. One request (two for a role with a fixed role ID), not a whole kind's list.
    public func readOne(_ address: Address, withRoleID: Bool = false) async throws -> Resource? {
        let name = address.name
        switch address.kind {
        case .auditDevice:
            let devices = try await readAuditDevices()
            return devices.first { $0.address == address }
        case .secretsEngine:
            // sys/mounts/PATH answers 400, not 404, for a missing mount; the list is one request too.
            return try await readMounts().first { $0.address == address }
        case .authMethod:
            return try await readAuthMethods().first { $0.address == address }
        case .kvConfig:
            return try await readIfPresent("\(name)config").map { LiveKVConfig.resource(mount: name, $0) }
        case .transitKey:
            let (mount, key) = ReadScope.split(name)
            return try await readIfPresent("\(mount)keys/\(key)").map { LiveTransitKey.resource(mount: mount, name: key, $0) }
        case .policy:
            return try await readIfPresent("sys/policies/acl/\(name)").map { LivePolicy.resource(name: name, $0) }
        case .appRoleRole:
            let (mount, role) = ReadScope.split(name)
            guard let data = try await readIfPresent("auth/\(mount)role/\(role)") else { return nil }
            var roleID: String?
            if withRoleID { roleID = try await readIfPresent("auth/\(mount)role/\(role)/role-id")?["role_id"]?.stringValue }
            return LiveAppRoleRole.resource(mount: mount, name: role, data, roleID: roleID)
        case .kvSecret:
            return nil  // secrets are read with their schema: see SecretReader and secretVersion
        }
    }

    /// A secret's current KV v2 version (0 when it never existed): what a saved plan's
    /// secret write was planned against.
    public func secretVersion(_ write: SecretWrite) async throws -> Int {
        try await StoredSecret.read(write.mount, write.path, client: client).version
    }
}

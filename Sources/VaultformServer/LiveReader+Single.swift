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
        case .secretsEngine, .authMethod:
            // One mount, not the whole list: after each of 1,000 mount creations, reading the
            // list made the checks quadratic. The server answers 400 "No secret engine mount
            // at PATH/" (or "No auth engine at PATH/") for a missing one, not 404.
            let path = (address.kind == .secretsEngine ? "sys/mounts/" : "sys/auth/") + String(name.dropLast())
            do {
                let response = try await client.request(.get, path)
                return LiveMount.resource(address.kind, path: name, .object(try data(response, .get, path)))
            } catch let error as VaultError where error.status == 400 && error.messages.contains(where: { $0.hasPrefix("No ") && $0.contains(" at ") }) {
                return nil
            }
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

    /// The object as it is now, and whether it still has the fingerprint a saved plan
    /// recorded for it. A role is read with its role ID, and matches when either view of it
    /// does: the plan read the role ID only when the manifest fixed one, and a saved plan of
    /// an unrelated change does not say which (before, such plans were always stale).
    public func current(_ address: Address, recorded fingerprint: String) async throws -> (resource: Resource?, unchanged: Bool) {
        let resource = try await readOne(address, withRoleID: address.kind == .appRoleRole)
        if Fingerprint.of(resource) == fingerprint { return (resource, true) }
        guard var withoutRoleID = resource, withoutRoleID.fields["role_id"] != nil else { return (resource, false) }
        withoutRoleID.fields["role_id"] = nil
        return (resource, Fingerprint.of(withoutRoleID) == fingerprint)
    }

    /// A secret's current KV v2 version (0 when it never existed): what a saved plan's
    /// secret write was planned against.
    public func secretVersion(_ write: SecretWrite) async throws -> Int {
        try await StoredSecret.read(write.mount, write.path, client: client).version
    }
}

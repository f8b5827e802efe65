import VaultformManifest
import VaultWire

/// A static role of a database secrets engine (`MOUNT/static-roles/NAME`): one existing
/// database user whose password the server sets on create and rotates every period. The
/// username is fixed (the server refuses to change it, and every write must repeat it); a
/// write updates only the other fields it names.
enum DatabaseStaticRoleKind {
    static let definition = KindDefinition(
        kind: .databaseStaticRole, noun: "database static role", section: "database_static_roles", ownership: .databaseStaticRole,
        endpoint: "MOUNT/static-roles/NAME", mount: .secretsEngine, holds: { $0.isMount(ofType: "database") },
        fields: [
            .inPlace("db_name", nil, "the connection the user lives on"),
            .fixed("username", nil, "the database user", reason: "the server cannot change a static role's user"),
            .inPlace("rotation_period", nil, "how often the server rotates the password"),
            .inPlace("rotation_statements", .list([]), "statements that set the password; empty: the plugin's"),
            .inPlace("credential_type", .string("password"), "`password`, `rsa_private_key` or `client_certificate`"),
            .inPlace("credential_config", nil, "settings of the credential type; compared by the keys given (the server fills in the rest and cannot empty it)"),
        ],
        generated: ["last_vault_rotation (when the server last set the password)"],
        // The current password is known only to the server, which changes it on create.
        destructionLosesData: true,
        sameValue: DatabaseFields.sameValue,
        reading: .listed(list: "MOUNTstatic-roles", item: "MOUNTstatic-roles/NAME"),
        stated: { manifest in manifest.databaseStaticRoles.map(stated) },
        live: { record in
            var fields: [String: FieldValue] = [:]
            fields["db_name"] = .string(record["db_name"]?.stringValue ?? "")
            fields["username"] = .string(record["username"]?.stringValue ?? "")
            fields["rotation_period"] = .seconds(record["rotation_period"]?.intValue ?? 0)
            fields["rotation_statements"] = .list(WireFields.strings(record["rotation_statements"]))
            fields["credential_type"] = .string(record["credential_type"]?.stringValue ?? "password")
            fields["credential_config"] = .map(WireFields.stringMap(record["credential_config"]))
            return Resource(record.address, fields: fields)
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        // The server takes an update only with the role's username in it.
        update: { desired, changed in
            var fields = changed
            fields["username"] = desired.fields["username"]
            return [.post(path(desired.address), WireFields.object(fields))]
        },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "database_static_roles.yaml", note: "Static roles of database secrets engines.") { role, _ in
            ManifestEntry.fields(role, identity: DatabaseFields.identity(role.address))
        })

    static func path(_ address: Address) -> String {
        let (mount, name) = address.mountAndName
        return "\(mount)static-roles/\(name)"
    }

    static func stated(_ role: DatabaseStaticRole) -> StatedResource {
        var fields: [String: FieldValue] = [
            "db_name": .string(role.dbName.value), "username": .string(role.username), "rotation_period": .seconds(role.rotationPeriod.seconds),
        ]
        if let statements = role.rotationStatements { fields["rotation_statements"] = .list(statements) }
        if let type = role.credentialType { fields["credential_type"] = .string(type) }
        if let config = role.credentialConfig { fields["credential_config"] = .map(config) }
        let address = DatabaseFields.address(.databaseStaticRole, mount: role.mount.value, name: role.name)
        return StatedResource(Resource(address, fields: fields), role.location, ignored: role.ignoreFields)
    }
}

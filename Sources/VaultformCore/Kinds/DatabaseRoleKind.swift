import VaultformManifest
import VaultWire

/// A dynamic role of a database secrets engine (`MOUNT/roles/NAME`): each read of
/// `MOUNT/creds/NAME` makes a database user with its creation statements. A write updates
/// only the fields it names; the server drops empty revocation statements.
enum DatabaseRoleKind {
    static let statements = ["creation_statements", "revocation_statements", "rollback_statements", "renew_statements"]

    static let definition = KindDefinition(
        kind: .databaseRole, noun: "database role", section: "database_roles", ownership: .databaseRole,
        endpoint: "MOUNT/roles/NAME", mount: .secretsEngine, holds: { $0.isMount(ofType: "database") },
        fields: [
            .inPlace("db_name", nil, "the connection its users are made on"),
            .inPlace("creation_statements", .list([]), "statements that create a user (`{{name}}`, `{{password}}`, `{{expiration}}`)"),
            .inPlace("revocation_statements", .list([]), "statements that remove a user; empty: the plugin's"),
            .inPlace("rollback_statements", .list([]), "statements that undo a failed creation"),
            .inPlace("renew_statements", .list([]), "statements run when a lease is renewed"),
            .inPlace("default_ttl", .seconds(0), "TTL of the credentials; 0 the mount's"),
            .inPlace("max_ttl", .seconds(0), "maximum TTL of the credentials; 0 the mount's"),
            .inPlace("credential_type", .string("password"), "`password`, `rsa_private_key` or `client_certificate`"),
            .inPlace("credential_config", nil, "settings of the credential type; compared by the keys given (the server fills in the rest and cannot empty it)"),
        ],
        generated: [],
        destructionLosesData: false,
        sameValue: DatabaseFields.sameValue,
        reading: .listed(list: "MOUNTroles", item: "MOUNTroles/NAME"),
        stated: { manifest in manifest.databaseRoles.map(stated) },
        live: { record in
            var fields: [String: FieldValue] = [:]
            fields["db_name"] = .string(record["db_name"]?.stringValue ?? "")
            for key in statements { fields[key] = .list(WireFields.strings(record[key])) }
            for key in ["default_ttl", "max_ttl"] { fields[key] = .seconds(record[key]?.intValue ?? 0) }
            fields["credential_type"] = .string(record["credential_type"]?.stringValue ?? "password")
            fields["credential_config"] = .map(WireFields.stringMap(record["credential_config"]))
            return Resource(record.address, fields: fields)
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "database_roles.yaml", note: "Dynamic roles of database secrets engines.") { role, _ in
            ManifestEntry.fields(role, identity: DatabaseFields.identity(role.address))
        })

    static func path(_ address: Address) -> String {
        let (mount, name) = address.mountAndName
        return "\(mount)roles/\(name)"
    }

    static func stated(_ role: DatabaseRole) -> StatedResource {
        var fields: [String: FieldValue] = ["db_name": .string(role.dbName.value)]
        let lists = [role.creationStatements, role.revocationStatements, role.rollbackStatements, role.renewStatements]
        for (key, value) in zip(statements, lists) { if let value { fields[key] = .list(value) } }
        if let ttl = role.defaultTTL { fields["default_ttl"] = .seconds(ttl.seconds) }
        if let ttl = role.maxTTL { fields["max_ttl"] = .seconds(ttl.seconds) }
        if let type = role.credentialType { fields["credential_type"] = .string(type) }
        if let config = role.credentialConfig { fields["credential_config"] = .map(config) }
        let address = DatabaseFields.address(.databaseRole, mount: role.mount.value, name: role.name)
        return StatedResource(Resource(address, fields: fields), role.location, ignored: role.ignoreFields)
    }
}

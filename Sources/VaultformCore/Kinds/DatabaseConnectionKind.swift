import VaultformManifest
import VaultWire

/// A connection of a database secrets engine (`MOUNT/config/NAME`). The server keeps the
/// plugin's settings under `connection_details` as they were sent, merges each write into
/// what it holds (a field left out keeps its value), and never reads the root password back:
/// it is a write-only field, sent only when its source's value changes. `rotate_root` is a
/// marker kept among the details: a new one rotates the root password once.
enum DatabaseConnectionKind {
    /// The plugin settings kept under `connection_details`, with what a connection that
    /// never set them has (what the SQL plugins use when the key is absent).
    static let details: [(String, FieldValue)] = [
        ("connection_url", .string("")), ("username", .string("")), ("max_open_connections", .integer(4)),
        ("max_idle_connections", .integer(0)), ("max_connection_lifetime", .seconds(0)), ("username_template", .string("")),
        ("disable_escaping", .boolean(false)), ("password_authentication", .string("password")), ("rotate_root", .string("")),
    ]

    static let definition = KindDefinition(
        kind: .databaseConnection, noun: "database connection", section: "database_connections", ownership: .databaseConnection,
        endpoint: "MOUNT/config/NAME", mount: .secretsEngine, holds: { $0.isMount(ofType: "database") },
        fields: [
            .inPlace("plugin_name", nil, "the database plugin (`postgresql-database-plugin`…)"),
            .inPlace("plugin_version", .string(""), "a pinned version of an external plugin; empty: the built-in one"),
            .inPlace("connection_url", nil, "the database's URL, with `{{username}}` and `{{password}}` templates"),
            .inPlace("username", .string(""), "the root user"),
            .writeOnly("password", "the root password, from its source; never read back"),
            .inPlace("allowed_roles", .set([]), "roles that may use the connection; `*` any"),
            .inPlace("root_rotation_statements", .list([]), "statements that change the root password on rotation"),
            .inPlace("password_policy", .string(""), "the password policy generated passwords follow"),
            .inPlace("verify_connection", .boolean(true), "check the connection when writing it; taken with each write, never read back"),
            .inPlace("max_open_connections", .integer(4), "most open connections (0 is 4)"),
            .inPlace("max_idle_connections", .integer(0), "most idle connections; 0 as many as open"),
            .inPlace("max_connection_lifetime", .seconds(0), "how long a connection is kept; 0 forever"),
            .inPlace("username_template", .string(""), "the template of generated user names; empty: the plugin's"),
            .inPlace("disable_escaping", .boolean(false), "put the username and password into the URL unescaped"),
            .inPlace("password_authentication", .string("password"), "PostgreSQL: how passwords are sent (`password`, `scram-sha-256`)"),
            .inPlace("rotate_root", .string(""), "a marker: each new one rotates the root password once (`MOUNT/rotate-root/NAME`)"),
        ],
        generated: [
            "connection_details (the plugin's settings, each managed as its own field)",
            "root_credentials_rotate_statements (root_rotation_statements as read back)",
        ],
        destructionLosesData: true,
        comparable: { desired, live in
            // verify_connection is how a write is made, not something the server keeps.
            var live = live
            live["verify_connection"] = desired["verify_connection"] ?? .boolean(true)
            return (desired, live)
        },
        reading: .listed(list: "MOUNTconfig", item: "MOUNTconfig/NAME"),
        stated: { manifest in manifest.databaseConnections.map(stated) },
        live: { record in
            var fields: [String: FieldValue] = [:]
            fields["plugin_name"] = .string(record["plugin_name"]?.stringValue ?? "")
            fields["plugin_version"] = .string(record["plugin_version"]?.stringValue ?? "")
            fields["allowed_roles"] = .unorderedSet(WireFields.strings(record["allowed_roles"]))
            fields["root_rotation_statements"] = .list(WireFields.strings(record["root_credentials_rotate_statements"]))
            fields["password_policy"] = .string(record["password_policy"]?.stringValue ?? "")
            let connection = record["connection_details"]
            for (key, fresh) in details {
                let value = connection?[key]
                switch fresh {
                case .integer(let number): fields[key] = .integer(DatabaseFields.integer(value) ?? number)
                case .seconds(let seconds): fields[key] = .seconds(DatabaseFields.seconds(value) ?? seconds)
                case .boolean(let flag): fields[key] = .boolean(DatabaseFields.boolean(value) ?? flag)
                default: fields[key] = value?.stringValue.map(FieldValue.string) ?? fresh
                }
            }
            // The plugin opens 4 connections when told 0.
            if fields["max_open_connections"] == .integer(0) { fields["max_open_connections"] = .integer(4) }
            return Resource(record.address, fields: fields)
        },
        create: { connection in
            var fields = connection.fields
            let marker = fields.removeValue(forKey: "rotate_root")
            return [.post(path(connection.address), WireFields.object(fields))] + rotation(connection.address, marker)
        },
        update: { desired, changed in
            var fields = changed
            let marker = fields.removeValue(forKey: "rotate_root")
            var requests: [WriteRequest] = []
            if !fields.isEmpty {
                // A write checks the connection unless told not to, every time.
                if case .boolean(let verify)? = desired.fields["verify_connection"] { fields["verify_connection"] = .boolean(verify) }
                requests.append(.post(path(desired.address), WireFields.object(fields)))
            }
            return requests + rotation(desired.address, marker)
        },
        delete: { [.delete(path($0))] },
        export: ExportForm(
            file: "database_connections.yaml",
            note: "Connections of database secrets engines. Root passwords are never read back: give each a `password: {from_env: …}` or `{from_file: …}` to manage it."
        ) { connection, _ in
            ManifestEntry.fields(connection, identity: DatabaseFields.identity(connection.address), skipping: ["verify_connection"])
        })

    static func path(_ address: Address) -> String {
        let (mount, name) = address.mountAndName
        return "\(mount)config/\(name)"
    }

    /// A new marker: the root password is rotated, then the marker recorded (so a failed
    /// rotation is tried again by the next apply). An emptied marker is only recorded.
    static func rotation(_ address: Address, _ marker: FieldValue?) -> [WriteRequest] {
        guard let marker else { return [] }
        let (mount, name) = address.mountAndName
        let record = WriteRequest.post(path(address), ["rotate_root": WireFields.json(marker), "verify_connection": .bool(false)])
        guard marker != .string("") else { return [record] }
        return [.post("\(mount)rotate-root/\(name)", [:], idempotent: false), record]
    }

    static func stated(_ connection: DatabaseConnection) -> StatedResource {
        var fields: [String: FieldValue] = [
            "plugin_name": .string(connection.pluginName), "connection_url": .string(connection.connectionURL),
        ]
        if let value = connection.pluginVersion { fields["plugin_version"] = .string(value) }
        if let value = connection.username { fields["username"] = .string(value) }
        if let source = connection.password { fields["password"] = .writeOnly(WriteOnlyValue(source: source)) }
        if let value = connection.allowedRoles { fields["allowed_roles"] = .unorderedSet(value) }
        if let value = connection.rootRotationStatements { fields["root_rotation_statements"] = .list(value) }
        if let value = connection.passwordPolicy { fields["password_policy"] = .string(value) }
        if let value = connection.verifyConnection { fields["verify_connection"] = .boolean(value) }
        if let value = connection.maxOpenConnections { fields["max_open_connections"] = .integer(value == 0 ? 4 : value) }
        if let value = connection.maxIdleConnections { fields["max_idle_connections"] = .integer(value) }
        if let value = connection.maxConnectionLifetime { fields["max_connection_lifetime"] = .seconds(value.seconds) }
        if let value = connection.usernameTemplate { fields["username_template"] = .string(value) }
        if let value = connection.disableEscaping { fields["disable_escaping"] = .boolean(value) }
        if let value = connection.passwordAuthentication { fields["password_authentication"] = .string(value) }
        if let value = connection.rotateRoot { fields["rotate_root"] = .string(value) }
        let address = DatabaseFields.address(.databaseConnection, mount: connection.mount.value, name: connection.name)
        return StatedResource(Resource(address, fields: fields), connection.location, ignored: connection.ignoreFields)
    }
}

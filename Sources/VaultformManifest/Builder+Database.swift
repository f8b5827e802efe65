/// Building the database secrets engine's connections and roles.
extension Builder {
    mutating func addDatabase(_ root: CheckedObject, to manifest: inout Manifest) {
        for item in objects(root, "database_connections") {
            guard let name = item.string("name"), let plugin = item.string("plugin_name"), let url = item.string("connection_url") else { continue }
            let connection = DatabaseConnection(
                name: name, mount: item.locatedString("mount") ?? Located("database", at: item.location),
                pluginName: plugin, pluginVersion: item.string("plugin_version"), connectionURL: url,
                username: item.string("username"), password: item.object("password").flatMap { writeOnlySource($0) },
                allowedRoles: item.strings("allowed_roles")?.map(\.value),
                rootRotationStatements: item.strings("root_rotation_statements")?.map(\.value),
                passwordPolicy: item.string("password_policy"), verifyConnection: item.boolean("verify_connection"),
                maxOpenConnections: item.integer("max_open_connections"), maxIdleConnections: item.integer("max_idle_connections"),
                maxConnectionLifetime: item.duration("max_connection_lifetime"), usernameTemplate: item.string("username_template"),
                disableEscaping: item.boolean("disable_escaping"), passwordAuthentication: item.string("password_authentication"),
                rotateRoot: item.string("rotate_root"), ignoreFields: ignoredFields(item), location: item.location)
            // What the plugin refuses.
            for key in ["username"] where ["{{username}}", "{{password}}"].contains(where: { (item.string(key) ?? "").contains($0) }) {
                report(.error("`\(key)` cannot hold the `{{username}}` or `{{password}}` template", at: item.location(of: key)))
            }
            manifest.databaseConnections.append(connection)
        }
        for item in objects(root, "database_roles") {
            guard let name = item.string("name"), let dbName = item.locatedString("db_name") else { continue }
            manifest.databaseRoles.append(DatabaseRole(
                name: name, mount: item.locatedString("mount") ?? Located("database", at: item.location), dbName: dbName,
                creationStatements: item.strings("creation_statements")?.map(\.value),
                revocationStatements: item.strings("revocation_statements")?.map(\.value),
                rollbackStatements: item.strings("rollback_statements")?.map(\.value),
                renewStatements: item.strings("renew_statements")?.map(\.value),
                defaultTTL: item.duration("default_ttl"), maxTTL: item.duration("max_ttl"),
                credentialType: item.string("credential_type"), credentialConfig: item.textMap("credential_config"),
                ignoreFields: ignoredFields(item), location: item.location))
        }
        for item in objects(root, "database_static_roles") {
            guard let name = item.string("name"), let dbName = item.locatedString("db_name"), let username = item.string("username"),
                  let period = item.duration("rotation_period") else { continue }
            if period.seconds < 5 {
                report(.error("`rotation_period` must be at least 5s: the server refuses a shorter one", at: item.location(of: "rotation_period")))
            }
            manifest.databaseStaticRoles.append(DatabaseStaticRole(
                name: name, mount: item.locatedString("mount") ?? Located("database", at: item.location), dbName: dbName,
                username: username, rotationPeriod: period, rotationStatements: item.strings("rotation_statements")?.map(\.value),
                credentialType: item.string("credential_type"), credentialConfig: item.textMap("credential_config"),
                ignoreFields: ignoredFields(item), location: item.location))
        }
    }
}

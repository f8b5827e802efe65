extension ManifestShape {
    /// The fields of a database connection the manifest can leave to someone else.
    static let databaseConnectionIgnorable = [
        "plugin_version", "username", "password", "allowed_roles", "root_rotation_statements", "password_policy",
        "max_open_connections", "max_idle_connections", "max_connection_lifetime", "username_template", "disable_escaping",
        "password_authentication", "verify_connection", "rotate_root",
    ]

    static let databaseConnection = ObjectShape(
        "a database connection", summary: "A connection of a database secrets engine (MOUNT/config/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The connection's name (the `db_name` roles give)."),
            Field("mount", .string(.mountPath), "The database engine's path; default `database`."),
            Field("plugin_name", .string(.nonEmpty), required: true, "The database plugin: `postgresql-database-plugin`, `mysql-database-plugin`…"),
            Field("plugin_version", .string(.any), "A pinned version of an external plugin; empty: the built-in one."),
            Field("connection_url", .string(.nonEmpty), required: true, "The database's URL, with `{{username}}` and `{{password}}` where the root credential goes."),
            Field("username", .string(.any), "The root user."),
            Field(
                "password", .object(writeOnlySource),
                "The root password's source (write-only: never read back; written on create and again when the source's value changes). After `rotate_root` only the server knows the password: the field plans no change while its source is unchanged."),
            Field("allowed_roles", .list(.string(.nonEmpty), unique: true), "Roles that may use the connection; `*` any; empty: none."),
            Field("root_rotation_statements", .list(.string(.nonEmpty), unique: false), "Statements that change the root password on `rotate_root`."),
            Field("password_policy", .string(.any), "The password policy generated passwords follow; empty: the plugin's own."),
            Field("verify_connection", .boolean, "Check the connection when it is written (default true); taken with each write, never read back."),
            Field("max_open_connections", .integer(min: 0, max: nil), "Most open connections; 0 is 4."),
            Field("max_idle_connections", .integer(min: 0, max: nil), "Most idle connections; 0 as many as open."),
            Field("max_connection_lifetime", .duration, "How long a connection is kept; 0 forever."),
            Field("username_template", .string(.any), "The template of generated user names; empty: the plugin's own."),
            Field("disable_escaping", .boolean, "Put the username and password into the URL as they are, not URL-escaped."),
            Field("password_authentication", .oneOf(["password", "scram-sha-256"]), "PostgreSQL: how passwords are sent to be stored (default `password`)."),
            Field(
                "rotate_root", .string(.nonEmpty),
                "A marker: each time it changes, apply rotates the root password once (MOUNT/rotate-root/NAME), so afterwards only the server knows it."),
            ignoreFields(databaseConnectionIgnorable),
        ]
    )

    static let databaseRoleIgnorable = [
        "creation_statements", "revocation_statements", "rollback_statements", "renew_statements", "default_ttl", "max_ttl",
        "credential_type", "credential_config",
    ]

    static let databaseRole = ObjectShape(
        "a database role", summary: "A dynamic role of a database secrets engine (MOUNT/roles/NAME): credentials made per read of MOUNT/creds/NAME.",
        fields: [
            Field("name", .string(.name), required: true, "The role's name."),
            Field("mount", .string(.mountPath), "The database engine's path; default `database`."),
            Field("db_name", .string(.name), required: true, "The connection (declared in `database_connections`) its users are made on."),
            Field("creation_statements", .list(.string(.nonEmpty), unique: false), "Statements that create a user: `{{name}}`, `{{password}}`, `{{expiration}}`."),
            Field("revocation_statements", .list(.string(.nonEmpty), unique: false), "Statements that remove a user; empty: the plugin's own."),
            Field("rollback_statements", .list(.string(.nonEmpty), unique: false), "Statements that undo a failed creation."),
            Field("renew_statements", .list(.string(.nonEmpty), unique: false), "Statements run when a lease is renewed."),
            Field("default_ttl", .duration, "TTL of the credentials; 0 the mount's."),
            Field("max_ttl", .duration, "Maximum TTL of the credentials; 0 the mount's."),
            Field("credential_type", .oneOf(["password", "rsa_private_key", "client_certificate"]), "The kind of credential (default `password`)."),
            Field("credential_config", .map(.scalarText), "Settings of the credential type, as strings."),
            ignoreFields(databaseRoleIgnorable),
        ]
    )

    static let databaseStaticRoleIgnorable = ["rotation_statements", "credential_type", "credential_config"]

    static let databaseStaticRole = ObjectShape(
        "a database static role", summary: "A static role of a database secrets engine (MOUNT/static-roles/NAME): one user whose password the server rotates.",
        fields: [
            Field("name", .string(.name), required: true, "The role's name."),
            Field("mount", .string(.mountPath), "The database engine's path; default `database`."),
            Field("db_name", .string(.name), required: true, "The connection (declared in `database_connections`) the user lives on."),
            Field("username", .string(.nonEmpty), required: true, "The existing database user; changing it replaces the role."),
            Field("rotation_period", .duration, required: true, "How often the server rotates the password; at least 5s."),
            Field("rotation_statements", .list(.string(.nonEmpty), unique: false), "Statements that set the password; empty: the plugin's own."),
            Field("credential_type", .oneOf(["password", "rsa_private_key", "client_certificate"]), "The kind of credential (default `password`)."),
            Field("credential_config", .map(.scalarText), "Settings of the credential type, as strings."),
            ignoreFields(databaseStaticRoleIgnorable),
        ]
    )
}

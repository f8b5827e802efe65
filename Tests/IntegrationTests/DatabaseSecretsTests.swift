import Foundation
import Testing
import TestSupport
import VaultAPI

/// The database secrets engine against a dev server and a real PostgreSQL (`PostgresServer`):
/// a connection, a dynamic and a static role made through vaultform hand out credentials that
/// log in to PostgreSQL; every field both ways; ownership; export round trip; `rotate_root`.
@Suite("the database secrets engine against a dev server and a real PostgreSQL")
struct DatabaseSecretsTests {
    static let creation = "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"

    /// A manifest with a connection to `pg` on `mount`, a dynamic role `app` and a static role
    /// `fixed` of the PostgreSQL user `static_app`; `connection` adds lines to the connection.
    static func manifest(mount: String, pg: PostgresServer, connection: String = "", roles: String = "", in directory: URL) throws -> String {
        try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(mount), type: database }
            database_connections:
              - name: pg
                mount: \(mount)
                plugin_name: postgresql-database-plugin
                connection_url: "\(pg.connectionURL)"
                username: postgres
                password: { from_env: PG_ROOT_PASSWORD }
                allowed_roles: [app, fixed]
            \(connection)
            database_roles:
              - name: app
                mount: \(mount)
                db_name: pg
                creation_statements:
                  - '\(creation.replacingOccurrences(of: "'", with: "''"))'
                revocation_statements: ['DROP ROLE IF EXISTS "{{name}}";']
                default_ttl: 1h
                max_ttl: 24h
            \(roles)
            database_static_roles:
              - { name: fixed, mount: \(mount), db_name: pg, username: static_app, rotation_period: 24h }
            """, in: directory)
    }

    @Test("the server binaries are looked for in $POSTGRES_BIN_DIR, then on PATH, then in Debian's /usr/lib/postgresql/*/bin")
    func binaryDirectories() throws {
        let directories = PostgresServer.binaryDirectories(environment: ["POSTGRES_BIN_DIR": "/opt/pg/bin", "PATH": "/usr/local/bin:/usr/bin"])
        #expect(Array(directories.prefix(3)) == ["/opt/pg/bin", "/usr/local/bin", "/usr/bin"])
        let debian = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).map { "/usr/lib/postgresql/\($0)/bin" }
        #expect(Set(directories.dropFirst(3)) == Set(debian), "\(directories)")
    }

    @Test("a connection and roles made through vaultform: a dynamic and a static credential log in to PostgreSQL")
    func credentialsLogIn() async throws {
        let server = try await DevServer.shared()
        try await PostgresServer.with { pg in
            let directory = try scratchDirectory("vf-db-login")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await pg.superuserQuery("CREATE ROLE static_app LOGIN PASSWORD 'initial-password'")
            let mount = PlanExactnessTests.unique("db")
            let manifest = try Self.manifest(mount: mount, pg: pg, in: directory)
            let environment = ["PG_ROOT_PASSWORD": pg.superuserPassword]
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
            #expect(applied.code == 0, "\(applied.all)")
            #expect(!applied.all.contains(pg.superuserPassword), "the root password reached the output")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment).code == 0)

            let client = try server.client()
            let creds = try await client.request(.get, "\(mount)/creds/app").data
            let user = try #require(creds?["username"]?.stringValue), password = try #require(creds?["password"]?.stringValue)
            let login = try await pg.query("SELECT current_user", user: user, password: password)
            #expect(login.ok && login.output == user, "\(login.output)")
            #expect(!(try await pg.query("SELECT 1", user: user, password: password + "x").ok), "a wrong password is refused: the login is real")

            let fixed = try await client.request(.get, "\(mount)/static-creds/fixed").data
            let staticPassword = try #require(fixed?["password"]?.stringValue)
            #expect(fixed?["username"]?.stringValue == "static_app")
            let staticLogin = try await pg.query("SELECT current_user", user: "static_app", password: staticPassword)
            #expect(staticLogin.ok && staticLogin.output == "static_app", "\(staticLogin.output)")
            #expect(!(try await pg.query("SELECT 1", user: "static_app", password: "initial-password").ok), "the server set a new password")

            let details = try await client.request(.get, "\(mount)/config/pg").data?["connection_details"]?.objectValue
            #expect(details?["password"] == nil, "the server never reads the root password back")
        }
    }

    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        try await PostgresServer.with { pg in
            let directory = try scratchDirectory("vf-db-both")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await pg.superuserQuery("CREATE ROLE static_app LOGIN PASSWORD 'initial-password'")
            let mount = PlanExactnessTests.unique("db")
            let bao = BaoCommand(server: server)
            let policy = PlanExactnessTests.unique("dbpw")
            try await bao("write", "sys/policies/password/\(policy)", "policy=length = 20\nrule \"charset\" { charset = \"abcdefgh0123456789\" }")
            let manifest = try Self.manifest(mount: mount, pg: pg, connection: """
                    max_open_connections: 7
                    max_connection_lifetime: 1m
                    disable_escaping: true
                    password_authentication: scram-sha-256
                """, roles: """
                    credential_config: { password_policy: \(policy) }
                """, in: directory)
            let environment = ["PG_ROOT_PASSWORD": pg.superuserPassword]
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment).code == 0)

            let config = "\(mount)/config/pg", role = "\(mount)/roles/app", fixed = "\(mount)/static-roles/fixed"
            let quiet = "verify_connection=false"
            try await BothWays.spellingsAreNoChange([
                ["write", config, "max_open_connections=7", "max_connection_lifetime=60", "disable_escaping=1", quiet],
                ["write", config, "max_connection_lifetime=60s", "allowed_roles=fixed,app", "password_authentication=scram-sha-256", quiet],
                ["write", role, "default_ttl=60m", "max_ttl=86400"],
                ["write", fixed, "username=static_app", "rotation_period=1440m"],
            ], manifest: manifest, server: server, environment: environment)

            // Another connection, for db_name to drift to.
            try await bao("write", "\(mount)/config/other", "plugin_name=postgresql-database-plugin",
                          "connection_url=\(pg.connectionURL)", "username=postgres", "allowed_roles=*", quiet)
            let conn = "database-connection:\(mount)/pg", dynamic = "database-role:\(mount)/app", stat = "database-static-role:\(mount)/fixed"
            try await BothWays.driftsAreRepaired([
                .init(["write", config, "plugin_name=mysql-database-plugin", quiet], conn, "plugin_name"),
                .init(["write", config, "connection_url=postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres", quiet], conn, "connection_url"),
                .init(["write", config, "username=someone", quiet], conn, "username"),
                .init(["write", config, "allowed_roles=app", quiet], conn, "allowed_roles"),
                .init(["write", config, "root_rotation_statements=ALTER USER \"{{username}}\" WITH PASSWORD '{{password}}';", quiet], conn,
                      "root_rotation_statements"),
                .init(["write", config, "password_policy=\(policy)", quiet], conn, "password_policy"),
                .init(["write", config, "max_open_connections=2", quiet], conn, "max_open_connections"),
                .init(["write", config, "max_idle_connections=1", quiet], conn, "max_idle_connections"),
                .init(["write", config, "max_connection_lifetime=5m", quiet], conn, "max_connection_lifetime"),
                .init(["write", config, "username_template=x-{{.RoleName}}-{{random 6}}", quiet], conn, "username_template"),
                .init(["write", config, "disable_escaping=false", quiet], conn, "disable_escaping"),
                .init(["write", config, "password_authentication=password", quiet], conn, "password_authentication"),
                .init(["write", config, "rotate_root=by-hand", quiet], conn, "rotate_root"),
                .init(["write", role, "db_name=other"], dynamic, "db_name"),
                .init(["write", role, "creation_statements=SELECT 1;"], dynamic, "creation_statements"),
                .init(["write", role, "revocation_statements=SELECT 2;"], dynamic, "revocation_statements"),
                .init(["write", role, "rollback_statements=SELECT 3;"], dynamic, "rollback_statements"),
                .init(["write", role, "renew_statements=SELECT 4;"], dynamic, "renew_statements"),
                .init(["write", role, "default_ttl=2h"], dynamic, "default_ttl"),
                .init(["write", role, "max_ttl=48h"], dynamic, "max_ttl"),
                .init(["write", role, "credential_config=password_policy=none"], dynamic, "credential_config"),
                .init(["write", fixed, "username=static_app", "db_name=other"], stat, "db_name"),
                .init(["write", fixed, "username=static_app", "rotation_period=48h"], stat, "rotation_period"),
                .init(["write", fixed, "username=static_app", "rotation_statements=SELECT 5;"], stat, "rotation_statements"),
            ], manifest: manifest, server: server, environment: environment)
            // The credential type last: a role of another type refuses the password settings above.
            try await BothWays.driftsAreRepaired([
                .init(["write", role, "credential_type=rsa_private_key", "credential_config=key_bits=2048"], dynamic, "credential_type"),
                .init(["write", fixed, "username=static_app", "credential_type=rsa_private_key", "credential_config=key_bits=2048"], stat,
                      "credential_type"),
            ], manifest: manifest, server: server, environment: environment)

            // A static role's user cannot change in place: another one is a replace.
            let renamed = directory.appendingPathComponent("renamed.yaml")
            try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: "username: static_app", with: "username: other_app")
                .write(to: renamed, atomically: true, encoding: .utf8)
            let plan = try await server.vaultform(["plan", renamed.path, "--format", "json"], environment: environment)
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["replace \(stat)"], "\(plan.output)")
        }
    }

    @Test("owned roles the manifest drops are deleted (a static role only with --allow-destroy); export round-trips")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            try await PostgresServer.with { pg in
                let directory = try scratchDirectory("vf-db-export")
                defer { try? FileManager.default.removeItem(at: directory) }
                try await pg.superuserQuery("CREATE ROLE static_app LOGIN PASSWORD 'initial-password'")
                try await pg.superuserQuery("CREATE ROLE stray_app LOGIN PASSWORD 'initial-password'")
                let client = try server.client()
                _ = try await client.request(.post, "sys/mounts/database", body: ["type": "database"])
                _ = try await client.request(.post, "database/config/pg", body: [
                    "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.connectionURL), "username": "postgres",
                    "password": .string(pg.superuserPassword), "allowed_roles": "*",
                ])
                _ = try await client.request(.post, "database/roles/stray", body: ["db_name": "pg", "creation_statements": .string(Self.creation)])
                _ = try await client.request(.post, "database/static-roles/stray-static", body: [
                    "db_name": "pg", "username": "stray_app", "rotation_period": 3600,
                ])
                let manifest = try SecretSchemaTests.write("""
                    ownership:
                      - { kind: database_role, mount: database }
                      - { kind: database_static_role, mount: database }
                    secrets_engines:
                      - { path: database, type: database }
                    database_connections:
                      - name: pg
                        plugin_name: postgresql-database-plugin
                        connection_url: "\(pg.connectionURL)"
                        username: postgres
                        allowed_roles: ["*"]
                        max_open_connections: 5
                    database_roles:
                      - name: app
                        db_name: pg
                        creation_statements: ['\(Self.creation.replacingOccurrences(of: "'", with: "''"))']
                        default_ttl: 30m
                    database_static_roles:
                      - { name: fixed, db_name: pg, username: static_app, rotation_period: 12h, rotation_statements: ['ALTER ROLE "{{name}}" WITH PASSWORD ''{{password}}'';'] }
                    """, in: directory)
                let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
                let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
                let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }.sorted()
                #expect(actions == [
                    "create database-role:database/app", "create database-static-role:database/fixed",
                    "delete database-role:database/stray", "delete database-static-role:database/stray-static",
                    "update database-connection:database/pg",
                ], "\(plan.output)")
                let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
                #expect(refused.code != 0, "deleting a static role needs --allow-destroy: \(refused.all)")
                let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
                #expect(applied.code == 0, "\(applied.all)")
                #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

                let exported = directory.appendingPathComponent("exported")
                let export = try await server.vaultform(["export", "--output", exported.path])
                #expect(export.code == 0, "\(export.all)")
                #expect(!export.all.contains(pg.superuserPassword))
                let connections = try String(contentsOf: exported.appendingPathComponent("database_connections.yaml"), encoding: .utf8)
                #expect(connections.contains("max_open_connections: 5") && !connections.contains("mount:"), "\(connections)")
                #expect(!connections.contains(pg.superuserPassword), "\(connections)")
                let entries = connections.split(separator: "\n").filter { !$0.hasPrefix("#") }
                #expect(!entries.contains { $0.contains("password:") }, "the root password is never read back, so never exported: \(connections)")
                let roles = try String(contentsOf: exported.appendingPathComponent("database_roles.yaml"), encoding: .utf8)
                #expect(roles.contains("name: app") && roles.contains("default_ttl: 30m") && !roles.contains("stray"), "\(roles)")
                let statics = try String(contentsOf: exported.appendingPathComponent("database_static_roles.yaml"), encoding: .utf8)
                #expect(statics.contains("username: static_app") && statics.contains("rotation_period: 12h"), "\(statics)")
                let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
                #expect(roundTrip.code == 0, "\(roundTrip.all)")
            }
        }
    }

    @Test("rotate_root rotates the root password once per marker; afterwards the password field plans no change")
    func rotateRoot() async throws {
        let server = try await DevServer.shared()
        try await PostgresServer.with { pg in
            let directory = try scratchDirectory("vf-db-rotate")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await pg.superuserQuery("CREATE ROLE static_app LOGIN PASSWORD 'initial-password'")
            let mount = PlanExactnessTests.unique("db")
            let environment = ["PG_ROOT_PASSWORD": pg.superuserPassword]
            let first = try Self.manifest(mount: mount, pg: pg, connection: "    rotate_root: first", in: directory)
            let applied = try await server.vaultform(["apply", first, "--auto-approve"], environment: environment)
            #expect(applied.code == 0, "\(applied.all)")
            #expect(!(try await pg.query("SELECT 1", user: "postgres", password: pg.superuserPassword).ok), "the root password was rotated")
            let client = try server.client()
            func dynamicLogin() async throws -> Bool {
                let creds = try await client.request(.get, "\(mount)/creds/app").data
                let user = try #require(creds?["username"]?.stringValue), password = try #require(creds?["password"]?.stringValue)
                return try await pg.query("SELECT 1", user: user, password: password).ok
            }
            #expect(try await dynamicLogin(), "the server still reaches PostgreSQL with the rotated password")
            let again = try await server.vaultform(["plan", first, "--detailed-exitcode"], environment: environment)
            #expect(again.code == 0, "neither the marker nor the password's source changed: \(again.all)")

            let second = try Self.manifest(mount: mount, pg: pg, connection: "    rotate_root: second", in: directory)
            let json = try await server.vaultform(["plan", second, "--format", "json"], environment: environment)
            #expect(try BothWays.changed(json.output) == ["database-connection:\(mount)/pg rotate_root"], "\(json.output)")
            let rotated = try await server.vaultform(["apply", second, "--auto-approve"], environment: environment)
            #expect(rotated.code == 0, "\(rotated.all)")
            #expect(try await dynamicLogin())
            #expect(try await server.vaultform(["plan", second, "--detailed-exitcode"], environment: environment).code == 0)
        }
    }
}

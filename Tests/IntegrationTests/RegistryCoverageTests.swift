import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore

/// Every field the server answers for an object of each kind is managed by the kind's
/// definition or listed in it as generated. A field nobody lists is a field whose change
/// out of band nobody sees (this test found AppRole's `token_strictly_bind_ip`, KV's
/// `metadata_cas_required`, an auth method's `external_entropy_access` and a policy's
/// identity-template settings unmanaged).
@Suite("the kind registry covers every field the server reads back")
struct RegistryCoverageTests {
    /// The words a kind's definition names: its managed fields and the generated ones (each
    /// word of a generated entry, so `supports_*` and prose entries count).
    static func named(_ kind: ResourceKind) -> (managed: Set<String>, generated: [String]) {
        let definition = kind.definition
        let words = definition.generated.flatMap { entry in
            entry.split(whereSeparator: { " ,()`".contains($0) }).map(String.init)
        }
        return (Set(definition.fields.map(\.name)), words)
    }

    static func unlisted(_ keys: [String], of kind: ResourceKind) -> [String] {
        let (managed, generated) = named(kind)
        return keys.filter { key in
            !managed.contains(key) && !generated.contains { word in
                word == key || (word.hasSuffix("*") && key.hasPrefix(String(word.dropLast())))
            }
        }.sorted()
    }

    @Test("a fresh object of every kind reads back only fields its definition names")
    func everyFieldIsNamed() async throws {
        let server = try await DevServer.shared()
        let client = try server.client()
        let kv = PlanExactnessTests.unique("cov-kv"), tr = PlanExactnessTests.unique("cov-tr")
        let ar = PlanExactnessTests.unique("cov-ar"), name = PlanExactnessTests.unique("cov")
        _ = try await client.request(.post, "sys/mounts/\(kv)", body: ["type": "kv", "options": ["version": "2"]])
        _ = try await client.request(.post, "sys/mounts/\(tr)", body: ["type": "transit"])
        _ = try await client.request(.post, "sys/auth/\(ar)", body: ["type": "approle"])
        _ = try await client.request(.post, "\(tr)/keys/k", body: [:])
        _ = try await client.request(.post, "auth/\(ar)/role/r", body: [:])
        _ = try await client.request(.put, "sys/policies/acl/\(name)", body: ["policy": "path \"a\" { capabilities = [\"read\"] }"])
        _ = try await client.request(.post, "auth/token/roles/\(name)", body: [:])
        _ = try await client.request(.post, "identity/entity/name/\(name)", body: [:])
        _ = try await client.request(.post, "sys/namespaces/\(name)", body: [:])
        let up = PlanExactnessTests.unique("cov-up")
        _ = try await client.request(.post, "sys/auth/\(up)", body: ["type": "userpass"])
        _ = try await client.request(.post, "auth/\(up)/users/u", body: ["password": "p"])
        let jwt = PlanExactnessTests.unique("cov-jwt")
        _ = try await client.request(.post, "sys/auth/\(jwt)", body: ["type": "jwt"])
        _ = try await client.request(.post, "auth/\(jwt)/config", body: ["jwt_validation_pubkeys": [.string(JWTAuthKindTests.publicKey)]])
        // poll_interval is read back only when it is set.
        _ = try await client.request(.post, "auth/\(jwt)/role/r", body: ["role_type": "jwt", "user_claim": "sub", "bound_subject": "s", "poll_interval": 5])
        // A Kubernetes config and a cert role need a certificate: any PEM certificate will do.
        let pki = try await TestPKI()
        defer { pki.remove() }
        let ca = try String(contentsOfFile: pki.caCertificate, encoding: .utf8)
        let k8s = PlanExactnessTests.unique("cov-k8s"), cert = PlanExactnessTests.unique("cov-cert")
        _ = try await client.request(.post, "sys/auth/\(k8s)", body: ["type": "kubernetes"])
        _ = try await client.request(.post, "auth/\(k8s)/config", body: [
            "kubernetes_host": "https://k8s.example", "kubernetes_ca_cert": .string(ca), "disable_local_ca_jwt": true,
        ])
        _ = try await client.request(.post, "sys/auth/\(cert)", body: ["type": "cert"])
        _ = try await client.request(.post, "auth/\(cert)/certs/r", body: ["certificate": .string(ca)])
        _ = try await client.request(.post, "identity/group/name/\(name)", body: [:])
        _ = try await client.request(.post, "identity/group/name/\(name)-ext", body: ["type": "external"])
        let accessor = try #require(try await client.request(.get, "sys/auth/\(ar)").data?["accessor"]?.stringValue)
        let entityID = try #require(try await client.request(.get, "identity/entity/name/\(name)").data?["id"]?.stringValue)
        let groupID = try #require(try await client.request(.get, "identity/group/name/\(name)-ext").data?["id"]?.stringValue)
        let entityAlias = try #require(try await client.request(.post, "identity/entity-alias", body: [
            "name": .string(name), "mount_accessor": .string(accessor), "canonical_id": .string(entityID),
        ]).data?["id"]?.stringValue)
        let groupAlias = try #require(try await client.request(.post, "identity/group-alias", body: [
            "name": .string(name), "mount_accessor": .string(accessor), "canonical_id": .string(groupID),
        ]).data?["id"]?.stringValue)

        // A quota on the test's own KV engine, at a rate no test reaches.
        _ = try await client.request(.post, "sys/quotas/rate-limit/\(name)", body: ["rate": 100000, "path": .string(kv)])
        let pkiMount = PlanExactnessTests.unique("cov-pki")
        _ = try await client.request(.post, "sys/mounts/\(pkiMount)", body: ["type": "pki"])
        _ = try await client.request(.post, "\(pkiMount)/roles/r", body: [:])
        // A root CA with per-issuer URLs, so the issuer reads back its templating flag too.
        _ = try await client.request(.post, "\(pkiMount)/root/generate/internal", body: ["common_name": "cov", "ttl": "1h"])
        _ = try await client.request(.patch, "\(pkiMount)/issuer/default", body: ["ocsp_servers": ["http://ocsp.example"]])
        let pkiKey = try #require(try await client.request(.get, "\(pkiMount)/issuer/default").data?["key_id"]?.stringValue)
        let sshMount = PlanExactnessTests.unique("cov-ssh")
        _ = try await client.request(.post, "sys/mounts/\(sshMount)", body: ["type": "ssh"])
        // ed25519: an RSA 4096 key (the default) took over 30 s to generate on a loaded CI machine.
        _ = try await client.request(.post, "\(sshMount)/config/ca", body: ["generate_signing_key": true, "key_type": "ed25519"])
        _ = try await client.request(.post, "\(sshMount)/roles/r", body: ["key_type": "ca", "allow_user_certificates": true])
        let totpMount = PlanExactnessTests.unique("cov-totp")
        _ = try await client.request(.post, "sys/mounts/\(totpMount)", body: ["type": "totp"])
        _ = try await client.request(.post, "\(totpMount)/keys/k", body: ["key": "JBSWY3DPEHPK3PXP"])
        let sshIssuers = try #require(try await client.request(.list, "\(sshMount)/issuers").data?["key_info"]?.objectValue)

        func keys(_ path: String, _ member: String? = nil) async throws -> [String: JSONValue] {
            let data = try await client.request(.get, path).data
            let object = member.map { data?[$0] } ?? data
            return try #require(object?.objectValue, "\(path) \(member ?? "")")
        }
        let mount = try await keys("sys/mounts", "\(kv)/"), auth = try await keys("sys/auth", "\(ar)/")
        let tuned: (([String: JSONValue]) -> [String]) = { entry in
            // A mount's config members are its tuning fields.
            entry.keys.filter { $0 != "config" } + (entry["config"]?.objectValue?.keys.map { $0 } ?? [])
        }
        let reads: [(ResourceKind, [String])] = [
            (.secretsEngine, tuned(mount)),
            (.authMethod, tuned(auth)),
            (.kvConfig, Array(try await keys("\(kv)/config").keys)),
            (.transitKey, Array(try await keys("\(tr)/keys/k").keys)),
            (.appRoleRole, Array(try await keys("auth/\(ar)/role/r").keys)),
            (.policy, Array(try await keys("sys/policies/acl/\(name)").keys)),
            (.namespace, Array(try await keys("sys/namespaces/\(name)").keys)),
            (.namespace, Array(try #require(try await client.request(.list, "sys/namespaces").data?["key_info"]?["\(name)/"]?.objectValue).keys)),
            (.tokenRole, Array(try await keys("auth/token/roles/\(name)").keys)),
            (.identityEntity, Array(try await keys("identity/entity/name/\(name)").keys)),
            (.rateLimitQuota, Array(try await keys("sys/quotas/rate-limit/\(name)").keys)),
            (.userpassUser, Array(try await keys("auth/\(up)/users/u").keys)),
            (.jwtConfig, Array(try await keys("auth/\(jwt)/config").keys)),
            (.jwtRole, Array(try await keys("auth/\(jwt)/role/r").keys)),
            (.kubernetesConfig, Array(try await keys("auth/\(k8s)/config").keys)),
            (.certRole, Array(try await keys("auth/\(cert)/certs/r").keys)),
            (.pkiRole, Array(try await keys("\(pkiMount)/roles/r").keys)),
            (.pkiConfig, Array(try await keys("\(pkiMount)/config/urls").keys)),
            // The CA is read from the issuers' list; its GET says the same.
            (.sshCA, Array(try #require(sshIssuers.values.first?.objectValue).keys)),
            (.sshCA, Array(try await keys("\(sshMount)/config/ca").keys)),
            (.sshRole, Array(try await keys("\(sshMount)/roles/r").keys)),
            (.totpKey, Array(try await keys("\(totpMount)/keys/k").keys)),
            (.pkiConfig, Array(try await keys("\(pkiMount)/config/crl").keys)),
            // `config/issuers` names the default issuer `default`: the config's `default_issuer`.
            (.pkiConfig, try await keys("\(pkiMount)/config/issuers").keys.map { $0 == "default" ? "default_issuer" : $0 }),
            // A CA is its issuer and its key.
            (.pkiRootCA, Array(try await keys("\(pkiMount)/issuer/default").keys)),
            (.pkiRootCA, Array(try await keys("\(pkiMount)/key/\(pkiKey)").keys)),
            (.pkiConfig, Array(try await keys("\(pkiMount)/config/cluster").keys)),
            (.identityGroup, Array(try await keys("identity/group/name/\(name)").keys)),
            (.identityGroup, Array(try await keys("identity/group/name/\(name)-ext").keys)),
            // An alias is read from its list's `key_info`; its own read says more, all named too.
            (.entityAlias, Array(try await keys("identity/entity-alias/id/\(entityAlias)").keys)),
            (.entityAlias, Array(try #require(try await client.request(.list, "identity/entity-alias/id").data?["key_info"]?[entityAlias]?.objectValue).keys)),
            (.groupAlias, Array(try await keys("identity/group-alias/id/\(groupAlias)").keys)),
            (.groupAlias, Array(try #require(try await client.request(.list, "identity/group-alias/id").data?["key_info"]?[groupAlias]?.objectValue).keys)),
        ]
        for (kind, read) in reads {
            #expect(Self.unlisted(read, of: kind).isEmpty, "\(kind): the server reads back fields the definition does not name")
        }
    }

    @Test("a database connection (its connection_details too), a dynamic and a static role read back only fields their definitions name")
    func databaseKinds() async throws {
        let server = try await DevServer.shared()
        let client = try server.client()
        try await PostgresServer.with { pg in
            try await pg.superuserQuery("CREATE ROLE cov_static LOGIN PASSWORD 'initial-password'")
            let db = PlanExactnessTests.unique("cov-db")
            _ = try await client.request(.post, "sys/mounts/\(db)", body: ["type": "database"])
            // Every setting the PostgreSQL plugin takes, so each is read back.
            _ = try await client.request(.post, "\(db)/config/pg", body: [
                "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.connectionURL), "username": "postgres",
                "password": .string(pg.superuserPassword), "allowed_roles": "*", "max_open_connections": 3, "max_idle_connections": 2,
                "max_connection_lifetime": "1m", "username_template": "v-{{.RoleName}}", "disable_escaping": true,
                "password_authentication": "scram-sha-256", "password_policy": "", "root_rotation_statements": ["SELECT 1;"],
            ])
            _ = try await client.request(.post, "\(db)/roles/r", body: ["db_name": "pg", "creation_statements": "SELECT 1;"])
            _ = try await client.request(.post, "\(db)/static-roles/s", body: ["db_name": "pg", "username": "cov_static", "rotation_period": 3600])
            let connection = try #require(try await client.request(.get, "\(db)/config/pg").data?.objectValue)
            let details = try #require(connection["connection_details"]?.objectValue)
            let role = try #require(try await client.request(.get, "\(db)/roles/r").data?.objectValue)
            let staticRole = try #require(try await client.request(.get, "\(db)/static-roles/s").data?.objectValue)
            #expect(Self.unlisted(Array(connection.keys), of: .databaseConnection).isEmpty, "\(connection.keys.sorted())")
            #expect(Self.unlisted(Array(details.keys), of: .databaseConnection).isEmpty, "\(details.keys.sorted())")
            #expect(Self.unlisted(Array(role.keys), of: .databaseRole).isEmpty, "\(role.keys.sorted())")
            #expect(Self.unlisted(Array(staticRole.keys), of: .databaseStaticRole).isEmpty, "\(staticRole.keys.sorted())")
        }
    }

    @Test("an audit device reads back only fields its definition names")
    func auditDevice() async throws {
        try await DevServer.with { server in
            let client = try server.client()
            let file = server.directory.appendingPathComponent("audit.log").path
            _ = try await client.request(.put, "sys/audit/cov", body: ["type": "file", "options": ["file_path": .string(file)]])
            let device = try #require(try await client.request(.get, "sys/audit").data?["cov/"]?.objectValue)
            #expect(Self.unlisted(Array(device.keys), of: .auditDevice).isEmpty)
        }
    }
}

/// The fields the coverage test found unmanaged, now managed: both ways against a real server.
@Suite("fields the coverage test found, both ways")
struct CoveredFieldsTests {
    @Test("token_strictly_bind_ip, metadata_cas_required, a policy's identity-template settings, auth options: spellings and drift")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-covered")
        defer { try? FileManager.default.removeItem(at: directory) }
        let kv = PlanExactnessTests.unique("cf-kv"), ar = PlanExactnessTests.unique("cf-ar"), policy = PlanExactnessTests.unique("cf-p")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(kv), type: kv-v2 }
            auth_methods:
              - { path: \(ar), type: approle }
            policies:
              - { name: \(policy), hcl: 'path "a" { capabilities = ["read"] }', allow_wildcards_in_identity_templates: true }
            approle_roles:
              - { name: app, mount: \(ar) }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        try await BothWays.spellingsAreNoChange([
            ["write", "auth/\(ar)/role/app", "token_strictly_bind_ip=f"],
            ["write", "\(kv)/config", "metadata_cas_required=0"],
        ], manifest: manifest, server: server)
        try await BothWays.driftsAreRepaired([
            .init(["write", "auth/\(ar)/role/app", "token_strictly_bind_ip=true"], "approle-role:\(ar)/app", "token_strictly_bind_ip"),
            .init(["write", "\(kv)/config", "metadata_cas_required=true"], "kv-config:\(kv)/", "metadata_cas_required"),
            .init(["write", "sys/policies/acl/\(policy)", "policy=path \"a\" { capabilities = [\"read\"] }", "allow_slashes_in_identity_templates=true",
                   "allow_wildcards_in_identity_templates=true"], "policy:\(policy)", "allow_slashes_in_identity_templates"),
        ], manifest: manifest, server: server)
        // A policy write replaces the whole policy: the settings the manifest wants survive a
        // change of its text alone.
        let read = try await server.client().request(.get, "sys/policies/acl/\(policy)").data
        #expect(read?["allow_wildcards_in_identity_templates"]?.boolValue == true)
        #expect(read?["allow_slashes_in_identity_templates"]?.boolValue == false)
    }

    @Test("an auth method's external_entropy_access, fixed at enable: re-enabled out of band, a destructive replace")
    func authEntropy() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-covered-auth")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ar = PlanExactnessTests.unique("cf-ee")
        let manifest = try SecretSchemaTests.write("""
            auth_methods:
              - { path: \(ar), type: approle, options: { note: kept } }
            """, in: directory)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        let client = try server.client()
        _ = try await client.request(.delete, "sys/auth/\(ar)")
        _ = try await client.request(.post, "sys/auth/\(ar)", body: ["type": "approle", "external_entropy_access": true, "options": ["note": "kept"]])
        let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
        #expect(try BothWays.changed(plan.output).contains("auth:\(ar)/ external_entropy_access"), "\(plan.output)")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code == 1 && refused.all.contains("--allow-destroy"), "\(refused.all)")
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"]).code == 0)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        // Options the manifest names are managed: changed out of band, they are drift.
        _ = try await client.request(.post, "sys/auth/\(ar)/tune", body: ["options": ["note": "changed"]])
        let tuned = try await server.vaultform(["plan", manifest, "--format", "json"])
        #expect(try BothWays.changed(tuned.output).contains("auth:\(ar)/ options"), "\(tuned.output)")
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// SSH engines against a real server: the CA signing key is generated once inside the
/// engine and never again (its public key is the same after three applies), read back from
/// the engine's issuers with its type and size taken from the public key; a different key
/// out of band is a destructive replace; the issuer's name changes in place. CA roles both
/// ways: spellings the server uses the same (users in another order with spaces, 60m for 1h,
/// key sizes reordered) are no change, a real change of every field, omitted ones included,
/// is drift apply repairs; a role signs a user key whose certificate `ssh-keygen` shows
/// signed by the CA's public key; ownership and an export round trip.
@Suite("SSH engines against a dev server")
struct SSHEngineTests {
    /// The engine's default issuer's public key.
    static func publicKey(_ mount: String, _ server: DevServer) async throws -> String {
        try #require(try await server.client().request(.get, "\(mount)/config/ca").data?["public_key"]?.stringValue)
    }

    /// `bao write PATH @FILE` with `body` as the file's JSON: a whole role, maps included.
    static func write(_ path: String, _ body: [String: Any], in directory: URL) throws -> [String] {
        let file = directory.appendingPathComponent("body-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: body).write(to: file)
        return ["write", path, "@" + file.path]
    }

    @Test("the CA key is generated once; its name drifts in place; another key type out of band is a destructive replace; a spelling of the type is no change")
    func caCreatedOnce() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-ssh-ca")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssh = PlanExactnessTests.unique("ssh"), adopted = PlanExactnessTests.unique("ssha")
        let bao = BaoCommand(server: server)
        // A key generated out of band with the parameters the manifest gives is adopted.
        try await bao("secrets", "enable", "-path=\(adopted)", "ssh")
        // 2048 bits: the default 4096 took longer than bao's own deadline on a loaded CI machine.
        try await bao("write", "\(adopted)/config/ca", "key_type=ssh-rsa", "key_bits=2048")
        let adoptedKey = try await Self.publicKey(adopted, server)
        let body = { (type: String) in
            """
            secrets_engines:
              - { path: \(ssh), type: ssh }
              - { path: \(adopted), type: ssh }
            ssh_cas:
              - { mount: \(ssh), \(type), issuer_name: ca-2026 }
              - { mount: \(adopted), key_type: rsa, key_bits: 2048 }
            """
        }
        let manifest = try SecretSchemaTests.write(body("key_type: ec, key_bits: 384"), in: directory)
        var keys: [String] = []
        for _ in 0..<3 {
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0 && !applied.all.contains("PRIVATE"), "\(applied.all)")
            keys.append(try await Self.publicKey(ssh, server))
        }
        #expect(Set(keys).count == 1 && keys[0].hasPrefix("ecdsa-sha2-nistp384 "), "\(keys)")
        #expect(try await Self.publicKey(adopted, server) == adoptedKey)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        // The OpenSSH name of the same key type is the same CA.
        let spelled = directory.appendingPathComponent("spelled.yaml").path
        try ("version: 1\n" + body("key_type: ecdsa-sha2-nistp384")).write(toFile: spelled, atomically: true, encoding: .utf8)
        let same = try await server.vaultform(["plan", spelled, "--detailed-exitcode"])
        #expect(same.code == 0, "\(same.all)")

        // The name changes in place; a name the manifest leaves out is left as it is.
        try await BothWays.driftsAreRepaired([
            .init(["write", "\(ssh)/issuer/default", "issuer_name=renamed"], "ssh-ca:\(ssh)/", "issuer_name"),
        ], manifest: manifest, server: server)
        try await BothWays.spellingsAreNoChange([["write", "\(adopted)/issuer/default", "issuer_name=named"]], manifest: manifest, server: server)
        #expect(try await Self.publicKey(ssh, server) == keys[0])

        // Another key generated out of band: the type and size differ, and putting the
        // manifest's back is a destructive replace.
        try await bao("delete", "\(ssh)/config/ca")
        try await bao("write", "\(ssh)/config/ca", "key_type=rsa", "key_bits=2048")
        try await bao("write", "\(ssh)/issuer/default", "issuer_name=ca-2026")
        let drifted = try BothWays.changed(try await server.vaultform(["plan", manifest, "--format", "json"]).output)
        #expect(Set(drifted) == ["ssh-ca:\(ssh)/ key_type", "ssh-ca:\(ssh)/ key_bits"], "\(drifted)")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code != 0 && refused.all.contains("--allow-destroy"), "\(refused.all)")
        #expect(try await Self.publicKey(ssh, server).hasPrefix("ssh-rsa "))
        let replaced = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(replaced.code == 0 && !replaced.all.contains("PRIVATE"), "\(replaced.all)")
        #expect(try await Self.publicKey(ssh, server).hasPrefix("ecdsa-sha2-nistp384 "))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        // A CA deleted out of band is generated again; a change of the size in the manifest
        // is a replace that needs --allow-destroy.
        try await bao("delete", "\(adopted)/config/ca")
        let recreated = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(recreated.code == 0, "\(recreated.all)")
        #expect(try await Self.publicKey(adopted, server).hasPrefix("ssh-rsa "))
        let changed = directory.appendingPathComponent("changed.yaml").path
        try ("version: 1\n" + body("key_type: ec, key_bits: 521")).write(toFile: changed, atomically: true, encoding: .utf8)
        let changedPlan = try await server.vaultform(["plan", changed, "--format", "json"])
        #expect(changedPlan.output.contains("\"action\" : \"replace\""), "\(changedPlan.output)")
        let kept = try await Self.publicKey(ssh, server)
        #expect(try await server.vaultform(["apply", changed, "--auto-approve"]).code != 0)
        #expect(try await Self.publicKey(ssh, server) == kept)
    }

    /// The `users` role as the manifest states it, as the role endpoint takes it.
    static func usersRole() -> [String: Any] { [
        "key_type": "ca", "allow_user_certificates": true, "allowed_users": "alice,bob", "default_user": "alice",
        "allowed_extensions": "permit-pty,permit-port-forwarding", "default_extensions": ["permit-pty": ""],
        "allowed_critical_options": "force-command", "default_critical_options": ["force-command": "/bin/true"],
        "ttl": "1h", "max_ttl": "24h", "allowed_user_key_lengths": ["rsa": [2048, 4096]], "key_id_format": "vf-{{role_name}}",
    ] }

    @Test("roles: equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func rolesBothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-ssh-roles")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssh = PlanExactnessTests.unique("sshr")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(ssh), type: ssh }
            ssh_roles:
              - mount: \(ssh)
                name: users
                allow_user_certificates: true
                allowed_users: [alice, bob]
                default_user: alice
                allowed_extensions: [permit-pty, permit-port-forwarding]
                default_extensions: { permit-pty: "" }
                allowed_critical_options: [force-command]
                default_critical_options: { force-command: /bin/true }
                ttl: 1h
                max_ttl: 24h
                allowed_user_key_lengths: { rsa: [2048, 4096] }
                key_id_format: "vf-{{role_name}}"
              - { mount: \(ssh), name: hosts, allow_host_certificates: true }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let users = "\(ssh)/roles/users", hosts = "\(ssh)/roles/hosts"
        let read = try await server.client().request(.get, users).data
        #expect(read?["allowed_users"]?.stringValue == "alice,bob" && read?["ttl"]?.intValue == 3600, "\(String(describing: read))")
        func role(_ changes: [String: Any]) throws -> [String] {
            try Self.write(users, Self.usersRole().merging(changes) { _, new in new }, in: directory)
        }
        func host(_ changes: [String: Any]) throws -> [String] {
            try Self.write(hosts, (["key_type": "ca", "allow_host_certificates": true] as [String: Any]).merging(changes) { _, new in new }, in: directory)
        }
        try await BothWays.spellingsAreNoChange([
            try role(["allowed_users": " bob, alice,", "allowed_extensions": "permit-port-forwarding,permit-pty", "ttl": "60m"]),
            try role(["allowed_user_key_lengths": ["rsa": [4096, 2048, 4096]], "max_ttl": 86400]),
            try host(["algorithm_signer": "", "issuer_ref": "", "not_before_duration": "30s"]),
        ], manifest: manifest, server: server)
        let u = "ssh-role:\(ssh)/users", h = "ssh-role:\(ssh)/hosts"
        // One drift per field, each on the role where the field is stated or omitted.
        let drifts: [BothWays.Drift] = [
            .init(try role(["allow_user_certificates": false, "allow_host_certificates": true]), u, "allow_user_certificates"),
            .init(try role(["allowed_users": "alice"]), u, "allowed_users"),
            .init(try role(["default_user": "bob"]), u, "default_user"),
            .init(try role(["allowed_extensions": "permit-pty"]), u, "allowed_extensions"),
            .init(try role(["default_extensions": ["permit-pty": "", "permit-agent-forwarding": ""]]), u, "default_extensions"),
            .init(try role(["allowed_critical_options": "source-address"]), u, "allowed_critical_options"),
            .init(try role(["default_critical_options": [:] as [String: String]]), u, "default_critical_options"),
            .init(try role(["ttl": "2h"]), u, "ttl"),
            .init(try role(["max_ttl": "48h"]), u, "max_ttl"),
            .init(try role(["allowed_user_key_lengths": ["rsa": [4096]]]), u, "allowed_user_key_lengths"),
            .init(try role(["key_id_format": "other"]), u, "key_id_format"),
            .init(try host(["allow_user_certificates": true]), h, "allow_user_certificates"),
            .init(try host(["allow_host_certificates": false, "allow_user_certificates": true]), h, "allow_host_certificates"),
            .init(try host(["allowed_users": "*"]), h, "allowed_users"),
            .init(try host(["allowed_users_template": true]), h, "allowed_users_template"),
            .init(try host(["default_user": "root"]), h, "default_user"),
            .init(try host(["default_user_template": true]), h, "default_user_template"),
            .init(try host(["allowed_domains": "example.com"]), h, "allowed_domains"),
            .init(try host(["allowed_domains_template": true]), h, "allowed_domains_template"),
            .init(try host(["allow_bare_domains": true]), h, "allow_bare_domains"),
            .init(try host(["allow_subdomains": true]), h, "allow_subdomains"),
            .init(try host(["allow_user_key_ids": true]), h, "allow_user_key_ids"),
            .init(try host(["allow_commas_in_identity_templates": true]), h, "allow_commas_in_identity_templates"),
            .init(try host(["allow_wildcards_in_identity_templates": true]), h, "allow_wildcards_in_identity_templates"),
            .init(try host(["allow_empty_principals": true]), h, "allow_empty_principals"),
            .init(try host(["allowed_extensions": "*"]), h, "allowed_extensions"),
            .init(try host(["default_extensions_template": true]), h, "default_extensions_template"),
            .init(try host(["default_extensions": ["permit-pty": ""]]), h, "default_extensions"),
            .init(try host(["allowed_critical_options": "force-command"]), h, "allowed_critical_options"),
            .init(try host(["default_critical_options": ["force-command": "x"]]), h, "default_critical_options"),
            .init(try host(["ttl": "1h"]), h, "ttl"),
            .init(try host(["max_ttl": "1h"]), h, "max_ttl"),
            .init(try host(["not_before_duration": "60s"]), h, "not_before_duration"),
            .init(try host(["algorithm_signer": "rsa-sha2-512"]), h, "algorithm_signer"),
            .init(try host(["key_id_format": "k"]), h, "key_id_format"),
            .init(try host(["issuer_ref": "other"]), h, "issuer_ref"),
            .init(try host(["allowed_user_key_lengths": ["ec": [256]]]), h, "allowed_user_key_lengths"),
        ]
        try await BothWays.driftsAreRepaired(drifts, manifest: manifest, server: server)
        // A role of the other type (OTP) in its place is replaced by the CA role.
        try await BothWays.driftsAreRepaired([
            .init(["write", hosts, "key_type=otp", "default_user=root"], h, "key_type"),
        ], manifest: manifest, server: server)
        #expect(try await server.client().request(.get, hosts).data?["key_type"]?.stringValue == "ca")
    }

    @Test("a role signs a user key: ssh-keygen shows the certificate signed by the CA's public key, for the principal and lifetime the role gives")
    func signsAUserKey() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-ssh-sign")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssh = PlanExactnessTests.unique("sshs")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(ssh), type: ssh }
            ssh_cas:
              - { mount: \(ssh), key_type: ed25519 }
            ssh_roles:
              - { mount: \(ssh), name: users, allow_user_certificates: true, allowed_users: [alice], default_user: alice,
                  allowed_extensions: [permit-pty], default_extensions: { permit-pty: "" }, ttl: 30m }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let keygen = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        let userKey = directory.appendingPathComponent("id_user")
        _ = try await ProcessRunner.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", userKey.path], environment: ProcessRunner.cleanEnvironment)
        let userPublic = try String(contentsOf: directory.appendingPathComponent("id_user.pub"), encoding: .utf8)
        let signed = try await server.client().request(.post, "\(ssh)/sign/users", body: ["public_key": .string(userPublic)]).data
        let certificate = try #require(signed?["signed_key"]?.stringValue)
        let certificateFile = directory.appendingPathComponent("id_user-cert.pub")
        try certificate.write(to: certificateFile, atomically: true, encoding: .utf8)
        let caFile = directory.appendingPathComponent("ca.pub")
        try (try await Self.publicKey(ssh, server)).write(to: caFile, atomically: true, encoding: .utf8)
        let shown = try await ProcessRunner.run(keygen, ["-L", "-f", certificateFile.path], environment: ProcessRunner.cleanEnvironment)
        let caPrint = try await ProcessRunner.run(keygen, ["-l", "-f", caFile.path], environment: ProcessRunner.cleanEnvironment)
        // `256 SHA256:… comment (ED25519)`: the fingerprint is the second word.
        let fingerprint = caPrint.standardOutput.split(separator: " ").dropFirst().first.map(String.init) ?? "none"
        #expect(shown.standardOutput.contains("Signing CA: ED25519 \(fingerprint)"), "\(shown.standardOutput) \(fingerprint)")
        #expect(shown.standardOutput.contains("user certificate") && shown.standardOutput.contains("alice"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("permit-pty"), "\(shown.standardOutput)")
    }

    @Test("an owned role the manifest drops is deleted; export writes the CA's parameters and the roles, and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-ssh-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            try await bao("secrets", "enable", "ssh")
            try await bao("write", "ssh/roles/stray", "key_type=ca", "allow_user_certificates=true")
            // An OTP role, on an engine the manifest does not own: export cannot express it and leaves it out.
            try await bao("secrets", "enable", "-path=ssh-otp", "ssh")
            try await bao("write", "ssh-otp/roles/otp", "key_type=otp", "default_user=root")
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: ssh_role, mount: ssh }
                secrets_engines:
                  - { path: ssh, type: ssh }
                ssh_cas:
                  - { mount: ssh, key_type: ec, issuer_name: users-ca }
                ssh_roles:
                  - { mount: ssh, name: users, allow_user_certificates: true, allowed_users: ["*"], ttl: 30m,
                      default_extensions: { permit-pty: "" }, allowed_user_key_lengths: { rsa: [2048, 4096], ec: 256 } }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create ssh-ca:ssh/", "create ssh-role:ssh/users", "delete ssh-role:ssh/stray"], "\(plan.output)")
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let cas = try String(contentsOf: exported.appendingPathComponent("ssh_cas.yaml"), encoding: .utf8)
            #expect(cas.contains("key_type: ec") && cas.contains("issuer_name: users-ca") && !cas.contains("PRIVATE"), "\(cas)")
            let roles = try String(contentsOf: exported.appendingPathComponent("ssh_roles.yaml"), encoding: .utf8)
            #expect(roles.contains("name: users") && roles.contains("ttl: 30m") && !roles.contains("stray") && !roles.contains("name: otp"), "\(roles)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
            // An SSH engine is covered: export names no gap for it.
            #expect(!export.all.contains("skipped what is inside"), "\(export.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// `vaultform export` round trips: what it writes, planned against the same server, is
/// `No changes`, for a server built by the seed's script and for awkward objects; it never
/// writes or prints a secret value.
@Suite("vaultform export")
struct ExportCommandTests {
    static func vaultform(_ arguments: [String], _ server: DevServer) async throws -> StatusCommandTests.Run {
        try await server.vaultform(arguments)
    }

    static func scratch() throws -> URL { try scratchDirectory("vf-export") }

    /// Every file under a directory, as text.
    static func contents(of directory: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[path] = try String(contentsOfFile: full, encoding: .utf8)
            }
        }
        return result
    }

    @Test("the seed's vault-init.sh server with secrets of every shape: export, then plan says no changes; no value written or printed")
    func hoodCloudRoundTrip() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["secrets", "disable", "secret"])
            try await HoodCloudPlanTests.runScript(
                HoodCloudPlanTests.root.appendingPathComponent("Tests/IntegrationTests/Fixtures/vault-init.sh").path,
                server: server, auditLog: directory.appendingPathComponent("audit.log").path)
            // Step 10 by hand, with canaries in every value.
            let canary = "canary\(UUID().uuidString.prefix(8))"
            let key = try await ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/env"), ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                environment: ProcessInfo.processInfo.environment).standardOutput
            try await bao("kv", "put", "-mount=secret", "hoodcloud/app-credentials",
                          "db_password=\(canary)-password", "jwt_private_key=\(key)", #"terraform_env_vars={"HCLOUD_TOKEN":"\#(canary)"}"#,
                          "incident_email_to=ops-\(canary)@example.com", "incident_slack_webhook_url=https://hooks.slack.com/services/\(canary)")
            let raw = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            try await bao("kv", "put", "-mount=secret", "hoodcloud/master-key", "key=\(raw)")
            let client = try server.client()
            _ = try await client.request(.post, "secret/data/hoodcloud/typed", body: ["data": ["count": 3, "enabled": true, "env": ["A": .string(canary)]]])

            let output = directory.appendingPathComponent("adopted")
            let export = try await Self.vaultform(["export", "--output", output.path, "--with-secret-schemas"], server)
            #expect(export.code == 0, "\(export.all)")
            #expect(export.output.contains("4 policies"), "\(export.output)")
            let files = try Self.contents(of: output)
            #expect(Set(files.keys).isSuperset(of: ["audit.yaml", "engines.yaml", "auth.yaml", "transit.yaml", "policies.yaml", "roles.yaml", "secrets.yaml"]))
            #expect(files.keys.contains { $0.hasPrefix("policies/") && $0.hasSuffix(".hcl") })
            let secrets = try #require(files["secrets.yaml"])
            for expected in ["jwt_private_key:\n      type: pem-private-key\n      key_type: rsa", "terraform_env_vars:\n      type: string",
                             "incident_email_to:\n      type: email", "incident_slack_webhook_url:\n      type: url",
                             "key:\n      type: base64\n      bytes: 32", "count:\n      type: integer", "enabled:\n      type: boolean",
                             "env:\n      type: json-object"] {
                #expect(secrets.contains(expected), "secrets.yaml lacks `\(expected)`:\n\(secrets)")
            }
            let leaked = (Array(files.values) + [export.all]).contains { $0.contains(canary) || $0.contains(raw) || $0.contains("BEGIN PRIVATE KEY") }
            #expect(!leaked, "a secret value was exported")
            let validate = try await StatusCommandTests.run(["validate", output.path])
            #expect(validate.code == 0, "\(validate.all)")

            let plan = try await Self.vaultform(["plan", output.path, "--detailed-exitcode"], server)
            #expect(plan.code == 0, "\(plan.all)")
            #expect(plan.output.hasPrefix("No changes. The server matches the manifest."))
            #expect(!plan.all.contains(canary))

            // fmt on export's output: formatting it again changes nothing, and it still plans clean.
            let formatted = try await StatusCommandTests.run(["fmt", output.path])
            #expect(formatted.code == 0, "\(formatted.all)")
            let check = try await StatusCommandTests.run(["fmt", "--check", output.path])
            #expect(check.code == 0, "\(check.all)")
            let replan = try await Self.vaultform(["plan", output.path, "--detailed-exitcode"], server)
            #expect(replan.code == 0, "\(replan.all)")
        }
    }

    @Test("what export cannot express is listed on stderr with a warning, and export still exits 0; --exclude leaves it out")
    func skippedIsListed() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            try await bao("secrets", "enable", "pki")
            try await bao("write", "pki/roles/web", "allowed_domains=example.com", "allow_subdomains=true")
            // SSH engines are read by their kinds now; RabbitMQ engines are not (yet).
            try await bao("secrets", "enable", "-path=ssh", "ssh")
            try await bao("secrets", "enable", "-path=corp", "rabbitmq")
            try await bao("secrets", "enable", "-path=kv", "-version=2", "kv")
            let output = directory.appendingPathComponent("out")
            let export = try await Self.vaultform(["export", "--output", output.path], server)
            #expect(export.code == 0, "\(export.all)")
            #expect(export.error.contains("warning: export wrote these mounts but skipped what is inside them"), "\(export.all)")
            // PKI engines are read by their kinds now: the role is exported, the engine is no gap.
            #expect(!export.error.contains("pki/"), "\(export.all)")
            let roles = try String(contentsOf: output.appendingPathComponent("pki_roles.yaml"), encoding: .utf8)
            #expect(roles.contains("name: web") && roles.contains("allow_subdomains: true"), "\(roles)")
            #expect(export.error.contains("  corp/ (a secrets engine of type rabbitmq): its configuration and objects"), "\(export.all)")
            #expect(!export.error.contains("ssh/"), "\(export.all)")
            #expect(!export.error.contains("kv/"), "KV holds data, not configuration: \(export.all)")
            let filtered = try await Self.vaultform(["export", "--output", output.path, "--exclude", "mount:corp/"], server)
            #expect(filtered.code == 0 && !filtered.all.contains("skipped"), "\(filtered.all)")
        }
    }

    @Test("awkward objects round-trip: tuned mounts, KV config, Transit key flavours, IPv6 CIDRs, policy comments; --include and --exclude filter")
    func awkwardRoundTrip() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            let log = directory.appendingPathComponent("audit.log").path
            try await bao("audit", "enable", "-description=all requests", "file", "file_path=\(log)", "log_raw=false", "hmac_accessor=true")
            try await bao("secrets", "enable", "-path=kv", "-version=2", "-description=apps", "-default-lease-ttl=30m", "-max-lease-ttl=7200",
                          "-passthrough-request-headers=X-Request-Id", "kv")
            try await bao("write", "kv/config", "max_versions=5", "delete_version_after=90m", "cas_required=true")
            try await bao("secrets", "enable", "-path=legacy", "kv")
            try await bao("secrets", "enable", "transit")
            try await bao("write", "-f", "transit/keys/signer", "type=ed25519")
            try await bao("write", "transit/keys/signer/config", "auto_rotate_period=24h", "deletion_allowed=true")
            try await bao("write", "-f", "transit/keys/derived", "derived=true", "convergent_encryption=true")
            try await bao("write", "-f", "transit/keys/mac", "type=hmac", "key_size=64")
            try await bao("write", "-f", "transit/keys/exported", "exportable=true", "allow_plaintext_backup=true")
            try await bao("policy", "write", "commented", "-", input: """
                # Written by hand: the comment must survive export
                path "kv/data/a/*" { capabilities = ["read", "list"] }

                path "kv/data/b" {
                  capabilities = ["create", "update"]   // trailing comment
                }
                """)
            try await bao("policy", "write", "ci-runner", "-", input: "path \"kv/data/ci/*\" { capabilities = [\"read\"] }\n")
            try await bao("auth", "enable", "-path=machines", "-description=machine logins", "-default-lease-ttl=1h", "-token-type=batch", "approle")
            try await bao("write", "auth/machines/role/runner", "token_ttl=60m", "token_max_ttl=7200", "token_policies=ci-runner,commented,ci-runner",
                          "token_bound_cidrs=10.0.0.5/32,2001:DB8:0:0::/64", "secret_id_bound_cidrs=10.0.0.0/24,2001:0db8::/32",
                          "secret_id_ttl=3600s", "secret_id_num_uses=5", "token_type=batch", "token_period=0")
            try await bao("write", "auth/machines/role/keyless", "bind_secret_id=false", "token_bound_cidrs=192.0.2.7/32", "period=1h")

            let output = directory.appendingPathComponent("all")
            let export = try await Self.vaultform(["export", "--output", output.path], server)
            #expect(export.code == 0, "\(export.all)")
            #expect(!export.all.contains("skipped"), "everything here can be expressed: \(export.all)")
            let files = try Self.contents(of: output)
            #expect(files["policies/commented.hcl"]?.contains("# Written by hand: the comment must survive export") == true)
            let engines = files["engines.yaml"] ?? ""
            #expect(engines.contains("type: kv-v2") && engines.contains("default_lease_ttl: 30m") && engines.contains("delete_version_after: 1h30m"), "\(engines)")
            let plan = try await Self.vaultform(["plan", output.path, "--detailed-exitcode"], server)
            #expect(plan.code == 0, "\(plan.all)\n\(files.sorted { $0.key < $1.key }.map { "== \($0.key)\n\($0.value)" }.joined())")

            // Filters: only the policies, and then everything but the Transit keys.
            let policiesOnly = directory.appendingPathComponent("policies-only")
            #expect(try await Self.vaultform(["export", "--output", policiesOnly.path, "--include", "policy:*"], server).code == 0)
            #expect(Set(try Self.contents(of: policiesOnly).keys) == ["policies.yaml", "policies/commented.hcl", "policies/ci-runner.hcl"])
            let noTransit = directory.appendingPathComponent("no-transit")
            #expect(try await Self.vaultform(["export", "--output", noTransit.path, "--exclude", "transit-key:*", "--exclude", "mount:transit/"], server).code == 0)
            let rest = try Self.contents(of: noTransit)
            #expect(rest["transit.yaml"] == nil)
            #expect(rest["engines.yaml"]?.contains("path: transit") == false)
            #expect(try await Self.vaultform(["plan", noTransit.path, "--detailed-exitcode"], server).code == 0)
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// Exactness against the real server: objects written with the `bao` CLI in spellings that
/// differ from the manifest's must plan as "No changes", and a real out-of-band change must
/// show exactly that field. Each test uses its own paths on the shared server.
@Suite("plan exactness against a dev server")
struct PlanExactnessTests {
    static func plan(_ yaml: String, on server: DevServer) async throws -> Plan {
        let result = ManifestLoader().load(sources: [("m.yaml", "version: 1\n" + yaml)])
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        let desired = Pipeline.resolve(manifest)
        let live = try await LiveReader(client: server.client()).read(for: desired)
        return Planner.plan(desired: desired, live: live)
    }

    static func unique(_ prefix: String) -> String { "\(prefix)\(UInt32.random(in: 0...UInt32.max))" }

    @Test("awkward but equivalent spellings plan as no changes")
    func equivalentSpellings() async throws {
        // Its own server: an audit device enabled while other tests enable mounts makes
        // OpenBao fail to persist the audit salt, and every request then answers 500.
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            let kv = Self.unique("kv"), tr = Self.unique("tr"), ar = Self.unique("ar"), audit = Self.unique("aud")
            let policy = Self.unique("Mixed-Case-")
            let logDirectory = FileManager.default.temporaryDirectory.path

            try await bao("secrets", "enable", "-path=\(kv)/", "-version=2", "-description=app secrets",
                    "-default-lease-ttl=30m", "-max-lease-ttl=7200", "kv")
            try await bao("write", "\(kv)/config", "max_versions=5", "delete_version_after=90m", "cas_required=true")
            try await bao("secrets", "enable", "-path=\(tr)", "transit")
            try await bao("write", "-f", "\(tr)/keys/signer", "type=ed25519")
            try await bao("write", "\(tr)/keys/signer/config", "auto_rotate_period=24h", "deletion_allowed=true")
            try await bao("write", "-f", "\(tr)/keys/plain")
            try await bao("policy", "write", policy, "-", input: """
                # Written by hand, blocks out of order, no trailing newline
                path "secret/data/b/*" { capabilities = ["list", "read"] }


                path "secret/data/a/*" {
                  capabilities = ["read"]   // trailing comment
                }
                path "secret/data/a/*" { capabilities = ["list"] }
                """)
            try await bao("auth", "enable", "-path=\(ar)", "-description=machines", "-default-lease-ttl=1h", "approle")
            try await bao("write", "auth/\(ar)/role/Runner", "token_ttl=60m", "token_max_ttl=7200", "token_policies=b,a,a",
                    "token_bound_cidrs=10.0.0.5/32,2001:DB8:0:0::/64, 10.1.1.1/32", "secret_id_bound_cidrs=10.0.0.0/24,2001:0db8::/32",
                    "secret_id_ttl=3600s", "token_type=default-service")
            try await bao("audit", "enable", "-path=\(audit)", "file", "file_path=\(logDirectory)/\(audit).log", "log_raw=true")
            try await ensuring({ _ = try? await bao("audit", "disable", audit) }) {

                let plan = try await Self.plan("""
                    audit_devices:
                      - { path: \(audit), type: file, options: { file_path: "\(logDirectory)/\(audit).log", log_raw: "true" } }
                    secrets_engines:
                      - path: \(kv)
                        type: kv-v2
                        description: app secrets
                        tuning: { default_lease_ttl: 1800, max_lease_ttl: 2h }
                        kv_config: { max_versions: 5, delete_version_after: 1h30m, cas_required: true }
                      - { path: "\(tr)", type: transit }
                    transit_keys:
                      - { mount: \(tr), name: signer, type: ed25519, auto_rotate_period: 86400, deletion_allowed: true }
                      - { mount: \(tr), name: plain, exportable: false }
                    policies:
                      - name: \(policy)
                        rules:
                          - { path: "secret/data/a/*", capabilities: [list, read] }
                          - { path: "secret/data/b/*", capabilities: [read, list] }
                    external_policies: [a, b]
                    auth_methods:
                      - { path: \(ar), type: approle, description: machines, tuning: { default_lease_ttl: 3600 } }
                    approle_roles:
                      - name: runner
                        mount: \(ar)
                        token_ttl: 1h
                        token_max_ttl: "7200"
                        token_policies: [a, b]
                        token_bound_cidrs: [10.1.1.1, 10.0.0.5, "2001:db8::/64"]
                        secret_id_bound_cidrs: ["2001:db8::/32", 10.0.0.0/24]
                        secret_id_ttl: 1h
                        token_type: service
                    """, on: server)
                #expect(plan.isEmpty, "\(PlanText.render(plan, color: false))")
                #expect(plan.unchanged.count == 9)
            }
        }
    }

    @Test("a field changed out of band shows as exactly that field")
    func outOfBandChanges() async throws {
        let server = try await DevServer.shared()
        let bao = BaoCommand(server: server)
        let ar = Self.unique("ar"), kv = Self.unique("kv"), policy = Self.unique("p")
        try await bao("auth", "enable", "-path=\(ar)", "approle")
        try await bao("secrets", "enable", "-path=\(kv)", "-version=2", "kv")
        try await bao("policy", "write", policy, "-", input: "path \"x/*\" { capabilities = [\"read\"] }\n")
        try await bao("write", "auth/\(ar)/role/app", "token_ttl=1h", "token_bound_cidrs=10.0.0.5", "token_policies=\(policy)")
        let manifest = """
            secrets_engines: [{ path: \(kv), type: kv-v2, description: "", kv_config: { max_versions: 0 } }]
            policies: [{ name: \(policy), hcl: 'path "x/*" { capabilities = ["read"] }' }]
            auth_methods: [{ path: \(ar), type: approle }]
            approle_roles:
              - { name: app, mount: \(ar), token_ttl: 1h, token_bound_cidrs: [10.0.0.5/32], token_policies: [\(policy)] }
            """
        #expect(try await Self.plan(manifest, on: server).isEmpty)

        let drifts: [(command: [String], address: String, field: String)] = [
            (["write", "auth/\(ar)/role/app", "token_ttl=2h"], "approle-role:\(ar)/app", "token_ttl"),
            (["write", "auth/\(ar)/role/app", "token_bound_cidrs=10.0.0.6"], "approle-role:\(ar)/app", "token_bound_cidrs"),
            (["write", "\(kv)/config", "max_versions=3"], "kv-config:\(kv)/", "max_versions"),
            (["secrets", "tune", "-description=changed", "\(kv)/"], "mount:\(kv)/", "description"),
        ]
        for drift in drifts {
            _ = try await bao.run(drift.command)
            let plan = try await Self.plan(manifest + "\n", on: server)
            let changed = plan.operations.flatMap { operation in operation.changes.map { "\(operation.address) \($0.field)" } }
            #expect(changed.contains("\(drift.address) \(drift.field)"), "\(drift.command): \(changed)")
        }
        let policyDrift = try await {
            try await bao("policy", "write", policy, "-", input: "path \"x/*\" { capabilities = [\"read\", \"list\"] }\n")
            return try await Self.plan(manifest, on: server)
        }()
        #expect(policyDrift.operations.contains { $0.address.description == "policy:\(policy)" && $0.action == .update })
    }

    @Test("fields that cannot change in place plan as a replacement with the reason")
    func immutableFields() async throws {
        // Its own server: an audit device enabled while other tests enable mounts makes
        // OpenBao fail to persist the audit salt, and every request then answers 500.
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            let tr = Self.unique("tr"), ar = Self.unique("ar"), kv = Self.unique("kv"), audit = Self.unique("aud")
            let log = FileManager.default.temporaryDirectory.path + "/\(audit).log"
            try await bao("secrets", "enable", "-path=\(tr)", "transit")
            try await bao("write", "-f", "\(tr)/keys/typed")
            try await bao("write", "-f", "\(tr)/keys/exported")
            try await bao("write", "\(tr)/keys/exported/config", "exportable=true")
            try await bao("auth", "enable", "-path=\(ar)", "approle")
            try await bao("write", "auth/\(ar)/role/local", "local_secret_ids=true")
            try await bao("secrets", "enable", "-path=\(kv)", "kv")
            try await bao("audit", "enable", "-path=\(audit)", "file", "file_path=\(log)")
            try await ensuring({ _ = try? await bao("audit", "disable", audit) }) {

                let plan = try await Self.plan("""
                    audit_devices: [{ path: \(audit), type: file, options: { file_path: "\(log).new" } }]
                    secrets_engines: [{ path: \(tr), type: transit }, { path: \(kv), type: transit }]
                    transit_keys:
                      - { mount: \(tr), name: typed, type: ed25519 }
                      - { mount: \(tr), name: exported, exportable: false }
                    auth_methods: [{ path: \(ar), type: approle }]
                    approle_roles: [{ name: local, mount: \(ar), local_secret_ids: false }]
                    """, on: server)
                let replaced = Dictionary(plan.operations.map { ($0.address.description, $0) }, uniquingKeysWith: { a, _ in a })
                let expected: [(String, String, String)] = [
                    ("audit:\(audit)/", "options", "HMAC salt"),
                    ("mount:\(kv)/", "type", "destroys its data"),
                    ("transit-key:\(tr)/typed", "type", "fixed when a Transit key is created"),
                    ("transit-key:\(tr)/exported", "exportable", "cannot be turned off"),
                    ("approle-role:\(ar)/local", "local_secret_ids", "fixed when a role is created"),
                ]
                for (address, field, reason) in expected {
                    let operation = replaced[address]
                    #expect(operation?.action == .replace, "\(address): \(String(describing: operation))")
                    let change = operation?.changes.first { $0.field == field }
                    #expect(change?.forcesReplacement?.contains(reason) == true, "\(address) \(field): \(String(describing: change))")
                }
                #expect(plan.operations.count == expected.count, "\(PlanText.render(plan, color: false))")
            }
        }
    }

    @Test("deprecated aliases, IPv6 hosts and explicitly stated defaults plan as no changes")
    func aliasesAndDefaults() async throws {
        let server = try await DevServer.shared()
        let bao = BaoCommand(server: server)
        let ar = Self.unique("ar"), kv = Self.unique("kv"), tr = Self.unique("tr")
        try await bao("auth", "enable", "-path=\(ar)", "approle")
        // The deprecated `policies` and `period` are lower-cased, sorted and de-duplicated by the
        // server and mirrored into token_policies and token_period.
        try await bao("write", "auth/\(ar)/role/legacy", "policies=Beta,alpha,alpha", "period=1h")
        try await bao("write", "auth/\(ar)/role/six", "token_bound_cidrs=2001:db8::1/128,::ffff:10.0.0.1/128",
                "secret_id_bound_cidrs=2001:db8::1/128,10.0.0.7/32")
        try await bao("secrets", "enable", "-path=\(kv)", "-version=2", "kv")
        try await bao("secrets", "enable", "-path=\(tr)", "transit")
        try await bao("write", "-f", "\(tr)/keys/k")
        let plan = try await Self.plan("""
            external_policies: [alpha, beta]
            secrets_engines:
              - path: \(kv)
                type: kv
                options: { version: "2" }
                local: false
                seal_wrap: false
                tuning:
                  default_lease_ttl: 0
                  max_lease_ttl: 0
                  listing_visibility: ""
                  force_no_cache: false
                  passthrough_request_headers: []
                  audit_non_hmac_request_keys: []
                kv_config: { max_versions: 0, cas_required: false, delete_version_after: 0s }
              - { path: \(tr), type: transit }
            transit_keys:
              - { mount: \(tr), name: k, type: aes256-gcm96, exportable: false, allow_plaintext_backup: false,
                  deletion_allowed: false, auto_rotate_period: 0, min_decryption_version: 1, min_encryption_version: 0,
                  derived: false }
            auth_methods: [{ path: \(ar), type: approle, local: false, tuning: { default_lease_ttl: 0, token_type: default-service } }]
            approle_roles:
              - { name: legacy, mount: \(ar), token_policies: [alpha, beta], token_period: 3600, bind_secret_id: true,
                  token_num_uses: 0, token_type: default, local_secret_ids: false, token_no_default_policy: false }
              - { name: six, mount: \(ar), token_bound_cidrs: ["2001:db8::1", 10.0.0.1],
                  secret_id_bound_cidrs: ["2001:db8::1/128", 10.0.0.7] }
            """, on: server)
        #expect(plan.isEmpty, "\(PlanText.render(plan, color: false))")
    }

    @Test("every kind's fields drifted out of band show exactly that field")
    func moreOutOfBandChanges() async throws {
        let server = try await DevServer.shared()
        let bao = BaoCommand(server: server)
        let ar = Self.unique("ar"), tr = Self.unique("tr")
        try await bao("auth", "enable", "-path=\(ar)", "approle")
        try await bao("secrets", "enable", "-path=\(tr)", "transit")
        try await bao("write", "-f", "\(tr)/keys/k")
        try await bao("write", "auth/\(ar)/role/r", "secret_id_ttl=1h", "secret_id_bound_cidrs=10.0.0.0/8", "token_policies=a")
        let manifest = """
            external_policies: [a, b]
            secrets_engines: [{ path: \(tr), type: transit, tuning: { max_lease_ttl: 0 } }]
            transit_keys: [{ mount: \(tr), name: k, deletion_allowed: false, auto_rotate_period: 0 }]
            auth_methods: [{ path: \(ar), type: approle, tuning: { default_lease_ttl: 0 } }]
            approle_roles:
              - { name: r, mount: \(ar), secret_id_ttl: 1h, secret_id_bound_cidrs: [10.0.0.0/8], token_policies: [a] }
            """
        #expect(try await Self.plan(manifest, on: server).isEmpty)
        let drifts: [(command: [String], address: String, field: String)] = [
            (["write", "\(tr)/keys/k/config", "deletion_allowed=true"], "transit-key:\(tr)/k", "deletion_allowed"),
            (["write", "\(tr)/keys/k/config", "auto_rotate_period=48h"], "transit-key:\(tr)/k", "auto_rotate_period"),
            (["secrets", "tune", "-max-lease-ttl=3h", "\(tr)/"], "mount:\(tr)/", "max_lease_ttl"),
            (["auth", "tune", "-default-lease-ttl=2h", "\(ar)/"], "auth:\(ar)/", "default_lease_ttl"),
            (["write", "auth/\(ar)/role/r", "secret_id_ttl=2h"], "approle-role:\(ar)/r", "secret_id_ttl"),
            (["write", "auth/\(ar)/role/r", "secret_id_bound_cidrs=10.0.0.0/16"], "approle-role:\(ar)/r", "secret_id_bound_cidrs"),
            (["write", "auth/\(ar)/role/r", "token_policies=a,b"], "approle-role:\(ar)/r", "token_policies"),
        ]
        for drift in drifts {
            _ = try await bao.run(drift.command)
            let plan = try await Self.plan(manifest, on: server)
            let changed = plan.operations.flatMap { operation in operation.changes.map { "\(operation.address) \($0.field)" } }
            #expect(changed.contains("\(drift.address) \(drift.field)"), "\(drift.command): \(changed)")
        }
        // Every drift so far is still there, and nothing else shows.
        let plan = try await Self.plan(manifest, on: server)
        #expect(plan.operations.flatMap(\.changes).count == drifts.count, "\(PlanText.render(plan, color: false))")
    }
}

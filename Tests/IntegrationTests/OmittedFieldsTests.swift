import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformRender

/// A finding of the outside test: fields the manifest does not mention, changed out of band,
/// were invisible to plan and drift (`bind_secret_id=false` lets anyone holding the role ID
/// log in). A field the manifest leaves out is managed at a fresh object's value: each such
/// change is drift, and apply puts it back.
@Suite("omitted fields against a dev server")
struct OmittedFieldsTests {
    @Test("out-of-band changes of fields the manifest omits are drift that apply repairs")
    func omittedFieldsAreManaged() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-omitted")
        defer { try? FileManager.default.removeItem(at: directory) }
        let kv = PlanExactnessTests.unique("kv"), ar = PlanExactnessTests.unique("ar"), tr = PlanExactnessTests.unique("tr")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(kv), type: kv-v2 }
              - { path: \(tr), type: transit }
            transit_keys:
              - { mount: \(tr), name: k, deletion_allowed: true }
            auth_methods:
              - { path: \(ar), type: approle }
            approle_roles:
              - { name: app, mount: \(ar), token_ttl: 1h }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        let bao = BaoCommand(server: server)
        let drifts: [(command: [String], address: String, field: String)] = [
            (["write", "auth/\(ar)/role/app", "bind_secret_id=false", "token_bound_cidrs=127.0.0.1/32"], "approle-role:\(ar)/app", "bind_secret_id"),
            (["write", "auth/\(ar)/role/app", "token_no_default_policy=true"], "approle-role:\(ar)/app", "token_no_default_policy"),
            (["write", "auth/\(ar)/role/app", "secret_id_num_uses=5"], "approle-role:\(ar)/app", "secret_id_num_uses"),
            (["write", "\(tr)/keys/k/config", "exportable=true"], "transit-key:\(tr)/k", "exportable"),
            (["secrets", "tune", "-max-lease-ttl=2h", "\(kv)/"], "mount:\(kv)/", "max_lease_ttl"),
            (["auth", "tune", "-max-lease-ttl=3h", "\(ar)/"], "auth:\(ar)/", "max_lease_ttl"),
            (["secrets", "tune", "-description=by hand", "\(kv)/"], "mount:\(kv)/", "description"),
            (["secrets", "tune", "-default-lease-ttl=30m", "\(kv)/"], "mount:\(kv)/", "default_lease_ttl"),
            // The manifest gives the engine no kv_config: its config is managed at its fresh values.
            (["write", "\(kv)/config", "max_versions=3"], "kv-config:\(kv)/", "max_versions"),
            (["write", "\(kv)/config", "cas_required=true"], "kv-config:\(kv)/", "cas_required"),
            (["write", "\(kv)/config", "delete_version_after=1h"], "kv-config:\(kv)/", "delete_version_after"),
            (["secrets", "tune", "-listing-visibility=unauth", "\(kv)/"], "mount:\(kv)/", "listing_visibility"),
            (["secrets", "tune", "-passthrough-request-headers=X-Req", "\(kv)/"], "mount:\(kv)/", "passthrough_request_headers"),
            (["secrets", "tune", "-allowed-response-headers=X-Res", "\(kv)/"], "mount:\(kv)/", "allowed_response_headers"),
            (["secrets", "tune", "-audit-non-hmac-request-keys=a", "\(kv)/"], "mount:\(kv)/", "audit_non_hmac_request_keys"),
            (["secrets", "tune", "-audit-non-hmac-response-keys=b", "\(kv)/"], "mount:\(kv)/", "audit_non_hmac_response_keys"),
            (["auth", "tune", "-description=by hand", "\(ar)/"], "auth:\(ar)/", "description"),
            (["auth", "tune", "-token-type=batch", "\(ar)/"], "auth:\(ar)/", "token_type"),
            (["write", "auth/\(ar)/role/app", "secret_id_ttl=10m"], "approle-role:\(ar)/app", "secret_id_ttl"),
            (["write", "auth/\(ar)/role/app", "token_num_uses=3"], "approle-role:\(ar)/app", "token_num_uses"),
            (["write", "auth/\(ar)/role/app", "token_period=1h"], "approle-role:\(ar)/app", "token_period"),
            (["write", "auth/\(ar)/role/app", "token_explicit_max_ttl=5h"], "approle-role:\(ar)/app", "token_explicit_max_ttl"),
            (["write", "auth/\(ar)/role/app", "token_max_ttl=6h"], "approle-role:\(ar)/app", "token_max_ttl"),
            (["write", "auth/\(ar)/role/app", "token_policies=extra"], "approle-role:\(ar)/app", "token_policies"),
            (["write", "auth/\(ar)/role/app", "secret_id_bound_cidrs=10.0.0.0/8"], "approle-role:\(ar)/app", "secret_id_bound_cidrs"),
            (["write", "\(tr)/keys/k/config", "auto_rotate_period=48h"], "transit-key:\(tr)/k", "auto_rotate_period"),
            (["write", "\(tr)/keys/k/config", "allow_plaintext_backup=true"], "transit-key:\(tr)/k", "allow_plaintext_backup"),
            // Last: a batch token type refuses some of the settings above.
            (["write", "auth/\(ar)/role/app", "token_type=batch", "token_num_uses=0", "token_period=0"], "approle-role:\(ar)/app", "token_type"),
        ]
        for drift in drifts {
            _ = try await bao.run(drift.command)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let changed = (json?["changes"] as? [[String: Any]] ?? []).flatMap { change in
                (change["fields"] as? [[String: Any]] ?? []).map { "\(change["address"] ?? "") \($0["name"] ?? "")" }
            }
            #expect(changed.contains("\(drift.address) \(drift.field)"), "\(drift.command): \(changed)")
            let drifted = try await server.vaultform(["drift", manifest])
            #expect(drifted.code == 2, "drift must exit 2 for \(drift.command): \(drifted.all)")
        }
        // Exportable cannot be turned off in place: the key is replaced, which needs consent.
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code == 1, "\(refused.all)")
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(repaired.code == 0, "\(repaired.all)")
        let role = try await server.client().request(.get, "auth/\(ar)/role/app").data
        #expect(role?["bind_secret_id"]?.boolValue == true && role?["token_type"]?.stringValue == "default")
        let config = try await server.client().request(.get, "\(kv)/config").data
        #expect(config?["max_versions"]?.intValue == 0 && config?["cas_required"]?.boolValue == false)
        #expect(role?["secret_id_num_uses"]?.intValue == 0 && role?["token_no_default_policy"]?.boolValue == false)
        let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
    }

    @Test("the fields the test above leaves alone, changed for real out of band, are drift that apply repairs")
    func everyOtherFieldDrifts() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-every-field")
        defer { try? FileManager.default.removeItem(at: directory) }
        let f = EquivalentSpellingTests.Fixture()
        let manifest = try await f.apply(on: server, in: directory)
        let client = try server.client()
        typealias Request = EquivalentSpellingTests.Request
        func post(_ path: String, _ body: JSONValue) -> [Request] { EquivalentSpellingTests.post(path, body) }
        let auth = "auth:\(f.ar)/", arTune = "sys/auth/\(f.ar)/tune", key = "transit-key:\(f.tr)/k", role = "approle-role:\(f.ar)/app"
        let drifts: [(requests: [Request], address: String, fields: [String])] = [
            (post(arTune, ["default_lease_ttl": "90m"]), auth, ["default_lease_ttl"]),
            (post(arTune, ["listing_visibility": "hidden"]), auth, ["listing_visibility"]),
            (post(arTune, ["passthrough_request_headers": ["X-Req-A"]]), auth, ["passthrough_request_headers"]),
            (post(arTune, ["allowed_response_headers": ["X-Res-A", "X-Other"]]), auth, ["allowed_response_headers"]),
            (post(arTune, ["audit_non_hmac_request_keys": ["ka"]]), auth, ["audit_non_hmac_request_keys"]),
            (post(arTune, ["audit_non_hmac_response_keys": []]), auth, ["audit_non_hmac_response_keys"]),
            (post("\(f.tr)/keys/k/config", ["deletion_allowed": false]), key, ["deletion_allowed"]),
            (post("\(f.tr)/keys/k/rotate", [:]) + post("\(f.tr)/keys/k/rotate", [:])
                + post("\(f.tr)/keys/k/config", ["min_decryption_version": 2, "min_encryption_version": 3]),
             key, ["min_decryption_version", "min_encryption_version"]),
            ([Request(method: .delete, path: "\(f.tr)/keys/h"), Request(method: .post, path: "\(f.tr)/keys/h", body: ["type": "hmac", "key_size": 64])],
             "transit-key:\(f.tr)/h", ["key_size", "deletion_allowed"]),
            ([Request(method: .delete, path: "\(f.tr)/keys/d"), Request(method: .post, path: "\(f.tr)/keys/d", body: ["type": "chacha20-poly1305"])],
             "transit-key:\(f.tr)/d", ["type", "derived", "convergent_encryption", "deletion_allowed"]),
            (post("sys/policies/acl/\(f.policy)", ["policy": "path \"a/*\" { capabilities = [\"read\"] }\n"]), "policy:\(f.policy)", ["policy"]),
            (post("auth/\(f.ar)/role/app", ["token_ttl": "90m"]), role, ["token_ttl"]),
            (post("auth/\(f.ar)/role/app", ["token_bound_cidrs": ["10.9.9.9"]]), role, ["token_bound_cidrs"]),
            (post("auth/\(f.ar)/role/app/role-id", ["role_id": "someone-elses"]), role, ["role_id"]),
            ([Request(method: .delete, path: "auth/\(f.ar)/role/zero"), Request(method: .post, path: "auth/\(f.ar)/role/zero", body: ["local_secret_ids": true])],
             "approle-role:\(f.ar)/zero", ["local_secret_ids"]),
            ([Request(method: .delete, path: "sys/mounts/\(f.kl)"), Request(method: .post, path: "sys/mounts/\(f.kl)", body: [
                "type": "kv", "options": ["version": "1"], "local": true, "seal_wrap": true, "config": ["force_no_cache": true],
            ])], "mount:\(f.kl)/", ["options", "local", "seal_wrap", "force_no_cache"]),
            // OpenBao ignores force_no_cache when it enables an auth method (only a secrets engine takes it).
            ([Request(method: .delete, path: "sys/auth/\(f.al)"), Request(method: .post, path: "sys/auth/\(f.al)", body: [
                "type": "approle", "local": true, "seal_wrap": true,
            ])], "auth:\(f.al)/", ["local", "seal_wrap"]),
            ([Request(method: .delete, path: "sys/auth/\(f.al)"), Request(method: .post, path: "sys/auth/\(f.al)", body: ["type": "userpass"])],
             "auth:\(f.al)/", ["type"]),
        ]
        for drift in drifts {
            for request in drift.requests { _ = try await client.request(request.method, request.path, body: request.body) }
            let plan = try await PlanExactnessTests.plan(f.yaml, on: server)
            let changed = Set(plan.operations.filter { $0.address.description == drift.address }.flatMap { $0.changes.map(\.field) })
            #expect(Set(drift.fields).isSubset(of: changed), "\(drift.address) \(drift.fields): \(changed)")
        }
        #expect(try await server.vaultform(["drift", manifest]).code == 2)
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(repaired.code == 0, "\(repaired.all)")
        let plan = try await PlanExactnessTests.plan(f.yaml, on: server)
        #expect(plan.isEmpty, "\(PlanText.render(plan, color: false))")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
    }

    @Test("an IPv4-mapped IPv6 network in token_bound_cidrs converges (the server reads it back as IPv4)")
    func mappedNetworkConverges() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-mapped")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ar = PlanExactnessTests.unique("ar")
        let manifest = try SecretSchemaTests.write("""
            auth_methods: [{ path: \(ar), type: approle }]
            approle_roles:
              - { name: app, mount: \(ar), token_bound_cidrs: ["::ffff:10.0.0.0/104", "::ffff:10.9.9.9/128"] }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let stored = try await server.client().request(.get, "auth/\(ar)/role/app").data?["token_bound_cidrs"]
        #expect(stored?.arrayValue?.compactMap(\.stringValue).sorted() == ["10.0.0.0/8", "10.9.9.9"])
        let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
    }

    @Test("a Transit key soft-deleted out of band is drift, and apply restores it")
    func softDeletedKey() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-soft-deleted")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tr = PlanExactnessTests.unique("tr")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines: [{ path: \(tr), type: transit }]
            transit_keys: [{ mount: \(tr), name: k }]
            """, in: directory)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        _ = try await BaoCommand(server: server).run(["delete", "\(tr)/keys/k/soft-delete"])

        let plan = try await server.vaultform(["plan", manifest])
        #expect(plan.code == 0 && plan.output.contains("soft_deleted"), "\(plan.all)")
        let drift = try await server.vaultform(["drift", manifest])
        #expect(drift.code == 2, "\(drift.all)")
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let key = try await server.client().request(.get, "\(tr)/keys/k").data
        #expect(key?["soft_deleted"]?.boolValue == false)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
    }

    @Test("ignore_fields: a field someone else owns is never drift, never written, and the plan says it is ignored")
    func ignoredFields() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-ignore-fields")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ar = PlanExactnessTests.unique("ar")
        let manifest = try SecretSchemaTests.write("""
            auth_methods: [{ path: \(ar), type: approle }]
            approle_roles:
              - { name: app, mount: \(ar), token_policies: [default], ignore_fields: [token_ttl, secret_id_num_uses] }
            """, in: directory)
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        let bao = BaoCommand(server: server)
        _ = try await bao.run(["write", "auth/\(ar)/role/app", "token_ttl=2h", "secret_id_num_uses=4"])

        let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
        #expect(plan.output.contains("Ignored (`ignore_fields`: owned elsewhere, not compared):\n  approle-role:\(ar)/app: secret_id_num_uses, token_ttl"), "\(plan.output)")
        let json = try await server.vaultform(["plan", manifest, "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect((document?["ignored"] as? [String: [String]])?["approle-role:\(ar)/app"] == ["secret_id_num_uses", "token_ttl"])
        #expect(try await server.vaultform(["drift", manifest]).code == 0)

        // A managed field still drifts, and apply repairs it without touching the ignored ones.
        _ = try await bao.run(["write", "auth/\(ar)/role/app", "token_num_uses=7"])
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        let role = try await server.client().request(.get, "auth/\(ar)/role/app").data
        #expect(role?["token_num_uses"]?.intValue == 0)
        #expect(role?["token_ttl"]?.intValue == 7200 && role?["secret_id_num_uses"]?.intValue == 4)
    }
}

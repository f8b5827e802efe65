import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore
import VaultformRender

/// Issue 14, the other direction of `OmittedFieldsTests`: after apply, every managed field of
/// every kind is written again out of band with the same value in another spelling the server
/// accepts (durations as `60m` or `3600`, booleans as `1` or `t`, lists reordered or as a
/// comma-separated string, CIDRs in another notation, policy text re-laid-out), and plan must
/// show no change for that object. The fields `OmittedFieldsTests` does not drift are drifted
/// here for real, and apply repairs them.
@Suite("equivalent spellings against a dev server")
struct EquivalentSpellingTests {
    /// One request sent out of band.
    struct Request: Sendable {
        var method: HTTPMethod
        var path: String
        var body: JSONValue?
    }

    /// One row of the table: a field of an object and the requests that write its value again
    /// in another spelling (several when the field is fixed at creation: delete and create).
    struct Spelling: Sendable, CustomStringConvertible {
        var address: String
        var field: String
        var spelling: String
        var requests: [Request]
        var description: String { "\(address) \(field) as \(spelling)" }
    }

    static func post(_ path: String, _ body: JSONValue) -> [Request] { [Request(method: .post, path: path, body: body)] }

    /// A value as its JSON text, for the row's name (`"60m"`, `3600`).
    static func json(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let number): Int(exactly: number).map(String.init) ?? String(number)
        case .bool(let flag): String(flag)
        default: "\(value)"
        }
    }

    /// The objects every test here applies first: each field at a value other than its fresh
    /// one on `KV`, `AR`, `k` and `app`, and at fresh values on `KZ` and `zero`.
    struct Fixture {
        let kv = PlanExactnessTests.unique("kv"), kz = PlanExactnessTests.unique("kz"), kl = PlanExactnessTests.unique("kl")
        let tr = PlanExactnessTests.unique("tr"), ar = PlanExactnessTests.unique("ar"), al = PlanExactnessTests.unique("al")
        let policy = PlanExactnessTests.unique("p")
        let roleID = "fixed-\(UUID().uuidString.lowercased())"

        var yaml: String {
            """
            secrets_engines:
              - path: \(kv)
                type: kv-v2
                description: app secrets
                tuning:
                  default_lease_ttl: 1h
                  max_lease_ttl: 2h
                  listing_visibility: unauth
                  passthrough_request_headers: [X-Req-A, X-Req-B]
                  allowed_response_headers: [X-Res-A, X-Res-B]
                  audit_non_hmac_request_keys: [ka, kb]
                  audit_non_hmac_response_keys: [kc, kd]
                kv_config: { max_versions: 5, cas_required: true, delete_version_after: 1h }
              - { path: \(kz), type: kv-v2 }
              - { path: \(kl), type: kv-v2, local: false, seal_wrap: false, external_entropy_access: false, tuning: { force_no_cache: false } }
              - { path: \(tr), type: transit }
            transit_keys:
              - { mount: \(tr), name: k, exportable: true, allow_plaintext_backup: true, deletion_allowed: true, auto_rotate_period: 24h }
              - { mount: \(tr), name: h, type: hmac, key_size: 32, deletion_allowed: true }
              - { mount: \(tr), name: d, derived: true, convergent_encryption: true, deletion_allowed: true }
            auth_methods:
              - path: \(ar)
                type: approle
                description: machines
                tuning:
                  default_lease_ttl: 1h
                  max_lease_ttl: 2h
                  listing_visibility: unauth
                  passthrough_request_headers: [X-Req-A, X-Req-B]
                  allowed_response_headers: [X-Res-A, X-Res-B]
                  audit_non_hmac_request_keys: [ka, kb]
                  audit_non_hmac_response_keys: [kc, kd]
                  token_type: default-service
              - { path: \(al), type: approle, local: false, seal_wrap: false, tuning: { force_no_cache: false } }
            policies:
              - name: \(policy)
                hcl: |
                  path "a/*" { capabilities = ["read", "list"] }
                  path "b/*" { capabilities = ["create"] }
            approle_roles:
              - name: app
                mount: \(ar)
                role_id: \(roleID)
                bind_secret_id: true
                secret_id_bound_cidrs: [10.0.0.0/8, "2001:db8::/32"]
                secret_id_num_uses: 5
                secret_id_ttl: 1h
                token_policies: [default, \(policy)]
                token_ttl: 1h
                token_max_ttl: 2h
                token_explicit_max_ttl: 3h
                token_period: 30m
                token_num_uses: 3
                token_type: service
                token_no_default_policy: true
                token_bound_cidrs: [10.0.0.5, "2001:db8::/64"]
              - { name: zero, mount: \(ar) }
            """
        }

        /// Applies the fixture with the binary, as a user does, and checks the plan is then empty.
        func apply(on server: DevServer, in directory: URL) async throws -> String {
            let manifest = try SecretSchemaTests.write(yaml, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            try #require(applied.code == 0, "\(applied.all)")
            let plan = try await PlanExactnessTests.plan(yaml, on: server)
            try #require(plan.isEmpty, "\(PlanText.render(plan, color: false))")
            return manifest
        }
    }

    @Test("every managed field written again in an equivalent spelling is no change")
    func equivalentSpellingsAreNoChange() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-spellings")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = Fixture()
        let manifest = try await fixture.apply(on: server, in: directory)
        try await Self.expectNoChange(Self.spellings(fixture), yaml: fixture.yaml, manifest: manifest, on: server)
    }

    @Test("a built-in plugin version converges (the server stores it as empty), and pinned in other spellings is no change")
    func pluginVersionSpellings() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-plugin-version")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The built-in KV plugin's version as the dev server's own KV engine runs it (`v2.7.2+builtin.bao`).
        let running = try #require(try await server.client().request(.get, "sys/mounts").data?["secret/"]?["running_plugin_version"]?.stringValue)
        let bare = String(running.dropFirst())
        try #require(running.hasPrefix("v") && bare.contains("+builtin"), "\(running)")
        let kv = PlanExactnessTests.unique("kv"), ar = PlanExactnessTests.unique("ar")
        // Every built-in plugin has the server's one built-in version.
        let yaml = """
            secrets_engines: [{ path: \(kv), type: kv-v2, tuning: { plugin_version: "\(bare)" } }]
            auth_methods: [{ path: \(ar), type: approle, tuning: { plugin_version: "\(bare)" } }]
            """
        let manifest = try SecretSchemaTests.write(yaml, in: directory)
        // Enabling a mount, the server stores the built-in's version as empty: apply's read-back
        // must take that as what it wrote. A tune pins it as `v` + the version.
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let tune = "sys/mounts/\(kv)/tune", address = "mount:\(kv)/"
        let segments = bare.split(separator: "+", maxSplits: 1)
        let padded = segments[0].split(separator: ".").map { "0\($0)" }.joined(separator: ".") + "+" + segments[1]
        var rows: [Spelling] = []
        for (address, tune) in [(address, tune), ("auth:\(ar)/", "sys/auth/\(ar)/tune")] {
            for version in [running, bare, padded] {
                rows.append(Spelling(address: address, field: "plugin_version", spelling: "pinned as \(version)",
                                     requests: Self.post(tune, ["plugin_version": .string(version)])))
            }
        }
        try await Self.expectNoChange(rows, yaml: yaml, manifest: manifest, on: server)
    }

    @Test("audit options, description and local re-enabled out of band in equivalent spellings are no change")
    func auditSpellingsAreNoChange() async throws {
        // Its own server: an audit device enabled while other tests enable mounts makes
        // OpenBao fail to persist the audit salt (see PlanExactnessTests).
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-audit-spellings")
            defer { try? FileManager.default.removeItem(at: directory) }
            let set = PlanExactnessTests.unique("aud"), fresh = PlanExactnessTests.unique("aud")
            let discard = PlanExactnessTests.unique("aud"), socket = PlanExactnessTests.unique("aud")
            // The kernel completes connections and buffers what the device writes; nothing reads it.
            let listener = try Listener()
            // The http device needs a 2xx for each entry: the sealed stub answers health with 200.
            let web = PlanExactnessTests.unique("aud")
            let sink = try await ConnectionSafetyTests.Stub.start("sealed", in: directory)
            defer { sink.stop() }
            let uri = JSONValue.string(sink.address + "/v1/sys/health")
            let log = directory.appendingPathComponent("set.log").path, freshLog = directory.appendingPathComponent("fresh.log").path
            let yaml = """
                audit_devices:
                  - path: \(set)
                    type: file
                    description: audit trail
                    options: { file_path: "\(log)", log_raw: "true", mode: "0640", hmac_accessor: "false", format: json, elide_list_responses: "true" }
                  - { path: \(fresh), type: file, options: { file_path: "\(freshLog)" } }
                  - { path: \(discard), type: file, options: { file_path: discard } }
                  - { path: \(socket), type: socket, options: { address: "127.0.0.1:\(listener.port)", write_timeout: 2s } }
                  - { path: \(web), type: http, options: { uri: "\(sink.address)/v1/sys/health", headers: '{"X-A":["1"],"X-B":["2","3"]}' } }
                """
            let manifest = try SecretSchemaTests.write(yaml, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            try #require(applied.code == 0, "\(applied.all)")
            func enable(_ path: String, type: JSONValue = "file", description: JSONValue = "", local: JSONValue = false, _ options: [String: JSONValue]) -> [Request] {
                [Request(method: .delete, path: "sys/audit/\(path)"),
                 Request(method: .put, path: "sys/audit/\(path)", body: [
                     "type": type, "description": description, "local": local, "options": .object(options),
                 ])]
            }
            let base: [String: JSONValue] = [
                "file_path": .string(log), "log_raw": "true", "mode": "0640", "hmac_accessor": "false", "format": "json", "elide_list_responses": "true",
            ]
            func with(_ key: String, _ value: JSONValue?) -> [String: JSONValue] {
                var options = base
                options[key] = value
                return options
            }
            let address = "audit:\(set)/", freshAddress = "audit:\(fresh)/"
            var rows: [Spelling] = []
            for value: JSONValue in ["1", "t", "TRUE", true] {
                rows.append(Spelling(address: address, field: "options", spelling: "log_raw \(Self.json(value))", requests: enable(set, description: "audit trail", with("log_raw", value))))
                rows.append(Spelling(address: address, field: "options", spelling: "elide_list_responses \(Self.json(value))",
                                     requests: enable(set, description: "audit trail", with("elide_list_responses", value))))
            }
            for value: JSONValue in ["0", "f", "False", false] {
                rows.append(Spelling(address: address, field: "options", spelling: "hmac_accessor \(Self.json(value))", requests: enable(set, description: "audit trail", with("hmac_accessor", value))))
            }
            for value: JSONValue in ["640", "00640", "0751"] {
                rows.append(Spelling(address: address, field: "options", spelling: "mode \(Self.json(value))", requests: enable(set, description: "audit trail", with("mode", value))))
            }
            var byPath = with("file_path", nil)
            byPath["path"] = .string(log)
            rows.append(Spelling(address: address, field: "options", spelling: "the file under `path`", requests: enable(set, description: "audit trail", byPath)))
            rows.append(Spelling(address: address, field: "options", spelling: "format left to its default", requests: enable(set, description: "audit trail", with("format", nil))))
            for value: JSONValue in ["0", "false", 0] {
                rows.append(Spelling(address: address, field: "local", spelling: Self.json(value), requests: enable(set, description: "audit trail", local: value, base)))
            }
            rows.append(Spelling(address: freshAddress, field: "options", spelling: "every default spelled out", requests: enable(fresh, [
                "file_path": .string(freshLog), "log_raw": "0", "hmac_accessor": "1", "mode": "600", "format": "json", "elide_list_responses": "F",
            ])))
            rows.append(Spelling(address: freshAddress, field: "type, description, local", spelling: "type again, description \"\", local \"f\"", requests: enable(fresh, local: "f", ["file_path": .string(freshLog)])))
            rows.append(Spelling(address: "audit:\(discard)/", field: "options", spelling: "file_path DISCARD", requests: enable(discard, ["file_path": "DISCARD"])))
            let socketAddress = JSONValue.string("127.0.0.1:\(listener.port)")
            for (spelling, options) in [
                ("write_timeout 2000ms", ["address": socketAddress, "write_timeout": "2000ms"] as [String: JSONValue]),
                ("write_timeout \"2\" (seconds), socket_type tcp spelled out", ["address": socketAddress, "write_timeout": "2", "socket_type": "tcp"]),
            ] {
                rows.append(Spelling(address: "audit:\(socket)/", field: "options", spelling: spelling, requests: enable(socket, type: "socket", options)))
            }
            for (spelling, headers) in [
                ("headers re-laid-out and reordered", #"{ "X-B": ["2", "3"], "X-A": ["1"] }"#),
                ("header names in lower case", #"{"x-a":["1"],"x-b":["2","3"]}"#),
                ("an escaped name, a null and an empty list", #"{"X-\u0041":["1"],"X-B":["2","3"],"X-C":null,"X-D":[]}"#),
            ] {
                rows.append(Spelling(address: "audit:\(web)/", field: "options", spelling: spelling,
                                     requests: enable(web, type: "http", ["uri": uri, "headers": .string(headers)])))
            }
            try await Self.expectNoChange(rows, yaml: yaml, manifest: manifest, on: server)
        }
    }

    /// Writes the rows out of band, rows on different objects together and an object's rows
    /// one per round, plans after each round and expects no change on any row's object; a
    /// spelling that shows as a change is recorded with what the plan says, and put back.
    static func expectNoChange(_ rows: [Spelling], yaml: String, manifest: String, on server: DevServer) async throws {
        let client = try server.client()
        var rounds: [[Spelling]] = []
        var seen: [String: Int] = [:]
        for row in rows {
            let round = seen[row.address, default: 0]
            seen[row.address] = round + 1
            if rounds.count <= round { rounds.append([]) }
            rounds[round].append(row)
        }
        var falseDiffs: [String] = []
        for round in rounds {
            for row in round {
                for request in row.requests {
                    do {
                        _ = try await client.request(request.method, request.path, body: request.body)
                    } catch {
                        Issue.record("\(row): the server refused \(request.method) \(request.path): \(error)")
                    }
                }
            }
            let plan = try await PlanExactnessTests.plan(yaml, on: server)
            for row in round {
                let changes = plan.operations.filter { $0.address.description == row.address }.flatMap(\.changes)
                if !changes.isEmpty {
                    falseDiffs.append("\(row): " + changes.map { "\($0.field) \($0.before?.description ?? "-") → \($0.after?.description ?? "-")" }.joined(separator: "; "))
                }
            }
            #expect(plan.operations.allSatisfy { operation in round.contains { $0.address == operation.address.description } },
                    "a change on an object no row of this round wrote: \(PlanText.render(plan, color: false))")
            // A spelling that shows as a change is put back, so the next rows are judged alone.
            if !plan.isEmpty {
                let repaired = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
                #expect(repaired.code == 0, "\(repaired.all)")
            }
        }
        #expect(falseDiffs.isEmpty, "\(falseDiffs.count) of \(rows.count) spellings show as a change:\n\(falseDiffs.joined(separator: "\n"))")
        let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
    }
}

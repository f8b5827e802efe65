import Foundation
import Testing
import TestSupport
import VaultAPI

/// Users of a userpass auth method against a real server. The password is write-only: the
/// server never reads it back, so vaultform keeps a keyed fingerprint of the last value it
/// wrote and writes again only when the source's value changes. Token fields both ways:
/// equivalent spellings are no change, every field drifted out of band is drift apply repairs.
@Suite("userpass users against a dev server")
struct UserpassUserTests {
    /// Logs in as `user` with `password`; true when the server accepts it.
    static func logsIn(_ server: DevServer, mount: String, user: String, password: String) async throws -> Bool {
        let client = try server.client()
        do {
            _ = try await client.request(.post, "auth/\(mount)/login/\(user)", body: ["password": .string(password)])
            return true
        } catch let error as VaultError where error.status == 400 {
            return false
        }
    }

    @Test("a password from the environment: written once, not again while it is unchanged, again when it changes; never shown")
    func passwordFollowsItsSource() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-userpass")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("up")
        let first = "canary-first-\(UUID().uuidString)", second = "canary-second-\(UUID().uuidString)"
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader]
            auth_methods:
              - { path: \(mount), type: userpass }
            userpass_users:
              - name: Alice
                mount: \(mount)
                password: { from_env: ALICE_PASSWORD }
                token_policies: [reader]
            """, in: directory)
        let withFirst = ["ALICE_PASSWORD": first]

        let plan = try await server.vaultform(["plan", manifest], environment: withFirst)
        #expect(plan.code == 0, "\(plan.all)")
        #expect(plan.output.contains("(write-only, from environment ALICE_PASSWORD)"), "\(plan.output)")
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: withFirst)
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await Self.logsIn(server, mount: mount, user: "alice", password: first))
        let again = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: withFirst)
        #expect(again.code == 0, "the same source is no change: \(again.all)")

        // The source changes: plan says so without either value; apply writes the new one.
        let changed = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: ["ALICE_PASSWORD": second])
        #expect(changed.code == 2, "\(changed.all)")
        #expect(changed.output.contains("source changed"), "\(changed.output)")
        let json = try await server.vaultform(["plan", manifest, "--format", "json"], environment: ["ALICE_PASSWORD": second])
        #expect(try BothWays.changed(json.output) == ["userpass-user:\(mount)/alice password"], "\(json.output)")
        let out = directory.appendingPathComponent("p.plan").path
        #expect(try await server.vaultform(["plan", manifest, "-out", out], environment: ["ALICE_PASSWORD": second]).code == 0)
        let planBytes = try String(contentsOfFile: out, encoding: .utf8)
        for run in [changed, json] {
            #expect(!run.all.contains(first) && !run.all.contains(second), "a password reached the output")
        }
        #expect(!planBytes.contains(first) && !planBytes.contains(second), "a password reached the plan file")

        // The saved plan is refused when the source changed again since.
        let stale = try await server.vaultform(["apply", out, "--auto-approve"], environment: ["ALICE_PASSWORD": first])
        #expect(stale.code != 0, "\(stale.all)")
        #expect(stale.all.contains("holds another value than when the plan was made"), "\(stale.all)")
        #expect(try await Self.logsIn(server, mount: mount, user: "alice", password: first), "nothing was written")
        let saved = try await server.vaultform(["apply", out, "--auto-approve"], environment: ["ALICE_PASSWORD": second])
        #expect(saved.code == 0, "\(saved.all)")
        #expect(!saved.all.contains(first) && !saved.all.contains(second))
        #expect(try await Self.logsIn(server, mount: mount, user: "alice", password: second))
        #expect(!(try await Self.logsIn(server, mount: mount, user: "alice", password: first)))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: ["ALICE_PASSWORD": second]).code == 0)

        // Without the source, an existing user keeps its password: a warning, not a change.
        let unset = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(unset.code == 0, "\(unset.all)")
        #expect(unset.all.contains("write-only, not compared: ALICE_PASSWORD is not set"), "\(unset.all)")
    }

    @Test("a user made out of band is written once when adopted; a new user without its source is a blocker; a file source works")
    func adoptionAndBlockers() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-userpass-adopt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("up")
        let client = try server.client()
        _ = try await client.request(.post, "sys/auth/\(mount)", body: ["type": "userpass"])
        _ = try await client.request(.post, "auth/\(mount)/users/bob", body: ["password": "set-by-hand"])
        let secret = "canary-file-\(UUID().uuidString)"
        try (secret + "\n").write(to: directory.appendingPathComponent("bob.txt"), atomically: true, encoding: .utf8)
        let manifest = try SecretSchemaTests.write("""
            auth_methods:
              - { path: \(mount), type: userpass }
            userpass_users:
              - { name: bob, mount: \(mount), password: { from_file: bob.txt } }
              - { name: carol, mount: \(mount), password: { from_env: CAROL_PASSWORD } }
            """, in: directory)
        let blocked = try await server.vaultform(["plan", manifest, "--format", "json"])
        #expect(blocked.code == 1, "\(blocked.all)")
        #expect(blocked.all.contains("write-only, and a new object needs it: CAROL_PASSWORD is not set"), "\(blocked.all)")
        #expect(try BothWays.changed(blocked.output).contains("userpass-user:\(mount)/bob password"), "adopted, never recorded: \(blocked.output)")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code != 0, "\(refused.all)")

        let carol = ["CAROL_PASSWORD": "canary-carol-\(UUID().uuidString)"]
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: carol)
        #expect(applied.code == 0, "\(applied.all)")
        #expect(!applied.all.contains(secret) && !applied.all.contains(carol["CAROL_PASSWORD"] ?? "-"))
        #expect(try await Self.logsIn(server, mount: mount, user: "bob", password: secret), "the trailing newline is not part of the value")
        #expect(!(try await Self.logsIn(server, mount: mount, user: "bob", password: "set-by-hand")))
        #expect(try await Self.logsIn(server, mount: mount, user: "carol", password: carol["CAROL_PASSWORD"] ?? ""))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: carol).code == 0)
    }

    @Test("a generated password is kept in its KV store, written once, and made anew only when removed from there; never shown")
    func generatedIntoAStore() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-userpass-generate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("up"), kv = PlanExactnessTests.unique("people")
        let client = try server.client()
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(kv), type: kv-v2 }
            auth_methods:
              - { path: \(mount), type: userpass }
            userpass_users:
              - name: dana
                mount: \(mount)
                password: { generate: { kind: password, length: 24, classes: [lower, digit] }, store: \(kv)/dana }
            """, in: directory)
        let plan = try await server.vaultform(["plan", manifest])
        #expect(plan.output.contains("(write-only, generated into \(kv)/dana, a new value will be generated)"), "\(plan.all)")
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        func stored() async throws -> String {
            try #require(try await client.request(.get, "\(kv)/data/dana").data?["data"]?["password"]?.stringValue)
        }
        let first = try await stored()
        #expect(first.count == 24 && first.allSatisfy { $0.isLowercase || $0.isNumber })
        #expect(!applied.all.contains(first), "the generated password reached the output")
        #expect(try await Self.logsIn(server, mount: mount, user: "dana", password: first))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0, "kept, so no change")

        // Someone replaces it in the store: the new value is written to the user.
        _ = try await client.request(.post, "\(kv)/data/dana", body: ["data": ["password": "chosen-by-a-person", "note": "kept"]])
        let changed = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(changed.code == 2 && changed.output.contains("source changed"), "\(changed.all)")
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        #expect(try await Self.logsIn(server, mount: mount, user: "dana", password: "chosen-by-a-person"))

        // Removed from the store: a new one is generated, stored beside the other fields, and written.
        _ = try await client.request(.post, "\(kv)/data/dana", body: ["data": ["note": "kept"]])
        let regenerate = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(regenerate.code == 2 && regenerate.output.contains("a new value will be generated"), "\(regenerate.all)")
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
        let second = try await stored()
        #expect(second != first && second.count == 24)
        #expect(try await client.request(.get, "\(kv)/data/dana").data?["data"]?["note"]?.stringValue == "kept")
        #expect(try await Self.logsIn(server, mount: mount, user: "dana", password: second))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
    }

    @Test("token fields both ways; an owned user the manifest drops is deleted with its record; export round-trips without passwords")
    func bothWaysOwnershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-userpass-both")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: userpass_user, mount: userpass }
                external_policies: [reader, writer]
                auth_methods:
                  - { path: userpass, type: userpass }
                userpass_users:
                  - name: dev
                    password: { from_env: DEV_PASSWORD }
                    token_policies: [reader, writer]
                    token_ttl: 1h
                    token_bound_cidrs: [10.0.0.0/8]
                  - { name: bare, password: { from_env: BARE_PASSWORD } }
                  - { name: gone, password: { from_env: BARE_PASSWORD } }
                """, in: directory)
            let environment = ["DEV_PASSWORD": "canary-dev-\(UUID().uuidString)", "BARE_PASSWORD": "canary-bare-\(UUID().uuidString)"]
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment).code == 0)
            let record = "vaultform-lock/data/write-only/userpass-user/userpass/gone"
            #expect(try await client.request(.get, record).data?["data"]?["password"]?.stringValue?.hasPrefix("hmac:") == true)

            // Token fields, with the passwords' source absent: they are not compared then.
            let dev = "auth/userpass/users/dev", bare = "auth/userpass/users/bare"
            try await BothWays.spellingsAreNoChange([
                ["write", dev, "token_policies=Writer, READER", "token_ttl=60m", "token_bound_cidrs=10.1.2.3/8"],
                ["write", bare, "token_type=default", "token_num_uses=0"],
            ], manifest: manifest, server: server)
            let user = "userpass-user:userpass/dev", zero = "userpass-user:userpass/bare"
            try await BothWays.driftsAreRepaired(
                BothWays.tokenFieldDrifts(full: dev, user, bare: bare, zero), manifest: manifest, server: server)

            // Dropped from the manifest: deleted, and its record with it.
            let kept = try String(contentsOfFile: manifest, encoding: .utf8)
                .replacingOccurrences(of: "  - { name: gone, password: { from_env: BARE_PASSWORD } }", with: "")
            try kept.write(toFile: manifest, atomically: true, encoding: .utf8)
            let dropped = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
            #expect(dropped.code == 0, "\(dropped.all)")
            #expect(dropped.output.contains("0 added, 0 changed, 1 destroyed"), "\(dropped.output)")
            #expect(try await client.request(.get, record).data?["data"]?.objectValue?.isEmpty == true, "the record is emptied")

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path], environment: environment)
            #expect(export.code == 0, "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("userpass_users.yaml"), encoding: .utf8)
            #expect(text.contains("name: dev") && text.contains("token_ttl: 1h") && !text.contains("\n  password:"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

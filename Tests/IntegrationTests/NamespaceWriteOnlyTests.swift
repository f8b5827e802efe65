import Foundation
import Testing
import TestSupport
import VaultAPI

/// Write-only values of objects inside namespaces: the records of what vaultform wrote stay
/// in the connection's namespace (beside the apply lock), keyed by the object's full address,
/// so the same user in two namespaces (and in the root) keeps a record each; a generated
/// value is kept in a KV store inside the object's own namespace.
@Suite("write-only values, secret schemas and endpoints inside namespaces")
struct NamespaceWriteOnlyTests {
    @Test("a user in each of two namespaces and the root: each password follows its own source; a generated one is kept in its namespace; never shown")
    func passwordsPerNamespace() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let directory = try scratchDirectory("vf-ns-writeonly")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = "nw\(UUID().uuidString.prefix(8).lowercased())"
        let rootMount = PlanExactnessTests.unique("up")
        let manifest = try SecretSchemaTests.write("""
            auth_methods: [{ path: \(rootMount), type: userpass }]
            userpass_users: [{ name: alice, mount: \(rootMount), password: { from_env: ROOT_PASSWORD } }]
            namespaces:
              - path: \(id)
              - path: \(id)/${each.team}
                for_each: { team: [a, b] }
                contents:
                  secrets_engines: [{ path: people, type: kv-v2 }]
                  auth_methods: [{ path: userpass, type: userpass }]
                  userpass_users:
                    - { name: alice, mount: userpass, password: { from_env: "ALICE_${each.team}" } }
                    - { name: bob, mount: userpass, password: { generate: { kind: password, length: 24 }, store: people/bob } }
            """, in: directory)
        var environment = ["ROOT_PASSWORD": "canary-root-\(UUID().uuidString)", "ALICE_a": "canary-a-\(UUID().uuidString)",
                           "ALICE_b": "canary-b-\(UUID().uuidString)"]
        var outputs: [String] = []
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(applied.code == 0, "\(applied.all)")
        outputs.append(applied.all)
        let again = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment)
        #expect(again.code == 0, "\(again.all)")
        outputs.append(again.all)

        let inA = root.with(namespace: "\(id)/a"), inB = root.with(namespace: "\(id)/b")
        func logsIn(_ client: VaultClient, _ mount: String, _ user: String, _ password: String) async -> Bool {
            (try? await client.request(.post, "auth/\(mount)/login/\(user)", body: ["password": .string(password)])) != nil
        }
        // Booleans only: a failed expectation prints its operands, and those must not be values.
        let aliceA = await logsIn(inA, "userpass", "alice", environment["ALICE_a"] ?? "")
        let aliceB = await logsIn(inB, "userpass", "alice", environment["ALICE_b"] ?? "")
        let aliceRoot = await logsIn(root, rootMount, "alice", environment["ROOT_PASSWORD"] ?? "")
        #expect(aliceA && aliceB && aliceRoot)
        // Bob's generated password is in each namespace's own store, and logs in there.
        var generated: [String] = []
        for client in [inA, inB] {
            let stored = try await client.request(.get, "people/data/bob").data?["data"]?["password"]?.stringValue
            let password = try #require(stored)
            #expect(password.count == 24)
            let bob = await logsIn(client, "userpass", "bob", password)
            #expect(bob)
            generated.append(password)
        }
        let distinct = generated[0] != generated[1]
        #expect(distinct)
        // The records are in the connection's namespace, one per full address; none inside.
        let record = try await root.request(.get, "vaultform-lock/data/write-only/namespaces/\(id)/a/userpass-user/userpass/alice")
        #expect(record.data?["data"]?["password"]?.stringValue?.isEmpty == false)
        #expect((try? await inA.request(.get, "sys/mounts"))?.data?["vaultform-lock/"] == nil)

        // One namespace's source changes: only that user is planned and written.
        environment["ALICE_b"] = "canary-b2-\(UUID().uuidString)"
        let json = try await server.vaultform(["plan", manifest, "--format", "json"], environment: environment)
        #expect(try BothWays.changed(json.output) == ["\(id)/b::userpass-user:userpass/alice password"], "\(json.output)")
        outputs.append(json.all)
        let changed = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(changed.code == 0, "\(changed.all)")
        outputs.append(changed.all)
        let newB = await logsIn(inB, "userpass", "alice", environment["ALICE_b"] ?? "")
        let sameA = await logsIn(inA, "userpass", "alice", environment["ALICE_a"] ?? "")
        #expect(newB && sameA)
        let settled = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment)
        #expect(settled.code == 0, "\(settled.all)")
        outputs.append(settled.all)

        let secrets: [String] = Array(environment.values) + generated
        let leaked = outputs.contains { (text: String) -> Bool in secrets.contains { (value: String) -> Bool in text.contains(value) } }
        #expect(!leaked, "a password reached the output")
    }

    @Test("a secret schema in each of two namespaces: filled in its namespace, rotated alone, a saved plan stale when its secret changed; never shown")
    func secretSchemasPerNamespace() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let directory = try scratchDirectory("vf-ns-secrets")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = "ns\(UUID().uuidString.prefix(8).lowercased())"
        let manifest = try SecretSchemaTests.write("""
            namespaces:
              - path: \(id)
              - path: \(id)/${each.env}
                for_each: { env: [dev, prod] }
                contents:
                  secrets_engines: [{ path: secret, type: kv-v2 }]
                  secret_schemas:
                    - path: secret/app
                      fields:
                        password: { type: string, generate: { kind: password, length: 32 } }
                        api_key: { type: string, from_env: "API_KEY_${each.env}" }
            """, in: directory)
        let environment: [String: String] = ["API_KEY_dev": "canary-dev-\(UUID().uuidString)", "API_KEY_prod": "canary-prod-\(UUID().uuidString)"]
        var outputs: [String] = []
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(applied.code == 0, "\(applied.all)")
        #expect(applied.output.contains("\(id)/dev::kv-secret:secret/app"), "\(applied.all)")
        outputs.append(applied.all)
        let again = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment)
        #expect(again.code == 0, "\(again.all)")
        outputs.append(again.all)

        let dev = root.with(namespace: "\(id)/dev"), prod = root.with(namespace: "\(id)/prod")
        func fields(_ client: VaultClient) async throws -> [String: JSONValue] {
            try await client.request(.get, "secret/data/app").data?["data"]?.objectValue ?? [:]
        }
        let devFields = try await fields(dev), prodFields = try await fields(prod)
        let keysFilled = devFields["api_key"]?.stringValue == environment["API_KEY_dev"]
            && prodFields["api_key"]?.stringValue == environment["API_KEY_prod"]
        #expect(keysFilled)
        let devPassword = try #require(devFields["password"]?.stringValue)
        let prodPassword = try #require(prodFields["password"]?.stringValue)
        let generatedApart = devPassword.count == 32 && devPassword != prodPassword
        #expect(generatedApart)

        // --rotate names a secret inside a namespace by its full address; only that one changes.
        let rotate = "\(id)/prod::kv-secret:secret/app.password"
        let rotated = try await server.vaultform(["apply", manifest, "--auto-approve", "--rotate", rotate], environment: environment)
        #expect(rotated.code == 0, "\(rotated.all)")
        outputs.append(rotated.all)
        let devKept = try await fields(dev)["password"]?.stringValue == devPassword
        let prodNow = try await fields(prod)
        guard let newProd = prodNow["password"]?.stringValue else { Issue.record("no password in prod"); return }
        let rotatedAlone = devKept && newProd != prodPassword && prodNow["api_key"]?.stringValue == environment["API_KEY_prod"]
        #expect(rotatedAlone)

        // A saved plan is stale when its secret changed in its namespace since: a rotation is
        // planned (-out), then the secret is written out of band.
        let out = directory.appendingPathComponent("p.plan").path
        let saved = try await server.vaultform(
            ["plan", manifest, "-out", out, "--rotate", "\(id)/dev::kv-secret:secret/app.password"], environment: environment)
        outputs.append(saved.all)
        #expect(saved.code == 0 && saved.output.contains("\(id)/dev::kv-secret:secret/app"), "\(saved.all)")
        let planBytes = try String(contentsOfFile: out, encoding: .utf8)
        let withNote: JSONValue = ["data": [
            "password": JSONValue.string(devPassword), "api_key": JSONValue.string(environment["API_KEY_dev"] ?? ""),
            "note": JSONValue.string("x"),
        ]]
        _ = try await dev.request(.post, "secret/data/app", body: withNote)
        let stale = try await server.vaultform(["apply", out, "--auto-approve"], environment: environment)
        #expect(stale.code != 0 && stale.all.contains("\(id)/dev::kv-secret:secret/app"), "\(stale.all)")
        outputs.append(stale.all)
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(repaired.code == 0, "\(repaired.all)")
        outputs.append(repaired.all)
        let devAfter = try await fields(dev)
        let repairedAsDeclared = devAfter["api_key"]?.stringValue == environment["API_KEY_dev"]
            && devAfter["note"]?.stringValue == "x" && devAfter["password"]?.stringValue == devPassword
        #expect(repairedAsDeclared)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment).code == 0)

        let secrets: [String] = Array(environment.values) + [devPassword, prodPassword, newProd]
        let texts: [String] = outputs + [planBytes]
        let leaked = texts.contains { (text: String) -> Bool in secrets.contains { (value: String) -> Bool in text.contains(value) } }
        #expect(!leaked, "a secret value reached the output")
    }

    @Test("endpoints in two namespaces: written there, recorded apart in the connection's namespace, drift repaired in one, dropped ones deleted by their recipes")
    func endpointsPerNamespace() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let directory = try scratchDirectory("vf-ns-endpoints")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = "ne\(UUID().uuidString.prefix(8).lowercased())"
        func manifest(withScope: Bool) throws -> String {
            let scope = withScope ? """

                          - path: identity/oidc/scope/team
                            data: { description: "team ${each.team}" }
                """ : ""
            return try SecretSchemaTests.write("""
                namespaces:
                  - path: \(id)
                  - path: \(id)/${each.team}
                    for_each: { team: [a, b] }
                    contents:
                      secrets_engines: [{ path: tr, type: transit }]
                      endpoints:
                          - path: tr/cache-config
                            data: { size: 500 }
                            delete: never
                            after: ["mount:tr"]\(scope)
                """, in: directory)
        }
        let full = try manifest(withScope: true)
        let applied = try await server.vaultform(["apply", full, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(applied.output.contains("\(id)/a::endpoint:identity/oidc/scope/team"), "\(applied.all)")
        let clean = try await server.vaultform(["plan", full, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")
        let inA = root.with(namespace: "\(id)/a"), inB = root.with(namespace: "\(id)/b")
        for (team, client) in [("a", inA), ("b", inB)] {
            #expect(try await client.request(.get, "tr/cache-config").data?["size"]?.intValue == 500)
            #expect(try await client.request(.get, "identity/oidc/scope/team").data?["description"]?.stringValue == "team \(team)")
        }
        let records = try await root.request(.get, "vaultform-lock/data/applied-endpoints").data?["data"]?.objectValue ?? [:]
        #expect(records["\(id)/a::identity/oidc/scope/team"]?.stringValue == "DELETE identity/oidc/scope/team", "\(records)")
        #expect(records["\(id)/b::tr/cache-config"]?.stringValue == "never", "\(records)")

        // Drift in one namespace is that namespace's endpoint, and apply repairs it.
        _ = try await inB.request(.post, "identity/oidc/scope/team", body: ["description": "changed"])
        let json = try await server.vaultform(["plan", full, "--format", "json"])
        #expect(try BothWays.changed(json.output) == ["\(id)/b::endpoint:identity/oidc/scope/team description"], "\(json.output)")
        #expect(try await server.vaultform(["apply", full, "--auto-approve"]).code == 0)
        #expect(try await inB.request(.get, "identity/oidc/scope/team").data?["description"]?.stringValue == "team b")

        // Dropped from both: each deleted in its namespace by its recorded recipe.
        let dropped = try manifest(withScope: false)
        let plan = try await server.vaultform(["plan", dropped, "--no-color"])
        #expect(plan.output.contains("\(id)/a::endpoint:identity/oidc/scope/team") && plan.output.contains("0 to add, 0 to change, 2 to destroy"), "\(plan.all)")
        let deleted = try await server.vaultform(["apply", dropped, "--auto-approve"])
        #expect(deleted.code == 0, "\(deleted.all)")
        for client in [inA, inB] {
            #expect((try? await client.request(.get, "identity/oidc/scope/team")) == nil)
            #expect(try await client.request(.get, "tr/cache-config").data?["size"]?.intValue == 500)
        }
        #expect(try await server.vaultform(["plan", dropped, "--detailed-exitcode"]).code == 0)
    }
}

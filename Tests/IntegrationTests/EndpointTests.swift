import Foundation
import Testing
import TestSupport
import VaultAPI

/// Generic endpoints (`endpoints:`) against a real server, both ways: only the declared keys
/// are compared, equivalent spellings are no change, a real change is drift apply repairs,
/// write-only keys are written and never shown, `after` orders writes, and an endpoint the
/// manifest drops is deleted by its recorded recipe (or only forgotten with `delete: never`).
@Suite("generic endpoints against a dev server")
struct EndpointTests {
    @Test("server-added keys are no drift; equivalent spellings are no change; a compared key changed out of band is drift apply repairs; a saved plan applies; a dropped endpoint is deleted by its recipe or forgotten")
    func bothWaysAndDeletion() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-endpoints")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let bao = BaoCommand(server: server)
            let manifest = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: ep-transit, type: transit }
                endpoints:
                  - path: sys/config/cors
                    data: { enabled: true, allowed_origins: ["https://a.example"] }
                  - path: ep-transit/cache-config
                    data: { size: 500.0 }
                    delete: never
                    after: ["mount:ep-transit"]
                """, in: directory)
            // The cache config is on a mount the same apply creates, on an empty server.
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await client.request(.get, "ep-transit/cache-config").data?["size"]?.intValue == 500)
            let cors = try await client.request(.get, "sys/config/cors").data
            #expect(cors?["enabled"]?.boolValue == true)
            // The server adds allowed_headers and allow_credentials: not compared, so no drift.
            #expect(cors?["allowed_headers"] != nil)
            let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
            #expect(clean.code == 0, "\(clean.all)")

            // `size=500` as bao sends it (a string); the manifest's 500.0 is the server's 500.
            try await BothWays.spellingsAreNoChange(
                [["write", "ep-transit/cache-config", "size=500"], ["write", "sys/config/cors", "enabled=true", "allowed_origins=https://a.example"]],
                manifest: manifest, server: server)
            let quoted = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: ep-transit, type: transit }
                endpoints:
                  - path: sys/config/cors
                    data: { enabled: "true", allowed_origins: ["https://a.example"] }
                  - path: ep-transit/cache-config
                    data: { size: "500" }
                    delete: never
                """, in: try scratchDirectory("vf-endpoints-quoted"))
            let quotedPlan = try await server.vaultform(["plan", quoted, "--detailed-exitcode"])
            #expect(quotedPlan.code == 0, "\(quotedPlan.all)")

            try await BothWays.driftsAreRepaired([
                .init(["write", "sys/config/cors", "enabled=true", "allowed_origins=https://b.example"], "endpoint:sys/config/cors", "allowed_origins"),
                .init(["write", "ep-transit/cache-config", "size=600"], "endpoint:ep-transit/cache-config", "size"),
            ], manifest: manifest, server: server)
            #expect(try await client.request(.get, "ep-transit/cache-config").data?["size"]?.intValue == 500)

            // A saved plan carries the data it writes.
            _ = try await bao.run(["write", "ep-transit/cache-config", "size=700"])
            let planFile = directory.appendingPathComponent("plan.json").path
            let saved = try await server.vaultform(["plan", manifest, "-out", planFile])
            #expect(saved.code == 0, "\(saved.all)")
            let fromFile = try await server.vaultform(["apply", planFile, "--auto-approve"])
            #expect(fromFile.code == 0, "\(fromFile.all)")
            #expect(try await client.request(.get, "ep-transit/cache-config").data?["size"]?.intValue == 500)

            // Dropped: CORS is deleted with DELETE at its path; the cache config (`never`) is
            // only forgotten, and the plan says so.
            let dropped = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: ep-transit, type: transit }
                endpoints: []
                """, in: directory)
            let plan = try await server.vaultform(["plan", dropped, "--no-color"])
            #expect(plan.output.contains("endpoint:sys/config/cors") && plan.output.contains("only forgotten") && plan.output.contains("will be forgotten") && plan.output.contains("`DELETE sys/config/cors`") && plan.output.contains("0 to add, 0 to change, 1 to destroy"), "\(plan.all)")
            let deleted = try await server.vaultform(["apply", dropped, "--auto-approve"])
            #expect(deleted.code == 0, "\(deleted.all)")
            #expect(try await client.request(.get, "sys/config/cors").data?["enabled"]?.boolValue == false)
            #expect(try await client.request(.get, "ep-transit/cache-config").data?["size"]?.intValue == 500)
            let after = try await server.vaultform(["plan", dropped, "--detailed-exitcode"])
            #expect(after.code == 0, "\(after.all)")
        }
    }

    @Test("a write-only key is written and never printed, a changed source plans an update; `after` orders an endpoint after another")
    func writeOnlyAndOrder() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-endpoints-wo")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            // The provider sorts before the scope it needs, which the server refuses to name
            // before it exists: only `after` makes one apply work.
            let manifest = try SecretSchemaTests.write("""
                endpoints:
                  - path: identity/oidc/provider/ep
                    data: { scopes_supported: [ep-scope] }
                    after: ["endpoint:identity/oidc/scope/ep-scope"]
                  - path: identity/oidc/scope/ep-scope
                    data: { description: d, template: '{"a":"b"}' }
                  - path: sys/config/ui/headers/X-Ep-Secret
                    write_only: { values: { from_env: EP_SECRET } }
                """, in: directory)
            let first = ["EP_SECRET": "s3cret-one-7d1f"]
            let planFile = directory.appendingPathComponent("plan.json").path
            let plan = try await server.vaultform(["plan", manifest, "-out", planFile], environment: first)
            #expect(plan.code == 0, "\(plan.all)")
            let applied = try await server.vaultform(["apply", planFile, "--auto-approve"], environment: first)
            #expect(applied.code == 0, "\(applied.all)")
            let file = try String(contentsOfFile: planFile, encoding: .utf8)
            for output in [plan.all, applied.all, file] { #expect(!output.contains("s3cret-one")) }
            #expect(try await client.request(.get, "sys/config/ui/headers/X-Ep-Secret").data?["value"]?.stringValue == "s3cret-one-7d1f")
            #expect(try await client.request(.get, "identity/oidc/provider/ep").data?["scopes_supported"]?.arrayValue?.first?.stringValue == "ep-scope")
            let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: first)
            #expect(clean.code == 0, "\(clean.all)")

            let second = ["EP_SECRET": "s3cret-two-9c2e"]
            let changed = try await server.vaultform(["plan", manifest, "--format", "json"], environment: second)
            #expect(try BothWays.changed(changed.output) == ["endpoint:sys/config/ui/headers/X-Ep-Secret values"], "\(changed.output)")
            #expect(!changed.all.contains("s3cret-two"))
            let rewritten = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: second)
            #expect(rewritten.code == 0 && !rewritten.all.contains("s3cret-two"), "\(rewritten.all)")
            #expect(try await client.request(.get, "sys/config/ui/headers/X-Ep-Secret").data?["value"]?.stringValue == "s3cret-two-9c2e")

            // Dropped with the section kept: the header goes by DELETE at its path (404 after).
            let dropped = try SecretSchemaTests.write("""
                endpoints:
                  - path: identity/oidc/provider/ep
                    data: { scopes_supported: [ep-scope] }
                    after: ["endpoint:identity/oidc/scope/ep-scope"]
                  - path: identity/oidc/scope/ep-scope
                    data: { description: d, template: '{"a":"b"}' }
                """, in: directory)
            // From a saved plan: the file carries the recorded recipe.
            let dropPlan = try await server.vaultform(["plan", dropped, "-out", planFile])
            #expect(dropPlan.code == 0, "\(dropPlan.all)")
            let deleted = try await server.vaultform(["apply", planFile, "--auto-approve"])
            #expect(deleted.code == 0, "\(deleted.all)")
            await #expect(throws: VaultError.self) { try await client.request(.get, "sys/config/ui/headers/X-Ep-Secret") }
            let after = try await server.vaultform(["plan", dropped, "--detailed-exitcode"])
            #expect(after.code == 0, "\(after.all)")
        }
    }

    @Test("a refused read of an endpoint names its path and the missing capability")
    func refusedReadNamesPathAndCapability() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-endpoints-403")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.put, "sys/policies/acl/ep-reader", body: ["policy": .string("""
                path "vaultform-lock/*" { capabilities = ["read"] }
                path "auth/token/lookup-self" { capabilities = ["read"] }
                """)])
            let created = try await client.request(.post, "auth/token/create", body: ["policies": ["ep-reader"], "ttl": "10m"])
            let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            let manifest = try SecretSchemaTests.write("""
                endpoints:
                  - path: sys/config/cors
                    data: { enabled: true }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--no-color"], token: token)
            #expect(plan.code == 1, "\(plan.all)")
            #expect(plan.all.contains(#"GET sys/config/cors: HTTP 403: permission denied (the token lacks "read" on sys/config/cors"#), "\(plan.all)")
        }
    }
}

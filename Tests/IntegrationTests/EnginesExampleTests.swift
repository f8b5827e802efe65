import Foundation
import Testing
import TestSupport
import VaultAPI

/// examples/engines.yaml on a real server and a real PostgreSQL: a root and an intermediate
/// CA, a server-certificate role, a PostgreSQL connection with a dynamic and a static role,
/// a quota and a generic endpoint. Applied three times (the CAs never regenerated), planned with no changes, a
/// certificate from the role verified with openssl up to the root, a dynamic and the static
/// credential logging in to PostgreSQL, the root password in no output, and the export
/// planning no changes.
@Suite("examples/engines.yaml")
struct EnginesExampleTests {
    static let manifest = ApplyCommandTests.root.appendingPathComponent("examples/engines.yaml").path

    @Test("apply three times, plan no changes, a certificate chains to the root, credentials log in to PostgreSQL, export round trip")
    func wholeStory() async throws {
        try await PostgresServer.with { pg in
            try await DevServer.with { server in
                let directory = try scratchDirectory("vf-engines-example")
                defer { try? FileManager.default.removeItem(at: directory) }
                try await pg.superuserQuery("CREATE ROLE reporting LOGIN PASSWORD 'initial-password'")
                let arguments = ["--var", "postgres_url=\(pg.connectionURL)"]
                let environment = ["PG_ROOT_PASSWORD": pg.superuserPassword]
                var outputs: [String] = []
                var serials: [String] = []
                for _ in 0..<3 {
                    let applied = try await server.vaultform(["apply", Self.manifest, "--auto-approve"] + arguments, environment: environment)
                    #expect(applied.code == 0, "\(applied.all)")
                    outputs.append(applied.all)
                    serials.append(try await PKIRootCATests.serial("pki-root", server, issuer: "root-2026")
                        + PKIRootCATests.serial("pki-int", server, issuer: "issuing-2026"))
                }
                #expect(Set(serials).count == 1, "a CA was generated again: \(serials)")
                let plan = try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"] + arguments, environment: environment)
                #expect(plan.code == 0, "\(plan.all)")
                outputs.append(plan.all)

                // A certificate from the role chains to the root.
                let client = try server.client()
                let issued = try await client.request(.post, "pki-int/issue/server", body: ["common_name": "api.example.internal"]).data
                let root = try #require(try await client.request(.get, "pki-root/issuer/root-2026").data?["certificate"]?.stringValue)
                let intermediate = try #require(try await client.request(.get, "pki-int/issuer/issuing-2026").data?["certificate"]?.stringValue)
                let leaf = try #require(issued?["certificate"]?.stringValue)
                try await PKIExampleTests.expectChain(root: root, intermediate: intermediate, leaf: leaf, in: directory)

                // A dynamic credential and the static one log in.
                let creds = try await client.request(.get, "database/creds/app").data
                let user = try #require(creds?["username"]?.stringValue), password = try #require(creds?["password"]?.stringValue)
                let login = try await pg.query("SELECT current_user", user: user, password: password)
                #expect(login.ok && login.output == user, "\(login.output)")
                #expect(!(try await pg.query("SELECT 1", user: user, password: password + "x").ok), "a wrong password is refused")
                let fixed = try await client.request(.get, "database/static-creds/reporting").data
                let staticPassword = try #require(fixed?["password"]?.stringValue)
                let staticLogin = try await pg.query("SELECT current_user", user: "reporting", password: staticPassword)
                #expect(staticLogin.ok && staticLogin.output == "reporting", "\(staticLogin.output)")

                // The quota is there as declared.
                let quota = try await client.request(.get, "sys/quotas/rate-limit/database-creds").data
                #expect(quota?["rate"]?.doubleValue == 50 && quota?["path"]?.stringValue == "database/", "\(String(describing: quota))")

                // The generic endpoint is written as declared.
                let tidy = try await client.request(.get, "pki-int/config/auto-tidy").data
                #expect(tidy?["enabled"]?.boolValue == true && tidy?["tidy_cert_store"]?.boolValue == true, "\(String(describing: tidy))")

                // Export writes it back; the round trip plans no changes (the root password,
                // never read back, is not exported).
                let exported = directory.appendingPathComponent("exported")
                let export = try await server.vaultform(["export", "--output", exported.path])
                #expect(export.code == 0, "\(export.all)")
                outputs.append(export.all)
                let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
                #expect(roundTrip.code == 0, "\(roundTrip.all)")
                for name in try FileManager.default.contentsOfDirectory(atPath: exported.path) {
                    let text = try String(contentsOf: exported.appendingPathComponent(name), encoding: .utf8)
                    #expect(!text.contains(pg.superuserPassword) && !text.contains("PRIVATE"), "\(name)")
                }
                for output in outputs { #expect(!output.contains(pg.superuserPassword), "the root password reached the output") }
            }
        }
    }
}

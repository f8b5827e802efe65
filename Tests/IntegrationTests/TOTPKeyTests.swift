import Foundation
import Testing
import TestSupport
import VaultAPI

/// Keys of a TOTP engine against a real server. A generated key is created without export,
/// so no URL, QR code or secret ever reaches vaultform's output or a plan file; a key from a
/// source is write-only: written once, again when the source changes, never shown. Every
/// field the engine reads back is fixed (a write rewrites the whole key), so a drift of any,
/// omitted ones included, is a destructive replace apply makes only with `--allow-destroy`;
/// 60s for 1m is no change; ownership and an export round trip.
@Suite("TOTP keys against a dev server")
struct TOTPKeyTests {
    /// The code the engine gives for `key` now; the same secret gives the same code in the
    /// same period, so two keys are compared within one period (retried across a boundary).
    static func sameCodes(_ first: String, _ second: String, _ server: DevServer) async throws -> Bool {
        let client = try server.client()
        for _ in 0..<3 {
            let a = try await client.request(.get, "\(first)").data?["code"]?.stringValue
            let b = try await client.request(.get, "\(second)").data?["code"]?.stringValue
            let again = try await client.request(.get, "\(first)").data?["code"]?.stringValue
            if a == again { return a != nil && a == b }
        }
        return false
    }

    @Test("a generated key is never shown; a key from the environment is written once, again when it changes, never shown")
    func secretsNeverShown() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-totp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let totp = PlanExactnessTests.unique("totp")
        let first = "JBSWY3DPEHPK3PXP", second = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(totp), type: totp }
            totp_keys:
              - { mount: \(totp), name: gen, generate: true, issuer: Example, account_name: alice@example.com, digits: 8, period: 1m }
              - { mount: \(totp), name: given, key: { from_env: TOTP_SECRET }, issuer: Example, account_name: bob, algorithm: SHA256 }
            """, in: directory)
        var runs: [StatusCommandTests.Run] = []
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: ["TOTP_SECRET": first])
        #expect(applied.code == 0, "\(applied.all)")
        runs.append(applied)
        // Reference keys made by hand with each secret: the same secret gives the same codes.
        let bao = BaoCommand(server: server)
        try await bao("write", "\(totp)/keys/ref1", "key=\(first)", "algorithm=SHA256")
        try await bao("write", "\(totp)/keys/ref2", "key=\(second)", "algorithm=SHA256")
        let read = try await server.client().request(.get, "\(totp)/keys/gen").data
        #expect(read?["digits"]?.intValue == 8 && read?["period"]?.intValue == 60 && read?["issuer"]?.stringValue == "Example", "\(String(describing: read))")
        #expect(try await server.client().request(.get, "\(totp)/code/gen").data?["code"]?.stringValue?.count == 8)
        #expect(try await Self.sameCodes("\(totp)/code/given", "\(totp)/code/ref1", server))
        let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: ["TOTP_SECRET": first])
        #expect(clean.code == 0, "\(clean.all)")
        runs.append(clean)

        // The source changes: the plan names the field without either value; apply writes it.
        let json = try await server.vaultform(["plan", manifest, "--format", "json"], environment: ["TOTP_SECRET": second])
        #expect(try BothWays.changed(json.output) == ["totp-key:\(totp)/given key"], "\(json.output)")
        runs.append(json)
        let out = directory.appendingPathComponent("p.plan").path
        runs.append(try await server.vaultform(["plan", manifest, "-out", out], environment: ["TOTP_SECRET": second]))
        let saved = try await server.vaultform(["apply", out, "--auto-approve"], environment: ["TOTP_SECRET": second])
        #expect(saved.code == 0, "\(saved.all)")
        runs.append(saved)
        #expect(try await Self.sameCodes("\(totp)/code/given", "\(totp)/code/ref2", server))
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: ["TOTP_SECRET": second]).code == 0)
        let planBytes = try String(contentsOfFile: out, encoding: .utf8)
        for text in runs.map(\.all) + [planBytes] {
            for secret in [first, second, "otpauth", "barcode", "secret="] {
                #expect(!text.contains(secret), "`\(secret)` reached the output or the plan file")
            }
        }
    }

    @Test("every field drifted out of band is a destructive replace apply makes with --allow-destroy; 60s for 1m and a key adopted as it is are no change")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-totp-drift")
        defer { try? FileManager.default.removeItem(at: directory) }
        let totp = PlanExactnessTests.unique("totpd")
        let secret = "JBSWY3DPEHPK3PXP"
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(totp), type: totp }
            totp_keys:
              - { mount: \(totp), name: full, key: { from_env: TOTP_SECRET }, issuer: Example, account_name: bob, algorithm: SHA512, digits: 8, period: 1m }
              - { mount: \(totp), name: bare, key: { from_env: TOTP_SECRET } }
              - { mount: \(totp), name: gen, generate: true, issuer: Example, account_name: carol }
            """, in: directory)
        let environment = ["TOTP_SECRET": secret]
        let bao = BaoCommand(server: server)
        // A generated key made by hand with the manifest's fields is adopted, not generated again.
        try await bao("secrets", "enable", "-path=\(totp)", "totp")
        try await bao("write", "\(totp)/keys/gen", "generate=true", "exported=false", "issuer=Example", "account_name=carol")
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(applied.code == 0 && !applied.all.contains("totp-key:\(totp)/gen"), "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"], environment: environment).code == 0)
        let full = "\(totp)/keys/full", bare = "\(totp)/keys/bare"
        try await BothWays.spellingsAreNoChange([
            ["write", full, "key=\(secret)", "issuer=Example", "account_name=bob", "algorithm=SHA512", "digits=8", "period=60s"],
        ], manifest: manifest, server: server, environment: environment)
        let f = "totp-key:\(totp)/full", b = "totp-key:\(totp)/bare"
        let fullKey = ["write", full, "key=\(secret)"]
        try await BothWays.driftsAreRepaired([
            .init(fullKey + ["issuer=Other", "account_name=bob", "algorithm=SHA512", "digits=8", "period=60"], f, "issuer"),
            .init(fullKey + ["issuer=Example", "account_name=eve", "algorithm=SHA512", "digits=8", "period=60"], f, "account_name"),
            .init(fullKey + ["issuer=Example", "account_name=bob", "algorithm=SHA1", "digits=8", "period=60"], f, "algorithm"),
            .init(fullKey + ["issuer=Example", "account_name=bob", "algorithm=SHA512", "digits=6", "period=60"], f, "digits"),
            .init(fullKey + ["issuer=Example", "account_name=bob", "algorithm=SHA512", "digits=8", "period=30"], f, "period"),
            .init(["write", bare, "key=\(secret)", "issuer=Other"], b, "issuer"),
            .init(["write", bare, "key=\(secret)", "account_name=eve"], b, "account_name"),
            .init(["write", bare, "key=\(secret)", "algorithm=SHA256"], b, "algorithm"),
            .init(["write", bare, "key=\(secret)", "digits=8"], b, "digits"),
            .init(["write", bare, "key=\(secret)", "period=45"], b, "period"),
        ], manifest: manifest, server: server, applyArguments: ["--allow-destroy"], environment: environment)
        // Without --allow-destroy a replace is refused, and the drifted key stays.
        try await bao("write", "\(totp)/keys/gen", "generate=true", "exported=false", "issuer=Example", "account_name=mallory")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"], environment: environment)
        #expect(refused.code != 0 && refused.all.contains("--allow-destroy"), "\(refused.all)")
        #expect(try await server.client().request(.get, "\(totp)/keys/gen").data?["account_name"]?.stringValue == "mallory")
        let replaced = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"], environment: environment)
        #expect(replaced.code == 0 && !replaced.all.contains("otpauth"), "\(replaced.all)")
        #expect(try await server.client().request(.get, "\(totp)/keys/gen").data?["account_name"]?.stringValue == "carol")
    }

    @Test("an owned key the manifest drops is deleted only with --allow-destroy; export writes each key as generated, and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-totp-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            try await bao("secrets", "enable", "totp")
            try await bao("write", "totp/keys/stray", "generate=true", "exported=false", "issuer=X", "account_name=y")
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: totp_key, mount: totp }
                secrets_engines:
                  - { path: totp, type: totp }
                totp_keys:
                  - { mount: totp, name: web, generate: true, issuer: Example, account_name: ops, algorithm: SHA256, period: 1m }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create totp-key:totp/web", "delete totp-key:totp/stray"], "\(plan.output)")
            let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(refused.code != 0 && refused.all.contains("--allow-destroy"), "\(refused.all)")
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"]).code == 0)
            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0 && !export.all.contains("skipped what is inside"), "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("totp_keys.yaml"), encoding: .utf8)
            #expect(text.contains("name: web") && text.contains("generate: true") && text.contains("period: 1m") && !text.contains("stray"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

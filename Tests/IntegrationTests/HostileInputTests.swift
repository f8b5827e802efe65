import Foundation
import Testing
import TestSupport
import VaultAPI

/// Hostile input: a "server" that answers with malformed JSON, wrong types, huge or endless
/// bodies, resets or silence; tampered and truncated plan files; malformed environment
/// values. Every case must end with a clear error and exit 1 — never a crash, a hang, a
/// success built on garbage, or a partial write.
@Suite("hostile input")
struct HostileInputTests {
    static let root = ProcessRunner.repositoryRoot
    static let modes = [
        "truncated", "not-json", "empty-200", "null", "array-data", "string-data", "number-fields", "wrong-nesting", "deep",
        "invalid-utf8", "errors-500", "errors-garbage", "html-503", "huge", "slow", "reset",
    ]

    static let manifest = """
        version: 1
        secrets_engines: [{ path: kv, type: kv-v2, kv_config: { max_versions: 3 } }, { path: transit, type: transit }]
        transit_keys: [{ mount: transit, name: k }]
        auth_methods: [{ path: approle, type: approle }]
        policies: [{ name: reader, hcl: 'path "kv/data/*" { capabilities = ["read"] }' }]
        approle_roles: [{ name: app, token_ttl: 1h }]
        ownership: [{ kind: policy }]
        """

    struct Case: Sendable, CustomStringConvertible {
        var command: String
        var target: String
        var mode: String
        var description: String { "\(command) with \(target) answering \(mode)" }
    }

    /// Runs `vaultform COMMAND` against a fake server answering `target` as `mode`.
    static func run(_ item: Case, manifestPath: String, directory: URL) async throws -> (StatusCommandTests.Run, Duration) {
        let port = try FreePort.loopback()
        let ready = directory.appendingPathComponent("ready-\(UUID().uuidString)").path
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", root.appendingPathComponent("Tests/IntegrationTests/Fixtures/hostile_server.py").path,
                            String(port), item.mode, item.target, ready]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.start()
        defer { server.kill() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: ready) { try await Task.sleep(for: .milliseconds(50)) }
        var arguments = [item.command]
        switch item.command {
        case "export": arguments += ["--output", directory.appendingPathComponent("export-\(UUID().uuidString)").path]
        default: arguments.append(manifestPath)
        }
        arguments += ["--address", "http://127.0.0.1:\(port)", "--request-timeout", "2s", "--deadline", "15s"]
        let started = ContinuousClock.now
        let run = try await StatusCommandTests.run(arguments, environment: ["VAULT_TOKEN": "fake-token", "HOME": directory.path])
        return (run, ContinuousClock.now - started)
    }

    static func cases(_ command: String, targets: [String]) -> [Case] {
        targets.flatMap { target in modes.map { Case(command: command, target: target, mode: $0) } }
    }

    @Test("a server answering badly: exit 1 with the request named, never a crash, a hang or a plan built on garbage", arguments: [
        cases("plan", targets: ["sys/mounts", "sys/policies/acl", "sys/auth", "auth/approle/role", "kv/config", "transit/keys"]),
        cases("drift", targets: ["sys/mounts"]), cases("export", targets: ["sys/policies/acl"]),
    ])
    func badServer(cases: [Case]) async throws {
        let directory = try scratchDirectory("vf-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifestPath = directory.appendingPathComponent("m.yaml").path
        try Self.manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        try await withThrowingTaskGroup(of: (Case, StatusCommandTests.Run, Duration).self) { group in
            var pending = cases[...]
            func startNext() {
                guard let item = pending.popFirst() else { return }
                group.addTask {
                    let (run, elapsed) = try await Self.run(item, manifestPath: manifestPath, directory: directory)
                    return (item, run, elapsed)
                }
            }
            startNext()  // one at a time: the suite shares two cores with timing-sensitive tests
            while let (item, run, elapsed) = try await group.next() {
                #expect(run.code == 1, "\(item): exit \(run.code)\n\(run.all.prefix(2000))")
                #expect(run.error.contains("error:"), "\(item): no error line\n\(run.all.prefix(2000))")
                #expect(!run.all.contains("Fatal error") && !run.all.contains("Segmentation"), "\(item): crashed")
                #expect(elapsed < .seconds(60), "\(item): took \(elapsed)")
                #expect(!run.output.contains("Plan:") && !run.output.contains("No changes"), "\(item): planned from garbage\n\(run.output.prefix(2000))")
                startNext()
            }
        }
    }

    @Test("tampered, truncated and foreign plan files are refused and nothing is written")
    func hostilePlanFiles() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-hostile-plan")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifestPath = directory.appendingPathComponent("m.yaml").path
            try """
                version: 1
                policies: [{ name: tampered, hcl: 'path "a" { capabilities = ["read"] }' }]
                auth_methods: [{ path: approle, type: approle }]
                approle_roles: [{ name: r, token_ttl: 1h }]
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas: [{ path: secret/app, fields: { token: { type: string, generate: { kind: password } } } }]
                """.write(toFile: manifestPath, atomically: true, encoding: .utf8)
            let planFile = directory.appendingPathComponent("good.plan").path
            #expect(try await server.vaultform(["plan", manifestPath, "-out", planFile]).code == 0)
            let good = try String(contentsOfFile: planFile, encoding: .utf8)
            let client = try server.client()

            var variants: [(String, String)] = []
            for fraction in [0.0, 0.05, 0.2, 0.33, 0.5, 0.66, 0.8, 0.95, 0.99] {
                variants.append(("truncated at \(Int(fraction * 100))%", String(good.prefix(Int(Double(good.count) * fraction)))))
            }
            func replacing(_ old: String, _ new: String) -> String { good.replacingOccurrences(of: old, with: new) }
            variants += [
                ("format version 2", replacing("\"format_version\" : 1", "\"format_version\" : 2")),
                ("another server", replacing(server.address.absoluteString, "http://127.0.0.1:1")),
                ("unknown action", replacing("\"action\" : \"create\"", "\"action\" : \"explode\"")),
                ("unknown kind", replacing("\"address\" : \"policy:tampered\"", "\"address\" : \"gizmo:tampered\"")),
                ("a duration that is not a number", replacing("\"type\" : \"seconds\",\n", "\"type\" : \"seconds\",\n\"junk\": 1,\n").replacingOccurrences(of: "\"value\" : 3600", with: "\"value\" : \"an hour\"")),
                ("a policy that does not parse", replacing("path \\\"a\\\"", "path \\\"a\\\" {{{")),
                ("a secret change without its write", replacing("\"secret\" : {", "\"nosecret\" : {")),
                ("an unknown value type", replacing("\"type\" : \"policy\"", "\"type\" : \"gadget\"")),
                ("a live fingerprint changed", replacing("\"live_fingerprint\" : \"absent\"", "\"live_fingerprint\" : \"sha256:00\"")),
                ("empty", ""), ("not JSON", "\u{0}\u{1}\u{2}garbage\u{FF}"), ("JSON, not a plan", "{\"hello\": \"world\"}"),
                ("a JSON array", "[1, 2, 3]"), ("deeply nested", "{\"a\":" + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}"),
            ]
            let before = try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue?.count
            for (name, text) in variants {
                let path = directory.appendingPathComponent("variant.plan").path
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                let run = try await server.vaultform(["apply", path, "--auto-approve"])
                #expect(run.code == 1, "\(name): exit \(run.code)\n\(run.all.prefix(1500))")
                #expect(run.error.contains("error"), "\(name): \(run.all.prefix(1500))")
                #expect(!run.output.contains("Apply complete"), "\(name): applied")
            }
            // Nothing was written by any of them.
            #expect(try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue?.count == before)
            await #expect(throws: VaultError.self) { try await client.request(.get, "secret/data/app") }
            #expect(try await server.vaultform(["apply", planFile]).code == 0, "the untouched plan still applies")
        }
    }

    @Test("malformed environment values: exit 1 with the variable named", arguments: [
        ("VAULTFORM_VAR_flag", "maybe", "flag"), ("VAULTFORM_VAR_cidrs", "[not, a, list", "cidrs"),
        ("VAULTFORM_VAR_cidrs", "[\"10.0.0.0/33\"]", "10.0.0.0/33"), ("VAULT_ADDR", "ftp://127.0.0.1:8200", "not an http:// or https:// URL"),
        ("VAULT_ADDR", "http://[::1", "VAULT_ADDR"), ("VAULT_CACERT", "/nonexistent/ca.pem", "/nonexistent/ca.pem"),
        ("VAULT_TOKEN", "token-abc\r\nX-Evil: 1", "token"), ("VAULT_NAMESPACE", "team\nX-Evil: 1", "namespace"),
        ("VAULT_CAPATH", "/nonexistent/dir", "/nonexistent/dir"), ("VAULT_SKIP_VERIFY", "perhaps", "VAULT_SKIP_VERIFY"),
    ])
    func badEnvironment(variable: String, value: String, named: String) async throws {
        let directory = try scratchDirectory("vf-hostile-env")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifestPath = directory.appendingPathComponent("m.yaml").path
        try """
            version: 1
            variables:
              flag: { type: boolean, default: true }
              cidrs: { type: list, default: ["10.0.0.0/8"] }
            approle_roles:
              - name: r
                token_bound_cidrs: ${var.cidrs}
                bind_secret_id: ${var.flag}
            auth_methods: [{ path: approle, type: approle }]
            """.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        var environment = ["HOME": directory.path, variable: value]
        if !variable.hasPrefix("VAULT_ADDR") { environment["VAULT_ADDR"] = environment["VAULT_ADDR"] ?? "http://127.0.0.1:1" }
        if variable != "VAULT_TOKEN" { environment["VAULT_TOKEN"] = "fake-token-value" }
        let run = try await StatusCommandTests.run(["plan", manifestPath, "--request-timeout", "1s", "--deadline", "3s"], environment: environment)
        #expect(run.code == 1, "\(variable)=\(value.debugDescription): exit \(run.code)\n\(run.all)")
        #expect(run.error.localizedCaseInsensitiveContains(named), "\(variable)=\(value.debugDescription): \(run.error)")
        #expect(!run.all.contains("Fatal error"))
    }
}

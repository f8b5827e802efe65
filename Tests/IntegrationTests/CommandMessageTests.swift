import Foundation
import Testing
import TestSupport
import VaultAPI

/// Messages the audit (issue 13) found wrong: each says what happened, once, and never more
/// than it should (a webhook's secret path).
@Suite("command messages")
struct CommandMessageTests {
    static let manifest = """
        version: 1
        policies: [{ name: reader, hcl: 'path "kv/data/*" { capabilities = ["read"] }' }]
        """

    static func manifestFile(_ text: String = manifest, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("m.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("no token anywhere and no login: a clear error before any request, not an HTTP 403")
    func noToken() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-no-token")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.manifestFile(in: directory)
        for command in [["plan", path], ["drift", path], ["export", "--output", directory.appendingPathComponent("out").path]] {
            let run = try await StatusCommandTests.run(command + ["--address", server.address.absoluteString])
            #expect(run.code == 1, "\(command): \(run.all)")
            #expect(run.error.contains(
                "error: no token: set VAULT_TOKEN (or BAO_TOKEN) or write ~/.vault-token, or log in with --approle-role-id-file (VAULT_ROLE_ID) or --jwt-role"),
                "\(command): \(run.error)")
            #expect(!run.all.contains("403"), "\(command): \(run.all)")
        }
    }

    @Test("the manifest's server.address winning over a different VAULT_ADDR is warned about")
    func manifestOverridesEnvironment() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-override")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.manifestFile("version: 1\nserver:\n  address: \(server.address.absoluteString)\n", in: directory)
        let run = try await StatusCommandTests.run(["status", "--manifest", path], environment: ["VAULT_ADDR": "https://192.0.2.1:8200"])
        #expect(run.code == 0, "\(run.all)")
        #expect(run.error.contains(
            "warning: the manifest's server.address (\(path):3:12) is \(server.address.absoluteString) and wins over VAULT_ADDR=https://192.0.2.1:8200; pass --address to choose, or unset VAULT_ADDR"),
            "\(run.error)")
    }

    @Test("drift prints a failed check's error once")
    func driftErrorOnce() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-drift-once")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.manifestFile(in: directory)
        // Both streams to one file, as on a terminal.
        var environment = ProcessRunner.cleanEnvironment
        environment["HOME"] = directory.path
        environment["VAULT_TOKEN"] = "s.not-a-real-token"
        let run = try await ProcessRunner.run(
            ProcessRunner.vaultform, ["drift", path, "--address", server.address.absoluteString], environment: environment,
            mergeStandardError: true)
        #expect(run.exitCode == 1, "\(run.all)")
        #expect(run.all.components(separatedBy: "error:").count == 2, "the error is not printed exactly once:\n\(run.all)")
        #expect(run.all.components(separatedBy: "auth/token/lookup-self").count == 2, "\(run.all)")
        #expect(run.all.contains("error: the drift check failed: GET auth/token/lookup-self"), "\(run.all)")
        // Apart (a log and a report), each stream still carries it.
        let apart = try await StatusCommandTests.run(
            ["drift", path, "--address", server.address.absoluteString], environment: ["VAULT_TOKEN": "s.not-a-real-token"])
        #expect(apart.error.contains("error: GET auth/token/lookup-self"), "\(apart.error)")
        #expect(apart.output.contains("error: the drift check failed: GET auth/token/lookup-self"), "\(apart.output)")
        // Written to a file, the report still carries the error.
        let report = directory.appendingPathComponent("report.json").path
        let saved = try await StatusCommandTests.run(
            ["drift", path, "--address", server.address.absoluteString, "--format", "json", "--output", report],
            environment: ["VAULT_TOKEN": "s.not-a-real-token"])
        #expect(saved.code == 1)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("auth/token/lookup-self"))
    }

    @Test("a failed webhook is named by scheme, host and port only: its path (Slack's secret) never appears")
    func webhookPathHidden() async throws {
        let directory = try scratchDirectory("vf-webhook")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.manifestFile(in: directory)
        let closedPort = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closedPort) {} }
        let port = closedPort.port  // nothing listens: the post is refused
        let webhook = "http://127.0.0.1:\(port)/services/T0VF/B0VF/hook-secret-canary?key=query-canary"
        let run = try await StatusCommandTests.run(
            ["drift", path, "--address", "http://127.0.0.1:\(port)", "--notify-webhook", webhook])
        #expect(run.code == 1, "\(run.all)")
        #expect(run.error.contains("warning: the drift notification to 127.0.0.1 failed: connection refused at http://127.0.0.1:\(port):"), "\(run.error)")
        for canary in ["hook-secret-canary", "query-canary", "T0VF", "/services"] {
            #expect(!run.all.contains(canary), "\(canary) leaked:\n\(run.all)")
        }
        let malformed = try await StatusCommandTests.run(["drift", path, "--notify-webhook", "hooks example/services/hook-secret-canary"])
        #expect(malformed.code != 0)
        #expect(malformed.error.contains("--notify-webhook is not an http(s) URL with a host"), "\(malformed.error)")
        #expect(!malformed.all.contains("hook-secret-canary"))
    }

    @Test("unseal with no --key-file and no terminal says so, not \"out of key shares\"")
    func unsealWithoutTerminal() async throws {
        let directory = try scratchDirectory("vf-unseal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stub = try await ConnectionSafetyTests.Stub.start("sealed", in: directory)
        defer { stub.stop() }
        let run = try await StatusCommandTests.run(["unseal", "--address", stub.address])  // standard input: /dev/null
        #expect(run.code == 1, "\(run.all)")
        #expect(run.error.contains("no --key-file and no terminal to ask for key shares on"), "\(run.error)")
        #expect(run.error.contains("0/3"), "\(run.error)")
        #expect(!run.error.contains("out of key shares"), "\(run.error)")
    }

    @Test("plan with blockers and no changes does not claim the server matches the manifest")
    func blockersAreNotAMatch() async throws {
        // A server of its own: the dev server's `secret/` mount must be exactly as created.
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-blockers")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try Self.manifestFile(
                """
                version: 1
                secrets_engines: [{ path: secret, type: kv-v2, description: key/value secret storage }]
                secret_schemas:
                  - path: secret/vf-audit-blockers/app
                    fields:
                      api_token: { type: string, required: true }
                """, in: directory)
            let run = try await server.vaultform(["plan", path])
            #expect(run.code == 1, "\(run.all)")
            #expect(run.output.contains("Blocker: kv-secret:secret/vf-audit-blockers/app"), "\(run.all)")
            #expect(!run.output.contains("The server matches the manifest"), "\(run.all)")
            #expect(run.output.hasPrefix("No changes could be planned: the blockers below must be resolved first"), "\(run.all)")
        }
    }
}

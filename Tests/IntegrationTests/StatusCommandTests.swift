import Foundation
import Testing
import TestSupport

/// `vaultform status`, run as a user runs it: where each setting came from, what the server
/// is, whether it is sealed, whether the token works, and never the token itself.
@Suite("vaultform status against a dev server")
struct StatusCommandTests {
    struct Run {
        var code: Int32
        var output: String
        var error: String
        var all: String { output + error }
    }

    static var executable: URL { ProcessRunner.vaultform }

    /// Runs vaultform with `environment` on top of the test's environment minus every VAULT_*
    /// and BAO_* variable, and with an empty HOME (so no real ~/.vault-token is read) unless
    /// the caller sets HOME.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var merged = ProcessRunner.cleanEnvironment
        merged["HOME"] = directory.path
        // Run inside the temporary directory, so a relative output path (`--output drift.md`)
        // lands there and never in the repository.
        let result = try await ProcessRunner.run(
            executable, arguments, environment: merged.merging(environment) { $1 }, currentDirectory: directory)
        return Run(code: result.exitCode, output: result.standardOutput, error: result.standardError)
    }

    @Test("reports sources, flavour, version, seal state and the token's policies, never the token")
    func reachable() async throws {
        let server = try await DevServer.shared()
        let run = try await Self.run(
            ["status", "--address", server.address.absoluteString], environment: ["VAULT_TOKEN": server.rootToken])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("address:           \(server.address.absoluteString) (from flag --address)"))
        #expect(run.output.contains("namespace:         none"))
        #expect(run.output.contains("token:             set (from environment VAULT_TOKEN)"))
        #expect(run.output.contains("flavour:           OpenBao 2.7"))
        #expect(run.output.contains("sealed:            false"))
        #expect(run.output.contains("policies:          root"))
        #expect(run.output.contains("ttl:               never expires"))
        #expect(!run.all.contains(server.rootToken), "the root token appeared in the output")
    }

    @Test("takes the address from the environment, BAO_ADDR over VAULT_ADDR, and the token from ~/.vault-token")
    func fromEnvironment() async throws {
        let server = try await DevServer.shared()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("vf-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try (server.rootToken + "\n").write(to: home.appendingPathComponent(".vault-token"), atomically: true, encoding: .utf8)

        let vault = try await Self.run(["status"], environment: ["VAULT_ADDR": server.address.absoluteString, "HOME": home.path])
        #expect(vault.code == 0, "\(vault.error)")
        #expect(vault.output.contains("(from environment VAULT_ADDR)"))
        #expect(vault.output.contains("token:             set (from ~/.vault-token)"))
        #expect(vault.output.contains("policies:          root"))

        let both = try await Self.run(
            ["status"],
            environment: ["VAULT_ADDR": "https://192.0.2.1:8200", "BAO_ADDR": server.address.absoluteString])
        #expect(both.code == 0, "\(both.error)")
        #expect(both.output.contains("(from environment BAO_ADDR)"))
        #expect(both.error.contains("warning: BAO_ADDR and VAULT_ADDR are both set and differ; using BAO_ADDR"))
        for run in [vault, both] { #expect(!run.all.contains(server.rootToken)) }
    }

    @Test("takes the address from a manifest's server: block, and a flag overrides it")
    func fromManifest() async throws {
        let server = try await DevServer.shared()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vf-manifest-\(UUID().uuidString).yaml")
        try "version: 1\nserver:\n  address: \(server.address.absoluteString)\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await Self.run(["status", "--manifest", file.path], environment: ["VAULT_ADDR": "https://192.0.2.1:8200"])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("(from manifest server.address (\(file.path):3:12))"))

        let overridden = try await Self.run(
            ["status", "--manifest", file.path, "--address", "http://127.0.0.1:1", "--request-timeout", "3s"])
        #expect(overridden.code == 1)
        #expect(overridden.output.contains("(from flag --address)"))
    }

    @Test("HoodCloud's own manifest: the address from its variable, located where the manifest uses it")
    func hoodCloudManifest() async throws {
        let server = try await DevServer.shared()
        let manifests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("manifests/hoodcloud")
        let run = try await Self.run([
            "status", "--manifest", manifests.path, "--var", "vault_address=\(server.address.absoluteString)",
        ])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("(from manifest server.address (\(manifests.path)/server.yaml:7:12))"))
    }

    @Test("a token the server refuses: exit 1, the source named, the token not shown")
    func badToken() async throws {
        let server = try await DevServer.shared()
        let bogus = "s.not-a-real-token-\(UUID().uuidString)"
        let run = try await Self.run(["status", "--address", server.address.absoluteString], environment: ["BAO_TOKEN": bogus])
        #expect(run.code == 1)
        #expect(run.error.contains("error: the token from environment BAO_TOKEN was not accepted: GET auth/token/lookup-self: HTTP 403: permission denied"))
        #expect(!run.all.contains(bogus))
    }

    @Test("a sealed server: sealed shown, exit 1")
    func sealed() async throws {
        try await DevServer.with { server in
            try await BaoCommand(server: server)("operator", "seal")
            let run = try await Self.run(
                ["status", "--address", server.address.absoluteString], environment: ["VAULT_TOKEN": server.rootToken])
            #expect(run.code == 1)
            #expect(run.output.contains("sealed:            true"))
            #expect(run.error.contains("the server is sealed"))
            #expect(!run.all.contains(server.rootToken))
        }
    }

    @Test("a closed port is a clear error and exit 1")
    func unreachable() async throws {
        let closed = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closed) {} }
        let run = try await Self.run(["status", "--address", "http://127.0.0.1:\(closed.port)", "--request-timeout", "3s"])
        #expect(run.code == 1)
        #expect(run.error.contains("sys/health"))
        #expect(run.error.lowercased().contains("refused") || run.error.lowercased().contains("connect"))
    }

    @Test("plain http:// to a remote host is refused before any request, unless allowed")
    func insecureHTTP() async throws {
        let refused = try await Self.run(["status"], environment: ["VAULT_ADDR": "http://192.0.2.1:8200"])
        #expect(refused.code == 1)
        #expect(refused.error.contains("error: refusing plain http:// to 192.0.2.1, which is not a loopback address (address from environment VAULT_ADDR)"))
        #expect(!refused.error.contains("sys/health"), "a request was sent")
        let allowed = try await Self.run(
            ["status", "--allow-insecure-http", "--request-timeout", "1s", "--deadline", "3s"],
            environment: ["VAULT_ADDR": "http://192.0.2.1:8200"])
        #expect(allowed.code == 1)
        #expect(allowed.error.contains("warning: plain HTTP to 192.0.2.1"))
    }

    @Test("--deadline bounds the whole command")
    func deadline() async throws {
        let listener = try Listener()  // accepts, never answers
        let started = ContinuousClock.now
        // A request timeout of a minute, so only the deadline can end the command soon; the
        // bound is loose because a loaded CI machine is slow to start processes.
        let run = try await Self.run(
            ["status", "--address", "http://127.0.0.1:\(listener.port)", "--request-timeout", "60s", "--deadline", "2s"])
        #expect(run.code == 1)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(run.error.contains("deadline"), "\(run.error)")
    }
}

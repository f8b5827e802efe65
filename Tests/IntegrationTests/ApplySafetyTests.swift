import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformServer

/// `vaultform apply` when things go wrong around it, each on a server of its own: another
/// apply at the same time, the server sealed half-way, a server that refuses audit devices
/// through its API; and the progress bar on a terminal.
@Suite("vaultform apply: concurrency, seal, audit refusal, terminal")
struct ApplySafetyTests {
    static func vaultform(_ arguments: [String], _ server: DevServer, token: String? = nil) async throws -> StatusCommandTests.Run {
        try await server.vaultform(arguments, token: token)
    }

    static func scratch() throws -> URL { try scratchDirectory("vf-safety") }

    /// A manifest of `count` policies named `prefix-0`, `prefix-1`, …
    static func policies(_ prefix: String, count: Int, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("\(prefix).yaml").path
        let lines = (0..<count).map { "  - { name: \(prefix)-\($0), hcl: 'path \"\(prefix)/\($0)/*\" { capabilities = [\"read\"] }' }" }
        try (["version: 1", "policies:"] + lines).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A token with the root policy, so two processes can be told apart in the audit log.
    static func rootChild(_ client: VaultClient) async throws -> String {
        let response = try await client.request(.post, "auth/token/create", body: ["policies": ["root"], "ttl": "1h"])
        return try #require(response.json?["auth"]?["client_token"]?.stringValue)
    }

    struct AuditedWrite { var token: String; var path: String }

    /// Writes (create, update, delete) in the audit log's order, with the HMAC of the token
    /// that made each (the same token always has the same HMAC).
    static func writes(in log: String) throws -> [AuditedWrite] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard let entry = try? JSONValue(decoding: Data(line.utf8)), entry["type"] == "request",
                  let operation = entry["request"]?["operation"]?.stringValue, ["create", "update", "delete"].contains(operation),
                  let path = entry["request"]?["path"]?.stringValue, let token = entry["auth"]?["client_token"]?.stringValue
            else { return nil }
            return AuditedWrite(token: token, path: path)
        }
    }

    @Test("two applies started while the lock is held: both wait, then run one after the other; no interleaved writes")
    func concurrentApplies() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let log = directory.appendingPathComponent("audit.log").path
            _ = try await client.request(.put, "sys/audit/file", body: ["type": "file", "options": ["file_path": .string(log)]])
            let (tokenA, tokenB) = (try await Self.rootChild(client), try await Self.rootChild(client))
            let manifestA = try Self.policies("a", count: 40, in: directory)
            let manifestB = try Self.policies("b", count: 40, in: directory)

            // The test holds the lock first, so both applies surely meet it.
            let held = try await ApplyLock(location: .standard, ttl: .seconds(60), timeout: .zero).acquire(client: client)
            let busy = try await Self.vaultform(["apply", manifestA, "--auto-approve", "--lock-timeout", "0"], server)
            #expect(busy.code == 1)
            #expect(busy.error.contains("vaultform force-unlock \(held.owner)"), "\(busy.error)")
            #expect(!busy.all.contains("Apply complete"))

            async let runA = Self.vaultform(["apply", manifestA, "--auto-approve", "--lock-timeout", "2m"], server, token: tokenA)
            async let runB = Self.vaultform(["apply", manifestB, "--auto-approve", "--lock-timeout", "2m"], server, token: tokenB)
            try await Task.sleep(for: .seconds(3))
            try await held.release()
            let (a, b) = try await (runA, runB)
            for run in [a, b] {
                #expect(run.code == 0, "\(run.all)")
                #expect(run.error.contains("Waiting for the apply lock, held by "), "\(run.error)")
                #expect(run.output.contains("Apply complete: 40 added, 0 changed, 0 destroyed."))
            }

            // The audit log: the policy writes of one token, then all of the other's.
            let writes = try Self.writes(in: log).filter { $0.path.hasPrefix("sys/policies/acl/") }
            #expect(writes.count == 80)
            let order = writes.map(\.token).reduce(into: [String]()) { runs, token in if runs.last != token { runs.append(token) } }
            #expect(order.count == 2, "the two applies' writes interleaved: \(order.count) runs")
            let first = writes.first.map { $0.path.hasPrefix("sys/policies/acl/a-") ? "a" : "b" }
            #expect(writes.prefix(40).allSatisfy { $0.path.hasPrefix("sys/policies/acl/\(first ?? "")-") })
            let leaked = [busy.all, a.all, b.all].contains { $0.contains(tokenA) || $0.contains(tokenB) || $0.contains(server.rootToken) }
            #expect(!leaked)
        }
    }

    @Test("a server sealed in the middle of an apply: a clear error; after unseal, force-unlock and apply converge")
    func sealedMidApply() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let manifest = try Self.policies("s", count: 500, in: directory)
            let applying = Task { try await Self.vaultform(["apply", manifest, "--auto-approve"], server) }

            // Seal once the apply is under way (some of its policies exist).
            let clock = ContinuousClock()
            let giveUp = clock.now + .seconds(60)
            while clock.now < giveUp {
                let names = try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue ?? []
                if names.filter({ $0.stringValue?.hasPrefix("s-") == true }).count >= 10 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            _ = try await client.request(.put, "sys/seal")
            let failed = try await applying.value
            #expect(failed.code == 1)
            #expect(failed.error.contains("is sealed; unseal it"), "\(failed.error)")
            #expect(failed.error.contains("[1/500] create policy:s-0…\n"), "without a terminal, a line per operation and no bar")
            #expect(!failed.error.contains("\u{1B}["))
            // Which policies were done depends on which of the writes side by side had been
            // read back when the seal landed (under load, possibly none): every policy is listed
            // once, as done or not, and each one done exists (checked after unseal).
            let done = try ApplyInterruptTests.listed("Done before the failure", in: failed.error)
            let notDone = try ApplyInterruptTests.listed("Not done", in: failed.error)
            #expect(Set(done + notDone) == Set((0..<500).map { "s-\($0)" }) && done.count + notDone.count == 500, "\(failed.error)")
            #expect(failed.error.contains("Run apply again to converge from here."))
            #expect(!failed.output.contains("Apply complete"))

            _ = try await client.with(token: nil).request(.put, "sys/unseal", body: ["key": .string(try await server.unsealKey())])
            // The lock could not be released while the server was sealed; the warning says how to free it.
            let owner = try #require(failed.error.firstMatch(of: /vaultform force-unlock ([0-9a-f-]{36})/)?.1, "\(failed.error)")
            let unlock = try await Self.vaultform(["force-unlock", String(owner), "--force"], server)
            #expect(unlock.code == 0, "\(unlock.all)")
            let existing = try await ApplyInterruptTests.policies("s", client)
            #expect(Set(done).isSubset(of: existing), "listed as done but absent: \(Set(done).subtracting(existing).sorted())")
            let again = try await Self.vaultform(["apply", manifest, "--auto-approve"], server)
            #expect(again.code == 0, "\(again.all)")
            #expect(again.output.contains("Apply complete: "))
            #expect(!again.output.contains("Apply complete: 500 added"), "nothing of the first apply was kept")
            let plan = try await Self.vaultform(["plan", manifest, "--detailed-exitcode"], server)
            #expect(plan.code == 0, "\(plan.all)")
        }
    }

    @Test("a server that refuses audit devices through its API: plan warns with the stanza, apply says so plainly")
    func auditRefused() async throws {
        try await DevServer.with(allowAPIAuditDevices: false) { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = directory.appendingPathComponent("m.yaml").path
            let log = directory.appendingPathComponent("audit.log").path
            try """
                version: 1
                audit_devices: [{ path: file, type: file, description: "all requests", options: { file_path: "\(log)", log_raw: false } }]
                policies: [{ name: p, hcl: 'path "x" { capabilities = ["read"] }' }]
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let stanza = """
                audit "file" "file" {
                  description = "all requests"
                  options {
                    file_path = "\(log)"
                    log_raw = "false"
                  }
                }
                """
            let plan = try await Self.vaultform(["plan", manifest], server)
            #expect(plan.code == 0, "\(plan.all)")
            #expect(plan.output.contains("OpenBao creates audit devices through its API only when"))
            #expect(plan.output.contains(stanza), "\(plan.output)")

            let apply = try await Self.vaultform(["apply", manifest, "--auto-approve"], server)
            #expect(apply.code == 1)
            #expect(apply.error.contains("error: create audit:file/: the server does not allow creating audit devices through its API"), "\(apply.error)")
            #expect(apply.error.contains("hint: declare the device in the server's configuration file instead"))
            #expect(apply.error.contains(stanza))
            #expect(apply.error.contains("Done before the failure: nothing."))
            #expect(apply.error.contains("Not done: audit:file/, policy:p."))
        }
    }

    @Test("on a terminal, a progress bar is drawn under the [k/n] lines and finishes full")
    func progressBarOnATerminal() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try Self.policies("t", count: 3, in: directory)
            var environment = ProcessRunner.cleanEnvironment
            environment["HOME"] = directory.path
            environment["TERM"] = "xterm"
            environment["VAULT_TOKEN"] = server.rootToken
            let command = [ProcessRunner.vaultform.path, "apply", manifest, "--auto-approve", "--address", server.address.absoluteString]
            // script(1) runs the command on a pseudo-terminal and copies what it writes.
            let run = try await ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/script"), ["-qfec", command.joined(separator: " "), "/dev/null"], environment: environment)
            #expect(run.exitCode == 0, "\(run.all)")
            let text = run.standardOutput.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text.contains("\r\u{1B}[2K[1/3] create policy:t-0…\n[------------------------------] 0/3   0%"), "\(text.debugDescription)")
            #expect(text.contains("\r\u{1B}[2K[##############################] 3/3 100%\n"))
            #expect(text.contains("Apply complete: 3 added, 0 changed, 0 destroyed."))
            #expect(!text.contains(server.rootToken))
        }
    }
}

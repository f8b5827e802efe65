import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `vaultform apply` stopped from outside while it writes, each on a server of its own: Ctrl-C
/// (once: stop cleanly; twice: abort), and its lock removed by `force-unlock` from another
/// process. The apply runs as a child process, as a user runs it.
@Suite("vaultform apply: interrupted, and its lock removed")
struct ApplyInterruptTests {
    /// Starts `vaultform apply MANIFEST --auto-approve` against `server` in the background.
    static func startApply(
        _ manifest: String, _ server: DevServer, token: String? = nil, home: URL, address: String? = nil, parallelism: Int? = nil,
        requestTimeout: String = "30s", extra: [String] = []
    ) throws -> BackgroundProcess {
        var environment = ProcessRunner.cleanEnvironment
        environment["HOME"] = home.path
        environment["VAULT_TOKEN"] = token ?? server.rootToken
        return try BackgroundProcess(
            ProcessRunner.vaultform,
            ["apply", manifest, "--auto-approve", "--address", address ?? server.address.absoluteString, "--request-timeout", requestTimeout]
                + (parallelism.map { ["--parallelism", String($0)] } ?? []) + extra,
            environment: environment)
    }

    /// The policy names under `prefix-` on the server.
    static func policies(_ prefix: String, _ client: VaultClient) async throws -> Set<String> {
        let names = try await client.request(.list, "sys/policies/acl").data?["keys"]?.arrayValue ?? []
        return Set(names.compactMap(\.stringValue).filter { $0.hasPrefix(prefix + "-") })
    }

    /// The policy names in a summary line `LABEL: policy:a-1, policy:a-2.` of standard error.
    static func listed(_ label: String, in text: String) throws -> [String] {
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(label + ": ") }, "no \(label) line in:\n\(text)")
        let items = line.dropFirst(label.count + 2).dropLast().split(separator: ", ").map(String.init)
        if items == ["nothing"] { return [] }
        return items.map { $0.hasPrefix("policy:") ? String($0.dropFirst("policy:".count)) : $0 }
    }

    @Test("one Ctrl-C: the write in flight finishes, done and not done are listed, the lock is released, exit 130")
    func interruptedOnce() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-interrupt")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let manifest = try ApplySafetyTests.policies("i", count: 400, in: directory)
            let apply = try Self.startApply(manifest, server, home: directory)
            let started = try await apply.waitForError { $0.contains("[20/400] ") }
            #expect(started, "the apply did not get under way: \(apply.standardError)")
            apply.send(SIGINT)
            let run = try await apply.finish()

            #expect(run.exitCode == 130, "\(run.all)")
            #expect(run.standardError.contains("SIGINT: stopping after the operation in flight"), "\(run.standardError)")
            #expect(run.standardError.contains("error: apply stopped: interrupted (SIGINT), after "), "\(run.standardError)")
            #expect(run.standardError.contains("Run apply again to converge from here."))
            #expect(!run.standardOutput.contains("Apply complete"))
            let done = try Self.listed("Done before stopping", in: run.standardError)
            let notDone = try Self.listed("Not done", in: run.standardError)
            #expect(done.count >= 20, "\(done.count) done")
            #expect(!notDone.isEmpty, "the apply finished before the signal was handled")
            #expect(done.count + notDone.count == 400)
            #expect(Set(done).isDisjoint(with: notDone))
            // The server holds exactly the operations listed as done: the one in flight finished.
            #expect(try await Self.policies("i", client) == Set(done))
            // The lock was released: a second apply takes it at once (no waiting) and converges.
            #expect(try await ApplyLock.holder(at: .standard, client: client) == nil)
            let again = try await server.vaultform(["apply", manifest, "--auto-approve", "--lock-timeout", "0"])
            #expect(again.code == 0, "\(again.all)")
            #expect(again.output.contains("Apply complete: \(notDone.count) added, 0 changed, 0 destroyed."), "\(again.output)")
            #expect(try await Self.policies("i", client).count == 400)
            #expect(!run.all.contains(server.rootToken))
        }
    }

    @Test("a second Ctrl-C aborts at once, without waiting for the write in flight, and without the summary")
    func interruptedTwice() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-interrupt")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try ApplySafetyTests.policies("j", count: 400, in: directory)
            // A proxy holds the 30th write for 300 s, so a write is surely in flight at both
            // signals, however slowly a loaded machine gets from the first to the second.
            let port = try FreePort.loopback()
            let (proxy, log) = try await FaultMatrixTests.proxy(
                port: port, upstream: server.address, fault: "delay", point: 30, token: server.rootToken, directory: directory,
                delaySeconds: 300)
            defer { proxy.kill() }
            let apply = try Self.startApply(manifest, server, home: directory, address: "http://127.0.0.1:\(port)")
            let clock = ContinuousClock()
            let held = clock.now + .seconds(60)
            while clock.now < held, !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("delayed 300 s") {
                try await Task.sleep(for: .milliseconds(10))
            }
            apply.send(SIGINT)
            #expect(try await apply.waitForError { $0.contains("press Ctrl-C again") }, "\(apply.standardError)")
            let second = clock.now
            apply.send(SIGINT)
            let run = try await apply.finish()
            #expect(clock.now - second < .seconds(120), "the second Ctrl-C waited for the write in flight (held 300 s)")
            #expect(run.exitCode == 130, "\(run.all)")
            #expect(run.standardError.contains("SIGINT again: aborting at once"), "\(run.standardError)")
            #expect(!run.standardError.contains("Done before stopping"), "\(run.standardError)")
        }
    }

    @Test("SIGTERM stops like Ctrl-C, with exit code 143")
    func terminated() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-interrupt")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let manifest = try ApplySafetyTests.policies("t", count: 400, in: directory)
            let apply = try Self.startApply(manifest, server, home: directory)
            #expect(try await apply.waitForError { $0.contains("[20/400] ") }, "\(apply.standardError)")
            apply.send(SIGTERM)
            let run = try await apply.finish()
            #expect(run.exitCode == 143, "\(run.all)")
            #expect(run.standardError.contains("error: apply stopped: interrupted (SIGTERM)"), "\(run.standardError)")
            let done = try Self.listed("Done before stopping", in: run.standardError)
            #expect(try await Self.policies("t", client) == Set(done))
            #expect(try await ApplyLock.holder(at: .standard, client: client) == nil)
        }
    }

    @Test("force-unlock of a running apply: it stops before its next write, naming the lock, with done and not done", arguments: [1, 8, 32])
    func lockRemovedMidApply(parallelism: Int) async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-unlocked")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            let log = directory.appendingPathComponent("audit.log").path
            _ = try await client.request(.put, "sys/audit/file", body: ["type": "file", "options": ["file_path": .string(log)]])
            let (applier, unlocker) = (try await ApplySafetyTests.rootChild(client), try await ApplySafetyTests.rootChild(client))
            let manifest = try ApplySafetyTests.policies("u", count: 400, in: directory)
            let apply = try Self.startApply(manifest, server, token: applier, home: directory, parallelism: parallelism)
            #expect(try await apply.waitForError { $0.contains("[20/400] ") }, "\(apply.standardError)")
            let holder = try #require(try await ApplyLock.holder(at: .standard, client: client))
            let unlock = try await server.vaultform(["force-unlock", holder.owner, "--force"], token: unlocker)
            #expect(unlock.code == 0, "\(unlock.all)")
            let run = try await apply.finish()

            #expect(run.exitCode == 1, "\(run.all)")
            #expect(
                run.standardError.contains(
                    "the apply lock at vaultform-lock/apply was lost: someone removed it (vaultform force-unlock, or the entry was deleted); stopping before the next write"),
                "\(run.standardError)")
            #expect(!run.standardOutput.contains("Apply complete"), "the apply finished without noticing")
            let done = try Self.listed("Done before the failure", in: run.standardError)
            let notDone = try Self.listed("Not done", in: run.standardError)
            #expect(!notDone.isEmpty)
            #expect(done.count + notDone.count == 400)
            #expect(try await Self.policies("u", client) == Set(done))

            // The audit log: after force-unlock's write, at most the writes whose checks had
            // already passed (one at a time, or up to --parallelism side by side), and nothing
            // after them.
            let writes = try ApplySafetyTests.writes(in: log)
            let hmac = try #require(writes.first { $0.path.hasPrefix("sys/policies/acl/u-") }?.token)
            let released = try #require(writes.lastIndex { $0.path == "vaultform-lock/data/apply" && $0.token != hmac })
            let after = writes[(released + 1)...].filter { $0.token == hmac && $0.path.hasPrefix("sys/policies/acl/") }
            #expect(after.count <= parallelism, "writes after the lock was removed: \(after.map(\.path))")
        }
    }
}

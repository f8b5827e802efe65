import Foundation
import Testing
import TestSupport
import VaultAPI

/// `apply --parallelism`: independent objects of one kind are written side by side. A proxy
/// holds one policy write; with parallelism the other policies are written while it is held,
/// without it none is. No clock decides: a sequential apply cannot write past a held write.
@Suite("concurrent apply")
struct ConcurrentApplyTests {
    @Test("with --parallelism 8 the other policies are written while one write is held; with 1, none; both converge", arguments: [8, 1])
    func writesBesideAHeldWrite(parallelism: Int) async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-concurrent")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try ApplySafetyTests.policies("c", count: 40, in: directory)
            // The 12th write is a policy (the lock's mount, claim and fingerprint key come first).
            let port = try FreePort.loopback()
            let (proxy, log) = try await FaultMatrixTests.proxy(
                port: port, upstream: server.address, fault: "delay", point: 12, token: server.rootToken, directory: directory,
                delaySeconds: 60)
            defer { proxy.kill() }
            let apply = try ApplyInterruptTests.startApply(
                manifest, server, home: directory, address: "http://127.0.0.1:\(port)", parallelism: parallelism, requestTimeout: "180s",
                extra: ["--timeout", "180s"])
            let client = try server.client()
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(120)
            while clock.now < deadline, !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("delayed 60 s") {
                try await Task.sleep(for: .milliseconds(20))
            }
            let heldAt = try #require(((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "\n")
                .first { $0.contains("delayed 60 s") })
            let held = try #require(heldAt.split(separator: " ").first { $0.contains("/c-") }.map { String($0.split(separator: "/").last ?? "") })
            // While the write is held (60 s, far longer than 39 writes take even on a loaded machine): concurrent, the rest of the run goes on; sequential,
            // nothing more is written (checked after a pause, which only a concurrent apply could use).
            var written = Set<String>()
            if parallelism > 1 {
                while clock.now < deadline {
                    written = try await ApplyInterruptTests.policies("c", client)
                    if written.count >= 39 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(written.count == 39 && !written.contains(held), "\(written.count) written while \(held) was held")
            } else {
                try await Task.sleep(for: .seconds(3))
                written = try await ApplyInterruptTests.policies("c", client)
                #expect(!written.contains(held) && written.count < 39, "\(written.count) written while \(held) was held")
            }
            let run = try await apply.finish(timeout: .seconds(300))
            #expect(run.exitCode == 0, "\(run.all)")
            #expect(run.standardOutput.contains("Apply complete: 40 added, 0 changed, 0 destroyed."), "\(run.standardOutput)")
            #expect(try await ApplyInterruptTests.policies("c", client).count == 40)
            let again = try await server.vaultform(["plan", manifest])
            #expect(again.code == 0 && again.output.contains("No changes."), "\(again.all)")
        }
    }

    @Test("two writes failing side by side are both reported, the first as the failure and the other beside it; the rest converges on a rerun")
    func twoFailuresSideBySide() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-concurrent-failures")
            defer { try? FileManager.default.removeItem(at: directory) }
            let root = try server.client()
            // Everything but writing the two bad-* policies (reading them is allowed, so the plan is made).
            _ = try await root.request(.put, "sys/policies/acl/almost-root", body: ["policy": .string("""
                path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }
                path "sys/policies/acl/bad-*" { capabilities = ["read", "list"] }
                """)])
            let token = try #require(try await root.request(.post, "auth/token/create", body: ["policies": ["almost-root"], "ttl": "1h"])
                .json?["auth"]?["client_token"]?.stringValue)
            let manifest = directory.appendingPathComponent("m.yaml").path
            let names = ["bad-a", "bad-b"] + (0..<20).map { "good-\($0)" }
            try (["version: 1", "policies:"] + names.map { "  - { name: \($0), hcl: 'path \"\($0)/*\" { capabilities = [\"read\"] }' }" })
                .joined(separator: "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
            let run = try await server.vaultform(["apply", manifest, "--auto-approve", "--parallelism", "8"], token: token)
            #expect(run.code == 1, "\(run.all)")
            #expect(run.error.contains("create policy:bad-a: "), "\(run.error)")
            #expect(run.error.contains("also failed, beside it: create policy:bad-b: "), "\(run.error)")
            let notDone = try ApplyInterruptTests.listed("Not done", in: run.error)
            let done = try ApplyInterruptTests.listed("Done before the failure", in: run.error)
            #expect(notDone.contains("bad-a") && notDone.contains("bad-b"), "\(notDone)")
            #expect(Set(done + notDone).count == names.count, "done \(done), not done \(notDone)")
            #expect(try await ApplyInterruptTests.policies("good", root) == Set(done))
            // A rerun with a token that may write them converges.
            let again = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(again.code == 0, "\(again.all)")
            #expect(try await ApplyInterruptTests.policies("bad", root).count == 2)
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Faults between vaultform and a real server, at many points of an apply of the HoodCloud
/// manifest (secrets included): each run ends converged or with a clear error; a run
/// without the fault then converges; no secret loses a field or gains a version. The
/// matrix is written to $VAULTFORM_RELIABILITY_REPORT when set (docs/reliability.md).
@Suite("fault matrix")
struct FaultMatrixTests {
    static let root = ProcessRunner.repositoryRoot
    static let faults = ["drop-before", "drop-after", "reset-mid", "delay", "status-503", "seal"]
    /// Which write the fault hits: the lock's mount and claim (1, 2), the audit device (4),
    /// the KV config (8), a policy (13), a role (18), the two secrets (19, 20), the lock's release (21).
    static let points = [1, 2, 4, 8, 13, 18, 19, 20, 21]

    struct Outcome: Sendable {
        var fault: String
        var point: Int
        var faulted: String
        var recovered: Bool
    }

    static func proxy(
        port: Int, upstream: URL, fault: String, point: Int, token: String, directory: URL, count: String = "writes",
        delaySeconds: Int = 4
    ) async throws -> (Process, URL) {
        let ready = directory.appendingPathComponent("proxy.ready"), log = directory.appendingPathComponent("proxy.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("Tests/IntegrationTests/Fixtures/fault_proxy.py").path,
                             String(port), upstream.absoluteString, fault, String(point), token, ready.path, log.path, count]
        process.environment = ProcessInfo.processInfo.environment.merging(["FAULT_DELAY_SECONDS": String(delaySeconds)]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.start()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: ready.path) { try await Task.sleep(for: .milliseconds(50)) }
        return (process, log)
    }

    static func run(fault: String, point: Int) async throws -> Outcome {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-fault")
            defer { try? FileManager.default.removeItem(at: directory) }
            let hood = [
                root.appendingPathComponent("manifests/hoodcloud").path,
                "--var-file", root.appendingPathComponent("manifests/hoodcloud/env/dev.yaml").path,
                "--var", "audit_log_path=\(directory.appendingPathComponent("audit.log").path)",
            ]
            let port = try FreePort.loopback()
            let (proxy, log) = try await Self.proxy(
                port: port, upstream: server.address, fault: fault, point: point, token: server.rootToken, directory: directory)
            defer { proxy.kill() }
            let faulted = try await StatusCommandTests.run(
                ["apply"] + hood + ["--auto-approve", "--address", "http://127.0.0.1:\(port)", "--request-timeout", "2s", "--lock-timeout", "0"],
                environment: ["VAULT_TOKEN": server.rootToken])
            let applied = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(faulted.code == 0 || faulted.code == 1, "\(fault)@\(point): exit \(faulted.code)\n\(faulted.all)")
            #expect(!faulted.all.contains(server.rootToken))
            // A write the server acted on is never sent again behind our back (libcurl would,
            // on a reused connection): a repeat would show as "already in use".
            #expect(!faulted.all.contains("already in use"), "\(fault)@\(point): a write was sent twice\n\(faulted.all)")
            var summary = "converged"
            if faulted.code != 0 {
                let line = faulted.error.split(separator: "\n").first { $0.hasPrefix("error:") }.map(String.init)
                #expect(line != nil, "\(fault)@\(point): failed without an error line\n\(faulted.all)")
                summary = "error: " + (line.map { String($0.dropFirst("error: ".count).prefix(110)) } ?? "?")
            }

            // Recover as an operator would: unseal, free a lock the failed run could not release, apply again.
            let client = try server.client()
            if try await client.sealStatus().sealed {
                _ = try await client.with(token: nil).request(.put, "sys/unseal", body: ["key": .string(try await server.unsealKey())])
            }
            if let owner = faulted.error.firstMatch(of: /vaultform force-unlock ([0-9a-f-]{36})/)?.1 {
                _ = try await server.vaultform(["force-unlock", String(owner), "--force"])
            }
            let again = try await server.vaultform(["apply"] + hood + ["--auto-approve", "--lock-timeout", "30s"])
            let plan = try await server.vaultform(["plan"] + hood + ["--detailed-exitcode"])
            // Read without throwing: a failed recovery is reported below with its output.
            let appCredentials = try? await client.request(.get, "secret/metadata/hoodcloud/app-credentials").data
            let fields = try? await client.request(.get, "secret/data/hoodcloud/app-credentials").data?["data"]?.objectValue?.count
            let masterKey = try? await client.request(.get, "secret/metadata/hoodcloud/master-key").data
            let recovered = again.code == 0 && plan.code == 0 && appCredentials?["current_version"] == 1 && fields == 6
                && masterKey?["current_version"] == 1
            #expect(again.code == 0, "\(fault)@\(point): the run after the fault failed\n\(again.all)\n--- proxy log:\n\(applied)")
            #expect(plan.code == 0, "\(fault)@\(point): not converged\n\(plan.all)")
            #expect(appCredentials?["current_version"] == 1, "\(fault)@\(point): app-credentials has versions \(String(describing: appCredentials?["current_version"]))")
            #expect(fields == 6, "\(fault)@\(point): app-credentials has \(fields ?? 0) fields")
            #expect(masterKey?["current_version"] == 1)
            return Outcome(fault: fault, point: point, faulted: summary, recovered: recovered)
        }
    }

    @Test("plan under every fault at several reads: the same plan as without the fault, or a clear error; never a wrong plan")
    func planMatrix() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-fault-plan")
            defer { try? FileManager.default.removeItem(at: directory) }
            let hood = [
                Self.root.appendingPathComponent("manifests/hoodcloud").path,
                "--var-file", Self.root.appendingPathComponent("manifests/hoodcloud/env/dev.yaml").path,
                "--var", "audit_log_path=\(directory.appendingPathComponent("audit.log").path)", "--format", "json",
            ]
            let reference = try await server.vaultform(["plan"] + hood)
            #expect(reference.code == 0, "\(reference.all)")
            for fault in Self.faults where fault != "seal" {
                for point in [1, 3, 6, 10] {
                    let port = try FreePort.loopback()
                    let (proxy, _) = try await Self.proxy(
                        port: port, upstream: server.address, fault: fault, point: point, token: server.rootToken,
                        directory: directory, count: "requests")
                    defer { proxy.kill() }
                    let run = try await StatusCommandTests.run(
                        ["plan"] + hood + ["--address", "http://127.0.0.1:\(port)", "--request-timeout", "2s"],
                        environment: ["VAULT_TOKEN": server.rootToken])
                    proxy.kill()
                    try? FileManager.default.removeItem(at: directory.appendingPathComponent("proxy.ready"))
                    if run.code == 0 {
                        #expect(run.output == reference.output, "\(fault)@\(point): a different plan under the fault")
                    } else {
                        #expect(run.code == 1 && run.error.contains("error:"), "\(fault)@\(point): exit \(run.code)\n\(run.all)")
                    }
                }
            }
        }
    }

    @Test("every fault at every point: converged or a clear error, then a clean run converges with secrets intact")
    func matrix() async throws {
        var outcomes: [Outcome] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var pending = Self.faults.flatMap { fault in Self.points.map { (fault, $0) } }[...]
            func startNext() {
                guard let (fault, point) = pending.popFirst() else { return }
                group.addTask { try await Self.run(fault: fault, point: point) }
            }
            for _ in 0..<2 { startNext() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                startNext()
            }
        }
        #expect(outcomes.count == Self.faults.count * Self.points.count)
        if let path = ProcessInfo.processInfo.environment["VAULTFORM_RELIABILITY_REPORT"] {
            var table = "| fault | write # | first run | clean run after it |\n|---|---:|---|---|\n"
            for outcome in outcomes.sorted(by: { ($0.fault, $0.point) < ($1.fault, $1.point) }) {
                table += "| \(outcome.fault) | \(outcome.point) | \(outcome.faulted.replacingOccurrences(of: "|", with: "\\|")) | \(outcome.recovered ? "converged, secrets intact" : "FAILED") |\n"
            }
            try table.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}

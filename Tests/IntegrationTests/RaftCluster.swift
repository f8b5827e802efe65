import Foundation
import TestSupport
import VaultAPI

/// A real three-node OpenBao cluster on raft storage, for tests of HA behaviour: each node a
/// `bao server` (not dev mode) on its own free loopback ports (API and cluster), with its own
/// data directory and configuration under one temporary directory, `retry_join` naming all
/// three, `disable_mlock = true`, and raft's timing at `performance_multiplier = 1` (the
/// production setting; the default 5 makes a new cluster wait 5-10 s to elect its first
/// leader) and autopilot's intervals as OpenBao's own test clusters set them (so a joined
/// node becomes a voter in about a second, not ten). Stopped by PID (`stop()`; an exit handler stops what a
/// crashed test leaves, as for `DevServer`).
///
/// `bootstrapped()` brings it to service with vaultform's own commands, as an operator would:
/// `vaultform bootstrap` on the first node (initialise, unseal, apply a small manifest, keep
/// the root token in a file), then `vaultform unseal` with the keys file on the other two once
/// they have joined; it returns when the raft configuration lists three voters (autopilot's
/// stabilization time set to 1 s, so that takes seconds) and both other nodes answer as
/// unsealed standbys.
final class RaftCluster: @unchecked Sendable {
    /// The nodes, `node1` first (the one bootstrap initialises).
    let nodes: [DevServer]
    /// The cluster's temporary directory (one subdirectory per node, the keys file, the root token).
    let directory: URL
    /// The root token bootstrap kept; empty before `bootstrap()`.
    private(set) var rootToken = ""
    /// The keys file bootstrap wrote.
    var keysFile: String { directory.appendingPathComponent("keys.json").path }

    private init(nodes: [DevServer], directory: URL) {
        self.nodes = nodes
        self.directory = directory
    }

    /// The cluster the tests of this process share, started and bootstrapped on first use.
    static func shared() async throws -> RaftCluster { try await sharedCluster.value }

    private static let sharedCluster = Task { try await RaftCluster.bootstrapped() }

    /// Starts three uninitialised nodes and waits until each answers `sys/seal-status`.
    static func start(deadline: Duration = .seconds(30)) async throws -> RaftCluster {
        let directory = try scratchDirectory("vf-raft")
        // Each pair: the API port and, above it, the cluster port.
        let ports = try (0..<3).map { _ in try FreePort.loopbackPair() }
        let joins = ports.map { "  retry_join { leader_api_addr = \"http://127.0.0.1:\($0)\" }" }.joined(separator: "\n")
        var nodes: [DevServer] = []
        do {
            for (index, port) in ports.enumerated() {
                let nodeDirectory = directory.appendingPathComponent("node\(index + 1)", isDirectory: true)
                let data = nodeDirectory.appendingPathComponent("data", isDirectory: true)
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                let config = """
                    storage "raft" {
                      path    = "\(data.path)"
                      node_id = "node\(index + 1)"
                      performance_multiplier       = 1
                      autopilot_reconcile_interval = "300ms"
                      autopilot_update_interval    = "100ms"
                    \(joins)
                    }
                    listener "tcp" {
                      address         = "127.0.0.1:\(port)"
                      cluster_address = "127.0.0.1:\(port + 1)"
                      tls_disable     = true
                    }
                    api_addr      = "http://127.0.0.1:\(port)"
                    cluster_addr  = "https://127.0.0.1:\(port + 1)"
                    disable_mlock = true
                    """
                nodes.append(try DevServer.launchConfigured(directory: nodeDirectory, port: port, config: config))
            }
            for node in nodes { try await node.waitUntilAnswering(deadline: deadline) }
        } catch {
            for node in nodes { await node.stop() }
            throw error
        }
        return RaftCluster(nodes: nodes, directory: directory)
    }

    /// Starts a cluster and brings it to service with `vaultform bootstrap` and `vaultform
    /// unseal` (see the type's description). The bootstrap manifest holds one policy; the
    /// lock mount its apply made is removed again, so the first apply of a test meets a
    /// cluster with nothing of vaultform's on it.
    /// A cluster that does not form is started again on other ports, up to three times: the
    /// ports are free when chosen, but a server another test starts at the same moment may
    /// take one first (seen in CI: a node's cluster port refused every heartbeat). Its start
    /// holds one of the dev servers' launch slots, so it does not start in a storm of them.
    static func bootstrapped(deadline: Duration = .seconds(60)) async throws -> RaftCluster {
        var lastError: (any Error)?
        for _ in 1...3 {
            await LaunchGate.shared.enter()
            let started: RaftCluster
            do {
                started = try await start()
            } catch {
                await LaunchGate.shared.leave()
                lastError = error
                continue
            }
            do {
                try await started.bootstrap(deadline: deadline)
                await LaunchGate.shared.leave()
                return started
            } catch {
                await LaunchGate.shared.leave()
                await started.stop()
                lastError = error
            }
        }
        throw lastError ?? DevServerError(message: "raft cluster: did not start")
    }

    private func bootstrap(deadline: Duration) async throws {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        let manifest = directory.appendingPathComponent("bootstrap.yaml")
        try "version: 1\npolicies:\n  - name: cluster-bootstrap\n    rules: [{ path: sys/health, capabilities: [read] }]\n"
            .write(to: manifest, atomically: true, encoding: .utf8)
        let tokenFile = directory.appendingPathComponent("root-token").path
        let home = ["HOME": directory.path]
        let first = try await StatusCommandTests.run(
            [
                "bootstrap", manifest.path, "--address", nodes[0].address.absoluteString, "--keys-file", keysFile,
                "--key-shares", "1", "--key-threshold", "1", "--keep-root-token", "--root-token-file", tokenFile,
            ], environment: home)
        guard first.code == 0 else { throw failure("vaultform bootstrap on node1 failed:\n\(first.all)") }
        rootToken = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // Autopilot promotes a joined node to voter once it has been healthy this long (10 s by
        // default): shortened, so the cluster survives losing its leader seconds after it formed.
        _ = try await client(node: 0).request(
            .post, "sys/storage/raft/autopilot/configuration", body: ["server_stabilization_time": "1s"])

        // The others join (retry_join) once node1 is unsealed: they then report initialised.
        // Both at once, as two operators would.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes.dropFirst() {
                group.addTask { [keysFile] in
                    let probe = try VaultClient(address: node.address, timeout: .seconds(2), retryPolicy: .never)
                    while try await probe.sealStatus().initialized == false {
                        guard clock.now < end else { throw self.failure("\(node.address) did not join within \(deadline)") }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let unseal = try await StatusCommandTests.run(
                        ["unseal", "--address", node.address.absoluteString, "--key-file", keysFile], environment: home)
                    guard unseal.code == 0 else { throw self.failure("vaultform unseal on \(node.address) failed:\n\(unseal.all)") }
                }
            }
            try await group.waitForAll()
        }
        // Three voting peers, and both followers unsealed standbys.
        let leader = try client(node: 0)
        while true {
            let peers = (try? await leader.raftPeers()) ?? []
            var standbys = 0
            for node in nodes.dropFirst() {
                let health = try? await VaultClient(address: node.address, timeout: .seconds(2), retryPolicy: .never).health()
                if let health, !health.sealed, health.standby { standbys += 1 }
            }
            let voters = peers.filter(\.voter).count
            if voters == 3 && standbys == 2 { break }
            guard clock.now < end else {
                throw failure("the cluster did not form within \(deadline): \(peers.count) peers (\(voters) voters), \(standbys) standbys")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        // Nothing of vaultform's left: the first apply of a test makes the lock's mount again.
        _ = try await leader.request(.delete, "sys/mounts/vaultform-lock")
        try await waitUntilEveryNode { client in
            (try? await client.request(.get, "sys/mounts"))?.data?["vaultform-lock/"] == nil
        }
    }

    /// Stops every node (SIGTERM, then SIGKILL) and removes the directory.
    func stop() async {
        for node in nodes { await node.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Using it

    /// A client for node `index` (0-based) with the root token, sending every request to that
    /// node (no route to the active node: what that node itself answers).
    func client(node index: Int, timeout: Duration = .seconds(10)) throws -> VaultClient {
        try VaultClient(address: nodes[index].address, token: rootToken, timeout: timeout)
    }

    /// The index of the active node, from each node's own `sys/health`.
    func leaderIndex() async throws -> Int {
        // (A node that is down simply does not answer.)
        for (index, node) in nodes.enumerated() {
            let health = try? await VaultClient(address: node.address, timeout: .seconds(2), retryPolicy: .never).health()
            if let health, !health.sealed, !health.standby { return index }
        }
        throw failure("no node says it is active")
    }

    /// Indexes of the nodes that answer as unsealed standbys.
    func standbyIndexes() async throws -> [Int] {
        var standbys: [Int] = []
        for (index, node) in nodes.enumerated() {
            let health = try? await VaultClient(address: node.address, timeout: .seconds(2), retryPolicy: .never).health()
            if let health, !health.sealed, health.standby { standbys.append(index) }
        }
        return standbys
    }

    /// Starts node `index` again after it was stopped or killed (same ports, configuration and
    /// data), unseals it with `vaultform unseal` and the keys file, and waits until it answers
    /// as an unsealed standby.
    func restart(node index: Int, deadline: Duration = .seconds(30)) async throws {
        let node = nodes[index]
        try await node.relaunch(deadline: deadline, untilHealthy: false)
        let unseal = try await StatusCommandTests.run(
            ["unseal", "--address", node.address.absoluteString, "--key-file", keysFile], environment: ["HOME": directory.path])
        guard unseal.code == 0 else { throw failure("vaultform unseal on restarted node\(index + 1) failed:\n\(unseal.all)") }
        let clock = ContinuousClock()
        let end = clock.now + deadline
        let probe = try VaultClient(address: node.address, timeout: .seconds(2), retryPolicy: .never)
        while true {
            if let health = try? await probe.health(), !health.sealed, health.standby { return }
            guard clock.now < end else { throw failure("restarted node\(index + 1) was not a standby within \(deadline)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Runs vaultform against node `index` with the root token (or `token`).
    func vaultform(_ arguments: [String], node index: Int, token: String? = nil) async throws -> StatusCommandTests.Run {
        try await StatusCommandTests.run(
            arguments + ["--address", nodes[index].address.absoluteString],
            environment: ["VAULT_TOKEN": token ?? rootToken, "HOME": directory.path])
    }

    /// Runs `bao ARGUMENTS` against node `index` with the root token.
    @discardableResult
    func bao(_ arguments: [String], node index: Int) async throws -> String {
        var environment = ProcessRunner.cleanEnvironment
        environment["HOME"] = directory.path
        environment["BAO_ADDR"] = nodes[index].address.absoluteString
        environment["BAO_TOKEN"] = rootToken
        let result = try await ProcessRunner.run(URL(fileURLWithPath: ProcessRunner.bao), arguments, environment: environment)
        guard result.exitCode == 0 else {
            throw BaoCommandError(arguments: arguments, message: result.standardError.replacingOccurrences(of: rootToken, with: "<token>"))
        }
        return result.standardOutput
    }

    /// Waits (at most `deadline`) until `condition` holds for a root client of every node.
    func waitUntilEveryNode(deadline: Duration = .seconds(20), _ condition: (VaultClient) async -> Bool) async throws {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        for index in nodes.indices {
            let client = try client(node: index)
            while await !condition(client) {
                guard clock.now < end else { throw failure("node\(index + 1) did not catch up within \(deadline)") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// An error holding each node's log tail (the root token removed).
    func failure(_ what: String) -> DevServerError {
        let tails = nodes.enumerated().map { index, node in
            "--- node\(index + 1) (\(node.logFile.path)):\n" + node.logTail(lines: 10).replacingOccurrences(of: rootToken.isEmpty ? "\u{0}" : rootToken, with: "<root token>")
        }
        return DevServerError(message: "raft cluster: \(what)\n" + tails.joined(separator: "\n"))
    }
}

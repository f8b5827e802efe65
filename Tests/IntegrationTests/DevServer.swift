import Foundation
import VaultformServer
import VaultAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `bao server -dev` on a free loopback port, for tests that need a server.
///
/// Each server gets its own temporary directory holding its configuration (with
/// `unsafe_allow_api_audit_creation = true`, so audit devices can be enabled through the API),
/// its log and anything a test wants to put beside it (audit log files). The server's output
/// goes to the log file, never to the test's output, because it prints the root token.
///
/// Use `DevServer.with { … }` for a server of your own that is stopped on every path, or
/// `DevServer.shared()` for the one server that tests in this process share (each test then
/// uses its own paths). Servers still running when the process exits are stopped by an exit
/// handler, and ones left behind by a crashed run are stopped by the next run.
///
/// A server of your own can be stopped and started again on the same port with the same root
/// token (`stop()`, then `relaunch()`), to test outages. A dev server keeps everything in
/// memory, so the relaunched server is empty again.
final class DevServer: @unchecked Sendable {
    /// The listener's address, `http://127.0.0.1:<port>` (`https` with `tls: true`).
    let address: URL
    /// The root token, random per server. Never print it.
    let rootToken: String
    /// The server's own temporary directory.
    let directory: URL
    /// The CA that signed the server's certificate, for a server started with `tls: true`
    /// (`-dev-tls`; the certificate names localhost and 127.0.0.1).
    let caFile: String?

    private let binary: String
    private let arguments: [String]
    private let lock = NSLock()
    private var current: (process: Process, logFile: URL, launches: Int)

    private init(
        address: URL, rootToken: String, process: Process, directory: URL, logFile: URL, caFile: String?,
        binary: String, arguments: [String]
    ) {
        self.address = address
        self.caFile = caFile
        self.rootToken = rootToken
        self.directory = directory
        self.binary = binary
        self.arguments = arguments
        self.current = (process, logFile, 1)
    }

    private var process: Process { lock.withLock { current.process } }

    /// The server process's ID (a new one after `relaunch()`).
    var pid: pid_t { process.processIdentifier }

    /// Where the server's output goes (a new file after `relaunch()`).
    var logFile: URL { lock.withLock { current.logFile } }

    /// A client for this server holding the root token.
    func client(timeout: Duration = .seconds(30)) throws -> VaultClient {
        try VaultClient(address: address, token: rootToken, tls: TLSOptions(caFile: caFile), timeout: timeout)
    }

    /// Whether the process is still alive.
    var isRunning: Bool { process.isAlive }

    // MARK: - Starting

    /// The server shared by the tests of this process, started on first use.
    static func shared() async throws -> DevServer { try await sharedServer.value }

    /// The shared server has its fingerprint key from the start: tests that save a plan and
    /// apply it later would otherwise see it appear in between, made by another test's apply,
    /// and rightly have their unkeyed plan refused.
    private static let sharedServer = Task {
        let server = try await DevServer.start()
        let client = try server.client()
        // Where vaultform keeps it, made as the first apply's lock makes it.
        _ = try await client.request(.post, "sys/mounts/vaultform-lock", body: ["type": "kv", "options": ["version": "2"]])
        try await Applier.ensureFingerprintKey(client: client)
        return server
    }

    /// Starts a server, runs `body` with it and stops it, whether `body` returns or throws.
    static func with<T: Sendable>(
        tls: Bool = false, extraConfig: String = "", allowAPIAuditDevices: Bool = true,
        _ body: (DevServer) async throws -> T
    ) async throws -> T {
        let server = try await start(tls: tls, extraConfig: extraConfig, allowAPIAuditDevices: allowAPIAuditDevices)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Starts a server and waits until `sys/health` answers 200 (at most `deadline`). Retries
    /// on a new port when the chosen one was taken in between (the dev server also binds the
    /// port above it for its cluster listener).
    /// `allowAPIAuditDevices: false` leaves out `unsafe_allow_api_audit_creation`, so the
    /// server refuses audit devices through the API, as a production OpenBao does.
    static func start(
        tls: Bool = false, extraConfig: String = "", allowAPIAuditDevices: Bool = true,
        deadline: Duration = .seconds(30)
    ) async throws -> DevServer {
        // Only a few servers start at once: when every suite starts its own at the same
        // moment, on two cores, none was healthy within the deadline.
        await LaunchGate.shared.enter()
        defer { Task { await LaunchGate.shared.leave() } }
        ServerRegistry.shared.reapOrphans()
        let binary = try locateBao()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vaultform-dev-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("config.hcl")
        try ((allowAPIAuditDevices ? "unsafe_allow_api_audit_creation = true\n" : "") + extraConfig)
            .write(to: config, atomically: true, encoding: .utf8)
        // bao writes the dev CA, certificate and key here, but only into a directory that exists.
        let certificates = directory.appendingPathComponent("tls", isDirectory: true)
        if tls { try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true) }

        var failure: DevServerError?
        for attempt in 1...3 {
            let port = try FreePort.loopbackPair()
            let token = "dev-" + UUID().uuidString.lowercased()
            let logFile = directory.appendingPathComponent("server-\(attempt).log")
            guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
                throw DevServerError(message: "cannot create \(logFile.path)")
            }
            let log = try FileHandle(forWritingTo: logFile)
            defer { try? log.close() }

            let arguments = [
                "server", "-dev", "-dev-no-store-token", "-dev-root-token-id=\(token)",
                "-dev-listen-address=127.0.0.1:\(port)", "-config=\(config.path)",
            ] + (tls ? ["-dev-tls", "-dev-tls-cert-dir=\(certificates.path)"] : [])
            let process = try launch(binary: binary, arguments: arguments, home: directory, log: log)
            guard let address = URL(string: "\(tls ? "https" : "http")://127.0.0.1:\(port)") else {
                throw DevServerError(message: "bad address for port \(port)")
            }
            let server = DevServer(
                address: address, rootToken: token, process: process, directory: directory, logFile: logFile,
                caFile: tls ? certificates.appendingPathComponent("vault-ca.pem").path : nil, binary: binary,
                arguments: arguments)
            ServerRegistry.shared.register(server.pid)

            switch await server.waitUntilHealthy(deadline: deadline) {
            case .healthy:
                return server
            case .exited where server.logTail().contains("address already in use"):
                failure = server.failure("port \(port) was taken; tried another")
                await server.stop()
            case .exited:
                await server.stop()
                throw server.failure("exited with status \(process.exitStatus ?? -1) before it was healthy")
            case .timedOut:
                await server.stop()
                throw server.failure("was not healthy within \(deadline)")
            }
        }
        throw failure ?? DevServerError(message: "bao server did not start")
    }

    /// Starts a server as production runs one: not in dev mode, integrated (raft) storage in a
    /// temporary directory (OpenBao 2 has no file backend), plain HTTP on a free loopback port, uninitialised and sealed, with no root
    /// token (`rootToken` is empty). Waits until `sys/seal-status` answers.
    static func startProduction(deadline: Duration = .seconds(30)) async throws -> DevServer {
        await LaunchGate.shared.enter()
        defer { Task { await LaunchGate.shared.leave() } }
        ServerRegistry.shared.reapOrphans()
        let binary = try locateBao()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vaultform-prod-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let port = try FreePort.loopbackPair()
        let config = directory.appendingPathComponent("config.hcl")
        try """
            storage "raft" {
              path    = "\(directory.appendingPathComponent("data").path)"
              node_id = "node1"
            }
            listener "tcp" {
              address         = "127.0.0.1:\(port)"
              cluster_address = "127.0.0.1:\(port + 1)"
              tls_disable     = true
            }
            api_addr     = "http://127.0.0.1:\(port)"
            cluster_addr = "http://127.0.0.1:\(port + 1)"
            unsafe_allow_api_audit_creation = true
            """.write(to: config, atomically: true, encoding: .utf8)
        let logFile = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let arguments = ["server", "-config=\(config.path)"]
        let process = try launch(binary: binary, arguments: arguments, home: directory, log: log)
        guard let address = URL(string: "http://127.0.0.1:\(port)") else { throw DevServerError(message: "bad address") }
        let server = DevServer(
            address: address, rootToken: "", process: process, directory: directory, logFile: logFile, caFile: nil,
            binary: binary, arguments: arguments)
        ServerRegistry.shared.register(server.pid)
        let client = try VaultClient(address: address, timeout: .seconds(2), retryPolicy: .never)
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while clock.now < end {
            guard process.isAlive else { throw server.failure("exited with status \(process.exitStatus ?? -1) before it answered") }
            if (try? await client.sealStatus()) != nil { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        throw server.failure("did not answer within \(deadline)")
    }

    /// Starts `bao server -config=<directory>/config.hcl` holding `config`, its output in
    /// `<directory>/server.log`, and returns without waiting (a node of a `RaftCluster`, which
    /// answers once its listener is up: see `waitUntilAnswering`). `rootToken` is empty.
    static func launchConfigured(directory: URL, port: Int, config: String) throws -> DevServer {
        ServerRegistry.shared.reapOrphans()
        let binary = try locateBao()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configFile = directory.appendingPathComponent("config.hcl")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let logFile = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let arguments = ["server", "-config=\(configFile.path)"]
        let process = try launch(binary: binary, arguments: arguments, home: directory, log: log)
        guard let address = URL(string: "http://127.0.0.1:\(port)") else { throw DevServerError(message: "bad address") }
        let server = DevServer(
            address: address, rootToken: "", process: process, directory: directory, logFile: logFile, caFile: nil,
            binary: binary, arguments: arguments)
        ServerRegistry.shared.register(server.pid)
        return server
    }

    /// Waits until `sys/seal-status` answers (sealed or not), failing with the log's tail when
    /// the process exits first or `deadline` passes.
    func waitUntilAnswering(deadline: Duration = .seconds(30)) async throws {
        let client = try VaultClient(address: address, timeout: .seconds(2), retryPolicy: .never)
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while clock.now < end {
            guard isRunning else { throw failure("exited with status \(process.exitStatus ?? -1) before it answered") }
            if (try? await client.sealStatus()) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw failure("did not answer within \(deadline)")
    }

    private static func launch(binary: String, arguments: [String], home: URL, log: FileHandle) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment(home: home)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.start()
        return process
    }

    /// Starts the server again after `stop()`: the same port, root token and configuration
    /// (and an empty store, as a dev server keeps nothing). Waits until it is healthy.
    /// With `untilHealthy: false` (a node of a `RaftCluster`, which starts sealed), it waits
    /// only until the server answers.
    func relaunch(deadline: Duration = .seconds(30), untilHealthy: Bool = true) async throws {
        guard !isRunning else { throw DevServerError(message: "relaunch() needs the server stopped first") }
        let launches = lock.withLock { current.launches } + 1
        let logFile = directory.appendingPathComponent("server-relaunch-\(launches).log")
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw DevServerError(message: "cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let process = try Self.launch(binary: binary, arguments: arguments, home: directory, log: log)
        lock.withLock { current = (process, logFile, launches) }
        ServerRegistry.shared.register(process.processIdentifier)
        guard untilHealthy else { return try await waitUntilAnswering(deadline: deadline) }
        switch await waitUntilHealthy(deadline: deadline) {
        case .healthy:
            return
        case .exited:
            throw failure("exited with status \(process.exitStatus ?? -1) when relaunched")
        case .timedOut:
            throw failure("was not healthy within \(deadline) when relaunched")
        }
    }

    /// The unseal key the running dev server printed (dev servers have one key, threshold 1).
    /// The server prints it after it already answers as healthy, so on a loaded machine the
    /// log is read again until it holds the key (at most `deadline`, far above the moments
    /// this usually takes: a CI run once found the log without it).
    func unsealKey(deadline: Duration = .seconds(120)) async throws -> String {
        let clock = ContinuousClock()
        let started = clock.now
        while true {
            let text = String(decoding: FileManager.default.contents(atPath: logFile.path) ?? Data(), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("Unseal Key:") {
                let key = line.dropFirst("Unseal Key:".count).trimmingCharacters(in: .whitespaces)
                if !key.isEmpty { return key }
            }
            guard clock.now - started < deadline else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DevServerError(message: "no unseal key in \(logFile.path) after \(deadline)")
    }

    private enum Readiness { case healthy, exited, timedOut }

    private func waitUntilHealthy(deadline: Duration) async -> Readiness {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        guard
            let client = try? VaultClient(
                address: address, tls: TLSOptions(caFile: caFile), timeout: .seconds(2), retryPolicy: .never)
        else { return .timedOut }
        while clock.now < end {
            guard process.isAlive else { return .exited }
            if let health = try? await client.health(), health.initialized, !health.sealed {
                return .healthy
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return .timedOut
    }

    // MARK: - Stopping

    /// Stops the server: SIGTERM, up to 10 s to exit, then SIGKILL. Safe to call twice.
    func stop() async {
        if process.isAlive {
            kill(pid, SIGTERM)
            if await process.waitForExit(within: .seconds(10)) == nil {
                kill(pid, SIGKILL)
                _ = await process.waitForExit(within: .seconds(5))
            }
        }
        ServerRegistry.shared.unregister(pid)
    }

    // MARK: - Diagnostics

    /// The last lines of the log, with the root token and the unseal key removed (a failing
    /// test prints them, and test output holds no secret).
    func logTail(lines count: Int = 15) -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "(no log)" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(count).map { line in
            line.hasPrefix("Unseal Key:") ? "Unseal Key: <unseal key>" : String(line)
        }.joined(separator: "\n").replacingOccurrences(of: rootToken, with: "<root token>")
    }

    func failure(_ what: String) -> DevServerError {
        DevServerError(message: "bao server \(what); last lines of \(logFile.path):\n\(logTail())")
    }

    // MARK: - Environment

    private static func locateBao() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["BAO_BIN"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw DevServerError(message: "BAO_BIN=\(explicit) is not an executable file")
            }
            return explicit
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/bao"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw DevServerError(message: "bao not found on PATH (set BAO_BIN, or run scripts/install-deps.sh)")
    }

    /// The test's environment without Vault or OpenBao settings that could change the dev
    /// server, and with HOME pointing into the server's directory so nothing it writes lands
    /// in the real home.
    private static func environment(home: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("VAULT_") && !$0.key.hasPrefix("BAO_")
        }
        environment["HOME"] = home.path
        return environment
    }
}

/// Why a dev server could not be started.
struct DevServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Free loopback ports, found by binding port 0 and reading what the kernel chose. A port is
/// handed out once per process: a server that a test stops and relaunches on its port leaves
/// it free meanwhile, and a parallel test that was given the same port started its own server
/// there, so the relaunch reached a stranger's server (403 with the first one's token).
enum FreePort {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handedOut: Set<Int> = []

    /// Claims `ports` for this process, unless one was handed out before.
    static func claim(_ ports: [Int]) -> Bool {
        lock.withLock {
            guard ports.allSatisfy({ !handedOut.contains($0) }) else { return false }
            handedOut.formUnion(ports)
            return true
        }
    }

    /// A port that is free, and whose successor is free too (the dev server's cluster
    /// listener takes the port above the API's); neither handed out before in this process.
    static func loopbackPair() throws -> Int {
        for _ in 0..<50 {
            guard let port = bind(port: 0) else { continue }
            if port < 65535, isFree(port + 1), claim([port, port + 1]) { return port }
        }
        throw DevServerError(message: "no free pair of loopback ports found")
    }

    /// A free port on 127.0.0.1, not handed out before in this process (free when this
    /// returns; nothing outside the process is kept from it).
    static func loopback() throws -> Int {
        for _ in 0..<50 {
            guard let port = bind(port: 0) else { throw DevServerError(message: "cannot bind 127.0.0.1:0") }
            if claim([port]) { return port }
        }
        throw DevServerError(message: "no loopback port left that this process has not used")
    }

    static func isFree(_ port: Int) -> Bool { bind(port: port) != nil }

    /// Binds a TCP socket to 127.0.0.1:`port`, reads the port bound and closes the socket.
    private static func bind(port: Int) -> Int? {
        let socket = Listener.makeSocket(port: port, listen: false)
        guard let socket else { return nil }
        defer { close(socket.descriptor) }
        return socket.port
    }
}

/// A loopback TCP socket that listens but never accepts: the kernel completes connections,
/// and nothing ever answers, which is how the timeout and cancellation tests get a server
/// that hangs.
final class Listener: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    /// A socket that listens and never accepts; `listening: false` binds without listening,
    /// which is `closed()`.
    init(listening: Bool = true) throws {
        // Never a port a server of this process was given (it may be between a stop and a relaunch).
        for _ in 0..<50 {
            guard let socket = Self.makeSocket(port: 0, listen: listening) else {
                throw DevServerError(message: "cannot bind 127.0.0.1:0")
            }
            if FreePort.claim([socket.port]) {
                port = socket.port
                descriptor = socket.descriptor
                return
            }
            close(socket.descriptor)
        }
        throw DevServerError(message: "no loopback port left that this process has not used")
    }

    /// A loopback port that stays closed while the value lives: bound without listening (and
    /// without `SO_REUSEADDR`), so connections are refused and no server that another test
    /// starts meanwhile can take it. A port that was merely free when chosen once was taken
    /// by a parallel test's server, and a "closed port" test reached a real server.
    static func closed() throws -> Listener { try Listener(listening: false) }

    deinit { close(descriptor) }

    fileprivate static func makeSocket(port: Int, listen shouldListen: Bool) -> (descriptor: Int32, port: Int)? {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, !shouldListen || listen(descriptor, 16) == 0 else {
            close(descriptor)
            return nil
        }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &actualLength) }
        }
        guard named == 0 else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(UInt16(bigEndian: actual.sin_port)))
    }
}

/// At most `width` dev servers starting (launched, not yet healthy) at once; the others wait
/// their turn before their deadline starts.
actor LaunchGate {
    static let shared = LaunchGate(width: 3)

    private let width: Int
    private var starting = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    func enter() async {
        if starting < width {
            starting += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            starting -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

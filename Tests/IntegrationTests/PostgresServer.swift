import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real PostgreSQL server for the database secrets engine tests: `initdb` into a new
/// temporary directory with a known superuser password (scram-sha-256 for every login), then
/// `postgres` on a free loopback port with its socket in that directory, as a child of the
/// test process (not through `pg_ctl start`: Foundation notices a child's end when a socket it
/// handed the child closes, and the server `pg_ctl` daemonises keeps it open, so `pg_ctl`
/// never seems to end); stopped by its PID (SIGINT, fast shutdown) and the directory removed.
///
/// The server binaries are found through $POSTGRES_BIN_DIR, then PATH, then Debian's
/// `/usr/lib/postgresql/VERSION/bin` (newest first); `psql` likewise, or `/usr/bin/psql`.
/// PostgreSQL refuses to run as root, so a test process running as root runs `initdb` and
/// `postgres` as the `postgres` user (Debian's package makes it) or `nobody`, through `setpriv`.
///
/// Use `PostgresServer.with { … }`: the server is stopped on every path.
final class PostgresServer: @unchecked Sendable {
    /// The superuser's name.
    static let superuser = "postgres"
    /// The loopback port the server listens on.
    let port: Int
    /// The superuser's password, random per server.
    let superuserPassword: String
    /// The server's temporary directory (its data, socket and log).
    let directory: URL
    /// The postmaster's process.
    private let process: Process
    private let psql: String

    private init(port: Int, superuserPassword: String, directory: URL, process: Process, psql: String) {
        self.port = port
        self.superuserPassword = superuserPassword
        self.directory = directory
        self.process = process
        self.psql = psql
    }

    /// The postmaster's process ID.
    var pid: pid_t { process.processIdentifier }

    /// A connection URL template for a database secrets engine connection.
    var connectionURL: String { "postgresql://{{username}}:{{password}}@127.0.0.1:\(port)/postgres?sslmode=disable" }

    /// Starts a server, runs `body` with it and stops it, whether `body` returns or throws.
    static func with<T: Sendable>(_ body: (PostgresServer) async throws -> T) async throws -> T {
        let server = try await start()
        return try await ensuring({ await server.stop() }) { try await body(server) }
    }

    // MARK: - Using it

    /// Runs `sql` as `user` with `password` over TCP (a real password login): whether it
    /// worked, and the output of `psql -tA` (or the error text).
    func query(_ sql: String, user: String, password: String) async throws -> (ok: Bool, output: String) {
        var environment = ProcessRunner.cleanEnvironment
        environment["PGPASSWORD"] = password
        environment["PGCONNECT_TIMEOUT"] = "10"
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: psql),
            ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "postgres", "-w", "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql],
            environment: environment)
        let ok = result.exitCode == 0
        return (ok, ok ? result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) : result.all)
    }

    /// Runs `sql` as the superuser; throws when it fails.
    @discardableResult
    func superuserQuery(_ sql: String) async throws -> String {
        let result = try await query(sql, user: Self.superuser, password: superuserPassword)
        guard result.ok else { throw DevServerError(message: "psql as the superuser failed: \(result.output)") }
        return result.output
    }

    // MARK: - Starting and stopping

    private static func start() async throws -> PostgresServer {
        let binaries = try locate()
        let directory = try scratchDirectory("vf-pg")
        do {
            let owner = try Self.owner()
            let password = "pg-" + UUID().uuidString
            let passwordFile = directory.appendingPathComponent("superuser-password")
            try Data((password + "\n").utf8).write(to: passwordFile)
            if let owner {
                for path in [directory.path, passwordFile.path] where chown(path, owner.uid, owner.gid) != 0 {
                    throw DevServerError(message: "cannot give \(path) to uid \(owner.uid)")
                }
            }
            let data = directory.appendingPathComponent("data").path
            let initdb = try await run(binaries.initdb, [
                "-D", data, "-U", superuser, "--pwfile=\(passwordFile.path)", "-A", "scram-sha-256", "-E", "UTF8", "--no-sync",
            ], as: owner)
            guard initdb.exitCode == 0 else { throw DevServerError(message: "initdb failed: \(initdb.all)") }
            var lastFailure = ""
            for _ in 0..<5 {
                let port = try FreePort.loopback()
                let log = directory.appendingPathComponent("server-\(port).log")
                let process = try launch(binaries.postgres, [
                    "-D", data, "-p", String(port), "-k", directory.path, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                ], as: owner, log: log)
                if await ready(process, data: data) {
                    return PostgresServer(port: port, superuserPassword: password, directory: directory, process: process, psql: binaries.psql)
                }
                if process.isAlive {
                    kill(process.processIdentifier, SIGKILL)
                    _ = await process.waitForExit(within: .seconds(30))
                }
                lastFailure = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            }
            throw DevServerError(message: "postgres did not start: \(lastFailure)")
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Stops the server by its PID (SIGINT: fast shutdown), waits for it to end (SIGKILL
    /// after 30 s), and removes its directory.
    func stop() async {
        let pid = self.pid
        if process.isAlive, kill(pid, SIGINT) == 0, await process.waitForExit(within: .seconds(30)) == nil {
            kill(pid, SIGKILL)
            _ = await process.waitForExit(within: .seconds(10))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Whether the server came up: `postmaster.pid` ends in `ready` while the process runs;
    /// false when the process ended (a port taken in between) or after a minute.
    private static func ready(_ process: Process, data: String) async -> Bool {
        for _ in 0..<600 {
            guard process.isAlive else { return false }
            if let text = try? String(contentsOfFile: "\(data)/postmaster.pid", encoding: .utf8),
               text.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) == "ready" {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The user the server runs as when this process is root: `postgres`, else `nobody`.
    private static func owner() throws -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        for name in ["postgres", "nobody"] {
            if let entry = getpwnam(name) { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
        }
        throw DevServerError(message: "running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as")
    }

    /// The executable and leading arguments that run `binary` as `owner`.
    private static func command(_ binary: String, as owner: (uid: uid_t, gid: gid_t)?) -> (String, [String]) {
        guard let owner else { return (binary, []) }
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/setpriv"
        return (setpriv, ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--clear-groups", "--", binary])
    }

    private static var environment: [String: String] {
        var environment = ProcessRunner.cleanEnvironment
        environment["LC_ALL"] = "C"
        return environment
    }

    /// Runs `binary` to its end (as `owner` when this process is root).
    private static func run(_ binary: String, _ arguments: [String], as owner: (uid: uid_t, gid: gid_t)?) async throws -> ProcessOutput {
        let (executable, prefix) = command(binary, as: owner)
        return try await ProcessRunner.run(
            URL(fileURLWithPath: executable), prefix + arguments, environment: environment, currentDirectory: URL(fileURLWithPath: "/"))
    }

    /// Starts `binary` as a child that keeps running (as `owner` when this process is root),
    /// its output to `log`.
    private static func launch(_ binary: String, _ arguments: [String], as owner: (uid: uid_t, gid: gid_t)?, log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let (executable, prefix) = command(binary, as: owner)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = prefix + arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.start()
        return process
    }

    // MARK: - Finding the binaries

    private struct Binaries {
        var initdb: String
        var postgres: String
        var psql: String
    }

    /// The directories that may hold the server binaries, in the order tried.
    static func binaryDirectories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var directories: [String] = []
        if let explicit = environment["POSTGRES_BIN_DIR"], !explicit.isEmpty { directories.append(explicit) }
        directories += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let debian = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? [])
            .sorted { (Int($0) ?? 0, $0) > (Int($1) ?? 0, $1) }
        directories += versions.map { "\(debian)/\($0)/bin" }
        return directories
    }

    private static func locate() throws -> Binaries {
        let directories = binaryDirectories()
        // initdb and postgres from one directory, so their versions agree.
        guard let server = directories.first(where: { directory in
            ["initdb", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
        }) else {
            throw DevServerError(message: "PostgreSQL's initdb and postgres not found in $POSTGRES_BIN_DIR, on PATH or in /usr/lib/postgresql/*/bin (run scripts/install-deps.sh)")
        }
        let psql = ([server] + directories + ["/usr/bin"]).map { "\($0)/psql" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let psql else { throw DevServerError(message: "psql not found (Debian's postgresql-client)") }
        return Binaries(initdb: "\(server)/initdb", postgres: "\(server)/postgres", psql: psql)
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps track of the dev servers this process started, so none outlives it.
///
/// - An exit handler stops the servers still running when the test process exits (the shared
///   server is never stopped by a test).
/// - Each running server has a marker file naming this process; a later run stops servers
///   whose owner is gone (a run that crashed or was killed), after checking by its command line
///   that the process is still a dev server this harness started.
final class ServerRegistry: @unchecked Sendable {
    static let shared = ServerRegistry()

    private let lock = NSLock()
    private var running: Set<pid_t> = []
    private let markers = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("vaultform-dev-servers", isDirectory: true)

    private init() {
        try? FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        atexit { ServerRegistry.shared.stopAllAtExit() }
    }

    func register(_ pid: pid_t) {
        _ = lock.withLock { running.insert(pid) }
        let marker = markers.appendingPathComponent("\(pid)")
        try? "\(getpid())".write(to: marker, atomically: true, encoding: .utf8)
    }

    func unregister(_ pid: pid_t) {
        _ = lock.withLock { running.remove(pid) }
        try? FileManager.default.removeItem(at: markers.appendingPathComponent("\(pid)"))
    }

    /// Stops servers whose owning test process no longer exists.
    func reapOrphans() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: markers.path)) ?? []
        for name in names {
            guard let pid = pid_t(name) else { continue }
            let marker = markers.appendingPathComponent(name)
            let owner = (try? String(contentsOf: marker, encoding: .utf8)).flatMap { pid_t($0) } ?? 0
            guard owner != getpid(), owner <= 0 || !Self.isAlive(owner) else { continue }
            if Self.isHarnessServer(pid) { Self.terminate(pid) }
            try? FileManager.default.removeItem(at: marker)
        }
    }

    private func stopAllAtExit() {
        let pids = lock.withLock { running }
        for pid in pids {
            Self.terminate(pid)
            try? FileManager.default.removeItem(at: markers.appendingPathComponent("\(pid)"))
        }
    }

    private static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Whether the process's command line is a dev server started by `DevServer`.
    private static func isHarnessServer(_ pid: pid_t) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains("-dev") && arguments.contains { $0.hasPrefix("-dev-root-token-id=dev-") }
    }

    /// SIGTERM, up to 3 s to exit, then SIGKILL. Blocking: used only at exit and at start.
    private static func terminate(_ pid: pid_t) {
        guard kill(pid, SIGTERM) == 0 else { return }
        for _ in 0..<150 {
            if !isAlive(pid) || isZombie(pid) { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
    }

    private static func isZombie(_ pid: pid_t) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
        let stat = String(decoding: data, as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Starting children one at a time, and knowing that a child ended without Foundation's help.
//
// On Linux, Foundation's `Process.run()` makes a socket pair per child and learns that the
// child ended when the child's end of it closes; then one manager thread reaps it. Two
// weaknesses of that, both seen as a test run that stopped for good on a loaded machine:
// - `run()` closes in the new child only the descriptors open when it looked (up to the
//   highest in /proc/self/fd). A socket pair another thread makes a moment later is inherited,
//   so a long-lived child started then (a dev server) holds another child's socket open and
//   that child's end is never noticed: `isRunning` stays true and `terminationHandler` never
//   runs.
// - The manager thread reaps with a blocking `waitpid`, so while it waits for one child no
//   other child's end is noticed.
// So children start under one lock (no `run()` overlaps another's), and a child's end is read
// from the kernel with `waitid(WNOWAIT)`, which looks without reaping, leaving the reaping to
// Foundation.

/// Starts children one at a time; see the comment above.
private let startLock = NSLock()

extension Process {
    /// `run()`, never at the same time as another child's start in this process.
    public func start() throws {
        try startLock.withLock { try run() }
        ChildRegistry.shared.started(self)
    }

    /// The exit status when the child has ended (its exit code, or the signal that ended it),
    /// read from the kernel; nil while it runs or before it started.
    public var exitStatus: Int32? {
        let pid = processIdentifier
        guard pid > 0 else { return nil }
        // Foundation noticed first (and may have reaped it already).
        if !isRunning { return terminationStatus }
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
            let child = info._sifields._sigchld
            return child.si_pid == pid ? child.si_status : nil
        }
        // ECHILD: reaped between the two looks; Foundation sets its status next.
        return isRunning ? nil : terminationStatus
    }

    /// Whether the child started and has not ended.
    public var isAlive: Bool { processIdentifier > 0 && exitStatus == nil }

    /// Waits (polling, so no thread is blocked) until the child ends or `limit` passes: its
    /// exit status, or nil when it still runs. An ended child is then given up to 2 s more to
    /// be reaped by Foundation, so no zombie outlives the wait where Foundation works (a test
    /// that checks no process is left behind sees none); where it does not, the status stands.
    public func waitForExit(within limit: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let end = clock.now + limit
        var pause = Duration.milliseconds(2)
        while true {
            if let status = exitStatus {
                let reaped = clock.now + .seconds(2)
                while isRunning && clock.now < reaped { try? await Task.sleep(for: .milliseconds(5)) }
                return status
            }
            if clock.now >= end { return nil }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(25))
        }
    }

    /// Ends a helper process (a fake server, a proxy) for sure: SIGKILL, as a child started
    /// from a test thread can inherit a mask that blocks SIGTERM, and then `terminate()` is
    /// ignored and the helper outlives the test.
    public func kill() {
        guard isAlive else { return }
        Foundation.kill(processIdentifier, SIGKILL)
    }
}

/// The children this test process started and their command lines, for the watchdog's report.
public final class ChildRegistry: @unchecked Sendable {
    public static let shared = ChildRegistry()

    private let lock = NSLock()
    private var children: [(process: Process, command: String, started: ContinuousClock.Instant)] = []

    func started(_ process: Process) {
        let command = ([process.executableURL?.lastPathComponent ?? "?"] + (process.arguments ?? []))
            .joined(separator: " ")
        lock.withLock {
            children.removeAll { !$0.process.isAlive }
            children.append((process, String(command.prefix(300)), ContinuousClock.now))
        }
        TestWatchdog.shared.arm()
    }

    /// The children still running: PID, seconds since start, command line.
    public func running() -> [String] {
        let now = ContinuousClock.now
        return lock.withLock {
            children.filter { $0.process.isAlive }.map {
                "pid \($0.process.processIdentifier), \(Int((now - $0.started).components.seconds)) s: \($0.command)"
            }
        }
    }
}

/// Ends a test run that stopped making progress, saying which children were still running,
/// rather than leaving CI to kill it silently at its own limit. The limit is
/// $VAULTFORM_TEST_WATCHDOG_MINUTES (default 40; 0 turns it off), counted from the first child.
public final class TestWatchdog: @unchecked Sendable {
    public static let shared = TestWatchdog()

    private let lock = NSLock()
    private var armed = false

    func arm() {
        let first = lock.withLock {
            defer { armed = true }
            return !armed
        }
        guard first else { return }
        let minutes = Int(ProcessInfo.processInfo.environment["VAULTFORM_TEST_WATCHDOG_MINUTES"] ?? "") ?? 40
        guard minutes > 0 else { return }
        let thread = Thread {
            Thread.sleep(forTimeInterval: TimeInterval(minutes * 60))
            var report = "\n[test watchdog] the test run has gone \(minutes) minutes; ending it. Children still running:\n"
            let running = ChildRegistry.shared.running()
            report += running.isEmpty ? "  (none)\n" : running.map { "  \($0)\n" }.joined()
            FileHandle.standardError.write(Data(report.utf8))
            for line in running {
                if let pid = Int32(line.dropFirst(4).prefix { $0.isNumber }) { Foundation.kill(pid, SIGKILL) }
            }
            exit(70)
        }
        thread.name = "vaultform.test-watchdog"
        thread.start()
    }
}

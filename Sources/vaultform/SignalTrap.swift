import Dispatch
import Foundation
import VaultformServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM while apply holds the lock.
///
/// The default handlers are ignored and the signals are heard through dispatch sources, so
/// nothing runs in a signal handler. While apply writes (`armWrites()`), the first signal
/// asks it to stop after the operation in flight (its write and read-back finish), so it can
/// print what was done and what was not, release the lock and exit with `128 + signal` (130
/// for SIGINT, 143 for SIGTERM). Before the writes start (planning under the lock, the
/// confirmation prompt) the first signal releases the lock and exits at once, as nothing was
/// written. A second signal always ends the process at once, with the same code.
final class SignalTrap: @unchecked Sendable {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    /// The exit code for a signal: `128 + signal`, as shells report a process it killed.
    static func exitCode(_ signal: Int32) -> Int32 { 128 + signal }

    /// What apply reads between operations.
    let stop = StopRequest()

    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var received = 0
    private var first: Int32?
    private var writing = false
    private let beforeWrites: @Sendable () async -> Void

    /// A trap; `beforeWrites` runs (with a bound on its time) when the first signal comes
    /// before `armWrites()`, just before the process exits: it releases the lock.
    init(beforeWrites: @escaping @Sendable () async -> Void) {
        self.beforeWrites = beforeWrites
    }

    /// Starts handling the signals.
    func install() {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            // `data` counts the signals since the last event: two quick ones arrive as one event.
            source.setEventHandler { [weak self] in self?.heard(number, times: max(1, Int(source.data))) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    /// Restores the default handlers (a later signal ends the process at once again).
    func uninstall() {
        let current = lock.withLock {
            let current = sources
            sources = []
            return current
        }
        for source in current { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    /// The exit code for the first signal heard, if one was.
    var exitCode: Int32? { lock.withLock { first.map(Self.exitCode) } }

    /// From now on the first signal stops apply between operations. False when a signal
    /// already came (the process is exiting): then nothing must be written.
    func armWrites() -> Bool {
        lock.withLock {
            guard received == 0 else { return false }
            writing = true
            return true
        }
    }

    private func heard(_ number: Int32, times: Int) {
        let (count, armed) = lock.withLock {
            received += times
            if first == nil { first = number }
            return (received, writing)
        }
        let name = number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
        if count > 1 {
            Terminal.writeError("\n\(name) again: aborting at once; the write in flight may or may not have happened\n")
            _exit(Self.exitCode(number))
        }
        guard armed else {
            Terminal.writeError("\n\(name): stopping; nothing was written. Releasing the apply lock…\n")
            let done = DispatchSemaphore(value: 0)
            let release = beforeWrites
            Task.detached {
                await release()
                done.signal()
            }
            _ = done.wait(timeout: .now() + .seconds(10))
            _exit(Self.exitCode(number))
        }
        stop.request("interrupted (\(name))")
        Terminal.writeError(
            "\n\(name): stopping after the operation in flight; press Ctrl-C again to abort at once\n")
    }
}

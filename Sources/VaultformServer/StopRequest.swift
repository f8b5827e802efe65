import Foundation

/// A request to stop an apply between two operations, such as the first Ctrl-C: the
/// operation in flight finishes (its writes and its read-back), and no further one starts.
/// Set from any thread; the applier reads it before each operation.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?

    /// A request not yet made.
    public init() {}

    /// Asks the apply to stop; `reason` is what the summary says (`interrupted (SIGINT)`).
    /// Only the first reason is kept.
    public func request(_ reason: String) {
        lock.withLock { if stored == nil { stored = reason } }
    }

    /// Why the apply must stop, or nil while it may go on.
    public var reason: String? { lock.withLock { stored } }
}

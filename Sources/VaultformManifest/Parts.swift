import Foundation
import Synchronization

/// Work split into contiguous parts run on the machine's cores, for the loader's long lists:
/// each part's result comes back in the parts' order, so joining them gives what one thread
/// running the parts one after another would.
enum Parts {
    /// `body` over contiguous ranges covering `0..<count` (a few per core), the results in order.
    static func map<Result: Sendable>(count: Int, _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
        let parts = min(max(1, ProcessInfo.processInfo.activeProcessorCount) * 4, count)
        let results = Mutex([Result?](repeating: nil, count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let result = body(count * part / parts..<count * (part + 1) / parts)
            results.withLock { $0[part] = result }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}

import Logging
import Synchronization

/// A swift-log handler that keeps every line in memory (`LEVEL MESSAGE METADATA`), so tests
/// can prove what was logged and that no credential was.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// Every line so far, one per line.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A logger that writes here, at every level.
    public var logger: Logger {
        Logger(label: "test") { [self] _ in Handler(capture: self) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

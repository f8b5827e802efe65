import Foundation
import VaultformManifest

/// What vaultform does for GitHub Actions: manifest diagnostics as `::error`/`::warning`
/// annotations (shown on the pull request's lines), and reports appended to the job summary.
enum GitHubActions {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// True inside a GitHub Actions job.
    static var isActive: Bool { environment["GITHUB_ACTIONS"] == "true" }

    /// One annotation per diagnostic, on standard error (the runner reads workflow commands
    /// from both streams; stderr keeps JSON on stdout clean).
    static func annotate(_ diagnostics: [Diagnostic]) {
        guard isActive else { return }
        Terminal.writeError(annotations(diagnostics))
    }

    static func annotations(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            let command = diagnostic.severity == .error ? "error" : "warning"
            let properties = diagnostic.location.map {
                "file=\(property($0.file)),line=\($0.line),col=\($0.column),title=vaultform"
            } ?? "title=vaultform"
            var message = diagnostic.message
            if let hint = diagnostic.hint { message += "\nhint: \(hint)" }
            return "::\(command) \(properties)::\(data(message))\n"
        }.joined()
    }

    /// Appends Markdown to the job summary when GITHUB_STEP_SUMMARY names a file; a failure
    /// to write it is a warning, never the command's failure.
    static func appendSummary(_ markdown: String) {
        guard let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        do {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((markdown.hasSuffix("\n") ? markdown : markdown + "\n").utf8))
        } catch {
            Terminal.writeError("warning: could not append to GITHUB_STEP_SUMMARY (\(path)): \(error)\n")
        }
    }

    /// A workflow command's message: `%`, CR and LF escaped.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A workflow command's property value: also `:` and `,` escaped.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

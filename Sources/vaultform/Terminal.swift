import Foundation

/// Facts about where output goes, and the writes commands use.
enum Terminal {
    /// True on a terminal with colour allowed (NO_COLOR unset, not disabled by a flag, TERM not dumb).
    static func supportsColor(fileDescriptor: Int32, disabled: Bool) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if disabled || environment["NO_COLOR"].map({ !$0.isEmpty }) == true { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(fileDescriptor) == 1
    }

    /// Whether standard output and standard error go to the same place (one terminal, or one
    /// file as with `>log 2>&1`), where a line written to both would be read twice.
    static var outputSharesErrorDestination: Bool {
        var output = stat(), error = stat()
        guard fstat(STDOUT_FILENO, &output) == 0, fstat(STDERR_FILENO, &error) == 0 else { return false }
        return output.st_dev == error.st_dev && output.st_ino == error.st_ino
    }

    /// Writes to standard error, unbuffered, so progress and diagnostics interleave correctly with stdout.
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes to standard output.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

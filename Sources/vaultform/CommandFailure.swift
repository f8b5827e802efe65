import ArgumentParser
import VaultAPI

/// How a command ends when it fails: what it says on standard error and its exit code.
/// Commands throw it (or any other error) and never print their own failure; `ErrorReport`
/// prints it once, where the process ends (or, for drift, into its report).
struct CommandFailure: Error {
    /// The failure in short, one line per reason, as a report that shows it says it (drift's
    /// `error` field); empty when the lines below say it all.
    var reasons: [String]
    /// Every line for standard error, in order, without their newlines.
    var lines: [String]
    /// The process's exit code.
    var exitCode: Int32

    /// A failure whose lines are given whole (a diagnostics summary, a stopped apply's account).
    init(lines: [String], reasons: [String] = [], exitCode: Int32 = ExitCode.failure.rawValue) {
        self.lines = lines
        self.reasons = reasons
        self.exitCode = exitCode
    }

    /// `error: REASON` for each reason, then `notes` as they are (hints, "Nothing was written.").
    static func error(_ reasons: [String], notes: [String] = [], exitCode: Int32 = ExitCode.failure.rawValue) -> CommandFailure {
        CommandFailure(lines: reasons.map { "error: \($0)" } + notes, reasons: reasons, exitCode: exitCode)
    }

    /// One reason, then `notes`.
    static func error(_ reason: String, notes: [String] = []) -> CommandFailure {
        error([reason], notes: notes)
    }

    /// The text for standard error: every line with its newline.
    var text: String { lines.map { $0 + "\n" }.joined() }
}

/// The one place an error becomes what the user reads and the exit code: a `CommandFailure`
/// as it is; a server or connection error as one line with the hint that names the setting to
/// fix; any other error as one line; exit 1. Parsing errors, `--help` and the exit codes a
/// command chooses on success (`ExitCode(2)`) stay with ArgumentParser.
enum ErrorReport {
    /// The failure `error` amounts to, or nil when it is an exit code a command chose or a
    /// cancellation (both pass on as they are).
    static func failure(for error: any Error, configuration: ConnectionConfiguration? = nil) -> CommandFailure? {
        switch error {
        case let failure as CommandFailure:
            return failure
        case is ExitCode, is CancellationError:
            return nil
        case let error as VaultError:
            let hint = configuration.flatMap { $0.hint(for: error) }
            return .error(["\(error)"], notes: hint.map { ["hint: \($0)"] } ?? [])
        default:
            return .error("\(error)")
        }
    }

    /// Prints `error`'s lines on standard error and gives ArgumentParser what ends the process
    /// with its exit code; errors it reports itself pass through.
    static func report(_ error: any Error) -> any Error {
        // ArgumentParser's own (a wrong flag found by a command's check, `--help` through the
        // help command, an exit code a command chose): it says them, with the usage.
        if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { return error }
        guard let failure = failure(for: error) else { return error }
        Terminal.writeError(failure.text)
        return ExitCode(failure.exitCode)
    }

    /// `error` with `lines` said after its own (what a command adds on its way out, such as
    /// where bootstrap kept the root token), keeping its exit code.
    static func adding(_ lines: [String], to error: any Error) -> any Error {
        if error is CancellationError { return error }
        var failure = failure(for: error) ?? CommandFailure(lines: [], exitCode: (error as? ExitCode)?.rawValue ?? ExitCode.failure.rawValue)
        failure.lines += lines
        return failure
    }

    /// Runs `body`; an error it throws becomes a `CommandFailure` there, with the hint for
    /// `configuration` when it is a server or connection error.
    static func mapping<T>(_ configuration: ConnectionConfiguration?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw failure(for: error, configuration: configuration) ?? error
        }
    }

    /// `mapping` for work that does not wait.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw failure(for: error) ?? error
        }
    }
}

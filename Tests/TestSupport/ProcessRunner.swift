import Foundation

/// What a finished child process left behind.
public struct ProcessOutput: Sendable {
    public var exitCode: Int32
    /// Standard output as bytes (openssl signatures are binary).
    public var outputData: Data
    public var standardError: String
    public var standardOutput: String { String(decoding: outputData, as: UTF8.self) }
    /// Both streams, output first.
    public var all: String { standardOutput + standardError }
}

/// Runs child processes for the tests (the vaultform binary, `bao`, `openssl`, shell scripts).
///
/// The wait is asynchronous (polling the kernel, see ChildProcess.swift), so no cooperative
/// thread is blocked in `waitUntilExit` while other tests' timers (lock renewals, retry
/// back-offs) need one, and it is bounded. Output goes to files rather than pipes,
/// so a large output can never fill a pipe and stall the child.
public enum ProcessRunner {
    /// Runs `executable` with `arguments` and exactly `environment`, standard input from `input`
    /// (or /dev/null), and returns the exit code and both streams. With `mergeStandardError`,
    /// both streams go to one file (in the order written) and `standardError` is empty. A child
    /// still running after `timeout` is killed and `ProcessTimeout` thrown with its output.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String],
        input: Data? = nil, currentDirectory: URL? = nil, mergeStandardError: Bool = false,
        timeout: Duration = .seconds(600)
    ) async throws -> ProcessOutput {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = mergeStandardError ? outHandle : try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let input {
            let inURL = directory.appendingPathComponent("in")
            try input.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.start()
        guard let status = await process.waitForExit(within: timeout) else {
            Foundation.kill(process.processIdentifier, SIGKILL)
            _ = await process.waitForExit(within: .seconds(10))
            try? outHandle.close()
            if !mergeStandardError { try? errHandle.close() }
            let output = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
            let errors = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            throw ProcessTimeout(
                command: ([executable.lastPathComponent] + arguments).joined(separator: " "), limit: timeout,
                output: String((output + errors).suffix(4000)))
        }
        try outHandle.close()
        if !mergeStandardError { try errHandle.close() }
        return ProcessOutput(
            exitCode: status,
            outputData: (try? Data(contentsOf: outURL)) ?? Data(),
            standardError: mergeStandardError ? "" : String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    /// The test process's environment minus every VAULT_*, BAO_* and VAULTFORM_VAR_* variable,
    /// with NO_COLOR set, so that the developer's own settings never reach a child.
    public static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("VAULT_") && !$0.key.hasPrefix("BAO_") && !$0.key.hasPrefix("VAULTFORM_VAR_")
        }
        environment["NO_COLOR"] = "1"
        return environment
    }

    /// The repository's root directory.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The vaultform executable: $VAULTFORM_BIN, or the one built next to the test bundle.
    public static var vaultform: URL {
        if let path = ProcessInfo.processInfo.environment["VAULTFORM_BIN"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let beside = directory.appendingPathComponent("vaultform")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/vaultform")
    }

    /// The `bao` executable: $BAO_BIN, else the first on PATH.
    public static let bao: String = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["BAO_BIN"], !explicit.isEmpty { return explicit }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/bao"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/local/bin/bao"
    }()
}

/// Runs `body`, then `cleanup` whether `body` returned or threw: `defer` for cleanups that
/// must await (a `defer` block cannot).
public func ensuring<T>(
    _ cleanup: () async -> Void, _ body: () async throws -> T
) async rethrows -> T {
    do {
        let result = try await body()
        await cleanup()
        return result
    } catch {
        await cleanup()
        throw error
    }
}

/// A child that did not end within its limit (it was killed).
public struct ProcessTimeout: Error, CustomStringConvertible {
    public var command: String
    public var limit: Duration
    public var output: String
    public var description: String { "\(command) still ran after \(limit) and was killed; its output:\n\(output)" }
}

import Foundation

/// A child process the test talks to while it runs: its output so far can be read, and it
/// can be sent signals (the vaultform binary during an apply, to interrupt it). Output goes
/// to files, as with `ProcessRunner.run`, so it can never stall the child.
public final class BackgroundProcess: @unchecked Sendable {
    private let process: Process
    private let directory: URL
    private let outURL: URL
    private let errURL: URL
    private let handles: [FileHandle]

    /// Starts `executable` with `arguments` and exactly `environment`, standard input from /dev/null.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outURL = directory.appendingPathComponent("out")
        errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        handles = [out, err]
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.start()
    }

    deinit {
        if process.isAlive { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The child's process ID.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    public var isRunning: Bool { process.isAlive }

    /// What the child wrote to standard error so far.
    public var standardError: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    /// What the child wrote to standard output so far.
    public var standardOutput: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        if process.isAlive { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Polls standard error every 10 ms until `condition` holds for it (true), or the child
    /// exits or `timeout` passes (false).
    public func waitForError(timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if condition(standardError) { return true }
            if !process.isAlive { return condition(standardError) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Waits (polling, so no thread is blocked) for the child to exit, up to `timeout`, then
    /// kills it; returns its output (exit code -1 if even SIGKILL did not end it within 30 s).
    public func finish(timeout: Duration = .seconds(120)) async throws -> ProcessOutput {
        var status = await process.waitForExit(within: timeout)
        if status == nil {
            Foundation.kill(process.processIdentifier, SIGKILL)
            status = await process.waitForExit(within: .seconds(30))
        }
        for handle in handles { try? handle.close() }
        return ProcessOutput(
            exitCode: status ?? -1, outputData: (try? Data(contentsOf: outURL)) ?? Data(),
            standardError: standardError)
    }
}

import Foundation
import TestSupport

/// Runs the built `vaultform` executable, as users do, and captures what it prints.
struct CommandResult {
    var exitCode: Int32
    var standardOutput: String
    var standardError: String
}

let repositoryRoot = ProcessRunner.repositoryRoot

func runVaultform(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    try await runProcess(ProcessRunner.vaultform, arguments, environment: environment)
}

func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    let output = try await ProcessRunner.run(
        executable, arguments, environment: ProcessRunner.cleanEnvironment.merging(environment) { $1 },
        currentDirectory: repositoryRoot)
    return CommandResult(exitCode: output.exitCode, standardOutput: output.standardOutput, standardError: output.standardError)
}

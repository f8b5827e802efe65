import Foundation
import Testing

/// Runs the built `vaultform` executable, as users do, and captures what it prints.
struct CommandResult {
    var exitCode: Int32
    var standardOutput: String
    var standardError: String
}

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The executable: $VAULTFORM_BIN, or the one built next to the test bundle.
func vaultformExecutable() -> URL {
    if let path = ProcessInfo.processInfo.environment["VAULTFORM_BIN"] { return URL(fileURLWithPath: path) }
    var directory = Bundle.main.bundleURL
    if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
    let beside = directory.appendingPathComponent("vaultform")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return repositoryRoot.appendingPathComponent(".build/debug/vaultform")
}

func runVaultform(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    try runProcess(vaultformExecutable(), arguments, environment: environment)
}

func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VAULTFORM_VAR_") }
    merged["NO_COLOR"] = "1"
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    // Files rather than pipes: a large output can never fill a pipe and block the child.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    let outData = (try? Data(contentsOf: outURL)) ?? Data()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return CommandResult(
        exitCode: process.terminationStatus,
        standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

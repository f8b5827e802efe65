import Foundation
import Testing
import TestSupport

/// Runs the real `bao` CLI against a dev server, the way an operator changes a server by hand:
/// tests use it to write objects in awkward spellings and to drift them out of band.
struct BaoCommand {
    let server: DevServer

    /// Runs `bao ARGUMENTS` (stdin from `input` when given) and returns stdout; a failure is
    /// a thrown error with bao's stderr, which never holds the token (it is in the environment).
    @discardableResult
    func callAsFunction(_ arguments: String..., input: String? = nil) async throws -> String {
        try await run(arguments, input: input)
    }

    func run(_ arguments: [String], input: String? = nil) async throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("vf-bao-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessRunner.cleanEnvironment
        environment["HOME"] = home.path
        environment["BAO_ADDR"] = server.address.absoluteString
        environment["BAO_TOKEN"] = server.rootToken
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: Self.bao), arguments, environment: environment, input: input.map { Data($0.utf8) })
        guard result.exitCode == 0 else {
            throw BaoCommandError(arguments: arguments, message: result.standardError.replacingOccurrences(of: server.rootToken, with: "<token>"))
        }
        return result.standardOutput
    }

    static var bao: String { ProcessRunner.bao }
}

struct BaoCommandError: Error, CustomStringConvertible {
    var arguments: [String]
    var message: String
    var description: String { "bao \(arguments.joined(separator: " ")) failed: \(message)" }
}

import Foundation
import Testing

/// Runs the real `bao` CLI against a dev server, the way an operator changes a server by hand:
/// tests use it to write objects in awkward spellings and to drift them out of band.
struct BaoCommand {
    let server: DevServer

    /// Runs `bao ARGUMENTS` (stdin from `input` when given) and returns stdout; a failure is
    /// a thrown error with bao's stderr, which never holds the token (it is in the environment).
    @discardableResult
    func callAsFunction(_ arguments: String..., input: String? = nil) throws -> String {
        try run(arguments, input: input)
    }

    func run(_ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.bao)
        process.arguments = arguments
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("vf-bao-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VAULT_") && !$0.key.hasPrefix("BAO_") }
        environment["HOME"] = home.path
        environment["BAO_ADDR"] = server.address.absoluteString
        environment["BAO_TOKEN"] = server.rootToken
        process.environment = environment
        let out = home.appendingPathComponent("out"), err = home.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let file = home.appendingPathComponent("in")
            try input.write(to: file, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        let output = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let error = ((try? String(contentsOf: err, encoding: .utf8)) ?? "").replacingOccurrences(of: server.rootToken, with: "<token>")
            throw BaoCommandError(arguments: arguments, message: error)
        }
        return output
    }

    static let bao: String = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["BAO_BIN"], !explicit.isEmpty { return explicit }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/bao"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/local/bin/bao"
    }()
}

struct BaoCommandError: Error, CustomStringConvertible {
    var arguments: [String]
    var message: String
    var description: String { "bao \(arguments.joined(separator: " ")) failed: \(message)" }
}

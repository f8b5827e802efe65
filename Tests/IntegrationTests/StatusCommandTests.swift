import Foundation
import Testing

/// `vaultform status`, run as a user runs it, against the shared dev server.
@Suite("vaultform status against a dev server")
struct StatusCommandTests {
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["VAULTFORM_BIN"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("vaultform")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    @Test("reports the flavour, version and seal state of a running server")
    func reachable() async throws {
        let server = try await DevServer.shared()
        let (code, output, error) = try Self.run(["status", "--address", server.address.absoluteString])
        #expect(code == 0, "\(error)")
        #expect(output.contains("Server:       OpenBao 2.7"))
        #expect(output.contains("Sealed:       false"))
        #expect(output.contains("(from --address)"))
        let leaked = output.contains(server.rootToken) || error.contains(server.rootToken)
        #expect(!leaked, "the root token appeared in the output")
    }

    @Test("takes the address from VAULT_ADDR")
    func fromEnvironment() async throws {
        let server = try await DevServer.shared()
        let (code, output, _) = try Self.run(["status"], environment: ["VAULT_ADDR": server.address.absoluteString])
        #expect(code == 0)
        #expect(output.contains("(from VAULT_ADDR)"))
    }

    @Test("a closed port is a clear error and exit 1")
    func unreachable() async throws {
        let port = try FreePort.loopback()
        let (code, _, error) = try Self.run(["status", "--address", "http://127.0.0.1:\(port)", "--timeout", "3"])
        #expect(code == 1)
        #expect(error.contains("sys/health"))
        #expect(error.lowercased().contains("refused") || error.lowercased().contains("connect"))
    }
}

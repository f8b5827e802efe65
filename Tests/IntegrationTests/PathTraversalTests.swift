import Foundation
import Testing
import VaultAPI

/// A path with `..` in a manifest once reached another endpoint: a secrets engine at
/// `team-a/../../seal` made apply send `POST /v1/sys/seal`. It must be refused with a
/// located error, and the server must stay unsealed.
@Suite("Paths that would reach another endpoint")
struct PathTraversalTests {
    /// Each manifest holds one hostile path; the needle is the located error's start.
    static let cases: [(name: String, body: String, line: Int, column: Int)] = [
        ("engine", "secrets_engines:\n  - path: team-a/../../seal\n    type: kv-v2\n", 3, 11),
        ("audit device", "audit_devices:\n  - path: x/../../../sys/seal\n    type: file\n    options: { file_path: stdout }\n", 3, 11),
        ("auth method", "auth_methods:\n  - path: a/../../../sys/seal\n    type: approle\n", 3, 11),
        ("schema", "secrets_engines:\n  - { path: kvdata, type: kv-v2 }\nsecret_schemas:\n  - path: kvdata/../../sys/seal-status\n    fields: { a: { type: string } }\n", 5, 11),
        ("policy", "policies:\n  - name: '..'\n    hcl: 'path \"x\" { capabilities = [\"read\"] }'\n", 3, 11),
        ("encoded", "secrets_engines:\n  - path: team-a/%2e%2e/sys\n    type: kv-v2\n", 3, 11),
    ]

    @Test("plan and apply refuse each path with FILE:LINE:COL, and the server is not sealed afterwards")
    func refusedAndNotSealed() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-traversal")
            defer { try? FileManager.default.removeItem(at: directory) }
            for item in Self.cases {
                let file = directory.appendingPathComponent("\(item.name.replacingOccurrences(of: " ", with: "-")).yaml")
                try ("version: 1\n" + item.body).write(to: file, atomically: true, encoding: .utf8)
                for command in [["plan", file.path], ["apply", file.path, "--auto-approve", "--allow-destroy"]] {
                    let run = try await server.vaultform(command)
                    #expect(run.code == 1, "\(item.name) \(command[0]): \(run.all)")
                    #expect(run.error.contains("\(file.path):\(item.line):\(item.column): error:"), "\(item.name) \(command[0]): \(run.all)")
                }
            }
            let status = try await server.client().request(.get, "sys/seal-status")
            #expect(status.json?["sealed"]?.boolValue == false, "the server was sealed")
        }
    }
}

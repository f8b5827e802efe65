import Foundation
import Testing
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformServer

/// Planning never writes: every request the read stage sends, as the server's own audit log
/// records it, is a read or a list.
@Suite("plan sends only reads")
struct PlanReadOnlyTests {
    @Test("the audit log shows only read and list operations during a plan")
    func onlyReads() async throws {
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("vf-ro-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            _ = try await bao.run(["secrets", "enable", "-path=tr", "transit"])
            _ = try await bao.run(["write", "-f", "tr/keys/k"])
            _ = try await bao.run(["auth", "enable", "approle"])
            _ = try await bao.run(["write", "auth/approle/role/r", "token_ttl=1h"])
            _ = try await bao.run(["policy", "write", "p", "-"], input: "path \"x\" { capabilities = [\"read\"] }\n")
            _ = try await bao.run(["audit", "enable", "file", "file_path=\(log)"])

            let result = ManifestLoader().load(sources: [("m.yaml", """
                version: 1
                ownership: [{ kind: policy }, { kind: approle_role, mount: approle }, { kind: transit_key, mount: tr }]
                audit_devices: [{ path: file, type: file, options: { file_path: "\(log)" } }]
                secrets_engines: [{ path: secret, type: kv-v2, kv_config: { max_versions: 3 } }, { path: tr, type: transit }]
                transit_keys: [{ mount: tr, name: k }, { mount: tr, name: missing }]
                policies: [{ name: p, hcl: 'path "x" { capabilities = ["read", "list"] }' }, { name: q, hcl: 'path "y" { capabilities = ["read"] }' }]
                auth_methods: [{ path: approle, type: approle }]
                approle_roles: [{ name: r, token_ttl: 2h, role_id: fixed-id }, { name: s }]
                """)])
            let desired = Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
            let before = try Self.requests(in: log).count
            let live = try await LiveReader(client: server.client()).read(for: desired)
            let plan = Planner.plan(desired: desired, live: live)
            #expect(!plan.isEmpty)

            let requests = try Self.requests(in: log).dropFirst(before)
            #expect(requests.count >= 8, "the audit log recorded \(requests.count) requests")
            let writes = requests.filter { !["read", "list"].contains($0.operation) }
            #expect(writes.isEmpty, "plan wrote: \(writes.map { "\($0.operation) \($0.path)" })")
            // Each object is read once: no path is requested twice.
            let paths = requests.map { "\($0.operation) \($0.path)" }
            #expect(paths.count == Set(paths).count, "repeated requests: \(paths)")
        }
    }

    @Test("vaultform plan, as a user runs it, asks for nothing twice: the token is looked up once")
    func commandAsksOnce() async throws {
        try await DevServer.with { server in
            let bao = BaoCommand(server: server)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("vf-ro-\(UUID().uuidString).log").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            _ = try await bao.run(["auth", "enable", "approle"])
            _ = try await bao.run(["audit", "enable", "file", "file_path=\(log)"])
            let path = try PlanCommandTests.manifest("""
                policies: [{ name: p, hcl: 'path "x" { capabilities = ["read"] }' }]
                auth_methods: [{ path: approle, type: approle }]
                approle_roles: [{ name: r, token_policies: [p] }]
                """)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let before = try Self.requests(in: log).count
            let run = try await StatusCommandTests.run(["plan", path], environment: PlanCommandTests.environment(server))
            #expect(run.code == 0, "\(run.all)")
            let paths = try Self.requests(in: log).dropFirst(before).map { "\($0.operation) \($0.path)" }
            #expect(paths.filter { $0 == "read auth/token/lookup-self" }.count == 1, "\(paths)")
            #expect(paths.count == Set(paths).count, "repeated requests: \(paths)")
        }
    }

    struct AuditedRequest { var operation: String; var path: String }

    /// The request entries of a file audit log (one JSON object per line).
    static func requests(in log: String) throws -> [AuditedRequest] {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["type"] as? String == "request",
                  let request = object["request"] as? [String: Any],
                  let operation = request["operation"] as? String, let path = request["path"] as? String
            else { return nil }
            return AuditedRequest(operation: operation, path: path)
        }
    }
}

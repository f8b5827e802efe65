import Foundation
import Testing
import TestSupport
import VaultAPI

/// Rate-limit quotas (`sys/quotas/rate-limit/NAME`) against a real server, both ways. Each
/// test starts its own server: a global quota limits every request the server receives.
@Suite("rate-limit quotas against a dev server")
struct RateLimitQuotaTests {
    static let prefix = "sys/quotas/rate-limit/"

    @Test("equivalent spellings are no change; every field drifted out of band, omitted ones included, is drift that apply repairs")
    func bothWays() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-quotas")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: ql-kv, type: kv }
                auth_methods:
                  - { path: ql-approle, type: approle }
                quotas:
                  - name: Full
                    rate: 2.5
                    path: auth/ql-approle
                    role: ci
                    interval: 1m
                    block_interval: 30s
                    inheritable: false
                  - { name: kv, rate: 100, path: ql-kv/ }
                  - { name: global, rate: 1000 }
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
            #expect(clean.code == 0, "\(clean.all)")
            let full = try await server.client().request(.get, Self.prefix + "Full").data
            #expect(full?["rate"]?.doubleValue == 2.5 && full?["role"]?.stringValue == "ci" && full?["path"]?.stringValue == "auth/ql-approle/")
            // Left out, a global quota is inheritable.
            #expect(try await server.client().request(.get, Self.prefix + "global").data?["inheritable"]?.boolValue == true)

            // Every write replaces the whole quota, so each spelling gives every field.
            let spellings: [[String]] = [
                ["write", Self.prefix + "Full", "rate=2.50", "path=auth/ql-approle/", "interval=60", "block_interval=30", "inheritable=false"],
                ["write", Self.prefix + "kv", "rate=1e2", "path=ql-kv", "interval=0"],
                ["write", Self.prefix + "global", "rate=1000.0", "interval=1s", "inheritable=true"],
            ]
            try await BothWays.spellingsAreNoChange(spellings, manifest: manifest, server: server)

            let whole = ["rate=2.5", "path=auth/ql-approle", "interval=60", "block_interval=30", "inheritable=false"]
            func fullWith(_ change: String) -> [String] {
                let key = change.split(separator: "=")[0] + "="
                return ["write", Self.prefix + "Full"] + whole.filter { !$0.hasPrefix(key) } + [change]
            }
            let drifts: [BothWays.Drift] = [
                .init(fullWith("rate=3"), "rate-limit-quota:Full", "rate"),
                .init(fullWith("interval=120"), "rate-limit-quota:Full", "interval"),
                .init(fullWith("block_interval=0"), "rate-limit-quota:Full", "block_interval"),
                .init(fullWith("inheritable=true"), "rate-limit-quota:Full", "inheritable"),
                .init(["write", Self.prefix + "kv", "rate=100", "path=ql-kv/team"], "rate-limit-quota:kv", "path"),
                // The quota the manifest gives only a rate: every other field is managed at its default.
                .init(["write", Self.prefix + "global", "rate=1000", "interval=5"], "rate-limit-quota:global", "interval"),
                .init(["write", Self.prefix + "global", "rate=1000", "block_interval=10"], "rate-limit-quota:global", "block_interval"),
                .init(["write", Self.prefix + "global", "rate=1000", "inheritable=false"], "rate-limit-quota:global", "inheritable"),
                .init(["write", Self.prefix + "global", "rate=1000", "path=ql-kv/other"], "rate-limit-quota:global", "path"),
            ]
            try await BothWays.driftsAreRepaired(drifts, manifest: manifest, server: server)
            let repaired = try await server.client().request(.get, Self.prefix + "global").data
            #expect(repaired?["path"]?.stringValue == "" && repaired?["inheritable"]?.boolValue == true && repaired?["interval"]?.intValue == 1)

            // The role is kept from creation: one recreated out of band with another is replaced.
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["delete", Self.prefix + "Full"])
            _ = try await bao.run(["write", Self.prefix + "Full", "rate=2.5", "path=auth/ql-approle", "role=cd", "interval=60", "block_interval=30"])
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            #expect(try BothWays.changed(plan.output) == ["rate-limit-quota:Full role"], "\(plan.output)")
            #expect(plan.output.contains("\"replace\""), "\(plan.output)")
            let replaced = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(replaced.code == 0, "\(replaced.all)")
            #expect(try await server.client().request(.get, Self.prefix + "Full").data?["role"]?.stringValue == "ci")
            let after = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
            #expect(after.code == 0, "\(after.all)")
        }
    }

    @Test("an owned quota the manifest does not name is deleted; export writes them back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-quotas-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["secrets", "enable", "-path=ql-kv", "kv"])
            _ = try await bao.run(["write", Self.prefix + "stray", "rate=50", "path=ql-kv"])
            _ = try await bao.run(["write", Self.prefix + "api", "rate=5000.5", "interval=1m", "block_interval=2m"])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: rate_limit_quota }
                quotas:
                  - { name: api, rate: 5000.50, interval: 60s, block_interval: 120 }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["delete rate-limit-quota:stray"], "\(plan.output)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let names = try await server.client().request(.list, "sys/quotas/rate-limit").data?["keys"]?.arrayValue?.compactMap(\.stringValue)
            #expect(names == ["api"])

            _ = try await bao.run(["write", Self.prefix + "kv", "rate=7", "path=ql-kv", "inheritable=true"])
            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("quotas.yaml"), encoding: .utf8)
            #expect(text.contains("name: api") && text.contains("interval: 1m") && text.contains("name: kv"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)\n\(text)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Token roles (`auth/token/roles/NAME`) against a real server, both ways: spellings the
/// server stores the same are no change; a real out-of-band change of any field, omitted ones
/// included, is drift that apply repairs; an owned role the manifest drops is deleted; export
/// writes them back so that the round trip plans no change.
@Suite("token roles against a dev server")
struct TokenRoleTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-token-roles")
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = PlanExactnessTests.unique("Full"), bare = PlanExactnessTests.unique("bare")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            token_roles:
              - name: \(full)
                allowed_policies: [reader, writer]
                disallowed_policies: [admin]
                allowed_policies_glob: ["team-*"]
                disallowed_policies_glob: ["root-*"]
                allowed_entity_aliases: [ci-bot]
                orphan: true
                renewable: false
                path_suffix: ci-jobs
                token_period: 1h
                token_explicit_max_ttl: 24h
                token_num_uses: 5
                token_type: service
                token_no_default_policy: true
                token_bound_cidrs: [10.0.0.0/8, 192.168.1.7]
              - name: \(bare)
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")
        // The server keeps the name's case.
        let listed = try await server.client().request(.list, "auth/token/roles").data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(listed.contains(full))

        let path = "auth/token/roles/\(full)"
        // Written by hand the way people (and other tools) write them: the same to the server.
        let spellings: [[String]] = [
            ["write", path, "allowed_policies=Writer, READER ,reader"],
            ["write", path, "disallowed_policies= Admin"],
            ["write", path, "allowed_policies_glob=TEAM-*", "disallowed_policies_glob=Root-*"],
            ["write", path, "allowed_entity_aliases=CI-Bot"],
            ["write", path, "token_period=60m", "token_explicit_max_ttl=86400"],
            ["write", path, "token_bound_cidrs=192.168.1.7/32,10.0.0.0/8"],
            ["write", path, "orphan=1", "renewable=f", "token_no_default_policy=TRUE"],
            ["write", "auth/token/roles/\(bare)", "renewable=true", "token_type=default-service", "path_suffix="],
        ]
        try await BothWays.spellingsAreNoChange(spellings, manifest: manifest, server: server)

        let fullAddress = "token-role:\(full)", bareAddress = "token-role:\(bare)"
        let drifts: [BothWays.Drift] = [
            .init(["write", path, "allowed_policies=reader"], fullAddress, "allowed_policies"),
            .init(["write", path, "disallowed_policies=admin,ops"], fullAddress, "disallowed_policies"),
            .init(["write", path, "allowed_policies_glob=team-*,x-*"], fullAddress, "allowed_policies_glob"),
            .init(["write", path, "disallowed_policies_glob="], fullAddress, "disallowed_policies_glob"),
            .init(["write", path, "allowed_entity_aliases=other"], fullAddress, "allowed_entity_aliases"),
            .init(["write", path, "orphan=false"], fullAddress, "orphan"),
            .init(["write", path, "renewable=true"], fullAddress, "renewable"),
            .init(["write", path, "path_suffix=cd-jobs"], fullAddress, "path_suffix"),
            .init(["write", path, "token_period=2h"], fullAddress, "token_period"),
            .init(["write", path, "token_explicit_max_ttl=48h"], fullAddress, "token_explicit_max_ttl"),
            .init(["write", path, "token_num_uses=6"], fullAddress, "token_num_uses"),
            .init(["write", path, "token_no_default_policy=false"], fullAddress, "token_no_default_policy"),
            .init(["write", path, "token_bound_cidrs=10.0.0.0/8"], fullAddress, "token_bound_cidrs"),
            .init(["write", path, "token_type=default-service"], fullAddress, "token_type"),
            // The role the manifest gives no fields: every one is managed at its fresh value.
            .init(["write", "auth/token/roles/\(bare)", "allowed_policies=reader"], bareAddress, "allowed_policies"),
            .init(["write", "auth/token/roles/\(bare)", "orphan=true"], bareAddress, "orphan"),
            .init(["write", "auth/token/roles/\(bare)", "renewable=false"], bareAddress, "renewable"),
            .init(["write", "auth/token/roles/\(bare)", "token_type=batch"], bareAddress, "token_type"),
            .init(["write", "auth/token/roles/\(bare)", "token_bound_cidrs=127.0.0.1"], bareAddress, "token_bound_cidrs"),
            .init(["write", "auth/token/roles/\(bare)", "allowed_entity_aliases=a"], bareAddress, "allowed_entity_aliases"),
        ]
        try await BothWays.driftsAreRepaired(drifts, manifest: manifest, server: server)
        let role = try await server.client().request(.get, "auth/token/roles/\(bare)").data
        #expect(role?["renewable"]?.boolValue == true && role?["orphan"]?.boolValue == false)
        #expect(role?["token_type"]?.stringValue == "default-service")
    }

    @Test("an owned token role the manifest does not name is deleted; export writes them back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-token-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            _ = try await bao.run(["write", "auth/token/roles/Stray", "orphan=true"])
            _ = try await bao.run(["write", "auth/token/roles/ci", "allowed_policies=b,a", "token_period=30m", "renewable=false"])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: token_role }
                token_roles:
                  - { name: ci, allowed_policies: [a, b], token_period: 30m, renewable: false }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["delete token-role:Stray"], "\(plan.output)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let roles = try await server.client().request(.list, "auth/token/roles").data?["keys"]?.arrayValue?.compactMap(\.stringValue)
            #expect(roles == ["ci"])

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("token_roles.yaml"), encoding: .utf8)
            #expect(text.contains("name: ci") && text.contains("token_period: 30m") && text.contains("renewable: false"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

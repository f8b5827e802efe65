import Foundation
import Testing
import TestSupport
import VaultAPI

/// Identity groups (`identity/group/name/NAME`) against a real server, both ways. Members are
/// named by entity and group name while the server holds IDs: members listed in another order
/// or written by ID out of band are no change; a real out-of-band change of any field, omitted
/// ones included, is drift that apply repairs (a type change by re-creating the group, with
/// `--allow-destroy`); an owned group the manifest drops is deleted; export writes names.
@Suite("identity groups against a dev server")
struct IdentityGroupTests {
    /// An entity's or group's ID, as the server holds it.
    static func id(_ path: String, _ server: DevServer) async throws -> String {
        try #require(try await server.client().request(.get, path).data?["id"]?.stringValue, "\(path)")
    }

    @Test("members reordered and names in any case are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-groups")
        defer { try? FileManager.default.removeItem(at: directory) }
        let alice = PlanExactnessTests.unique("alice"), bob = PlanExactnessTests.unique("bob"), carol = PlanExactnessTests.unique("carol")
        let team = PlanExactnessTests.unique("team"), sub = PlanExactnessTests.unique("sub"), ext = PlanExactnessTests.unique("ext")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            identity_entities:
              - { name: \(alice) }
              - { name: \(bob) }
              - { name: \(carol), ignore_fields: [policies, metadata, disabled] }
            identity_groups:
              - { name: \(team.uppercased()), type: internal, policies: [writer, reader], metadata: { team: payments },
                  member_entities: [\(bob), \(alice.uppercased())], member_groups: [\(sub)] }
              - { name: \(sub) }
              - { name: \(ext), type: external, policies: [reader] }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let clean = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(clean.code == 0, "\(clean.all)")

        let aliceID = try await Self.id("identity/entity/name/\(alice)", server), bobID = try await Self.id("identity/entity/name/\(bob)", server)
        let carolID = try await Self.id("identity/entity/name/\(carol)", server), subID = try await Self.id("identity/group/name/\(sub)", server)
        let teamPath = "identity/group/name/\(team)", subPath = "identity/group/name/\(sub)"
        try await BothWays.spellingsAreNoChange([
            ["write", teamPath, "member_entity_ids=\(bobID),\(aliceID)"],
            ["write", "identity/group/name/\(team.uppercased())", "member_entity_ids=\(aliceID),\(bobID),\(aliceID)"],
            ["write", teamPath, "policies=Reader, WRITER"],
            ["write", teamPath, "type=internal", "member_group_ids=\(subID)"],
        ], manifest: manifest, server: server)

        let address = "identity-group:\(team)", subAddress = "identity-group:\(sub)"
        let stray = try await BaoCommand(server: server).run(["write", "-field=id", "identity/group", "name=\(PlanExactnessTests.unique("stray"))"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await BothWays.driftsAreRepaired([
            .init(["write", teamPath, "policies=reader"], address, "policies"),
            .init(["write", teamPath, "metadata=team=other"], address, "metadata"),
            // A member removed out of band, and one added.
            .init(["write", teamPath, "member_entity_ids=\(aliceID)"], address, "member_entities"),
            .init(["write", teamPath, "member_group_ids="], address, "member_groups"),
            .init(["write", subPath, "policies=reader"], subAddress, "policies"),
            .init(["write", subPath, "metadata=by=hand"], subAddress, "metadata"),
            .init(["write", subPath, "member_entity_ids=\(carolID)"], subAddress, "member_entities"),
            .init(["write", subPath, "member_group_ids=\(stray)"], subAddress, "member_groups"),
            .init(["write", "identity/group/name/\(ext)", "policies=writer"], "identity-group:\(ext)", "policies"),
            .init(["write", "identity/group/name/\(ext)", "metadata=by=hand"], "identity-group:\(ext)", "metadata"),
            // An external group's members cannot be set by the API (the server refuses both lists).
        ], manifest: manifest, server: server)
        let read = try await server.client().request(.get, teamPath).data
        #expect(Set(read?["member_entity_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []) == [aliceID, bobID])
        #expect(read?["member_group_ids"]?.arrayValue?.compactMap(\.stringValue) == [subID])
    }

    @Test("a type changed out of band re-creates the group (--allow-destroy), and the group that lists it is rewritten with its new ID")
    func typeReplaces() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-groups-type")
        defer { try? FileManager.default.removeItem(at: directory) }
        let parent = PlanExactnessTests.unique("a-parent"), child = PlanExactnessTests.unique("z-child")
        let manifest = try SecretSchemaTests.write("""
            identity_groups:
              - { name: \(parent), member_groups: [\(child)] }
              - { name: \(child) }
            """, in: directory)
        // The parent sorts first but names the child: apply creates the child first.
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let client = try server.client()
        _ = try await client.request(.delete, "identity/group/name/\(child)")
        _ = try await client.request(.post, "identity/group/name/\(child)", body: ["type": "external"])
        let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
        let changed = try BothWays.changed(plan.output)
        #expect(changed.contains("identity-group:\(child) type") && changed.contains("identity-group:\(parent) member_groups"), "\(plan.output)")
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code == 1 && refused.all.contains("--allow-destroy"), "\(refused.all)")
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(repaired.code == 0, "\(repaired.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let childID = try await Self.id("identity/group/name/\(child)", server)
        let members = try await client.request(.get, "identity/group/name/\(parent)").data?["member_group_ids"]?.arrayValue
        #expect(members?.compactMap(\.stringValue) == [childID])
    }

    @Test("an owned group the manifest drops is deleted only with --allow-destroy; export writes member names and round-trips")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-groups-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            let alice = try await bao.run(["write", "-field=id", "identity/entity", "name=Alice"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let inner = try await bao.run(["write", "-field=id", "identity/group", "name=team-inner"]).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await bao.run(["write", "identity/group", "name=team-stray"])
            _ = try await bao.run(["write", "identity/group", "name=Team-Keep", "policies=b,a", "metadata=k=v",
                                   "member_entity_ids=\(alice)", "member_group_ids=\(inner)"])
            _ = try await bao.run(["write", "identity/group", "name=team-ext", "type=external"])
            let manifest = try SecretSchemaTests.write("""
                external_policies: [a, b]
                ownership:
                  - { kind: identity_group, prefix: team- }
                identity_entities:
                  - { name: alice }
                identity_groups:
                  - { name: team-keep, policies: [a, b], metadata: { k: v }, member_entities: [alice], member_groups: [team-inner] }
                  - { name: team-inner }
                  - { name: team-ext, type: external }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["delete identity-group:team-stray"], "\(plan.output)")
            let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(refused.code == 1 && refused.all.contains("--allow-destroy"), "\(refused.all)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
            #expect(applied.code == 0, "\(applied.all)")
            let names = try await server.client().request(.list, "identity/group/name").data?["keys"]?.arrayValue?.compactMap(\.stringValue)
            #expect(Set(names ?? []) == ["Team-Keep", "team-inner", "team-ext"])

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("identity-groups.yaml"), encoding: .utf8)
            #expect(text.contains("- alice") && text.contains("- team-inner") && text.contains("type: external"), "\(text)")
            // Names, never the server's IDs.
            #expect(!text.contains(alice) && !text.contains(inner), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Entity and group aliases against a real server. The manifest names an alias's auth method
/// by mount path and its entity or group by name; the server holds an accessor and an ID,
/// looked up when a write needs them, so an entity, its alias and a group containing it are
/// created in one apply, and a re-enabled auth method (a new accessor) is drift apply repairs.
@Suite("identity aliases against a dev server")
struct IdentityAliasTests {
    static func manifest(_ up: String, _ oidc: String, _ alice: String, _ bob: String, _ team: String, _ ops: String) -> String {
        """
        auth_methods:
          - { path: \(up), type: userpass }
          - { path: \(oidc), type: userpass }
        identity_entities:
          - { name: \(alice) }
          - { name: \(bob) }
        identity_groups:
          - { name: \(team), member_entities: [\(alice)] }
          - { name: \(ops), type: external }
        entity_aliases:
          - { name: \(alice.uppercased()), mount: \(up), entity: \(alice), custom_metadata: { team: payments } }
          - { name: \(bob), mount: \(up), entity: \(bob) }
        group_aliases:
          - { name: "CN=Ops,\(ops)", mount: \(oidc), group: \(ops) }
        """
    }

    /// The server's aliases: `mount_path name → entity or group ID`.
    static func aliases(_ kind: String, _ server: DevServer) async throws -> [String: String] {
        let info = try await server.client().request(.list, "identity/\(kind)/id").data?["key_info"]?.objectValue ?? [:]
        var result: [String: String] = [:]
        for (_, entry) in info {
            let key = "\(entry["mount_path"]?.stringValue ?? "(gone)") \(entry["name"]?.stringValue ?? "")"
            result[key] = entry["canonical_id"]?.stringValue
        }
        return result
    }

    @Test("an entity, its alias and a group containing it in one apply; every field both ways; a re-enabled auth method is drift apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-aliases")
        defer { try? FileManager.default.removeItem(at: directory) }
        let up = PlanExactnessTests.unique("up"), oidc = PlanExactnessTests.unique("oidc")
        let alice = PlanExactnessTests.unique("alice"), bob = PlanExactnessTests.unique("bob")
        let team = PlanExactnessTests.unique("team"), ops = PlanExactnessTests.unique("ops"), other = PlanExactnessTests.unique("other")
        let manifest = try SecretSchemaTests.write(Self.manifest(up, oidc, alice, bob, team, ops), in: directory)
        // Everything, the auth methods included, in one apply: each alias is written after the
        // method and entity it names, with their accessor and ID looked up then.
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let client = try server.client()
        let aliceID = try await IdentityGroupTests.id("identity/entity/name/\(alice)", server)
        let opsID = try await IdentityGroupTests.id("identity/group/name/\(ops)", server)
        #expect(try await Self.aliases("entity-alias", server)["auth/\(up)/ \(alice)"] == aliceID)
        #expect(try await Self.aliases("group-alias", server)["auth/\(oidc)/ cn=ops,\(ops)"] == opsID)

        let lookup = try await client.request(.post, "identity/lookup/entity", body: ["alias_name": .string(alice), "alias_mount_accessor":
            .string(try #require(try await client.request(.get, "sys/auth/\(up)").data?["accessor"]?.stringValue))]).data
        let aliasID = try #require(lookup?["aliases"]?.arrayValue?.first?["id"]?.stringValue)
        let aliasPath = "identity/entity-alias/id/\(aliasID)"
        let bao = BaoCommand(server: server)
        let otherID = try await bao.run(["write", "-field=id", "identity/group", "name=\(other)", "type=external"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let strangerID = try await bao.run(["write", "-field=id", "identity/entity", "name=\(other)"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let groupAliasID = try #require(try await client.request(.get, "identity/group/name/\(ops)").data?["alias"]?["id"]?.stringValue)
        let groupAliasPath = "identity/group-alias/id/\(groupAliasID)"
        // A group alias's update needs its accessor again.
        let oidcAccessor = "mount_accessor=" + (try #require(try await client.request(.get, "sys/auth/\(oidc)").data?["accessor"]?.stringValue))
        try await BothWays.spellingsAreNoChange([
            ["write", aliasPath, "name=\(alice.uppercased())"],
            ["write", aliasPath, "custom_metadata=team=payments"],
            ["write", groupAliasPath, "name=cn=ops,\(ops.uppercased())", oidcAccessor],
        ], manifest: manifest, server: server)

        let address = "entity-alias:\(up)/\(alice)", groupAddress = "group-alias:\(oidc)/cn=ops,\(ops)"
        let bobLookup = try await client.request(.post, "identity/lookup/entity", body: ["alias_name": .string(bob), "alias_mount_accessor":
            .string(try #require(try await client.request(.get, "sys/auth/\(up)").data?["accessor"]?.stringValue))]).data
        let bobAliasPath = "identity/entity-alias/id/" + (try #require(bobLookup?["aliases"]?.arrayValue?.first?["id"]?.stringValue))
        try await BothWays.driftsAreRepaired([
            .init(["write", aliasPath, "custom_metadata=team=other"], address, "custom_metadata"),
            .init(["write", aliasPath, "canonical_id=\(strangerID)"], address, "entity"),
            // Omitted in the manifest: managed at its fresh value.
            .init(["write", bobAliasPath, "custom_metadata=by=hand"], "entity-alias:\(up)/\(bob)", "custom_metadata"),
            .init(["write", groupAliasPath, "canonical_id=\(otherID)", oidcAccessor, "name=CN=Ops,\(ops)"], groupAddress, "group"),
            // The auth method disabled and enabled again: a new accessor, and the server keeps
            // the old aliases on the old one. The alias on the new method is created.
            .init(["auth", "disable", oidc], groupAddress, "mount"),
            .init(["auth", "enable", "-path=\(oidc)", "userpass"], groupAddress, "mount"),
        ], manifest: manifest, server: server)
        #expect(try await Self.aliases("entity-alias", server)["auth/\(up)/ \(alice)"] == aliceID)
        #expect(try await Self.aliases("group-alias", server)["auth/\(oidc)/ cn=ops,\(ops)"] == opsID)
    }

    @Test("an auth method the plan re-creates replaces its aliases, and a saved plan applies")
    func remountedInThePlan() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-aliases-remount")
        defer { try? FileManager.default.removeItem(at: directory) }
        let up = PlanExactnessTests.unique("up"), oidc = PlanExactnessTests.unique("oidc")
        let alice = PlanExactnessTests.unique("alice"), bob = PlanExactnessTests.unique("bob")
        let team = PlanExactnessTests.unique("team"), ops = PlanExactnessTests.unique("ops")
        let text = Self.manifest(up, oidc, alice, bob, team, ops)
        let manifest = try SecretSchemaTests.write(text, in: directory)
        // A saved plan holds names only: its writes look the IDs up when applied.
        let planFile = directory.appendingPathComponent("create.plan").path
        let saved = try await server.vaultform(["plan", manifest, "-out", planFile])
        #expect(saved.code == 0, "\(saved.all)")
        let applied = try await server.vaultform(["apply", planFile])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        // The method's type changes: it is re-created, and the aliases on it with it.
        let retyped = try SecretSchemaTests.write(
            text.replacingOccurrences(of: "{ path: \(up), type: userpass }", with: "{ path: \(up), type: approle }"), in: directory)
        let plan = try await server.vaultform(["plan", retyped, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
        let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
        #expect(actions == ["replace auth:\(up)/", "replace entity-alias:\(up)/\(alice)", "replace entity-alias:\(up)/\(bob)"], "\(plan.output)")
        let replanned = directory.appendingPathComponent("retype.plan").path
        #expect(try await server.vaultform(["plan", retyped, "-out", replanned]).code == 0)
        let repaired = try await server.vaultform(["apply", replanned, "--allow-destroy"])
        #expect(repaired.code == 0, "\(repaired.all)")
        #expect(try await server.vaultform(["plan", retyped, "--detailed-exitcode"]).code == 0)
        // The old aliases were deleted before their method was gone, not left behind.
        let aliases = try await Self.aliases("entity-alias", server).filter { $0.key.hasSuffix(" \(alice)") || $0.key.hasSuffix(" \(bob)") }
        #expect(aliases.keys.sorted() == ["auth/\(up)/ \(alice)", "auth/\(up)/ \(bob)"], "\(aliases)")
    }

    @Test("owned aliases the manifest drops are deleted; export writes mount paths and names and round-trips")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-aliases-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let text = Self.manifest("up", "oidc", "alice", "bob", "team", "ops")
            let first = try SecretSchemaTests.write(text, in: directory)
            #expect(try await server.vaultform(["apply", first, "--auto-approve"]).code == 0)
            let manifest = try SecretSchemaTests.write(text.replacingOccurrences(of: "  - { name: bob, mount: up, entity: bob }\n", with: "") + """

                ownership:
                  - { kind: entity_alias, mount: up }
                  - { kind: group_alias }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["delete entity-alias:up/bob"], "\(plan.output)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await Self.aliases("entity-alias", server).keys.sorted() == ["auth/up/ alice"])

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0, "\(export.all)")
            let entities = try String(contentsOf: exported.appendingPathComponent("entity-aliases.yaml"), encoding: .utf8)
            #expect(entities.contains("mount: up") && entities.contains("entity: alice") && !entities.contains("auth_userpass"), "\(entities)")
            let groups = try String(contentsOf: exported.appendingPathComponent("group-aliases.yaml"), encoding: .utf8)
            #expect(groups.contains("mount: oidc") && groups.contains("group: ops"), "\(groups)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

import Testing
import VaultformAccess
import VaultformPolicy

/// The evaluator's rules on hand-picked cases (the differential test in IntegrationTests
/// checks thousands against the server).
@Suite struct ACLTests {
    static func acl(_ policies: [String: [(String, [Capability])]]) -> ACL {
        ACL(policies.sorted { $0.key < $1.key }.map { name, rules in
            (name, PolicyDocument(rules: rules.map { PathRule(path: $0.0, capabilities: $0.1) }))
        })
    }

    @Test func exactBeatsGlobsAndDenyWins() {
        let acl = Self.acl([
            "a": [("kv/data/*", [.read]), ("kv/data/locked", [.list]), ("kv/+/team/*", [.create, .update])],
            "b": [("kv/data/*", [.update]), ("kv/data/secret", [.deny])],
        ])
        #expect(acl.capabilities(on: "kv/data/x") == ["read", "update"])
        #expect(acl.capabilities(on: "kv/data/locked") == ["list"])
        #expect(acl.capabilities(on: "kv/data/secret") == ["deny"])
        #expect(acl.capabilities(on: "kv/data/team/a") == ["read", "update"], "the glob's wildcard comes later than the `+`")
        #expect(acl.capabilities(on: "kv/meta/team/a") == ["create", "update"])
        #expect(acl.capabilities(on: "other") == ["deny"])
        #expect(acl.decide("kv/data/x")?.policies == ["a", "b"])
    }

    @Test func listFallbacksAndEmptySegments() {
        let acl = Self.acl(["p": [("a/+", [.read]), ("b", [.list]), ("c/*", [.sudo])]])
        #expect(acl.capabilities(on: "a/") == ["read"], "`+` matches the empty segment")
        #expect(acl.capabilities(on: "b/") == ["list"], "a LIST tries the exact rule without the slash")
        #expect(acl.capabilities(on: "c") == ["deny"])
        #expect(ACL([("root", PolicyDocument(rules: []))]).capabilities(on: "anything") == ["root"])
    }

    static func document(_ text: String) throws -> PolicyDocument { try PolicyParser.parse(text).get() }

    @Test func theMostSpecificPatternWins() throws {
        let policy = ACL([("p", try Self.document("""
            path "kv/*" { capabilities = ["read"] }
            path "kv/data/*" { capabilities = ["create", "update"] }
            path "kv/data/locked" { capabilities = ["list"] }
            path "kv/+/team/*" { capabilities = ["delete"] }
            """))])
        #expect(policy.capabilities(on: "kv/data/x") == ["create", "update"])
        #expect(policy.capabilities(on: "kv/data/locked") == ["list"], "an exact rule replaces the globs")
        #expect(policy.capabilities(on: "kv/metadata/x") == ["read"])
        #expect(policy.capabilities(on: "kv/data/team/a") == ["create", "update"], "the later wildcard wins")
        // Both wildcards start at the same place; the one with fewer `+` segments wins.
        #expect(policy.capabilities(on: "kv/meta/team/a") == ["read"])
        let team = ACL([("t", try Self.document(#"path "app/+/team/*" { capabilities = ["delete"] }"#))])
        #expect(team.capabilities(on: "app/x/team/a") == ["delete"])
        #expect(team.capabilities(on: "app/x/other/a") == ["deny"])
        #expect(policy.capabilities(on: "other/x") == ["deny"])
        #expect(ACL([("g", try Self.document(#"path "kv/data/*" { capabilities = ["read"] }"#))]).capabilities(on: "kv/data") == ["deny"])
    }
}

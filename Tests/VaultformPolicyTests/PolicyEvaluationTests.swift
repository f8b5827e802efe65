import Testing
import VaultformPolicy

/// Which rule decides a request path, as the server picks it.
@Suite struct PolicyEvaluationTests {
    static func document(_ text: String) throws -> PolicyDocument { try PolicyParser.parse(text).get() }

    @Test func exactBeatsGlobAndTheMostSpecificGlobWins() throws {
        let policy = try Self.document("""
            path "kv/*" { capabilities = ["read"] }
            path "kv/data/*" { capabilities = ["create", "update"] }
            path "kv/data/locked" { capabilities = ["list"] }
            path "kv/+/team/*" { capabilities = ["delete"] }
            """)
        #expect(PolicyEvaluation.capabilities(on: "kv/data/x", in: [policy]) == [.create, .update])
        #expect(PolicyEvaluation.capabilities(on: "kv/data/locked", in: [policy]) == [.list], "an exact rule replaces the globs")
        #expect(PolicyEvaluation.capabilities(on: "kv/metadata/x", in: [policy]) == [.read])
        #expect(PolicyEvaluation.capabilities(on: "kv/data/team/a", in: [policy]) == [.create, .update], "the later wildcard wins")
        // Both wildcards start at the same place; the one with fewer `+` segments wins.
        #expect(PolicyEvaluation.capabilities(on: "kv/meta/team/a", in: [policy]) == [.read])
        #expect(PolicyEvaluation.capabilities(on: "app/x/team/a", in: [try Self.document(#"path "app/+/team/*" { capabilities = ["delete"] }"#)]) == [.delete])
        #expect(PolicyEvaluation.capabilities(on: "app/x/other/a", in: [try Self.document(#"path "app/+/team/*" { capabilities = ["delete"] }"#)]).isEmpty)
        #expect(PolicyEvaluation.capabilities(on: "other/x", in: [policy]).isEmpty)
        #expect(PolicyEvaluation.capabilities(on: "kv/data", in: [try Self.document(#"path "kv/data/*" { capabilities = ["read"] }"#)]).isEmpty)
    }

    @Test func policiesMergeAndDenyWins() throws {
        let a = try Self.document(#"path "kv/data/*" { capabilities = ["read"] }"#)
        let b = try Self.document(#"path "kv/data/*" { capabilities = ["update"] }"#)
        #expect(PolicyEvaluation.capabilities(on: "kv/data/x", in: [a, b]) == [.read, .update])
        let deny = try Self.document(#"path "kv/data/*" { capabilities = ["deny"] }"#)
        #expect(PolicyEvaluation.capabilities(on: "kv/data/x", in: [a, deny]).isEmpty)
    }
}

import Testing
import VaultformCore
import VaultformPolicy

/// The server compares text by bytes; Swift's `String ==` by canonical equivalence. Every
/// comparison a plan makes must side with the server: a value changed only in its Unicode
/// normalisation is a change, and two such names are two objects.
@Suite struct ExactComparisonTests {
    /// `café` with a precomposed é (U+00E9) and with e + combining acute accent (U+0301).
    static let composed = "caf\u{E9}"
    static let decomposed = "cafe\u{301}"

    @Test("the two spellings are equal to Swift and different to the server")
    func premise() {
        #expect(Self.composed == Self.decomposed)
        #expect(!Self.composed.hasSameBytes(as: Self.decomposed))
    }

    @Test("field values: strings, lists, sets and maps compare by bytes")
    func fieldValues() {
        #expect(FieldValue.string(Self.composed) != .string(Self.decomposed))
        #expect(FieldValue.string(Self.composed) == .string("caf\u{E9}"))
        #expect(FieldValue.list([Self.composed]) != .list([Self.decomposed]))
        #expect(FieldValue.unorderedSet([Self.composed]) != .unorderedSet([Self.decomposed]))
        #expect(FieldValue.map(["path": Self.composed]) != .map(["path": Self.decomposed]))
        // A set keeps both spellings, as the server does, in a stable order.
        #expect(FieldValue.unorderedSet([Self.decomposed, Self.composed, Self.composed]) == .set([Self.decomposed, Self.composed]))
    }

    @Test("policies: a path differing only in normalisation is another rule")
    func policies() {
        let first = PolicyDocument(rules: [PathRule(path: "secret/data/\(Self.composed)/*", capabilities: [.read])])
        let second = PolicyDocument(rules: [PathRule(path: "secret/data/\(Self.decomposed)/*", capabilities: [.read])])
        #expect(first != second)
        // Blocks for both spellings stay two rules, never merged into one.
        let both = PolicyDocument(rules: first.rules + second.rules)
        #expect(both.rules.count == 2)
    }

    @Test("addresses: two spellings are two objects")
    func addresses() {
        let first = Address(.secretsEngine, "\(Self.composed)/")
        let second = Address(.secretsEngine, "\(Self.decomposed)/")
        #expect(first != second)
        #expect(Set([first, second]).count == 2)
        #expect([first: 1][second] == nil)
    }

    @Test("the planner sees the change, and the mount option comparison too")
    func planner() {
        let desired = DesiredState(entries: [
            .init(resource: Resource(Address(.secretsEngine, "kv/"), fields: [
                "description": .string(Self.composed), "options": .map(["version": "2"]),
            ]), location: nil),
        ])
        let live = LiveState(resources: [
            Resource(Address(.secretsEngine, "kv/"), fields: [
                "description": .string(Self.decomposed), "options": .map(["version": "2"]),
            ]),
        ])
        let plan = Planner.plan(desired: desired, live: live)
        #expect(plan.operations.map(\.address) == [Address(.secretsEngine, "kv/")])
        #expect(plan.operations.first?.changes.map(\.field) == ["description"])
    }

    @Test("a field value is small inline: each resource holds one per field its kind defaults, so plan's memory scales with it")
    func fieldValueIsSmall() {
        // 16 bytes of String or array payload and a tag: the policy, secret and write-only
        // cases are boxed. Unboxed, the write-only value made every value over 70 bytes.
        #expect(MemoryLayout<FieldValue>.size <= 17, "\(MemoryLayout<FieldValue>.size)")
    }
}

import Crypto
import Foundation
import Testing
import VaultformCore
import VaultWire

/// The saved plan's digest: every change to what apply would act on is detected; layout is not.
@Suite struct PlanDigestTests {
    /// A JSON document, to change one member of a plan file at a time.
    typealias Tree = JSONValue

    /// A plan with a create (a role with every kind of value), an update and a secret write.
    static func file(key: SymmetricKey? = nil) throws -> PlanFile {
        let desired = try PlannerTests.desired(PlannerTests.role + "\n" + SecretPlannerTests.schema)
        let live = LiveState(
            resources: [Resource(Address(.policy, "reader"), fields: ["policy": .string("old")])],
            secrets: ["secret/app/config": SecretObservation(
                version: 2, exists: true, sources: ["api_key": .available(shape: "string, 20 characters")])])
        let plan = Planner.plan(desired: desired, live: live)
        return PlanFile(
            plan: plan, live: live, desired: desired, manifestPath: "m.yaml",
            server: .init(address: "http://127.0.0.1:8200", namespace: "team", flavour: "OpenBao", version: "2.7.2"),
            vaultformVersion: "test", key: key)
    }

    static let key = SymmetricKey(data: Data(repeating: 7, count: 32))

    @Test("every single change to any member of a saved plan is refused, keyed or not", arguments: [false, true])
    func everyChangeIsDetected(keyed: Bool) throws {
        let key = keyed ? Self.key : nil
        let file = try Self.file(key: key)
        #expect(Set(file.changes.map(\.action)) == ["create", "update"], "\(file.changes.map(\.address))")
        let original = try JSONDecoder().decode(Tree.self, from: try file.encoded())
        var checked = 0, refusedOnDecoding = 0
        for (what, mutated) in original.mutations {
            let data = try JSONEncoder().encode(mutated)
            guard let decoded = try? PlanFile.decode(data) else {
                refusedOnDecoding += 1
                continue
            }
            checked += 1
            #expect(throws: PlanFileError.self, "\(what) was not detected") { try PlanDigest.check(decoded, key: key) }
        }
        #expect(checked > 100, "\(checked) variants checked, \(refusedOnDecoding) refused when decoding")
        // The file as saved passes, whatever its layout (compact, other key order).
        let compact = try PlanFile.decode(try JSONEncoder().encode(original))
        try PlanDigest.check(compact, key: key)
        try PlanDigest.check(try PlanFile.decode(try file.encoded()), key: key)
    }

    @Test("a change to the desired state is detected: desired objects, and the digest of the whole manifest")
    func desiredStateChanges() throws {
        let file = try Self.file()
        var edited = file
        let index = try #require(edited.changes.firstIndex { $0.desired?["token_ttl"] != nil })
        edited.changes[index].desired?["token_ttl"] = .seconds(7200)
        #expect(throws: PlanFileError.self) { try PlanDigest.check(edited, key: nil) }
        // An update carries its desired object too (apply reads back against it).
        edited = file
        let update = try #require(edited.changes.firstIndex { $0.action == "update" && $0.desired != nil })
        edited.changes[update].desired?["policy"] = .string("path \"b\" { capabilities = [\"read\"] }")
        #expect(throws: PlanFileError.self) { try PlanDigest.check(edited, key: nil) }
        edited = file
        edited.desiredDigest = "sha256:" + String(repeating: "0", count: 64)
        #expect(throws: PlanFileError.self) { try PlanDigest.check(edited, key: nil) }
        edited = file
        edited.changes[index].fields[0].after = .string("edited")
        #expect(throws: PlanFileError.self) { try PlanDigest.check(edited, key: nil) }
        // Recomputing an unkeyed digest passes (it is not a signature); a keyed one needs the key.
        edited.digest = PlanDigest.of(edited, key: nil)
        try PlanDigest.check(edited, key: nil)
    }

    @Test("keyed: the wrong key, no key, a digest recomputed without the key, or removed, are all refused")
    func keyed() throws {
        let file = try Self.file(key: Self.key)
        #expect(file.digest?.hasPrefix("hmac-sha256:") == true)
        try PlanDigest.check(file, key: Self.key)
        #expect(throws: PlanFileError.self) { try PlanDigest.check(file, key: SymmetricKey(data: Data(repeating: 8, count: 32))) }
        #expect(throws: PlanFileError.self) { try PlanDigest.check(file, key: nil) }
        var forged = file
        forged.changes[0].action = "delete"
        forged.digest = PlanDigest.of(forged, key: nil)
        #expect(throws: PlanFileError.self, "an unkeyed digest while the server has a key") {
            try PlanDigest.check(forged, key: Self.key)
        }
        forged.digest = nil
        #expect(throws: PlanFileError.self) { try PlanDigest.check(forged, key: Self.key) }
        #expect(throws: PlanFileError.self) { try PlanDigest.check(forged, key: nil) }
        let unkeyed = try Self.file()
        #expect(unkeyed.digest?.hasPrefix("sha256:") == true)
        try PlanDigest.check(unkeyed, key: nil)
    }
}

/// Every variant of a plan file's JSON with one change, for the digest test.
extension JSONValue {
    /// Every variant of this tree with exactly one value or one member name changed.
    var mutations: [(String, JSONValue)] {
        switch self {
        case .null: return [("null → string", .string("x"))]
        case .bool(let value): return [("\(value) → \(!value)", .bool(!value))]
        case .number(let value): return [("\(value) → \(value + 1)", .number(value + 1))]
        case .string(let value): return [("\"\(value.prefix(30))\" + x", .string(value + "x"))]
        case .array(let items):
            var result: [(String, JSONValue)] = items.isEmpty ? [("[] → [\"x\"]", .array([.string("x")]))] : []
            // (Dropping the last of none changes nothing: no mutation.)
            if !items.isEmpty { result.append(("drop last of \(items.count)", .array(Array(items.dropLast())))) }
            for (index, item) in items.enumerated() {
                for (what, changed) in item.mutations {
                    var copy = items
                    copy[index] = changed
                    result.append(("[\(index)] \(what)", .array(copy)))
                }
            }
            return result
        case .object(let members):
            var result: [(String, JSONValue)] = []
            for key in members.keys.sorted() {
                var renamed = members
                renamed[key + "x"] = renamed.removeValue(forKey: key)
                result.append(("rename \(key)", .object(renamed)))
                for (what, changed) in members[key]?.mutations ?? [] {
                    var copy = members
                    copy[key] = changed
                    result.append(("\(key).\(what)", .object(copy)))
                }
            }
            return result
        }
    }
}

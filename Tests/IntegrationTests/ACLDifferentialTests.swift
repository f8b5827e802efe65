import Foundation
import Testing
import VaultAPI
import VaultformAccess
import VaultformPolicy

/// The ACL evaluator against the real server: seeded random policies (exact paths, `*`
/// globs, `+` segment wildcards, `deny`, the same pattern in several policies) are written
/// to a dev server, and `sys/capabilities` is asked, for a token holding them and nothing
/// else, about random paths, and every answer must equal the evaluator's, exactly. A mismatch is a
/// bug in the evaluator; its seed reproduces it (`VAULTFORM_ACL_SEED`).
@Suite("the ACL evaluator against the server's sys/capabilities-self")
struct ACLDifferentialTests {
    /// The project's seeded SplitMix64 (VaultAPI), with the few draws the generator needs.
    typealias Generator = SeededRandomNumberGenerator

    static let segments = ["a", "b", "ab", "abc", "c"]
    static let grantable: [Capability] = [.create, .read, .update, .patch, .delete, .list, .scan, .sudo]

    /// A policy pattern: 1–4 segments, some `+`, the last sometimes with a trailing `*`
    /// (never after `+`: the server refuses `+*`).
    static func pattern(_ random: inout Generator) -> String {
        let count = 1 + random.below(4)
        var parts: [String] = []
        for _ in 0..<count { parts.append(random.chance(25) ? "+" : random.pick(segments)) }
        var text = parts.joined(separator: "/")
        if random.chance(40) {
            if text.hasSuffix("+") { text += "/" }
            // `a*` (a prefix within the segment), or `a/*`.
            text += random.chance(50) && !text.hasSuffix("/") ? "*" : (text.hasSuffix("/") ? "*" : "/*")
        } else if random.chance(10) {
            text += "/"
        }
        return text
    }

    /// A request path: 1–5 segments, sometimes ending in `/`.
    static func path(_ random: inout Generator) -> String {
        let count = 1 + random.below(5)
        var text = (0..<count).map { _ in random.pick(segments) }.joined(separator: "/")
        if random.chance(20) { text += "/" }
        return text
    }

    static func capabilities(_ random: inout Generator) -> [Capability] {
        if random.chance(12) { return [.deny] }
        var chosen: Set<Capability> = []
        for _ in 0..<(1 + random.below(3)) { chosen.insert(random.pick(grantable)) }
        return chosen.sorted()
    }

    /// One case group: 1–3 policies, each of 1–6 rules with distinct patterns, and the paths asked.
    static func group(_ random: inout Generator, paths count: Int) -> (policies: [[PathRule]], paths: [String]) {
        var policies: [[PathRule]] = []
        for _ in 0..<(1 + random.below(3)) {
            var rules: [PathRule] = []
            var seen: Set<String> = []
            for _ in 0..<(1 + random.below(6)) {
                let pattern = Self.pattern(&random)
                guard seen.insert(pattern).inserted else { continue }
                rules.append(PathRule(path: pattern, capabilities: capabilities(&random)))
            }
            policies.append(rules)
        }
        var paths: Set<String> = []
        while paths.count < count { paths.insert(path(&random)) }
        return (policies, paths.sorted())
    }

    @Test("10,000 seeded cases: sys/capabilities-self and the evaluator agree on every one")
    func differential() async throws {
        let server = try await DevServer.shared()
        let root = try server.client()
        let seed = UInt64(ProcessInfo.processInfo.environment["VAULTFORM_ACL_SEED"] ?? "") ?? 20_261_202
        let groups = 500, pathsPerGroup = 20
        let run = UUID().uuidString.prefix(8).lowercased()
        let results = try await withThrowingTaskGroup(of: (Int, [String]).self) { tasks in
            var mismatches: [String] = []
            var cases = 0
            var next = 0
            func start(_ index: Int) {
                tasks.addTask {
                    var random = Generator(seed: seed &+ UInt64(index) &* 1_000_003)
                    let (policies, paths) = Self.group(&random, paths: pathsPerGroup)
                    var named: [(name: String, document: PolicyDocument)] = []
                    for (number, rules) in policies.enumerated() {
                        let name = "acl-\(run)-\(index)-\(number)"
                        let document = PolicyDocument(rules: rules)
                        _ = try await root.request(.put, "sys/policies/acl/\(name)", body: ["policy": .string(document.renderHCL())], idempotent: true)
                        named.append((name, document))
                    }
                    let created = try await root.request(.post, "auth/token/create", body: [
                        "policies": .array(named.map { .string($0.name) }), "no_default_policy": true, "ttl": "10m",
                    ])
                    let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
                    // Asked by root about the token (`sys/capabilities`, the same evaluation as
                    // `capabilities-self`, which a token without `default` may not call).
                    let answer = try await root.request(
                        .post, "sys/capabilities", body: ["token": .string(token), "paths": .array(paths.map(JSONValue.string))])
                    let acl = ACL(named)
                    var found: [String] = []
                    for path in paths {
                        let server = answer.data?[path]?.arrayValue?.compactMap(\.stringValue) ?? ["(missing)"]
                        let evaluated = acl.capabilities(on: path)
                        if server != evaluated {
                            let text = named.map { "\($0.name): \($0.document.renderHCL())" }.joined(separator: "\n")
                            found.append("group \(index), path \(path): server \(server), evaluator \(evaluated)\n\(text)")
                        }
                    }
                    _ = try? await root.request(.post, "auth/token/revoke", body: ["token": .string(token)])
                    for entry in named { _ = try? await root.request(.delete, "sys/policies/acl/\(entry.name)") }
                    return (paths.count, found)
                }
            }
            while next < min(8, groups) { start(next); next += 1 }
            for try await (count, found) in tasks {
                cases += count
                mismatches += found
                if next < groups { start(next); next += 1 }
            }
            return (cases, mismatches)
        }
        print("ACL differential: \(results.0) cases (seed \(seed)), \(results.1.count) mismatches")
        #expect(results.0 >= 10_000)
        #expect(results.1.isEmpty, "\(results.1.count) mismatches; the first:\n\(results.1.prefix(5).joined(separator: "\n---\n"))")
    }
}

extension SeededRandomNumberGenerator {
    /// A number in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    /// One of `items`.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

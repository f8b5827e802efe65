import VaultformPolicy

/// A token's policies as the server evaluates them: the rules of every policy merged by
/// pattern, and each request path decided the way OpenBao's ACL does (internal/vault/policy
/// acl.go, OpenBao 2.7):
///
/// - a policy path loses one leading `/`; it has *segment wildcards* when it is `+`, starts
///   with `+/` or holds `/+` (then `+` segments match any one segment, the empty one too, and
///   a trailing `*` is kept: its last segment then matches by prefix and takes the rest);
///   otherwise a trailing `*` makes it a *prefix* rule and anything else an *exact* one;
/// - rules for the same pattern merge across policies: their capabilities unite, and a
///   `deny` in any of them leaves only `deny`;
/// - a path is decided by the exact rule for it; failing that, by the longest prefix rule
///   and the matching segment-wildcard rules, the highest by priority (the first wildcard
///   or glob later; not a prefix; fewer `+` segments; longer; lexicographically greater);
/// - `sys/capabilities-self` asks as a LIST, which also tries the exact rule for the path
///   without a trailing `/`, and, for a path ending in `/`, the non-exact rules for it
///   without the `/` after those for it with.
///
/// Parameter constraints, wrapping TTLs, control groups and expirations are not evaluated.
public struct ACL: Sendable {
    /// One merged pattern: what it grants and the policies that grant it.
    public struct Grant: Sendable, Equatable {
        /// The pattern as the server keys it (a prefix rule without its `*`).
        public var pattern: String
        /// How the pattern matches.
        public var form: Form
        /// The merged capabilities (only `deny` when any rule denies).
        public var capabilities: Set<Capability>
        /// The policies whose rules for this pattern are merged here, in the order given.
        public var policies: [String]

        /// The pattern as a policy writes it (a prefix rule with its `*`).
        public var written: String { form == .prefix ? pattern + "*" : pattern }

        /// The capabilities as the server lists them: only `deny`, or sorted by name.
        public var names: [String] {
            capabilities.contains(.deny) ? ["deny"] : capabilities.map(\.rawValue).sorted { String.lexicallyBefore($0, $1) }
        }
    }

    /// How a pattern matches a path.
    public enum Form: Sendable, Equatable {
        case exact
        case prefix
        case segmentWildcards
    }

    private var exact: [String: Grant] = [:]
    private var prefixes: [String: Grant] = [:]
    private var wildcards: [String: Grant] = [:]
    /// Whether the token holds the `root` policy.
    public let isRoot: Bool
    /// Every merged pattern, sorted by how it is written (by bytes); sorted once, because the
    /// lint asks for them for every area of every principal.
    public private(set) var grants: [Grant] = []

    /// The ACL of a token holding `policies` (name and document). The `root` policy, alone,
    /// makes a root ACL.
    public init(_ policies: [(name: String, document: PolicyDocument)]) {
        isRoot = policies.contains { $0.name == "root" }
        for (name, document) in policies {
            for rule in document.rules { add(rule.path, Set(rule.capabilities), policy: name) }
        }
        grants = (Array(exact.values) + Array(prefixes.values) + Array(wildcards.values))
            .sorted { String.lexicallyBefore($0.written, $1.written) }
    }

    private mutating func add(_ written: String, _ capabilities: Set<Capability>, policy: String) {
        var path = written.hasPrefix("/") ? String(written.dropFirst()) : written
        let form: Form
        if path == "+" || path.hasPrefix("+/") || Self.holdsSlashPlus(path) {
            form = .segmentWildcards
        } else if path.hasSuffix("*") {
            path.removeLast()
            form = .prefix
        } else {
            form = .exact
        }
        let granted: Set<Capability> = capabilities.contains(.deny) ? [.deny] : capabilities
        func merge(_ table: inout [String: Grant]) {
            guard var grant = table[path] else {
                table[path] = Grant(pattern: path, form: form, capabilities: granted, policies: [policy])
                return
            }
            if grant.capabilities.contains(.deny) { return }
            grant.capabilities = granted.contains(.deny) ? [.deny] : grant.capabilities.union(granted)
            if !grant.policies.contains(policy) { grant.policies.append(policy) }
            table[path] = grant
        }
        switch form {
        case .exact: merge(&exact)
        case .prefix: merge(&prefixes)
        case .segmentWildcards: merge(&wildcards)
        }
    }

    /// What `sys/capabilities-self` answers for `path` (from the token's namespace, no
    /// leading `/`): `["root"]`, `["deny"]`, or the granted capabilities sorted by name (the
    /// server sorts them: internal/vault/capabilities.go).
    public func capabilities(on path: String) -> [String] {
        if isRoot { return ["root"] }
        let granted = decide(path)?.capabilities ?? []
        if granted.contains(.deny) || granted.isEmpty { return ["deny"] }
        return granted.map(\.rawValue).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The grant that decides `path` as `sys/capabilities-self` asks (a LIST); nil when no
    /// rule matches.
    public func decide(_ path: String) -> Grant? {
        var path = path
        while path.hasPrefix("/") { path.removeFirst() }
        if let grant = exact[path] { return grant }
        if path.hasSuffix("/"), let grant = exact[String(path.dropLast())] { return grant }
        if let grant = nonExact(path) { return grant }
        if path.hasSuffix("/") { return nonExact(String(path.dropLast())) }
        return nil
    }

    /// Whether `path` holds `/+`, by bytes (Foundation's `contains`, which a `String` finds
    /// first, bridges to `NSString` for every rule of every principal's ACL).
    private static func holdsSlashPlus(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/") && byte == UInt8(ascii: "+") { return true }
            previous = byte
        }
        return false
    }

    /// The longest prefix rule and the matching segment-wildcard rules, the highest by priority.
    private func nonExact(_ path: String) -> Grant? {
        struct Candidate {
            var firstWildcard: Int
            var isPrefix: Bool
            var wildcards: Int
            var length: Int
            var pattern: String
            var grant: Grant
        }
        var candidates: [Candidate] = []
        let longest = prefixes.keys.filter { path.utf8.starts(with: $0.utf8) }.max { $0.utf8.count < $1.utf8.count }
        if let longest, let grant = prefixes[longest] {
            if wildcards.isEmpty { return grant }
            let length = longest.utf8.count
            candidates.append(Candidate(firstWildcard: length, isPrefix: true, wildcards: 0, length: length, pattern: longest, grant: grant))
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for (full, grant) in wildcards where !full.isEmpty {
            let firstPlus = full.utf8.firstIndex(of: UInt8(ascii: "+")).map { full.utf8.distance(from: full.utf8.startIndex, to: $0) } ?? -1
            var pattern = full
            let isPrefix = pattern.hasSuffix("*")
            if isPrefix { pattern.removeLast() }
            let wanted = pattern.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= wanted.count, isPrefix || parts.count == wanted.count else { continue }
            var count = 0
            var matched = true
            for (index, segment) in wanted.enumerated() {
                if segment == "+" {
                    count += 1
                } else if segment.utf8.elementsEqual(parts[index].utf8) {
                    continue
                } else if isPrefix && index == wanted.count - 1 && parts[index].utf8.starts(with: segment.utf8) {
                    continue
                } else {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            candidates.append(Candidate(
                firstWildcard: firstPlus, isPrefix: isPrefix, wildcards: count, length: pattern.utf8.count, pattern: pattern, grant: grant))
        }
        // The server's order, lowest first; the last is the most specific.
        func lower(_ a: Candidate, _ b: Candidate) -> Bool {
            if a.firstWildcard != b.firstWildcard { return a.firstWildcard < b.firstWildcard }
            if a.isPrefix != b.isPrefix { return a.isPrefix }
            if a.wildcards != b.wildcards { return a.wildcards > b.wildcards }
            if a.length != b.length { return a.length < b.length }
            return String.lexicallyBefore(a.pattern, b.pattern)
        }
        return candidates.max(by: lower)?.grant
    }
}

extension String {
    /// Go's string order: by bytes.
    static func lexicallyBefore(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}

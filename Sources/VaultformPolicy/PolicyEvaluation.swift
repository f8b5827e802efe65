/// What a set of policies grants on one concrete request path, decided the way the server
/// does: the rules of every policy are merged by pattern, an exact pattern wins, otherwise
/// the most specific matching `+`/`*` pattern does, and a `deny` there takes everything away.
/// Parameter constraints, expirations and MFA are not considered.
public enum PolicyEvaluation {
    /// The capabilities `documents` together grant on `path` (no leading `/`); empty when
    /// nothing matches or the deciding rule denies.
    public static func capabilities(on path: String, in documents: [PolicyDocument]) -> Set<Capability> {
        var merged: [String: Set<Capability>] = [:]
        for document in documents {
            for rule in document.rules { merged[rule.path, default: []].formUnion(rule.capabilities) }
        }
        let deciding: Set<Capability>?
        if let exact = merged[path], !isPattern(path) {
            deciding = exact
        } else {
            let candidates = merged.keys.filter { isPattern($0) && matches($0, path) }
            deciding = candidates.max(by: lowerPriority).flatMap { merged[$0] }
        }
        guard let granted = deciding, !granted.contains(.deny) else { return [] }
        return granted
    }

    /// Whether `pattern` has a `+` segment or a trailing `*`.
    static func isPattern(_ pattern: String) -> Bool {
        pattern.hasSuffix("*") || pattern.split(separator: "/", omittingEmptySubsequences: false).contains("+")
    }

    /// Whether `pattern` matches `path`: `+` stands for exactly one segment, a trailing `*`
    /// for any rest (within the last segment and beyond).
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let glob = pattern.hasSuffix("*")
        let wanted = (glob ? String(pattern.dropLast()) : pattern).split(separator: "/", omittingEmptySubsequences: false)
        let given = path.split(separator: "/", omittingEmptySubsequences: false)
        guard glob ? given.count >= wanted.count : given.count == wanted.count else { return false }
        for (index, segment) in wanted.enumerated() {
            let actual = given[index]
            if glob && index == wanted.count - 1 {
                if segment == "+" { return !actual.isEmpty }
                return actual.hasPrefix(segment)
            }
            if segment == "+" {
                if actual.isEmpty { return false }
            } else if segment != actual {
                return false
            }
        }
        return true
    }

    /// The server's order between two matching patterns: the first wildcard later, no
    /// trailing `*`, fewer `+` segments, longer, then lexicographically greater wins.
    static func lowerPriority(_ lhs: String, _ rhs: String) -> Bool {
        func firstWildcard(_ pattern: String) -> Int {
            let characters = Array(pattern)
            return characters.firstIndex { $0 == "+" || $0 == "*" } ?? characters.count
        }
        func pluses(_ pattern: String) -> Int {
            pattern.split(separator: "/", omittingEmptySubsequences: false).filter { $0 == "+" }.count
        }
        if firstWildcard(lhs) != firstWildcard(rhs) { return firstWildcard(lhs) < firstWildcard(rhs) }
        if lhs.hasSuffix("*") != rhs.hasSuffix("*") { return lhs.hasSuffix("*") }
        if pluses(lhs) != pluses(rhs) { return pluses(lhs) > pluses(rhs) }
        if lhs.count != rhs.count { return lhs.count < rhs.count }
        return lhs < rhs
    }
}

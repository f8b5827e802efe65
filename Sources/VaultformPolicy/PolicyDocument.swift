/// A whole ACL policy by meaning: one rule per path, sorted by path.
///
/// vaultform compares the policy it would write with the text the server holds; the server
/// keeps text verbatim, so only this normalised form makes whitespace, comments, order and
/// repeated blocks disappear from a plan.
public struct PolicyDocument: Sendable, Equatable {
    /// The rules, one per path (and expiration), sorted by path.
    public var rules: [PathRule]
    /// The author's text, when the document came from one: what vaultform writes to the
    /// server, comments, order and layout included, so the rationale a reviewer wrote stays
    /// on the server. Not part of the meaning: `==` ignores it.
    public var text: String?

    /// Builds a document and normalises it, merging blocks for the same path as the server does.
    public init(rules: [PathRule]) {
        self.rules = Self.normalize(rules)
    }

    /// A document that remembers its author's text, which is what apply writes.
    public init(rules: [PathRule], text: String?) {
        self.rules = Self.normalize(rules)
        self.text = text
    }

    /// The text to write to the server: the author's, or canonical HCL when there is none.
    public var textToWrite: String { text ?? renderHCL() }

    /// The document with same-path rules merged and sorted; idempotent. Needed only after
    /// editing `rules` directly.
    public func normalized() -> PolicyDocument {
        PolicyDocument(rules: rules, text: text)
    }

    /// Two documents are equal when they mean the same, even if `rules` was edited into a
    /// non-canonical order after construction.
    public static func == (lhs: PolicyDocument, rhs: PolicyDocument) -> Bool {
        // Equal rules normalise alike; only rules that differ as stored need normalising
        // (a parsed document's rules already are, so this is the common case of a match).
        lhs.rules == rhs.rules || Self.normalize(lhs.rules) == Self.normalize(rhs.rules)
    }

    /// A path and expiration, by bytes: blocks merge only when the server would merge them.
    private struct MergeKey: Hashable {
        var path: [UInt8]
        var expiration: [UInt8]?
    }

    private static func normalize(_ rules: [PathRule]) -> [PathRule] {
        var merged: [MergeKey: PathRule] = [:]
        var order: [MergeKey] = []
        for rule in rules.map({ $0.normalized() }) {
            let key = MergeKey(path: Array(rule.path.utf8), expiration: rule.expiration.map { Array($0.utf8) })
            if let existing = merged[key] {
                merged[key] = existing.merging(rule)
            } else {
                merged[key] = rule
                order.append(key)
            }
        }
        return order.compactMap { merged[$0] }.sorted { lhs, rhs in
            if !lhs.path.hasSameBytes(as: rhs.path) {
                return String.byteOrder(lhs.path, rhs.path)
            }
            return String.byteOrder(lhs.expiration ?? "", rhs.expiration ?? "")
        }
    }
}

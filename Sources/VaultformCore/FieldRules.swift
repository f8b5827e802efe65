/// How a field may change on the server, which decides whether a difference is an update,
/// a replacement (delete and re-create, shown as destructive), or impossible in one direction.
public enum ChangeRule: Sendable, Equatable {
    /// The server changes it in place.
    case inPlace
    /// The server cannot change it in place; the object must be deleted and re-created.
    case replace(reason: String)
    /// It can go from false to true in place, never back; turning it off means replacing.
    case onlyToTrue(reason: String)
}

extension ResourceKind {
    /// The rule for one field given its values, for changes whose direction matters: a KV
    /// engine's version may go up in place (1 → 2), never down (the server answers "cannot
    /// downgrade mount from version 2").
    public func changeRule(for field: String, before: FieldValue?, after: FieldValue?) -> ChangeRule {
        if self == .secretsEngine, field == "options", case .map(let have)? = before, case .map(let want)? = after,
           let from = have["version"].flatMap(Int.init), let to = want["version"].flatMap(Int.init), to < from {
            return .replace(reason: "the server cannot downgrade a KV engine from version \(from) to \(to); re-creating it destroys its data")
        }
        return changeRule(for: field)
    }

    /// The fields of a desired and a live object as the planner compares them. A KV engine's
    /// version is made explicit on both sides, since the server reports none for version 1:
    /// so `type: kv` against a live version 2 engine is a downgrade, not "no change".
    public func comparable(
        desired: [String: FieldValue], live: [String: FieldValue]
    ) -> (desired: [String: FieldValue], live: [String: FieldValue]) {
        guard self == .secretsEngine, desired["type"] == .string("kv"), live["type"] == .string("kv") else { return (desired, live) }
        func explicitVersion(_ fields: [String: FieldValue]) -> [String: FieldValue] {
            var fields = fields
            var options: [String: String] = [:]
            if case .map(let map)? = fields["options"] { options = map }
            if options["version"] == nil { options["version"] = "1" }
            fields["options"] = .map(options)
            return fields
        }
        return (explicitVersion(desired), explicitVersion(live))
    }
}

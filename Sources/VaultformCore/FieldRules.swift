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
    /// The rule for one field given its values: the kind's value-dependent rule when it has
    /// one (`KindDefinition.valueRule`), else the field's own.
    public func changeRule(for field: String, before: FieldValue?, after: FieldValue?) -> ChangeRule {
        definition.valueRule(field, before, after) ?? changeRule(for: field)
    }

    /// The fields of a desired and a live object as the planner compares them
    /// (`KindDefinition.comparable`).
    public func comparable(
        desired: [String: FieldValue], live: [String: FieldValue]
    ) -> (desired: [String: FieldValue], live: [String: FieldValue]) {
        definition.comparable(desired, live)
    }

    /// Whether a desired and a live value mean the same to the server: the kind's own
    /// comparison where it has one (`KindDefinition.sameValue`), else equality by bytes.
    /// `fields` are the object's desired fields, for rules that read another (a device's type).
    public func same(_ field: String, desired: FieldValue, live: FieldValue, fields: [String: FieldValue]) -> Bool {
        definition.sameValue(field, desired, live, fields) ?? (desired == live)
    }
}

/// One managed field of a kind.
public struct FieldDefinition: Sendable {
    /// The field's name as the server's API spells it.
    public var name: String
    /// What a fresh object has: the value an omitted field is managed at; nil when the
    /// manifest must always give it (a mount's type, a policy's text).
    public var fresh: FieldValue?
    /// How a difference is carried out.
    public var change: ChangeRule
    /// One line for the documentation table.
    public var summary: String
    /// The manifest block the field is written in (`tuning`), nil for the object's own level.
    public var group: String?
    /// Whether the manifest can state it (a Transit key's `soft_deleted` is state, not setting).
    public var inManifest = true
    /// The server takes it and never reads it back (a password): the manifest gives its
    /// source, and vaultform compares a keyed fingerprint of the value it last wrote
    /// (`WriteOnlyValue`).
    public var writeOnly = false
    /// A write-only field the server needs to create an object (a userpass user's password).
    public var neededToCreate = false

    /// A field definition.
    public init(
        name: String, fresh: FieldValue?, change: ChangeRule, summary: String, group: String? = nil, inManifest: Bool = true
    ) {
        self.name = name
        self.fresh = fresh
        self.change = change
        self.summary = summary
        self.group = group
        self.inManifest = inManifest
    }

    /// The same field, written in the manifest block `group`.
    public func grouped(_ group: String) -> FieldDefinition {
        var field = self
        field.group = group
        return field
    }

    /// The same field, as state the manifest cannot state.
    public var stateOnly: FieldDefinition {
        var field = self
        field.inManifest = false
        return field
    }

    /// A field that changes in place.
    public static func inPlace(_ name: String, _ fresh: FieldValue?, _ summary: String) -> FieldDefinition {
        FieldDefinition(name: name, fresh: fresh, change: .inPlace, summary: summary)
    }

    /// A write-only field: never read back, never in a plan; written on create and again
    /// when its source's value changes.
    public static func writeOnly(_ name: String, _ summary: String, neededToCreate: Bool = false) -> FieldDefinition {
        var field = FieldDefinition(name: name, fresh: nil, change: .inPlace, summary: summary)
        field.writeOnly = true
        field.neededToCreate = neededToCreate
        return field
    }

    /// A field fixed at creation: a difference replaces the object.
    public static func fixed(_ name: String, _ fresh: FieldValue?, _ summary: String, reason: String) -> FieldDefinition {
        FieldDefinition(name: name, fresh: fresh, change: .replace(reason: reason), summary: summary)
    }
}

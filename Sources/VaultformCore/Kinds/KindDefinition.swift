/// One kind of object as data: its fields, what each is on a fresh object, how each may
/// change, which the server generates, and whether destroying one loses data. One file per
/// kind under `Kinds/` holds its definition; `KindRegistry` lists them, and planning, export
/// and the documentation table (`docs/kinds.md`) read them from there, so a field's rules are
/// written once.
public struct KindDefinition: Sendable {
    /// The kind.
    public var kind: ResourceKind
    /// The manifest section that declares objects of this kind (`approle_roles`).
    public var section: String
    /// The API the object lives at, for people (`auth/MOUNT/role/NAME`).
    public var endpoint: String
    /// Every field the server holds that vaultform manages, in documentation order.
    public var fields: [FieldDefinition]
    /// Fields the server generates: read never, or read and never compared.
    public var generated: [String]
    /// Deleting or replacing an object of this kind destroys data or access.
    public var destructionLosesData: Bool
    /// An object that exists as soon as its mount does, at its fresh values (a KV engine's
    /// config): one the manifest wants at those values needs no write when its mount is new.
    public var existsWithMount = false

    /// The definition of `field`, if the kind manages it.
    public func field(_ name: String) -> FieldDefinition? { fields.first { $0.name == name } }
}

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

    /// A field that changes in place.
    public static func inPlace(_ name: String, _ fresh: FieldValue?, _ summary: String) -> FieldDefinition {
        FieldDefinition(name: name, fresh: fresh, change: .inPlace, summary: summary)
    }

    /// A field fixed at creation: a difference replaces the object.
    public static func fixed(_ name: String, _ fresh: FieldValue?, _ summary: String, reason: String) -> FieldDefinition {
        FieldDefinition(name: name, fresh: fresh, change: .replace(reason: reason), summary: summary)
    }
}

/// Every kind vaultform manages, in dependency order.
public enum KindRegistry {
    /// The definitions, one per kind.
    public static let all: [KindDefinition] = [
        AuditDeviceKind.definition, SecretsEngineKind.definition, AuthMethodKind.definition, KVConfigKind.definition,
        TransitKeyKind.definition, PolicyKind.definition, AppRoleRoleKind.definition, KVSecretKind.definition,
    ]

    /// The definition of a kind.
    public static func definition(_ kind: ResourceKind) -> KindDefinition {
        // Every case is listed above; a missing one is a programming error caught by the
        // registry test, and answers with an empty definition rather than crashing.
        byKind[kind] ?? KindDefinition(kind: kind, section: "", endpoint: "", fields: [], generated: [], destructionLosesData: false)
    }

    private static let byKind: [ResourceKind: KindDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0) })
}

extension ResourceKind {
    /// This kind's definition.
    public var definition: KindDefinition { KindRegistry.definition(self) }

    /// Field name → the value a fresh object has (the value an omitted field is managed at).
    public var defaults: [String: FieldValue] {
        Dictionary(uniqueKeysWithValues: definition.fields.compactMap { field in field.fresh.map { (field.name, $0) } })
    }

    /// Whether `value` is what a fresh object of this kind has in `field`.
    public func isDefault(_ field: String, _ value: FieldValue) -> Bool {
        definition.field(field)?.fresh.map { $0 == value } ?? false
    }

    /// The fields with every default this kind has filled in where `fields` has none.
    public func withDefaults(_ fields: [String: FieldValue]) -> [String: FieldValue] {
        fields.merging(defaults) { set, _ in set }
    }

    /// The rule for one field of this kind; fields it does not list change in place.
    public func changeRule(for field: String) -> ChangeRule {
        definition.field(field)?.change ?? .inPlace
    }

    /// Deleting or replacing an object of this kind destroys data or access, so apply asks
    /// for `--allow-destroy`.
    public var destructionLosesData: Bool { definition.destructionLosesData }
}

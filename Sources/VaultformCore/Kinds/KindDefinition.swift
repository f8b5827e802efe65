import VaultformManifest
import VaultWire

/// One kind of object as data: its manifest section, its fields (what each is on a fresh
/// object, how each may change), which fields the server generates, how objects are read,
/// normalised and written, which manifest objects resolve to it, and whether destroying one
/// loses data. One file per kind under `Kinds/` holds its definition; `KindRegistry` lists
/// them, and resolving, reading, planning, writing, export and the documentation table
/// (`docs/kinds.md`) are loops over the registry, so a kind is written once.
public struct KindDefinition: Sendable {
    /// The kind.
    public var kind: ResourceKind
    /// What a person calls one object of this kind (`AppRole role`).
    public var noun: String
    /// The manifest section that declares objects of this kind (`approle_roles`).
    public var section: String
    /// The word an ownership rule names this kind by (`approle_role`), when it can be owned.
    public var ownership: OwnershipRule.Kind?
    /// The API the object lives at, for people (`auth/MOUNT/role/NAME`).
    public var endpoint: String
    /// The kind of mount objects of this kind live on (Transit keys on a secrets engine),
    /// nil for a top-level kind. An object counts only while its mount exists.
    public var mount: ResourceKind?
    /// Whether a mount (of kind `mount`) holds objects of this kind, by its type: what
    /// export reads every object of.
    public var holds: @Sendable (Resource) -> Bool = { _ in false }
    /// Every field the server holds that vaultform manages, in documentation order.
    public var fields: [FieldDefinition]
    /// Fields the server generates: read never, or read and never compared.
    public var generated: [String]
    /// Deleting or replacing an object of this kind destroys data or access.
    public var destructionLosesData: Bool
    /// An object that exists as soon as its mount does, at its fresh values (a KV engine's
    /// config): one the manifest wants at those values needs no write when its mount is new.
    public var existsWithMount = false
    /// The server stores names of this kind in lower case (policies, AppRole roles), so
    /// names and name prefixes compare lower-cased.
    public var lowercasesNames = false
    /// Whether a desired and a live value of a field mean the same to the server, where that
    /// is not plain equality (audit options as the server parses them); nil: plain equality.
    /// `fields` are the object's desired fields, for rules that read another field.
    public var sameValue: @Sendable (_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool? = { _, _, _, _ in nil }
    /// The rule for a change whose direction matters (a KV engine's version goes up in
    /// place, never down); nil: the field's own rule.
    public var valueRule: @Sendable (_ field: String, _ before: FieldValue?, _ after: FieldValue?) -> ChangeRule? = { _, _, _ in nil }
    /// Both sides' fields made comparable where the server leaves something implicit (a KV
    /// engine of version 1 reports no version).
    public var comparable: @Sendable (_ desired: [String: FieldValue], _ live: [String: FieldValue]) -> ([String: FieldValue], [String: FieldValue]) = { ($0, $1) }
    /// How objects of this kind are found and read.
    public var reading: Reading
    /// The manifest's objects of this kind, normalised, with only the fields the manifest states.
    public var stated: @Sendable (Manifest) -> [StatedResource]
    /// An object as the server answered for it, normalised like the desired side.
    public var live: @Sendable (LiveRecord) -> Resource
    /// The writes that create an object from its fields (those at their fresh value left out).
    public var create: @Sendable (Resource) -> [WriteRequest]
    /// The writes that change the given fields in place.
    public var update: @Sendable (Address, [String: FieldValue]) -> [WriteRequest]
    /// The writes that delete an object.
    public var delete: @Sendable (Address) -> [WriteRequest]
    /// The writes that must come before a replacement's delete (a Transit key must allow it).
    public var beforeReplace: @Sendable (Address) -> [WriteRequest] = { _ in [] }
    /// How `export` writes objects of this kind; nil for a kind written inside another's
    /// entry (a KV engine's config) or not exported.
    public var export: ExportForm?

    /// A definition. Behaviours a kind does not have default to none.
    public init(
        kind: ResourceKind, noun: String, section: String, ownership: OwnershipRule.Kind? = nil, endpoint: String,
        mount: ResourceKind? = nil, holds: @escaping @Sendable (Resource) -> Bool = { _ in false }, fields: [FieldDefinition], generated: [String], destructionLosesData: Bool,
        existsWithMount: Bool = false, lowercasesNames: Bool = false,
        sameValue: @escaping @Sendable (String, FieldValue, FieldValue, [String: FieldValue]) -> Bool? = { _, _, _, _ in nil },
        valueRule: @escaping @Sendable (String, FieldValue?, FieldValue?) -> ChangeRule? = { _, _, _ in nil },
        comparable: @escaping @Sendable ([String: FieldValue], [String: FieldValue]) -> ([String: FieldValue], [String: FieldValue]) = { ($0, $1) },
        reading: Reading = .elsewhere,
        stated: @escaping @Sendable (Manifest) -> [StatedResource] = { _ in [] },
        live: @escaping @Sendable (LiveRecord) -> Resource = { Resource($0.address) },
        create: @escaping @Sendable (Resource) -> [WriteRequest] = { _ in [] },
        update: @escaping @Sendable (Address, [String: FieldValue]) -> [WriteRequest] = { _, _ in [] },
        delete: @escaping @Sendable (Address) -> [WriteRequest] = { _ in [] },
        beforeReplace: @escaping @Sendable (Address) -> [WriteRequest] = { _ in [] },
        export: ExportForm? = nil
    ) {
        self.kind = kind
        self.noun = noun
        self.section = section
        self.ownership = ownership
        self.endpoint = endpoint
        self.mount = mount
        self.holds = holds
        self.fields = fields
        self.generated = generated
        self.destructionLosesData = destructionLosesData
        self.existsWithMount = existsWithMount
        self.lowercasesNames = lowercasesNames
        self.sameValue = sameValue
        self.valueRule = valueRule
        self.comparable = comparable
        self.reading = reading
        self.stated = stated
        self.live = live
        self.create = create
        self.update = update
        self.delete = delete
        self.beforeReplace = beforeReplace
        self.export = export
    }

    /// The definition of `field`, if the kind manages it.
    public func field(_ name: String) -> FieldDefinition? { fields.first { $0.name == name } }

    /// The writes that create `resource`: fields at their fresh value are left out (a fresh
    /// object has them already), except the type, which selects what is created.
    public func creation(_ resource: Resource) -> [WriteRequest] {
        var trimmed = resource
        trimmed.fields = resource.fields.filter { field, value in field == "type" || !kind.isDefault(field, value) }
        return create(trimmed)
    }

    /// The writes that replace an object with `resource`.
    public func replacement(_ resource: Resource) -> [WriteRequest] {
        beforeReplace(resource.address) + delete(resource.address) + creation(resource)
    }
}

/// How the objects of a kind are found and read. Paths are templates: `MOUNT` is the mount
/// path with its slash (`transit/`), `NAME` the object's name within it.
public enum Reading: Sendable {
    /// One GET answers every object with its fields, by path (`sys/mounts`). `one` reads a
    /// single object for the check after a write; nil: read the table again. `missing` is
    /// how the server answers `one` for an object that is not there.
    case table(path: String, one: String?, missing: MissingAnswer)
    /// One object per mount at `path` (a KV engine's `MOUNTconfig`), read when its mount is.
    case perMount(path: String)
    /// LIST `list`, then GET `item` for each name. `companions` are further reads of one
    /// object (an AppRole role's role ID), made when the manifest manages that field.
    case listed(list: String, item: String, companions: [Companion] = [])
    /// Read by a specialised stage (secrets, by `SecretReader`).
    case elsewhere

    /// A further read that supplies one field of an object.
    public struct Companion: Sendable {
        /// The field it supplies (`role_id`).
        public var field: String
        /// Where it is read (`auth/MOUNTrole/NAME/role-id`).
        public var path: String

        /// A companion read.
        public init(field: String, path: String) {
            self.field = field
            self.path = path
        }
    }

    /// How a server says an object is not there.
    public enum MissingAnswer: Sendable {
        /// 404, the usual way.
        case notFound
        /// 400 with a message `No … at …` (sys/mounts/PATH and sys/auth/PATH answer so).
        case badRequestNoMount
    }

    /// `template` for one object.
    /// One pass over the template, so a mount or name that itself contains `NAME` or
    /// `MOUNT` is never substituted again.
    public static func path(_ template: String, mount: String = "", name: String = "") -> String {
        var result = ""
        var rest = Substring(template)
        while let first = rest.first {
            if rest.hasPrefix("MOUNT") {
                result += mount
                rest = rest.dropFirst(5)
            } else if rest.hasPrefix("NAME") {
                result += name
                rest = rest.dropFirst(4)
            } else {
                result.append(first)
                rest = rest.dropFirst()
            }
        }
        return result
    }
}

/// What the server answered for one object, for a kind's `live` normalisation.
public struct LiveRecord: Sendable {
    /// The object's address.
    public var address: Address
    /// Its `data` (or its entry in a table).
    public var data: JSONValue
    /// The fields companion reads supplied, by field name.
    public var companions: [String: JSONValue]

    /// A record.
    public init(address: Address, data: JSONValue, companions: [String: JSONValue] = [:]) {
        self.address = address
        self.data = data
        self.companions = companions
    }

    /// A member of the data.
    public subscript(_ key: String) -> JSONValue? { data[key] }

    /// For an object on a mount: its mount path (with the slash) and its name.
    public var mountAndName: (mount: String, name: String) { address.mountAndName }
}

/// One object the manifest states: only the fields it sets, where it is declared, and the
/// fields it leaves to someone else (`ignore_fields`).
public struct StatedResource: Sendable {
    public var resource: Resource
    public var location: SourceLocation
    public var ignored: [String]

    /// A stated object.
    public init(_ resource: Resource, _ location: SourceLocation, ignored: [String] = []) {
        self.resource = resource
        self.location = location
        self.ignored = ignored
    }
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
    /// The manifest block the field is written in (`tuning`), nil for the object's own level.
    public var group: String?
    /// Whether the manifest can state it (a Transit key's `soft_deleted` is state, not setting).
    public var inManifest = true

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
        TransitKeyKind.definition, PolicyKind.definition, AppRoleRoleKind.definition, TokenRoleKind.definition,
        KVSecretKind.definition,
    ]

    /// The definition of a kind.
    public static func definition(_ kind: ResourceKind) -> KindDefinition {
        // Every case is listed above; a missing one is a programming error caught by the
        // registry test, and answers with an empty definition rather than crashing.
        byKind[kind] ?? KindDefinition(kind: kind, noun: kind.rawValue, section: "", endpoint: "", fields: [], generated: [], destructionLosesData: false)
    }

    /// A kind's place in dependency order.
    static func rank(_ kind: ResourceKind) -> Int { ranks[kind] ?? all.count }

    private static let ranks: [ResourceKind: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.kind, $0) })

    /// The definition an ownership rule's kind names.
    public static func definition(owning kind: OwnershipRule.Kind) -> KindDefinition? {
        all.first { $0.ownership == kind }
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

extension Resource {
    /// A mount of this type (`transit`, `approle`; `kv-v2` for a KV engine of version 2).
    public func isMount(ofType type: String) -> Bool {
        if type == "kv-v2" {
            guard case .map(let options)? = fields["options"] else { return false }
            return fields["type"] == .string("kv") && options["version"] == "2"
        }
        return fields["type"] == .string(type)
    }
}

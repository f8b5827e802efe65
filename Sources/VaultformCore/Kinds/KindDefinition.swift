import VaultformManifest
import VaultWire

/// One kind of object as data: its manifest section, its fields (what each is on a fresh
/// object, how each may change), which fields the server generates, how objects are read,
/// normalised and written, which manifest objects resolve to it, and whether destroying one
/// loses data. One file per kind under `Kinds/` holds its definition; `KindRegistry` lists
/// them, and resolving, reading, planning, writing, export and the documentation table
/// (`docs/kinds.md`) are loops over the registry, so a kind is written once.
/// A class, so that the many reads of a kind's definition while planning thousands of
/// objects share one instance rather than copying a value of twenty members each time.
public final class KindDefinition: Sendable {
    /// The kind.
    public let kind: ResourceKind
    /// What a person calls one object of this kind (`AppRole role`).
    public let noun: String
    /// The manifest section that declares objects of this kind (`approle_roles`).
    public let section: String
    /// The word an ownership rule names this kind by (`approle_role`), when it can be owned.
    public let ownership: OwnershipRule.Kind?
    /// The API the object lives at, for people (`auth/MOUNT/role/NAME`).
    public let endpoint: String
    /// The kind of mount objects of this kind live on (Transit keys on a secrets engine),
    /// nil for a top-level kind. An object counts only while its mount exists.
    public let mount: ResourceKind?
    /// Whether a mount (of kind `mount`) holds objects of this kind, by its type: what
    /// export reads every object of.
    public let holds: @Sendable (Resource) -> Bool
    /// Every field the server holds that vaultform manages, in documentation order.
    public let fields: [FieldDefinition]
    /// Fields the server generates: read never, or read and never compared.
    public let generated: [String]
    /// Deleting or replacing an object of this kind destroys data or access.
    public let destructionLosesData: Bool
    /// An object that exists as soon as its mount does, at its fresh values (a KV engine's
    /// config): one the manifest wants at those values needs no write when its mount is new.
    public let existsWithMount: Bool
    /// Every write replaces the whole object (a field it leaves out is reset), so an update
    /// sends every field, write-only values included: one whose source gave nothing cannot
    /// be left out of it.
    public let writesWhole: Bool
    /// The server stores names of this kind in lower case (policies, AppRole roles), so
    /// names and name prefixes compare lower-cased.
    public let lowercasesNames: Bool
    /// Whether a desired and a live value of a field mean the same to the server, where that
    /// is not plain equality (audit options as the server parses them); nil: plain equality.
    /// `fields` are the object's desired fields, for rules that read another field.
    public let sameValue: @Sendable (_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool?
    /// The rule for a change whose direction matters (a KV engine's version goes up in
    /// place, never down); nil: the field's own rule.
    public let valueRule: @Sendable (_ field: String, _ before: FieldValue?, _ after: FieldValue?) -> ChangeRule?
    /// Both sides' fields made comparable where the server leaves something implicit (a KV
    /// engine of version 1 reports no version).
    public let comparable: @Sendable (_ desired: [String: FieldValue], _ live: [String: FieldValue])
        -> ([String: FieldValue], [String: FieldValue])
    /// Fields that name policies, which a manifest must define or list as external (export
    /// lists the ones the server does not have under `external_policies`).
    public let policyReferences: [String]
    /// The objects each field names (a group's member entities, an alias's auth method), by
    /// field: writes carry them as `ServerReference`s, apply orders an object after those it
    /// names, and an object that names one the plan re-creates is written again.
    public let references: @Sendable (Resource) -> [String: [Address]]
    /// How the server's identifier of an object of this kind is found, for writes that name
    /// it (`ServerReference`); nil when nothing names objects of this kind by identifier.
    public let identifier: IdentifierLookup?
    /// Objects of this kind hold the server's identifiers of others, so reading them needs
    /// `ServerNames` to compare by name.
    public let readsServerNames: Bool
    /// How objects of this kind are found and read.
    public let reading: Reading
    /// The manifest's objects of this kind, normalised, with only the fields the manifest states.
    public let stated: @Sendable (Manifest) -> [StatedResource]
    /// An object as the server answered for it, normalised like the desired side.
    public let live: @Sendable (LiveRecord) -> Resource
    /// The writes that create an object from its fields (those at their fresh value left out).
    public let create: @Sendable (Resource) -> [WriteRequest]
    /// The writes that change the given fields in place: `changed` holds them; the desired
    /// object is there for endpoints that replace the whole object on every write.
    public let update: @Sendable (_ desired: Resource, _ changed: [String: FieldValue]) -> [WriteRequest]
    /// The writes that delete an object.
    public let delete: @Sendable (Address) -> [WriteRequest]
    /// The writes that must come before a replacement's delete (a Transit key must allow it).
    public let beforeReplace: @Sendable (Address) -> [WriteRequest]
    /// The fields by name, and the fresh values by name: looked up for every field of every
    /// object planned, applied and read back.
    private let fieldsByName: [String: FieldDefinition]
    public let freshValues: [String: FieldValue]
    /// The write-only fields (`FieldDefinition.writeOnly`), whose last written fingerprints
    /// vaultform keeps on the server.
    public let writeOnlyFields: [String]
    /// How `export` writes objects of this kind; nil for a kind written inside another's
    /// entry (a KV engine's config) or not exported.
    public let export: ExportForm?
    /// Each object names its own write-only fields (a generic endpoint's `write_only` keys):
    /// every field vaultform recorded a fingerprint of is write-only.
    public let writeOnlyPerObject: Bool
    /// How an object vaultform recorded applying is deleted once the manifest drops it (a
    /// generic endpoint's recipe); nil for kinds deleted by `delete` under ownership rules.
    public let recordedDeletion: RecordedDeletion?

    /// A definition. Behaviours a kind does not have default to none.
    public init(
        kind: ResourceKind, noun: String, section: String, ownership: OwnershipRule.Kind? = nil, endpoint: String,
        mount: ResourceKind? = nil, holds: @escaping @Sendable (Resource) -> Bool = { _ in false },
        fields: [FieldDefinition], generated: [String], destructionLosesData: Bool,
        existsWithMount: Bool = false, writesWhole: Bool = false, lowercasesNames: Bool = false,
        sameValue: @escaping @Sendable (String, FieldValue, FieldValue, [String: FieldValue]) -> Bool? = { _, _, _, _ in nil },
        valueRule: @escaping @Sendable (String, FieldValue?, FieldValue?) -> ChangeRule? = { _, _, _ in nil },
        comparable: @escaping @Sendable ([String: FieldValue], [String: FieldValue]) -> ([String: FieldValue], [String: FieldValue])
            = { ($0, $1) },
        policyReferences: [String] = [],
        references: @escaping @Sendable (Resource) -> [String: [Address]] = { _ in [:] },
        identifier: IdentifierLookup? = nil, readsServerNames: Bool = false, reading: Reading = .elsewhere,
        stated: @escaping @Sendable (Manifest) -> [StatedResource] = { _ in [] },
        live: @escaping @Sendable (LiveRecord) -> Resource = { Resource($0.address) },
        create: @escaping @Sendable (Resource) -> [WriteRequest] = { _ in [] },
        update: @escaping @Sendable (Resource, [String: FieldValue]) -> [WriteRequest] = { _, _ in [] },
        delete: @escaping @Sendable (Address) -> [WriteRequest] = { _ in [] },
        beforeReplace: @escaping @Sendable (Address) -> [WriteRequest] = { _ in [] },
        export: ExportForm? = nil, writeOnlyPerObject: Bool = false, recordedDeletion: RecordedDeletion? = nil
    ) {
        self.kind = kind
        self.noun = noun
        self.section = section
        self.ownership = ownership
        self.endpoint = endpoint
        self.mount = mount
        self.holds = holds
        self.fields = fields
        fieldsByName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        freshValues = Dictionary(fields.compactMap { field in field.fresh.map { (field.name, $0) } }, uniquingKeysWith: { first, _ in first })
        writeOnlyFields = fields.filter(\.writeOnly).map(\.name)
        self.generated = generated
        self.destructionLosesData = destructionLosesData
        self.existsWithMount = existsWithMount
        self.writesWhole = writesWhole
        self.lowercasesNames = lowercasesNames
        self.sameValue = sameValue
        self.valueRule = valueRule
        self.comparable = comparable
        self.policyReferences = policyReferences
        self.references = references
        self.identifier = identifier
        self.readsServerNames = readsServerNames
        self.reading = reading
        self.stated = stated
        self.live = live
        self.create = create
        self.update = update
        self.delete = delete
        self.beforeReplace = beforeReplace
        self.export = export
        self.writeOnlyPerObject = writeOnlyPerObject
        self.recordedDeletion = recordedDeletion
    }

    /// Whether `field` is write-only for this kind.
    public func isWriteOnly(_ field: String) -> Bool {
        writeOnlyPerObject || self.field(field)?.writeOnly == true
    }

    /// Whether objects of this kind can have write-only fields (and so fingerprint records).
    public var hasWriteOnlyFields: Bool { writeOnlyPerObject || !writeOnlyFields.isEmpty }

    /// The definition of `field`, if the kind manages it.
    public func field(_ name: String) -> FieldDefinition? { fieldsByName[name] }

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

/// How an object is deleted from what vaultform recorded of it, for kinds nothing lists (a
/// generic endpoint): the plan's delete carries the recorded `fields` as changes (before: the
/// recorded value, after: none), so apply deletes from the plan alone.
public struct RecordedDeletion: Sendable {
    /// The fields the delete needs.
    public var fields: [String]
    /// The writes that delete the object, given those fields; none: it is only forgotten.
    public var writes: @Sendable (Resource) -> [WriteRequest]
    /// Why the plan deletes (or only forgets) it, for people.
    public var reason: @Sendable (Resource) -> String

    /// A recorded deletion.
    public init(
        fields: [String], writes: @escaping @Sendable (Resource) -> [WriteRequest], reason: @escaping @Sendable (Resource) -> String
    ) {
        self.fields = fields
        self.writes = writes
        self.reason = reason
    }
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

import VaultPath

/// How `export` writes the objects of one kind: the file, its note, and each object's entry.
/// The entry is built from the kind's field list (`ManifestEntry.fields`), so a field the
/// definition adds is exported without another list to keep in step.
public struct ExportForm: Sendable {
    /// The file the kind's objects go to (`engines.yaml`).
    public var file: String
    /// The comment at the top of that file.
    public var note: String
    /// One object's entry. `live` holds every object read, for entries that include another
    /// kind's object (an engine's KV config).
    public var entry: @Sendable (Resource, _ live: [Address: Resource]) -> ManifestNode
    /// Further files one object needs (a policy's HCL), relative to the output directory.
    public var attachments: @Sendable (Resource) -> [(path: String, contents: String)]
    /// Whether an object is written at all: false for one the manifest cannot express (an
    /// SSH engine's OTP role), which the file's note names.
    public var includes: @Sendable (Resource) -> Bool

    /// An export form.
    public init(
        file: String, note: String, entry: @escaping @Sendable (Resource, [Address: Resource]) -> ManifestNode,
        attachments: @escaping @Sendable (Resource) -> [(path: String, contents: String)] = { _ in [] },
        includes: @escaping @Sendable (Resource) -> Bool = { _ in true }
    ) {
        self.file = file
        self.note = note
        self.entry = entry
        self.attachments = attachments
        self.includes = includes
    }
}

/// A manifest value as export writes it: mappings keep their key order; values are written
/// as a person writes them (`1h`, not `3600`) by the renderer.
public indirect enum ManifestNode: Sendable, Equatable {
    /// A field's value.
    case value(FieldValue)
    /// Keys in order.
    case mapping([Pair])

    /// One key and its value.
    public struct Pair: Sendable, Equatable {
        public var key: String
        public var value: ManifestNode

        /// A pair.
        public init(_ key: String, _ value: ManifestNode) {
            self.key = key
            self.value = value
        }
    }

    /// Text.
    public static func text(_ text: String) -> ManifestNode { .value(.string(text)) }
}

/// Building export entries from a kind's fields.
public enum ManifestEntry {
    /// `identity` first, then every field of the kind the manifest can state, in the
    /// definition's order, unless it is absent, left out by `skipping`, or what a fresh
    /// object has (fields with no fresh value, such as a type, are always written). Fields of
    /// a group (`tuning`) are written together in a block of that name.
    public static func fields(
        _ resource: Resource, identity: [ManifestNode.Pair], skipping: Set<String> = [],
        values: [String: FieldValue] = [:]
    ) -> ManifestNode {
        var pairs = identity
        var groups: [(String, [ManifestNode.Pair])] = []
        for field in resource.address.kind.definition.fields where field.inManifest && !field.writeOnly && !skipping.contains(field.name) {
            guard let value = values[field.name] ?? resource.fields[field.name], value != field.fresh else { continue }
            if case .map(let map) = value, map.isEmpty { continue }
            let pair = ManifestNode.Pair(field.name, .value(value))
            if let group = field.group {
                if let index = groups.firstIndex(where: { $0.0 == group }) { groups[index].1.append(pair) } else { groups.append((group, [pair])) }
            } else {
                pairs.append(pair)
            }
        }
        for (group, members) in groups { pairs.append(.init(group, .mapping(members))) }
        return .mapping(pairs)
    }

    /// The `path` of a mount-like object, as the manifest writes it (no trailing slash).
    public static func path(_ resource: Resource) -> ManifestNode.Pair {
        .init("path", .text(MountPath.withoutSlash(resource.address.name)))
    }
}

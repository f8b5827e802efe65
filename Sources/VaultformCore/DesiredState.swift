import VaultformManifest

/// The manifest's objects, normalised and under the addresses the server knows them by
/// (paths with one trailing slash, policy and role names in lower case), in dependency
/// order, with what the manifest owns. The planner compares it with the live state.
public struct DesiredState: Sendable {
    /// One normalised object and where the manifest declares it.
    public struct Entry: Sendable, Equatable {
        /// Pairs a resource with where it is declared.
        public init(resource: Resource, location: SourceLocation?, ignored: [String] = []) {
            self.resource = resource
            self.location = location
            self.ignored = ignored
        }

        /// The object in normalised form; only fields the manifest sets.
        public var resource: Resource
        /// Where the manifest declares it (nil when it came from a saved plan).
        public var location: SourceLocation?
        /// Fields the manifest leaves to someone else (`ignore_fields`), sorted: absent from
        /// `resource`, so never compared or written; plans list them.
        public var ignored: [String]
        /// The object's address.
        public var address: Address { resource.address }
    }

    /// Every managed object, in dependency order.
    public private(set) var entries: [Entry] = []
    /// Secret schemas, in the manifest's order.
    public private(set) var schemas: [SecretSchema] = []
    /// Secret schemas' full paths.
    public var schemaPaths: [String] { schemas.map(\.path) }
    /// What the manifest owns beyond what it names, in the connection's namespace.
    public private(set) var ownership: [OwnershipRule] = []
    /// What each declared namespace's contents own, by the namespace's path.
    public private(set) var namespaceOwnership: [String: [OwnershipRule]] = [:]
    /// The manifest has an `endpoints:` key: vaultform's record of applied endpoints is read,
    /// and those it no longer declares are deleted by their recorded recipe.
    public private(set) var managesEndpoints = false
    /// The namespaces whose `contents` have an `endpoints:` key (relative paths).
    public private(set) var endpointNamespaces: Set<String> = []
    /// Each entry's position by address: apply looks entries up once per operation, and a
    /// scan made N operations cost N² (an apply of 20,000 objects took 85 s instead of ~40).
    private var positions: [Address: Int] = [:]

    /// Resolves a manifest.
    public init(_ manifest: Manifest) {
        var all = DesiredResources.entries(manifest)
        var schemas = manifest.secretSchemas
        for namespace in manifest.namespaces {
            schemas += namespace.contents.secretSchemas.map { schema in
                var schema = schema
                schema.namespace = namespace.path
                return schema
            }
            all += DesiredResources.entries(namespace.contents).map { entry in
                var entry = entry
                entry.resource.address = entry.address.inside(namespace.path)
                return entry
            }
            if !namespace.contents.ownership.isEmpty { namespaceOwnership[namespace.path] = namespace.contents.ownership }
            if namespace.contents.managesEndpoints { endpointNamespaces.insert(namespace.path) }
        }
        entries = all.sorted { $0.address < $1.address }
        self.schemas = schemas
        ownership = manifest.ownership
        managesEndpoints = manifest.managesEndpoints
        positions = Self.positions(entries)
    }

    /// A desired state made of given entries (a saved plan's), owning nothing.
    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.address < $1.address }
        positions = Self.positions(self.entries)
    }

    private static func positions(_ entries: [Entry]) -> [Address: Int] {
        Dictionary(entries.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// How many objects of each kind, in dependency order, leaving out kinds with none.
    public var counts: [(kind: ResourceKind, count: Int)] {
        ResourceKind.allCases.compactMap { kind in
            let count = kind == .kvSecret ? schemaPaths.count : entries.filter { $0.address.kind == kind }.count
            return count > 0 ? (kind, count) : nil
        }
    }

    /// The same state with each object's fields rewritten by `transform` (addresses, order and
    /// ownership stay): how write-only values get their fingerprints before planning.
    public func withFields(_ transform: (Address, [String: FieldValue]) -> [String: FieldValue]) -> DesiredState {
        var copy = self
        for index in copy.entries.indices {
            copy.entries[index].resource.fields = transform(copy.entries[index].address, copy.entries[index].resource.fields)
        }
        return copy
    }

    /// What the manifest owns in `namespace` (relative to the connection's; empty: the connection's own).
    public func ownership(in namespace: String) -> [OwnershipRule] {
        namespace.isEmpty ? ownership : namespaceOwnership[namespace] ?? []
    }

    /// Whether the manifest declares or owns namespaces, so the server's tree of them is read.
    public var readsNamespaces: Bool {
        entries.contains { $0.address.kind == .namespace } || ownership.contains { $0.kind == .namespace }
    }

    /// The namespaces whose objects the manifest declares or owns, sorted (the connection's
    /// own, empty, not among them).
    public var namespacesWithContents: [String] {
        Set(entries.map(\.address.namespace)).union(namespaceOwnership.keys).union(schemas.map(\.namespace)).union(endpointNamespaces)
            .filter { !$0.isEmpty }.sorted()
    }

    /// The part of the desired state inside `namespace`, under the addresses the objects have
    /// there (no namespace), with what the manifest owns there: what a reader sent to that
    /// namespace reads, its secret schemas (as there), and whether it manages endpoints.
    public func part(_ namespace: String) -> DesiredState {
        var part = DesiredState(entries: entries.filter { $0.address.namespace.hasSameBytes(as: namespace) }.map { entry in
            var entry = entry
            entry.resource.address.namespace = ""
            return entry
        })
        part.ownership = ownership(in: namespace)
        part.schemas = schemas.filter { $0.namespace.hasSameBytes(as: namespace) }.map { schema in
            var schema = schema
            schema.namespace = ""
            return schema
        }
        part.managesEndpoints = namespace.isEmpty ? managesEndpoints : endpointNamespaces.contains(namespace)
        return part
    }

    /// The entry at an address, if the manifest declares it.
    public func entry(_ address: Address) -> Entry? { positions[address].map { entries[$0] } }
}

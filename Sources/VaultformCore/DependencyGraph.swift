import VaultformManifest
import VaultPath

/// The manifest's objects in the order apply creates them, and what each needs first: its
/// namespace, its mount, the policies it grants, and the objects it names (a group's
/// members, an alias's entity, an endpoint's `after`). `vaultform graph` draws it.
public struct DependencyGraph: Sendable, Equatable {
    /// One object: its address and where the manifest declares it.
    public struct Node: Sendable, Equatable {
        public let address: Address
        public let location: SourceLocation?
    }

    /// `from` needs `to` first; `reason` says why (`mount`, `namespace`, `policy`, or the
    /// field that names it).
    public struct Edge: Sendable, Equatable, Hashable {
        public let from: Address
        public let to: Address
        public let reason: String
    }

    /// The nodes in apply's order (by kind, then name; an object after those it names).
    public let nodes: [Node]
    /// The edges, by their dependent's position, then by the dependency's.
    public let edges: [Edge]

    /// The graph of `desired`: every object the manifest declares, and a secret schema's KV
    /// secret (`kv-secret:PATH`) on its engine. An edge is drawn only to an object the
    /// manifest declares: a mount or policy managed elsewhere is not a node.
    public init(_ desired: DesiredState) {
        var nodes = desired.entries.map { Node(address: $0.address, location: $0.location) }
        nodes += desired.schemas.map { Node(address: Address(.kvSecret, $0.path, namespace: $0.namespace), location: $0.location) }
        let declared = Set(nodes.map(\.address))
        // Mounts by kind and namespace, matched by bytes (as the server matches paths).
        var mounts: [ResourceKind: [String: [[UInt8]: Address]]] = [:]
        for node in nodes where node.address.kind == .secretsEngine || node.address.kind == .authMethod {
            mounts[node.address.kind, default: [:]][node.address.namespace, default: [:]][Array(MountPath.withoutSlash(node.address.name).utf8)] = node.address
        }
        let policies = Dictionary(
            desired.entries.filter { $0.address.kind == .policy }.map { ("\($0.address.namespace)\u{0}\($0.address.name.lowercased())", $0.address) },
            uniquingKeysWith: { first, _ in first })
        var edges: [Edge] = []
        var seen = Set<Edge>()
        func add(_ from: Address, _ to: Address, _ reason: String) {
            guard from != to, declared.contains(to) else { return }
            let edge = Edge(from: from, to: to, reason: reason)
            if seen.insert(edge).inserted { edges.append(edge) }
        }
        for node in nodes {
            let address = node.address
            if !address.namespace.isEmpty { add(address, Address(.namespace, MountPath.withSlash(address.namespace)), "namespace") }
            if address.kind == .namespace, let parent = Self.parentNamespace(address.name) {
                add(address, Address(.namespace, MountPath.withSlash(parent)), "namespace")
            }
            let mountKind: ResourceKind? = address.kind == .kvSecret ? .secretsEngine : address.kind.definition.mount
            if let mountKind, let mount = Self.mount(of: address, among: mounts[mountKind]?[address.namespace] ?? [:]) {
                add(address, mount, "mount")
            }
            guard let entry = desired.entry(address) else { continue }
            for field in address.kind.definition.policyReferences {
                for name in Self.names(entry.resource.fields[field]) {
                    if let policy = policies["\(address.namespace)\u{0}\(name.lowercased())"] { add(address, policy, "policy") }
                }
            }
            for (field, target) in Self.namedByValue(entry.resource) { add(address, target, field) }
            let named = Planner.referencesInside(entry.resource)
            for field in named.keys.sorted() {
                for target in named[field] ?? [] { add(address, target, field == "(after)" ? "after" : field) }
            }
        }
        let ordered = Self.ordered(nodes, edges: edges)
        let position = Dictionary(ordered.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
        self.nodes = ordered
        self.edges = edges.sorted { lhs, rhs in
            let (a, b) = (position[lhs.from] ?? 0, position[rhs.from] ?? 0)
            return a != b ? a < b : (position[lhs.to] ?? 0) < (position[rhs.to] ?? 0)
        }
    }

    /// The longest declared mount whose path `address`'s name continues at a slash.
    static func mount(of address: Address, among mounts: [[UInt8]: Address]) -> Address? {
        let bytes = Array(address.name.utf8)
        for (offset, byte) in bytes.enumerated().reversed() where byte == UInt8(ascii: "/") {
            if let mount = mounts[Array(bytes[..<offset])] { return mount }
        }
        return nil
    }

    /// Objects a field names by its plain value rather than a server identifier: a database
    /// role's connection (`db_name`, on its own mount), an intermediate CA's signing engine's
    /// root CA (`signed_by`).
    static func namedByValue(_ resource: Resource) -> [(String, Address)] {
        let address = resource.address
        switch address.kind {
        case .databaseRole, .databaseStaticRole:
            guard case .string(let connection)? = resource.fields["db_name"], !connection.isEmpty else { return [] }
            let mount = MountPath.split(address.name).mount
            return [("db_name", Address(.databaseConnection, mount + connection, namespace: address.namespace))]
        case .pkiIntermediateCA:
            guard case .string(let signer)? = resource.fields["signed_by"], !signer.isEmpty else { return [] }
            return [("signed_by", Address(.pkiRootCA, MountPath.withSlash(signer), namespace: address.namespace))]
        default:
            return []
        }
    }

    static func parentNamespace(_ name: String) -> String? {
        let path = MountPath.withoutSlash(name)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }

    static func names(_ value: FieldValue?) -> [String] {
        switch value {
        case .list(let items)?, .set(let items)?: return items
        case .string(let item)?: return [item]
        default: return []
        }
    }

    /// Apply's order (kind, then name), with each node moved after the nodes it depends on
    /// when the kind order alone would put it first; a cycle keeps the order it meets.
    static func ordered(_ nodes: [Node], edges: [Edge]) -> [Node] {
        let sorted = nodes.sorted { $0.address < $1.address }
        let index = Dictionary(sorted.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { first, _ in first })
        var needs: [Int: [Int]] = [:]
        for edge in edges { if let from = index[edge.from], let to = index[edge.to] { needs[from, default: []].append(to) } }
        var placed = Set<Int>(), visiting = Set<Int>(), result: [Node] = []
        func place(_ position: Int) {
            guard !placed.contains(position), visiting.insert(position).inserted else { return }
            for dependency in (needs[position] ?? []).sorted() { place(dependency) }
            placed.insert(position)
            result.append(sorted[position])
        }
        for position in sorted.indices { place(position) }
        return result
    }
}

import VaultPath
import VaultformPolicy

/// The kinds of object vaultform manages; the raw value is the kind's word in addresses.
/// Each has a definition (`KindDefinition`, one file per kind under `Kinds/`), and
/// `KindRegistry.all` gives their order: audit devices first so everything after is logged,
/// then mounts, their config and keys, then policies, then the roles that name them, and
/// secrets last.
public enum ResourceKind: String, Sendable, CaseIterable, Comparable {
    case namespace
    case auditDevice = "audit"
    case secretsEngine = "mount"
    case authMethod = "auth"
    case kvConfig = "kv-config"
    case transitKey = "transit-key"
    case pkiRootCA = "pki-root-ca"
    case pkiIntermediateCA = "pki-intermediate-ca"
    case pkiConfig = "pki-config"
    case pkiRole = "pki-role"
    case sshCA = "ssh-ca"
    case sshRole = "ssh-role"
    case totpKey = "totp-key"
    case policy
    case appRoleRole = "approle-role"
    case kubernetesConfig = "kubernetes-config"
    case kubernetesRole = "kubernetes-role"
    case userpassUser = "userpass-user"
    case jwtConfig = "jwt-config"
    case jwtRole = "jwt-role"
    case certRole = "cert-role"
    case tokenRole = "token-role"
    case identityEntity = "identity-entity"
    case identityGroup = "identity-group"
    case entityAlias = "entity-alias"
    case groupAlias = "group-alias"
    case rateLimitQuota = "rate-limit-quota"
    case databaseConnection = "database-connection"
    case databaseRole = "database-role"
    case databaseStaticRole = "database-static-role"
    case kvSecret = "kv-secret"
    case endpoint

    /// Dependency order, so sorting by kind sorts operations safely.
    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The kind's place in `KindRegistry.all`, which lists kinds in dependency order.
    private var rank: Int { KindRegistry.rank(self) }

    /// What a person calls `count` objects of this kind: `1 policy`, `4 policies`.
    public func counted(_ count: Int) -> String {
        guard count != 1 else { return "1 \(noun)" }
        let consonantY = noun.hasSuffix("y") && !"aeiou".contains(noun.dropLast().last ?? "a")
        if consonantY { return "\(count) " + noun.dropLast() + "ies" }
        return "\(count) " + noun + (noun.hasSuffix("s") ? "es" : "s")
    }

    /// What a person calls this kind, singular.
    public var noun: String { definition.noun }
}

/// A stable name for one object on the server, such as `mount:secret/` or
/// `approle-role:approle/hoodcloud-admin`, used in plans, reports and messages. An object
/// inside a namespace the manifest declares carries it: `tenants/acme::policy:reader`
/// (`::` cannot occur in a namespace path, so the text parses back unambiguously).
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The kind of object.
    public var kind: ResourceKind
    /// The object's identity within its kind, normalised as the server stores it.
    public var name: String
    /// The namespace the object lives in, relative to the connection's (`tenants/acme`, no
    /// slashes at either end); empty for the connection's own namespace. A namespace object
    /// itself (`namespace:tenants/acme/`) is addressed from the connection's namespace.
    public var namespace: String

    /// Creates an address.
    public init(_ kind: ResourceKind, _ name: String, namespace: String = "") {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// `KIND:NAME`, or `NAMESPACE::KIND:NAME` inside a namespace.
    public var description: String {
        namespace.isEmpty ? "\(kind.rawValue):\(name)" : "\(namespace)::\(kind.rawValue):\(name)"
    }

    /// Parses `KIND:NAME` or `NAMESPACE::KIND:NAME` as `description` writes it; nil when the
    /// kind is unknown, the name or the namespace empty.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var namespace = ""
        // A kind word holds no colon, so a first colon followed by another separates a namespace.
        if let colon = rest.firstIndex(of: ":"), rest[rest.index(after: colon)...].hasPrefix(":") {
            namespace = String(rest[..<colon])
            rest = rest[rest.index(colon, offsetBy: 2)...]
            guard !namespace.isEmpty else { return nil }
        }
        guard let colon = rest.firstIndex(of: ":"), let kind = ResourceKind(rawValue: String(rest[..<colon])) else { return nil }
        let name = String(rest[rest.index(after: colon)...])
        guard !name.isEmpty else { return nil }
        self.init(kind, name, namespace: namespace)
    }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        guard lhs.kind == rhs.kind else { return lhs.kind < rhs.kind }
        guard lhs.namespace.hasSameBytes(as: rhs.namespace) else { return String.byteOrder(lhs.namespace, rhs.namespace) }
        return String.byteOrder(lhs.name, rhs.name)
    }

    /// The same object when the server would say so: names compare by bytes, as the server's
    /// paths do (`café/` spelled precomposed and decomposed are two mounts).
    public static func == (lhs: Address, rhs: Address) -> Bool {
        lhs.kind == rhs.kind && lhs.name.hasSameBytes(as: rhs.name) && lhs.namespace.hasSameBytes(as: rhs.namespace)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        name.hashBytes(into: &hasher)
        namespace.hashBytes(into: &hasher)
    }

    /// For an object on a mount (`transit/k`): the mount path with its slash (`transit/`)
    /// and the object's name, its last segment (`k`).
    public var mountAndName: (mount: String, name: String) { MountPath.split(name) }

    /// Where requests about this object are sent, relative to the connection's namespace,
    /// and the address the kind's reads and writes know it by there: an object inside a
    /// namespace is sent to that namespace under its plain address; a namespace is created,
    /// read and deleted from its parent (`namespace:a/b/` is `namespace:b/` sent to `a`).
    public var route: (namespace: String, local: Address) {
        if kind == .namespace {
            let path = MountPath.withoutSlash(name)
            guard let slash = path.lastIndex(of: "/") else { return (namespace, Address(kind, name)) }
            let parent = String(path[..<slash])
            let joined = namespace.isEmpty ? parent : namespace + "/" + parent
            return (joined, Address(kind, String(path[path.index(after: slash)...]) + "/"))
        }
        return (namespace, Address(kind, name))
    }

    /// The same address inside `namespace` (relative to the connection's); an address read
    /// inside a namespace becomes the manifest's address of it.
    public func inside(_ namespace: String) -> Address {
        guard !namespace.isEmpty else { return self }
        return Address(kind, name, namespace: self.namespace.isEmpty ? namespace : namespace + "/" + self.namespace)
    }
}

/// Addresses travel as their `KIND:NAME` text.
extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = Address(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an address: \(text)")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What `sys/health` says about the server. Sealed, uninitialised and standby servers are
/// asked to answer 200 too, so this describes any server that answers at all.
public struct HealthStatus: Sendable, Equatable, Decodable {
    /// Whether the server has been initialised (its keys generated).
    public let initialized: Bool
    /// Whether the server is sealed and so refuses every other request with 503.
    public let sealed: Bool
    /// Whether this node is a standby that forwards or redirects to the active node.
    public let standby: Bool
    /// Whether this node is a performance standby (Vault Enterprise) that serves reads itself.
    public let performanceStandby: Bool
    /// The server's version, bare for OpenBao (`2.7.2`), possibly with a suffix for Vault
    /// (`1.15.2+ent`).
    public let version: String
    /// The cluster's name; absent while sealed.
    public let clusterName: String?
    /// The cluster's ID; absent while sealed.
    public let clusterID: String?

    private enum CodingKeys: String, CodingKey {
        case initialized, sealed, standby, version
        case performanceStandby = "performance_standby"
        case clusterName = "cluster_name"
        case clusterID = "cluster_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        initialized = try container.decode(Bool.self, forKey: .initialized)
        sealed = try container.decode(Bool.self, forKey: .sealed)
        standby = try container.decode(Bool.self, forKey: .standby)
        performanceStandby = try container.decodeIfPresent(Bool.self, forKey: .performanceStandby) ?? false
        version = try container.decode(String.self, forKey: .version)
        clusterName = try container.decodeIfPresent(String.self, forKey: .clusterName)
        clusterID = try container.decodeIfPresent(String.self, forKey: .clusterID)
    }
}

/// What `sys/seal-status` says: the seal's kind and unseal progress, plus build details that
/// tell Vault from OpenBao. It answers 200 even while sealed.
public struct SealStatus: Sendable, Equatable, Decodable {
    /// The seal's type (`shamir`, `awskms`, `transit`, …).
    public let type: String
    /// Whether the server has been initialised.
    public let initialized: Bool
    /// Whether the server is sealed.
    public let sealed: Bool
    /// How many key shares unseal it.
    public let threshold: Int
    /// How many key shares exist.
    public let shares: Int
    /// How many shares have been entered towards the threshold.
    public let progress: Int
    /// The server's version.
    public let version: String
    /// Vault's build date; OpenBao does not send it.
    public let buildDate: String?
    /// OpenBao's commit date; Vault does not send it.
    public let commitDate: String?
    /// The cluster's name; absent while sealed.
    public let clusterName: String?
    /// The storage backend (`raft`, `inmem`, …), when reported.
    public let storageType: String?

    private enum CodingKeys: String, CodingKey {
        case type, initialized, sealed, progress, version
        case threshold = "t"
        case shares = "n"
        case buildDate = "build_date"
        case commitDate = "commit_date"
        case clusterName = "cluster_name"
        case storageType = "storage_type"
    }
}

/// Which server implementation answers. They share an API but differ in places (OpenBao 2.x
/// refuses API-created audit devices unless its configuration allows them, for example);
/// `ServerBehaviour` holds those differences, so later stages ask it rather than the flavour.
public enum ServerFlavour: String, Sendable, Hashable, CustomStringConvertible {
    /// OpenBao, the Linux Foundation fork.
    case openBao = "OpenBao"
    /// HashiCorp Vault, community or enterprise.
    case vault = "Vault"
    /// A server that fits neither fingerprint (a proxy, or a future release).
    case unknown = "unknown"

    /// Tells the flavour from `sys/seal-status` (`ServerBehaviour.flavour(of:)`: Vault reports
    /// a `build_date`, OpenBao a `commit_date` and no build date).
    public init(sealStatus: SealStatus) {
        self = ServerBehaviour.flavour(of: sealStatus)
    }

    public var description: String { rawValue }
}

/// A server's flavour and version, as shown by `vaultform status`.
public struct ServerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// Vault or OpenBao.
    public let flavour: ServerFlavour
    /// The version as the server reports it.
    public let version: String

    /// Creates an identity from its parts.
    public init(flavour: ServerFlavour, version: String) {
        self.flavour = flavour
        self.version = version
    }

    public var description: String { "\(flavour) \(version)" }
}

extension VaultClient {
    /// Asks `sys/health` how the server is. Standby, sealed and uninitialised servers answer
    /// 200 here, so any answer is a status rather than an error.
    public func health() async throws -> HealthStatus {
        try await request(
            .get, "sys/health",
            query: [
                "standbyok": "true", "perfstandbyok": "true", "sealedcode": "200", "uninitcode": "200",
                "drsecondarycode": "200", "performancestandbycode": "200",
            ],
            as: HealthStatus.self)
    }

    /// Reads `sys/seal-status`, which needs no token and answers even while sealed.
    public func sealStatus() async throws -> SealStatus {
        try await request(.get, "sys/seal-status", as: SealStatus.self)
    }

    /// Tells Vault from OpenBao, with the version.
    public func identity() async throws -> ServerIdentity {
        let status = try await sealStatus()
        return ServerIdentity(flavour: ServerFlavour(sealStatus: status), version: status.version)
    }
}

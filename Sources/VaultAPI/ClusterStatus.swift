import Foundation

/// What `sys/leader` says (it needs no token, and every node answers it itself).
public struct LeaderStatus: Sendable, Equatable, Decodable {
    /// Whether the server runs in HA mode (raft storage, or an HA backend).
    public let haEnabled: Bool
    /// Whether the node asked is the active node.
    public let isSelf: Bool
    /// The active node's `api_addr`; empty while none is known.
    public let leaderAddress: String
    /// The active node's `cluster_addr`; empty while none is known.
    public let leaderClusterAddress: String

    private enum CodingKeys: String, CodingKey {
        case haEnabled = "ha_enabled"
        case isSelf = "is_self"
        case leaderAddress = "leader_address"
        case leaderClusterAddress = "leader_cluster_address"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        haEnabled = try container.decodeIfPresent(Bool.self, forKey: .haEnabled) ?? false
        isSelf = try container.decodeIfPresent(Bool.self, forKey: .isSelf) ?? false
        leaderAddress = try container.decodeIfPresent(String.self, forKey: .leaderAddress) ?? ""
        leaderClusterAddress = try container.decodeIfPresent(String.self, forKey: .leaderClusterAddress) ?? ""
    }
}

/// One server of a raft cluster's configuration (`sys/storage/raft/configuration`).
public struct RaftPeer: Sendable, Equatable, Decodable {
    /// The node's `node_id`.
    public let nodeID: String
    /// Its cluster address (`host:port` of the cluster listener).
    public let address: String
    /// Whether it leads.
    public let leader: Bool
    /// Whether it votes (a new node is a non-voter until autopilot promotes it).
    public let voter: Bool

    private enum CodingKeys: String, CodingKey {
        case address, leader, voter
        case nodeID = "node_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nodeID = try container.decode(String.self, forKey: .nodeID)
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? ""
        leader = try container.decodeIfPresent(Bool.self, forKey: .leader) ?? false
        voter = try container.decodeIfPresent(Bool.self, forKey: .voter) ?? false
    }
}

extension VaultClient {
    /// Reads `sys/leader` from the node this client sends to.
    public func leader() async throws -> LeaderStatus {
        try await request(.get, "sys/leader", as: LeaderStatus.self)
    }

    /// Reads the raft configuration's servers (needs a token that may read
    /// `sys/storage/raft/configuration`).
    public func raftPeers() async throws -> [RaftPeer] {
        let response = try await request(.get, "sys/storage/raft/configuration")
        guard let servers = response.data?["config"]?["servers"] else {
            throw VaultError(
                code: .invalidResponse, method: .get, path: "sys/storage/raft/configuration", namespace: namespace,
                status: response.status, messages: ["the answer has no config.servers"])
        }
        do {
            return try servers.decode(as: [RaftPeer].self)
        } catch {
            throw VaultError(
                code: .invalidResponse, method: .get, path: "sys/storage/raft/configuration", namespace: namespace,
                status: response.status, messages: [VaultError.summary(of: error)])
        }
    }
}

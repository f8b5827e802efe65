import VaultAPI

/// The `Cluster:` section of `vaultform status`: the leader's address, this node's role, and
/// the raft peers (node ID, cluster address, state, voter) when the token may read them.
enum ClusterLines {
    /// Stands for "no token to read the peers with".
    struct NoToken: Error {}

    /// The section's lines for `leader` (an HA server's `sys/leader`), this node's `health`, and
    /// the peers or why they could not be read.
    static func lines(_ leader: LeaderStatus, health: HealthStatus, peers: Result<[RaftPeer], any Error>) -> [(name: String, value: String)] {
        var lines: [(name: String, value: String)] = [
            ("leader", leader.leaderAddress.isEmpty ? "none known (an election may be under way)" : leader.leaderAddress),
            ("this node", role(leader: leader, health: health)),
        ]
        switch peers {
        case .success(let peers):
            lines.append(("raft peers", "\(peers.count)"))
            for peer in peers {
                let state = peer.leader ? "leader" : "follower"
                lines.append(("  " + peer.nodeID, "\(peer.address), \(state), \(peer.voter ? "voter" : "non-voter")"))
            }
        case .failure(let error as VaultError) where error.isPermissionDenied:
            lines.append(("raft peers", "not readable with this token (it needs read on sys/storage/raft/configuration)"))
        case .failure(let error as VaultError) where error.status == 404 || error.status == 405:
            lines.append(("raft peers", "none (the storage is not raft)"))
        case .failure(is NoToken):
            lines.append(("raft peers", "not read (no token)"))
        case .failure(let error):
            lines.append(("raft peers", "not read: \(error)"))
        }
        return lines
    }

    /// `active`, `standby` or `performance standby`, as the node reports itself.
    static func role(leader: LeaderStatus, health: HealthStatus) -> String {
        if health.performanceStandby { return "performance standby" }
        if health.standby || !leader.isSelf { return "standby" }
        return "active"
    }
}

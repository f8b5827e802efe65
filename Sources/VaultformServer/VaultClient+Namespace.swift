import VaultAPI
import VaultformCore
import VaultPath
import VaultWire

extension VaultClient {
    /// The same connection (transport, token, deadline) sent to `namespace`, a path relative
    /// to this client's namespace; empty: this client itself.
    func within(_ namespace: String) -> VaultClient {
        guard !namespace.isEmpty else { return self }
        let base = self.namespace.map(MountPath.withoutSlash) ?? ""
        return with(namespace: base.isEmpty ? namespace : base + "/" + namespace)
    }
}

/// A namespace as a LIST's `key_info` or a GET describes it, normalised.
enum NamespaceKindReading {
    static func live(_ address: Address, _ entry: JSONValue) -> Resource {
        ResourceKind.namespace.definition.live(LiveRecord(address: address, data: entry))
    }
}

extension LiveReader {
    /// Who runs the plan, when `wanted` (a reader sent into a namespace does not ask again).
    func readIdentity(when wanted: Bool) async throws -> ApplyingIdentity? {
        wanted ? try await readIdentity() : nil
    }
}

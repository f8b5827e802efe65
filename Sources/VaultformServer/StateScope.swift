import VaultAPI
import VaultformCore

/// Where vaultform keeps its own state for a reader or an applier, and which namespace that
/// reader or applier works in. The state (the apply lock, the fingerprint key, the records of
/// write-only values) lives once, in the connection's namespace, even for objects inside
/// namespaces below it: a reader or applier sent into `tenants/acme` keeps the connection's
/// client for its state and knows it is in `tenants/acme`, so its objects' records are keyed
/// and their fingerprints bound by their full addresses (`tenants/acme::userpass-user:…`).
struct StateScope: Sendable {
    /// The client for vaultform's own state: the connection's namespace.
    var client: VaultClient
    /// The namespace the reader or applier works in, relative to the connection's; "" for it.
    var namespace: String = ""

    /// The scope of a reader or applier sent `namespace` further down.
    func below(_ namespace: String) -> StateScope {
        guard !namespace.isEmpty else { return self }
        return StateScope(client: client, namespace: self.namespace.isEmpty ? namespace : self.namespace + "/" + namespace)
    }

    /// The address the manifest (and the records) know a local object by.
    func full(_ address: Address) -> Address { address.inside(namespace) }
}

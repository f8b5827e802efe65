import struct Foundation.Date
import VaultformCore

extension Applier {
    /// For an operation on an object inside a namespace, or on a nested namespace: an
    /// applier over the same connection sent to the namespace its requests go to, and the
    /// operation under the address that namespace knows the object by. Nil when the
    /// operation's requests go to the connection's own namespace as they are.
    func routed(_ operation: VaultformCore.Operation) -> (Applier, VaultformCore.Operation)? {
        let (namespace, local) = operation.address.route
        guard local != operation.address else { return nil }
        var routed = operation
        routed.address = local
        routed.desired?.address = local
        return (Applier(client: client.within(namespace), environment: environment, state: state.below(namespace), fingerprintKey: fingerprintKey), routed)
    }

    /// Waits until a deleted namespace is gone: the server answers the DELETE at once
    /// (`{"status":"in-progress"}`) and deletes what it holds in the background, and neither
    /// a namespace of the same name nor its parent's deletion may follow before it is done.
    /// Bounded: after `limit` seconds the apply fails, naming it.
    func awaitNamespaceGone(_ address: Address, limit: Double = 60) async throws {
        let reader = LiveReader(client: client, environment: environment, state: state)
        let start = Date()
        var pause: UInt64 = 50_000_000
        while try await reader.readOne(address) != nil {
            guard Date().timeIntervalSince(start) < limit else {
                throw ApplyError("the server is still deleting it after \(Int(limit)) s (its contents are deleted in the background); apply again later")
            }
            try await Task.sleep(nanoseconds: pause)
            pause = min(pause * 2, 1_000_000_000)
        }
    }
}

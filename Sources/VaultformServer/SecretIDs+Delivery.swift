import VaultAPI

extension SecretIDs {
    /// Creates a secret ID and hands it to `deliver` (which writes it to a file). A delivery
    /// that fails must not leave a working, never-expiring secret ID on the server that
    /// nobody knows about: the new secret ID is destroyed again (by its accessor; a wrapped
    /// one is unwrapped first to learn it), and when even that fails the error names the
    /// accessor, so an operator can destroy it by hand.
    public static func createAndDeliver(
        client: VaultClient, mount: String, role: String, metadata: [String: String] = [:], cidrs: [String] = [],
        wrapTTL: Duration? = nil, deliver: (Grant) throws -> Void
    ) async throws -> Grant {
        let grant = try await createSecretID(client: client, mount: mount, role: role, metadata: metadata, cidrs: cidrs, wrapTTL: wrapTTL)
        do {
            try deliver(grant)
            return grant
        } catch let failure {
            var accessor = grant.accessor
            do {
                if grant.wrapped {
                    let unwrapped = try await client.with(token: grant.value).with(retryPolicy: .never).request(.post, "sys/wrapping/unwrap")
                    accessor = unwrapped.data?["secret_id_accessor"]?.stringValue
                }
                guard let accessor else { throw OperatorError("the server did not say the new secret ID's accessor") }
                try await destroy(client: client, mount: mount, role: role, accessor: accessor)
            } catch {
                let known = accessor.map { "its accessor is \($0): destroy it with `bao write auth/\(mount)role/\(role)/secret-id-accessor/destroy secret_id_accessor=\($0)`" }
                    ?? "it was wrapped, and its wrapping token could not be unwrapped; it stays valid until the wrap TTL ends, the secret ID inside until its own TTL"
                throw OperatorError("\(failure); destroying the new secret ID of \(role) failed too (\(error)), so it is still valid: \(known)")
            }
            throw OperatorError("\(failure); the new secret ID of \(role) was destroyed again (accessor \(accessor ?? "unknown")), so none is left unused")
        }
    }
}

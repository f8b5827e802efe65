extension VaultClient {
    /// The capabilities this client's token has on `path` (`sys/capabilities-self`), in the
    /// server's words: `["read", "list"]`, `["deny"]`, `["root"]`.
    /// - Throws: `VaultError`; a token without the `default` policy gets 403 here.
    public func capabilitiesSelf(on path: String) async throws -> [String] {
        let response = try await request(.post, "sys/capabilities-self", body: ["paths": [.string(path)]])
        let answer = response.data?[path] ?? response.data?["capabilities"]
        return answer?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// A 403 for a missing capability, with what the token does have on the path and its
    /// policies, so its message can say which capability to add, to which policy, and the
    /// block that adds it. Asked once,
    /// without retries; when the token may not ask (no `default` policy), the error is
    /// returned as it is.
    func explainingDenial(_ error: VaultError) async -> VaultError {
        guard error.denial == .missingCapability, error.status == 403, token != nil,
              // The two questions asked here are never explained themselves: a token denied
              // one of them would otherwise ask again, without end.
              error.path != "sys/capabilities-self", error.path != "auth/token/lookup-self", !error.path.contains("<redacted>")
        else { return error }
        let once = with(retryPolicy: .never)
        guard let granted = try? await once.capabilitiesSelf(on: error.path) else { return error }
        var explained = error
        explained.granted = granted
        if let details = try? await once.lookUpSelf() {
            explained.tokenPolicies = details.policies + details.identityPolicies.filter { !details.policies.contains($0) }
        }
        return explained
    }
}

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
        let details = try? await once.lookUpSelf()
        // The path as the token's policies name it: the server checks a LIST at the path with
        // a trailing slash, and a request in a namespace below the token's at the path
        // prefixed with the namespaces in between (policies live in the token's namespace).
        var policyPath = error.method == .list && !error.path.hasSuffix("/") ? error.path + "/" : error.path
        var asking = once
        let requestNamespace = (error.namespace ?? "").split(separator: "/").joined(separator: "/")
        if let details, details.namespacePath != requestNamespace {
            let own = details.namespacePath
            guard own.isEmpty || requestNamespace.hasPrefix(own + "/") else { return error }
            policyPath = requestNamespace.dropFirst(own.isEmpty ? 0 : own.count + 1) + "/" + policyPath
            asking = once.with(namespace: own.isEmpty ? nil : own)
        }
        guard let granted = try? await asking.capabilitiesSelf(on: policyPath) else { return error }
        var explained = error
        explained.granted = granted
        explained.policyPath = policyPath
        if let details {
            explained.tokenPolicies = details.policies + details.identityPolicies.filter { !details.policies.contains($0) }
            explained.policyNamespace = details.namespacePath
        }
        return explained
    }
}

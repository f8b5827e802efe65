/// What the server refuses in a JWT/OIDC method's config and roles, found before anything is sent.
extension Builder {
    /// One key source, and an OIDC client only with a discovery URL.
    mutating func checkJWTConfig(_ config: JWTConfig, _ item: CheckedObject) {
        let sources = ["jwks_url", "oidc_discovery_url", "jwt_validation_pubkeys"].filter { key in
            switch key {
            case "jwt_validation_pubkeys": !(config.jwtValidationPubkeys ?? []).isEmpty
            case "jwks_url": !(config.jwksURL ?? "").isEmpty
            default: !(config.oidcDiscoveryURL ?? "").isEmpty
            }
        }
        if sources.count > 1, let second = sources.dropFirst().first {
            report(.error(
                "a JWT/OIDC config takes one key source, not both `\(sources[0])` and `\(second)`: the server refuses the pair",
                at: item.location(of: second), related: [.init("`\(sources[0])` is set here", at: item.location(of: sources[0]))]))
        } else if sources.isEmpty, (config.providerConfig ?? [:]).isEmpty {
            report(.error(
                "a JWT/OIDC config needs a key source: `jwt_validation_pubkeys`, `jwks_url` or `oidc_discovery_url`", at: item.location))
        }
        if !(config.oidcClientID ?? "").isEmpty {
            if (config.oidcDiscoveryURL ?? "").isEmpty {
                report(.error("`oidc_client_id` needs `oidc_discovery_url`", at: item.location(of: "oidc_client_id")))
            }
            // The server refuses a client ID without its secret.
            if config.oidcClientSecret == nil, !item.has("oidc_client_secret") {
                report(.error("`oidc_client_id` needs `oidc_client_secret`", at: item.location(of: "oidc_client_id")))
            }
        } else if item.has("oidc_client_secret") {
            report(.error("`oidc_client_secret` goes with `oidc_client_id`", at: item.location(of: "oidc_client_secret")))
        }
        if config.oidcResponseMode ?? "query" == "query", (config.oidcResponseTypes ?? []).contains("id_token") {
            report(.error(
                "the `id_token` response type needs `oidc_response_mode: form_post`", at: item.location(of: "oidc_response_types")))
        }
        if let url = config.oidcDiscoveryURL, url.contains(".well-known/openid-configuration") {
            report(.error(
                "`oidc_discovery_url` is the issuer's URL, without `.well-known/openid-configuration`",
                at: item.location(of: "oidc_discovery_url")))
        }
    }

    /// The bindings each role type needs, and claim mappings the server refuses.
    mutating func checkJWTRole(_ role: JWTRole, _ item: CheckedObject) {
        checkToken(role.token, item)
        if let ttl = role.token.tokenTTL, let max = role.token.tokenMaxTTL, max.seconds > 0, ttl > max {
            report(.error("`token_ttl` (\(ttl)) is longer than `token_max_ttl` (\(max))", at: item.location(of: "token_ttl")))
        }
        if role.roleType ?? "oidc" == "oidc" {
            if (role.allowedRedirectURIs ?? []).isEmpty, !role.ignoreFields.contains("allowed_redirect_uris") {
                report(.error(
                    "an OIDC role needs `allowed_redirect_uris`", at: item.location(of: "role_type"),
                    hint: "a role without `role_type: jwt` is an OIDC role"))
            }
        } else if (role.boundAudiences ?? []).isEmpty, (role.token.tokenBoundCIDRs ?? []).isEmpty, (role.boundSubject ?? "").isEmpty,
                  (role.boundClaims ?? [:]).isEmpty,
                  !role.ignoreFields.contains(where: { ["bound_audiences", "bound_subject", "bound_claims", "token_bound_cidrs"].contains($0) }) {
            report(.error(
                "a JWT role needs a binding: `bound_audiences`, `bound_subject`, `bound_claims` or `token_bound_cidrs`",
                at: item.location(of: "role_type"), hint: "without one, any token the method trusts could log in"))
        }
        var targets: [String: String] = [:]
        for (claim, key) in (role.claimMappings ?? [:]).sorted(by: { $0.key < $1.key }) {
            if key == "role" {
                report(.error("claim mapping `\(claim)` names the metadata key `role`, which the server reserves", at: item.location(of: "claim_mappings")))
            }
            if let other = targets[key] {
                report(.error("claims `\(other)` and `\(claim)` are both mapped to metadata key `\(key)`", at: item.location(of: "claim_mappings")))
            }
            targets[key] = claim
        }
        for (claim, values) in role.boundClaims ?? [:] where values.isEmpty {
            report(.error("bound claim `\(claim)` lists no values", at: item.location(of: "bound_claims")))
        }
    }
}

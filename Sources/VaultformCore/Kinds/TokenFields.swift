import VaultformManifest

/// The token settings every role-issuing auth method shares (AppRole, Kubernetes, JWT
/// roles): their definitions, how the server's answer and the manifest become fields, and how
/// the server compares them.
enum TokenFields {
    static let definitions: [FieldDefinition] = [
        .inPlace("token_policies", .set([]), "policies of the tokens issued"),
        .inPlace("token_ttl", .seconds(0), "TTL of the tokens issued; 0 the mount's"),
        .inPlace("token_max_ttl", .seconds(0), "maximum TTL of the tokens issued; 0 the mount's"),
        .inPlace("token_explicit_max_ttl", .seconds(0), "a hard cap on token lifetime; 0 none"),
        .inPlace("token_period", .seconds(0), "periodic tokens with this period; 0 not periodic"),
        .inPlace("token_num_uses", .integer(0), "uses of a token; 0 unlimited"),
        .inPlace("token_type", .string("default"), "the type of tokens issued"),
        .inPlace("token_no_default_policy", .boolean(false), "the default policy is left off issued tokens"),
        .inPlace("token_bound_cidrs", .set([]), "where issued tokens may be used from"),
        .inPlace("token_strictly_bind_ip", .boolean(false), "issued tokens are bound to the address that logged in"),
    ]

    /// The token fields of a role as the server answers for it.
    static func live(_ record: LiveRecord) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for key in ["token_no_default_policy", "token_strictly_bind_ip"] { fields[key] = .boolean(record[key]?.boolValue ?? false) }
        fields["token_num_uses"] = .integer(record["token_num_uses"]?.intValue ?? 0)
        for key in ["token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period"] {
            fields[key] = .seconds(record[key]?.intValue ?? 0)
        }
        fields["token_type"] = .string(record["token_type"]?.stringValue ?? "default")
        // The server keeps order and duplicates as sent; a role's policies are a set.
        fields["token_policies"] = .unorderedSet(WireFields.strings(record["token_policies"]))
        fields["token_bound_cidrs"] = .unorderedSet(WireFields.strings(record["token_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.tokenBoundCIDR)
        })
        return fields
    }

    /// The token fields the manifest sets.
    static func stated(_ token: TokenSettings) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        if let policies = token.tokenPolicies { fields["token_policies"] = .unorderedSet(policies.map(\.value)) }
        if let ttl = token.tokenTTL { fields["token_ttl"] = .seconds(ttl.seconds) }
        if let ttl = token.tokenMaxTTL { fields["token_max_ttl"] = .seconds(ttl.seconds) }
        if let ttl = token.tokenExplicitMaxTTL { fields["token_explicit_max_ttl"] = .seconds(ttl.seconds) }
        if let period = token.tokenPeriod { fields["token_period"] = .seconds(period.seconds) }
        if let uses = token.tokenNumUses { fields["token_num_uses"] = .integer(uses) }
        if let type = token.tokenType { fields["token_type"] = .string(type) }
        if let flag = token.tokenNoDefaultPolicy { fields["token_no_default_policy"] = .boolean(flag) }
        if let cidrs = token.tokenBoundCIDRs { fields["token_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.tokenBoundCIDR)) }
        if let flag = token.tokenStrictlyBindIP { fields["token_strictly_bind_ip"] = .boolean(flag) }
        return fields
    }

    /// A role's policies as a login gives them to tokens (with `default` unless the role's
    /// `token_no_default_policy` is wanted on: with the flag off, `[]` and `[default]` issue
    /// the same tokens), its CIDR bindings by the addresses they admit
    /// (`Canonical.tokenPolicyNames`, `Canonical.cidrNetworks`).
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool? {
        guard case .set(let want) = desired, case .set(let have) = live else { return nil }
        switch field {
        case "token_policies":
            let extra = fields["token_no_default_policy"] == .boolean(false) ? ["default"] : []
            return Canonical.tokenPolicyNames(want + extra).hasSameBytes(as: Canonical.tokenPolicyNames(have + extra))
        case "token_bound_cidrs", "secret_id_bound_cidrs":
            return Canonical.cidrNetworks(want).hasSameBytes(as: Canonical.cidrNetworks(have))
        default:
            return nil
        }
    }
}

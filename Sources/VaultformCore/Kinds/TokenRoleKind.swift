import VaultformManifest

/// A token role (`auth/token/roles/NAME`) of the built-in token auth method: what tokens
/// created against it may carry. The server keeps the name's case; it lower-cases policy
/// names, globs and entity aliases, and keeps only `root` of a list that names it.
enum TokenRoleKind {
    static let definition = KindDefinition(
        kind: .tokenRole, noun: "token role", section: "token_roles", ownership: .tokenRole, endpoint: "auth/token/roles/NAME",
        fields: [
            .inPlace("allowed_policies", .set([]), "policies tokens may have; empty: any the creator has"),
            .inPlace("disallowed_policies", .set([]), "policies tokens may never have"),
            .inPlace("allowed_policies_glob", .set([]), "glob patterns of policies tokens may have"),
            .inPlace("disallowed_policies_glob", .set([]), "glob patterns of policies tokens may never have"),
            .inPlace("allowed_entity_aliases", .set([]), "entity aliases tokens may be created for"),
            .inPlace("orphan", .boolean(false), "tokens have no parent"),
            .inPlace("renewable", .boolean(true), "tokens may be renewed"),
            .inPlace("path_suffix", .string(""), "a suffix of the tokens' creation path"),
            .inPlace("token_period", .seconds(0), "periodic tokens with this period; 0 not periodic"),
            .inPlace("token_explicit_max_ttl", .seconds(0), "a hard cap on token lifetime; 0 none"),
            .inPlace("token_num_uses", .integer(0), "uses of a token; 0 unlimited"),
            .inPlace("token_type", .string("default-service"), "the type of tokens created"),
            .inPlace("token_no_default_policy", .boolean(false), "the default policy is left off created tokens"),
            .inPlace("token_bound_cidrs", .set([]), "where created tokens may be used from"),
        ],
        generated: ["name", "period, explicit_max_ttl and bound_cidrs (legacy mirrors of the token_ fields)"],
        destructionLosesData: false,
        // CIDR bindings by the addresses they admit (host bits do not matter).
        sameValue: { field, desired, live, _ in
            guard field == "token_bound_cidrs", case .set(let want) = desired, case .set(let have) = live else { return nil }
            return Canonical.cidrNetworks(want).hasSameBytes(as: Canonical.cidrNetworks(have))
        },
        reading: .listed(list: "auth/token/roles", item: "auth/token/roles/NAME"),
        stated: { manifest in manifest.tokenRoles.map(stated) },
        live: live,
        // The endpoint updates only the fields a write names, and creates with the rest fresh.
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "token_roles.yaml", note: "Token roles.") { role, _ in
            ManifestEntry.fields(role, identity: [.init("name", .text(role.address.name))])
        })

    static func path(_ address: Address) -> String { "auth/token/roles/\(address.name)" }

    /// A list of policy names as the server keeps it: trimmed, lower-cased, blanks and
    /// repeats dropped, and only `root` when it names `root` (OpenBao's SanitizePolicies).
    static func policies(_ names: [String]) -> FieldValue {
        let cleaned = Canonical.tokenPolicyNames(names)
        return .set(cleaned.contains("root") ? ["root"] : cleaned)
    }

    /// Names the server trims and lower-cases the same way (globs, entity aliases).
    static func lowered(_ names: [String]) -> FieldValue { .set(Canonical.tokenPolicyNames(names)) }

    static func live(_ record: LiveRecord) -> Resource {
        var fields: [String: FieldValue] = [:]
        fields["allowed_policies"] = policies(WireFields.strings(record["allowed_policies"]))
        fields["disallowed_policies"] = policies(WireFields.strings(record["disallowed_policies"]))
        for key in ["allowed_policies_glob", "disallowed_policies_glob", "allowed_entity_aliases"] {
            fields[key] = lowered(WireFields.strings(record[key]))
        }
        fields["orphan"] = .boolean(record["orphan"]?.boolValue ?? false)
        fields["renewable"] = .boolean(record["renewable"]?.boolValue ?? true)
        fields["path_suffix"] = .string(record["path_suffix"]?.stringValue ?? "")
        fields["token_period"] = .seconds(record["token_period"]?.intValue ?? 0)
        fields["token_explicit_max_ttl"] = .seconds(record["token_explicit_max_ttl"]?.intValue ?? 0)
        // The server leaves token_num_uses out when it is 0.
        fields["token_num_uses"] = .integer(record["token_num_uses"]?.intValue ?? 0)
        fields["token_type"] = .string(record["token_type"]?.stringValue ?? "default-service")
        fields["token_no_default_policy"] = .boolean(record["token_no_default_policy"]?.boolValue ?? false)
        fields["token_bound_cidrs"] = .unorderedSet(WireFields.strings(record["token_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.tokenBoundCIDR)
        })
        return Resource(record.address, fields: fields)
    }

    static func stated(_ role: TokenRole) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let names = role.allowedPolicies { fields["allowed_policies"] = policies(names.map(\.value)) }
        if let names = role.disallowedPolicies { fields["disallowed_policies"] = policies(names.map(\.value)) }
        if let globs = role.allowedPoliciesGlob { fields["allowed_policies_glob"] = lowered(globs) }
        if let globs = role.disallowedPoliciesGlob { fields["disallowed_policies_glob"] = lowered(globs) }
        if let aliases = role.allowedEntityAliases { fields["allowed_entity_aliases"] = lowered(aliases) }
        if let flag = role.orphan { fields["orphan"] = .boolean(flag) }
        if let flag = role.renewable { fields["renewable"] = .boolean(flag) }
        if let suffix = role.pathSuffix { fields["path_suffix"] = .string(suffix) }
        if let period = role.tokenPeriod { fields["token_period"] = .seconds(period.seconds) }
        if let ttl = role.tokenExplicitMaxTTL { fields["token_explicit_max_ttl"] = .seconds(ttl.seconds) }
        if let uses = role.tokenNumUses { fields["token_num_uses"] = .integer(uses) }
        if let type = role.tokenType { fields["token_type"] = .string(type) }
        if let flag = role.tokenNoDefaultPolicy { fields["token_no_default_policy"] = .boolean(flag) }
        if let cidrs = role.tokenBoundCIDRs { fields["token_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.tokenBoundCIDR)) }
        return StatedResource(Resource(Address(.tokenRole, role.name), fields: fields), role.location, ignored: role.ignoreFields)
    }
}

import Foundation
import VaultformPolicy
import VaultformManifest
import VaultPath
import VaultWire

/// A role of a JWT/OIDC auth method (`auth/MOUNT/role/NAME`): which tokens may log in, and
/// the tokens they get. The server stores the name in lower case and lists as sent. A write
/// keeps most fields it leaves out, but resets `role_type` (to oidc), `bound_claims_type`,
/// `callback_mode` and `oidc_disable_confirmation`: every write sends every managed field.
enum JWTRoleKind {
    static let definition = KindDefinition(
        kind: .jwtRole, noun: "JWT/OIDC role", section: "jwt_roles", ownership: .jwtRole,
        endpoint: "auth/MOUNT/role/NAME", mount: .authMethod, holds: { $0.isMount(ofType: "jwt") || $0.isMount(ofType: "oidc") },
        fields: [
            .inPlace("role_type", .string("oidc"), "jwt: log in with a JWT; oidc: a browser OIDC flow"),
            .inPlace("user_claim", nil, "the claim that names the user"),
            .inPlace("user_claim_json_pointer", .boolean(false), "`user_claim` is a JSON pointer"),
            .inPlace("bound_audiences", .set([]), "audiences a token must have one of"),
            .inPlace("bound_subject", .string(""), "the `sub` claim a token must have"),
            .inPlace("bound_claims", .map([:]), "claim → the values it must match (a JSON list each)"),
            .inPlace("bound_claims_type", .string("string"), "how bound claim values match: string or glob"),
            .inPlace("claim_mappings", .map([:]), "claim → the metadata key it is copied to"),
            .inPlace("groups_claim", .string(""), "the claim that lists the user's groups"),
            .inPlace("allowed_redirect_uris", .set([]), "where an OIDC provider may send the browser back"),
            .inPlace("oidc_scopes", .set([]), "OIDC scopes asked for"),
            .inPlace("clock_skew_leeway", .seconds(0), "leeway for time claims; 0 the server's 60s"),
            .inPlace("expiration_leeway", .seconds(0), "leeway for `exp`; 0 the server's 150s"),
            .inPlace("not_before_leeway", .seconds(0), "leeway for `nbf`; 0 the server's 150s"),
            .inPlace("verbose_oidc_logging", .boolean(false), "the provider's answers are logged"),
            .inPlace("max_age", .seconds(0), "how long ago an OIDC user may have authenticated; 0 any"),
            .inPlace("callback_mode", .string("client"), "how an OIDC login completes"),
            .inPlace("poll_interval", .integer(0), "seconds between device-flow polls; 0 the provider's"),
            .inPlace("oidc_disable_confirmation", .boolean(false), "a direct callback skips its confirmation page"),
            .inPlace("oauth2_metadata", .set([]), "OAuth tokens copied into the token's metadata"),
            .inPlace("token_policies_template_claims", .boolean(false), "`token_policies` are templates filled from the claims"),
        ] + TokenFields.definitions,
        generated: ["policies, bound_cidrs, ttl, max_ttl, period, num_uses (legacy mirrors of the token_ fields)"],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: TokenFields.sameValue, policyReferences: ["token_policies"],
        reading: .listed(list: "auth/MOUNTrole", item: "auth/MOUNTrole/NAME"),
        stated: { manifest in manifest.jwtRoles.map(stated) },
        live: live,
        create: { [.post(path($0.address), body($0.fields))] },
        // The fields a write resets when it leaves them out go with every write: send them all.
        update: { desired, changed in [.post(path(desired.address), body(desired.fields.merging(changed) { _, new in new }))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "jwt_roles.yaml", note: "Roles of JWT/OIDC auth methods.") { role, _ in
            let (mount, name) = role.address.mountAndName
            var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
            if mount != "jwt/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
            guard case .mapping(var pairs) = ManifestEntry.fields(role, identity: identity, skipping: ["bound_claims"]) else {
                return ManifestEntry.fields(role, identity: identity)
            }
            // A claim of one value is written as that value, of several as a list.
            if case .map(let claims)? = role.fields["bound_claims"], !claims.isEmpty {
                let entries = claims.keys.sorted().map { claim -> ManifestNode.Pair in
                    let values = BoundClaims.values(claims[claim] ?? "").map { $0.stringValue ?? BoundClaims.text($0) }
                    return .init(claim, .value(values.count == 1 ? .string(values[0]) : .list(values)))
                }
                pairs.append(.init("bound_claims", .mapping(entries)))
            }
            return .mapping(pairs)
        })

    static func path(_ address: Address) -> String {
        let (mount, role) = address.mountAndName
        return "auth/\(mount)role/\(role)"
    }

    /// A write's body: bound claims go as their JSON lists.
    static func body(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        var body = WireFields.object(fields)
        if case .map(let claims)? = fields["bound_claims"] {
            body["bound_claims"] = .object(claims.mapValues { .array(BoundClaims.values($0)) })
        }
        return body
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields = TokenFields.live(record)
        let texts: [(String, String)] = [
            ("role_type", "oidc"), ("user_claim", ""), ("bound_subject", ""), ("bound_claims_type", "string"), ("groups_claim", ""),
            ("callback_mode", "client"),
        ]
        for (key, fresh) in texts { fields[key] = .string(record[key]?.stringValue ?? fresh) }
        for key in ["user_claim_json_pointer", "verbose_oidc_logging", "oidc_disable_confirmation", "token_policies_template_claims"] {
            fields[key] = .boolean(record[key]?.boolValue ?? false)
        }
        for key in ["bound_audiences", "allowed_redirect_uris", "oidc_scopes", "oauth2_metadata"] {
            fields[key] = .unorderedSet(WireFields.strings(record[key]))
        }
        for key in ["clock_skew_leeway", "expiration_leeway", "not_before_leeway", "max_age"] {
            fields[key] = .seconds(record[key]?.intValue ?? 0)
        }
        // The server leaves `poll_interval` out when it is 0.
        fields["poll_interval"] = .integer(record["poll_interval"]?.intValue ?? 0)
        fields["claim_mappings"] = .map(WireFields.stringMap(record["claim_mappings"]))
        var claims: [String: String] = [:]
        for (claim, value) in record["bound_claims"]?.objectValue ?? [:] {
            claims[claim] = BoundClaims.canonical(value.arrayValue ?? [value])
        }
        fields["bound_claims"] = .map(claims)
        return Resource(record.address, fields: fields)
    }

    static func stated(_ role: JWTRole) -> StatedResource {
        var fields = TokenFields.stated(role.token)
        let texts: [(String, String?)] = [
            ("role_type", role.roleType), ("user_claim", role.userClaim), ("bound_subject", role.boundSubject),
            ("bound_claims_type", role.boundClaimsType), ("groups_claim", role.groupsClaim), ("callback_mode", role.callbackMode),
        ]
        for (key, value) in texts { if let value { fields[key] = .string(value) } }
        let flags: [(String, Bool?)] = [
            ("user_claim_json_pointer", role.userClaimJSONPointer), ("verbose_oidc_logging", role.verboseOIDCLogging),
            ("oidc_disable_confirmation", role.oidcDisableConfirmation), ("token_policies_template_claims", role.tokenPoliciesTemplateClaims),
        ]
        for (key, value) in flags { if let value { fields[key] = .boolean(value) } }
        let lists: [(String, [String]?)] = [
            ("bound_audiences", role.boundAudiences), ("allowed_redirect_uris", role.allowedRedirectURIs),
            ("oidc_scopes", role.oidcScopes), ("oauth2_metadata", role.oauth2Metadata),
        ]
        for (key, value) in lists { if let value { fields[key] = .unorderedSet(value) } }
        let spans: [(String, TimeSpan?)] = [
            ("clock_skew_leeway", role.clockSkewLeeway), ("expiration_leeway", role.expirationLeeway),
            ("not_before_leeway", role.notBeforeLeeway), ("max_age", role.maxAge),
        ]
        for (key, value) in spans { if let value { fields[key] = .seconds(value.seconds) } }
        if let interval = role.pollInterval { fields["poll_interval"] = .integer(interval) }
        if let mappings = role.claimMappings { fields["claim_mappings"] = .map(mappings) }
        if let claims = role.boundClaims {
            fields["bound_claims"] = .map(claims.mapValues { BoundClaims.canonical($0.map(JSONValue.string)) })
        }
        let name = MountPath.withSlash(role.mount.value) + role.name.lowercased()
        return StatedResource(Resource(Address(.jwtRole, name), fields: fields), role.location, ignored: role.ignoreFields)
    }
}

/// A bound claim's values as the server matches them: a value and a list of one are the same,
/// order and repeats do not matter, and a string never equals a number or boolean. Held as
/// the JSON text of the sorted, de-duplicated list (`["main","release"]`).
enum BoundClaims {
    /// The canonical text of `values`.
    static func canonical(_ values: [JSONValue]) -> String {
        let texts = values.map(text).byteSortedUnique()
        return "[" + texts.joined(separator: ",") + "]"
    }

    /// One value's JSON text.
    static func text(_ value: JSONValue) -> String {
        guard let data = try? value.encoded() else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The values of a canonical text.
    static func values(_ canonical: String) -> [JSONValue] {
        (try? JSONValue(decoding: Data(canonical.utf8)))?.arrayValue ?? []
    }
}

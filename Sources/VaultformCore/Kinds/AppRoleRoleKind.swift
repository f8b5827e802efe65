/// A role of an AppRole auth method (`auth/MOUNT/role/NAME`, its role ID at `…/role-id`).
enum AppRoleRoleKind {
    static let definition = KindDefinition(
        kind: .appRoleRole, section: "approle_roles", endpoint: "auth/MOUNT/role/NAME",
        fields: [
            .inPlace("role_id", nil, "a fixed role ID; when the manifest gives none, the server's is not compared"),
            .inPlace("bind_secret_id", .boolean(true), "a secret ID is required at login"),
            .inPlace("secret_id_bound_cidrs", .set([]), "where secret IDs may be used from"),
            .inPlace("secret_id_num_uses", .integer(0), "uses of a secret ID; 0 unlimited"),
            .inPlace("secret_id_ttl", .seconds(0), "lifetime of a secret ID; 0 unlimited"),
            .fixed(
                "local_secret_ids", .boolean(false), "secret IDs local to this cluster",
                reason: "`local_secret_ids` is fixed when a role is created"),
            .inPlace("token_policies", .set([]), "policies of the tokens issued"),
            .inPlace("token_ttl", .seconds(0), "TTL of the tokens issued; 0 the mount's"),
            .inPlace("token_max_ttl", .seconds(0), "maximum TTL of the tokens issued; 0 the mount's"),
            .inPlace("token_explicit_max_ttl", .seconds(0), "a hard cap on token lifetime; 0 none"),
            .inPlace("token_period", .seconds(0), "periodic tokens with this period; 0 not periodic"),
            .inPlace("token_num_uses", .integer(0), "uses of a token; 0 unlimited"),
            .inPlace("token_type", .string("default"), "the type of tokens issued"),
            .inPlace("token_no_default_policy", .boolean(false), "the default policy is left off issued tokens"),
            .inPlace("token_bound_cidrs", .set([]), "where issued tokens may be used from"),
        ],
        generated: ["role_id (when the manifest fixes none)", "secret IDs and their accessors"],
        destructionLosesData: false)
}

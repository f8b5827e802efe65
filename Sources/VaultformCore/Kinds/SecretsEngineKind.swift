/// A secrets engine mount (`sys/mounts/PATH`, tuned at `sys/mounts/PATH/tune`).
enum SecretsEngineKind {
    static let definition = KindDefinition(
        kind: .secretsEngine, section: "secrets_engines", endpoint: "sys/mounts/PATH",
        fields: [
            .fixed("type", nil, "the engine type", reason: "the type of a mount cannot change; re-mounting destroys its data"),
            .inPlace("description", .string(""), "a human-friendly description"),
            .inPlace("options", nil, "engine options; only the keys the manifest names are compared, and a KV version only goes up in place"),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: "`local` is fixed when the mount is enabled"),
            .fixed("seal_wrap", .boolean(false), "seal-wrapped storage", reason: "`seal_wrap` is fixed when the mount is enabled"),
            .fixed(
                "external_entropy_access", .boolean(false), "access to the external entropy source",
                reason: "`external_entropy_access` is fixed when the mount is enabled"),
        ] + MountTuningFields.fields,
        generated: ["accessor", "uuid", "running_plugin_version", "running_sha256", "deprecation_status"],
        destructionLosesData: true)
}

/// The tuning every mount has, secrets engine or auth method (`…/tune`).
enum MountTuningFields {
    static let fields: [FieldDefinition] = [
        .inPlace("default_lease_ttl", .seconds(0), "default TTL of leases and tokens; 0 is the system's"),
        .inPlace("max_lease_ttl", .seconds(0), "maximum TTL; 0 is the system's"),
        .fixed(
            "force_no_cache", .boolean(false), "no caching",
            reason: "the server ignores `force_no_cache` when tuning; only re-creating the mount changes it"),
        .inPlace("listing_visibility", .string(""), "listed in the unauthenticated UI listing"),
        .inPlace("passthrough_request_headers", .set([]), "request headers passed to the plugin"),
        .inPlace("allowed_response_headers", .set([]), "response headers the plugin may set"),
        .inPlace("audit_non_hmac_request_keys", .set([]), "request keys not HMAC'd in audit logs"),
        .inPlace("audit_non_hmac_response_keys", .set([]), "response keys not HMAC'd in audit logs"),
        .inPlace("plugin_version", .string(""), "the plugin version to run; empty for the built-in"),
    ]
}

/// A KV version 2 engine's config (`MOUNT/config`). Managed for every KV v2 engine, at its
/// fresh values when the manifest gives no `kv_config`.
enum KVConfigKind {
    static let definition = KindDefinition(
        kind: .kvConfig, section: "secrets_engines[].kv_config", endpoint: "MOUNT/config",
        fields: [
            .inPlace("max_versions", .integer(0), "versions kept per secret; 0 is the server's 10"),
            .inPlace("cas_required", .boolean(false), "check-and-set required on every write"),
            .inPlace("delete_version_after", .seconds(0), "versions deleted this long after they are written; 0 never"),
        ],
        generated: [],
        destructionLosesData: false,
        existsWithMount: true)
}

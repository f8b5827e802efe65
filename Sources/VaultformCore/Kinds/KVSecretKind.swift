/// A KV version 2 secret described by a secret schema (`MOUNT/data/PATH`). Planned apart, by
/// `SecretPlanner`, from value-free observations, read by `SecretReader` and written by
/// `SecretApplier`; never deleted.
enum KVSecretKind {
    static let definition = KindDefinition(
        kind: .kvSecret, noun: "secret schema", section: "secret_schemas", endpoint: "MOUNT/data/PATH",
        mount: .secretsEngine,
        fields: [],
        generated: ["versions", "created_time", "custom_metadata (except vaultform's rotation markers)"],
        destructionLosesData: false,
        reading: .elsewhere)
}

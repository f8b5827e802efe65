/// A KV version 2 secret described by a secret schema (`MOUNT/data/PATH`). Planned apart, by
/// `SecretPlanner`, from value-free observations; never deleted.
enum KVSecretKind {
    static let definition = KindDefinition(
        kind: .kvSecret, section: "secret_schemas", endpoint: "MOUNT/data/PATH",
        fields: [],
        generated: ["versions", "created_time", "custom_metadata (except vaultform's rotation markers)"],
        destructionLosesData: false)
}

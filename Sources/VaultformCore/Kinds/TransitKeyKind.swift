/// A Transit key (`MOUNT/keys/NAME`, settings at `MOUNT/keys/NAME/config`).
enum TransitKeyKind {
    static func immutable(_ field: String) -> String {
        "`\(field)` is fixed when a Transit key is created; replacing the key destroys what it encrypted"
    }

    static func oneWay(_ field: String) -> String {
        "`\(field)` cannot be turned off once on; only replacing the key (destroying what it encrypted) does"
    }

    static let definition = KindDefinition(
        kind: .transitKey, section: "transit_keys", endpoint: "MOUNT/keys/NAME",
        fields: [
            .fixed("type", .string("aes256-gcm96"), "the key type", reason: immutable("type")),
            .fixed("key_size", nil, "HMAC keys: the size in bytes", reason: immutable("key_size")),
            FieldDefinition(
                name: "exportable", fresh: .boolean(false), change: .onlyToTrue(reason: oneWay("exportable")),
                summary: "the key may be exported"),
            FieldDefinition(
                name: "allow_plaintext_backup", fresh: .boolean(false), change: .onlyToTrue(reason: oneWay("allow_plaintext_backup")),
                summary: "a plaintext backup is allowed"),
            .inPlace("deletion_allowed", .boolean(false), "the key may be deleted"),
            .inPlace("auto_rotate_period", .seconds(0), "rotated this often; 0 never"),
            .inPlace("min_decryption_version", .integer(1), "the oldest version that may decrypt"),
            .inPlace("min_encryption_version", .integer(0), "the oldest version that may encrypt; 0 the latest"),
            .fixed("derived", .boolean(false), "key derivation", reason: immutable("derived")),
            .fixed("convergent_encryption", .boolean(false), "convergent encryption", reason: immutable("convergent_encryption")),
            .inPlace("soft_deleted", .boolean(false), "soft-deleted (unusable); apply restores it"),
        ],
        generated: ["keys", "latest_version", "min_available_version", "imported_key", "supports_*", "name"],
        destructionLosesData: true)
}

import VaultformManifest
import VaultPath

/// A Transit key (`MOUNT/keys/NAME`, settings at `MOUNT/keys/NAME/config`).
enum TransitKeyKind {
    static func immutable(_ field: String) -> String {
        "`\(field)` is fixed when a Transit key is created; replacing the key destroys what it encrypted"
    }

    static func oneWay(_ field: String) -> String {
        "`\(field)` cannot be turned off once on; only replacing the key (destroying what it encrypted) does"
    }

    static let definition = KindDefinition(
        kind: .transitKey, noun: "Transit key", section: "transit_keys", ownership: .transitKey, endpoint: "MOUNT/keys/NAME",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "transit") },
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
            FieldDefinition.inPlace("soft_deleted", .boolean(false), "soft-deleted (unusable); apply restores it").stateOnly,
        ],
        generated: ["keys", "latest_version", "min_available_version", "imported_key", "supports_*", "name"],
        destructionLosesData: true,
        reading: .listed(list: "MOUNTkeys", item: "MOUNTkeys/NAME"),
        stated: { manifest in manifest.transitKeys.map(stated) },
        live: live,
        create: create,
        update: { update($0.address, $1) },
        delete: { [.delete(path($0))] },
        // Deleting a key needs deletion allowed first.
        beforeReplace: { [.post(path($0) + "/config", ["deletion_allowed": .bool(true)])] },
        export: ExportForm(file: "transit.yaml", note: "Transit keys.") { key, _ in
            let (mount, name) = key.address.mountAndName
            // The server reports a size for every key; only an HMAC key's is chosen.
            return ManifestEntry.fields(
                key, identity: [.init("mount", .text(MountPath.withoutSlash(mount))), .init("name", .text(name))],
                skipping: key.fields["type"] == .string("hmac") ? [] : ["key_size"],
                values: ["type": key.fields["type"] ?? .string("aes256-gcm96")])
        })

    /// `transit/k` → `transit/keys/k`.
    static func path(_ address: Address) -> String {
        let (mount, key) = address.mountAndName
        return "\(mount)keys/\(key)"
    }

    /// The settings only `/config` applies (a create on an existing key ignores everything).
    static let configKeys = [
        "deletion_allowed", "exportable", "allow_plaintext_backup", "min_decryption_version", "min_encryption_version",
        "auto_rotate_period",
    ]

    /// Creation takes the immutable settings; the rest go through /config.
    static func create(_ resource: Resource) -> [WriteRequest] {
        var creation = WireFields.object(resource.fields, [
            "type", "key_size", "derived", "convergent_encryption", "exportable", "allow_plaintext_backup", "auto_rotate_period",
        ])
        if let period = creation["auto_rotate_period"] { creation["auto_rotate_period"] = WireFields.goDuration(period) }
        var requests: [WriteRequest] = [.post(path(resource.address), creation)]
        requests += config(resource.address, resource.fields)
        return requests
    }

    /// A soft-deleted key is restored first (only that endpoint can); the rest is config.
    static func update(_ address: Address, _ changed: [String: FieldValue]) -> [WriteRequest] {
        var requests: [WriteRequest] = []
        if changed["soft_deleted"] == .boolean(false) { requests.append(.post(path(address) + "/soft-delete-restore", [:])) }
        return requests + config(address, changed.filter { $0.key != "soft_deleted" })
    }

    static func config(_ address: Address, _ fields: [String: FieldValue]) -> [WriteRequest] {
        var body = WireFields.object(fields, configKeys)
        guard !body.isEmpty else { return [] }
        if let period = body["auto_rotate_period"] { body["auto_rotate_period"] = WireFields.goDuration(period) }
        return [.post(path(address) + "/config", body)]
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields: [String: FieldValue] = [
            "type": .string(record["type"]?.stringValue ?? ""),
            "exportable": .boolean(record["exportable"]?.boolValue ?? false),
            "allow_plaintext_backup": .boolean(record["allow_plaintext_backup"]?.boolValue ?? false),
            "deletion_allowed": .boolean(record["deletion_allowed"]?.boolValue ?? false),
            "auto_rotate_period": .seconds(record["auto_rotate_period"]?.intValue ?? 0),
            "min_decryption_version": .integer(record["min_decryption_version"]?.intValue ?? 1),
            "min_encryption_version": .integer(record["min_encryption_version"]?.intValue ?? 0),
            "derived": .boolean(record["derived"]?.boolValue ?? false),
            "convergent_encryption": .boolean(record["convergent_encryption"]?.boolValue ?? false),
            // A soft-deleted key refuses every use: state a plan must see.
            "soft_deleted": .boolean(record["soft_deleted"]?.boolValue ?? false),
        ]
        if let size = record["key_size"]?.intValue { fields["key_size"] = .integer(size) }
        return Resource(record.address, fields: fields)
    }

    static func stated(_ key: TransitKey) -> StatedResource {
        // The type is always managed: the server's default (aes256-gcm96) when unset.
        var fields: [String: FieldValue] = ["type": .string(key.type ?? "aes256-gcm96")]
        if let size = key.keySize { fields["key_size"] = .integer(size) }
        if let flag = key.exportable { fields["exportable"] = .boolean(flag) }
        if let flag = key.allowPlaintextBackup { fields["allow_plaintext_backup"] = .boolean(flag) }
        if let flag = key.deletionAllowed { fields["deletion_allowed"] = .boolean(flag) }
        if let period = key.autoRotatePeriod { fields["auto_rotate_period"] = .seconds(period.seconds) }
        if let version = key.minDecryptionVersion { fields["min_decryption_version"] = .integer(version) }
        if let version = key.minEncryptionVersion { fields["min_encryption_version"] = .integer(version) }
        if let flag = key.derived { fields["derived"] = .boolean(flag) }
        if let flag = key.convergentEncryption { fields["convergent_encryption"] = .boolean(flag) }
        let resource = Resource(Address(.transitKey, MountPath.withSlash(key.mount.value) + key.name), fields: fields)
        return StatedResource(resource, key.location, ignored: key.ignoreFields)
    }
}

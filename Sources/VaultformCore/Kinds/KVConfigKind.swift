import VaultformManifest
import VaultPath

/// A KV version 2 engine's config (`MOUNT/config`). Managed for every KV v2 engine, at its
/// fresh values when the manifest gives no `kv_config`.
enum KVConfigKind {
    static let definition = KindDefinition(
        kind: .kvConfig, noun: "KV config", section: "secrets_engines[].kv_config", endpoint: "MOUNT/config",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "kv-v2") },
        fields: [
            .inPlace("max_versions", .integer(0), "versions kept per secret; 0 is the server's 10"),
            .inPlace("cas_required", .boolean(false), "check-and-set required on every write"),
            .inPlace("delete_version_after", .seconds(0), "versions deleted this long after they are written; 0 never"),
            .inPlace("metadata_cas_required", .boolean(false), "check-and-set required on every metadata write (OpenBao)"),
        ],
        generated: [],
        destructionLosesData: false,
        existsWithMount: true,
        reading: .perMount(path: "MOUNTconfig"),
        stated: { manifest in manifest.secretsEngines.compactMap(stated) },
        live: { record in
            var fields: [String: FieldValue] = [
                "max_versions": .integer(record["max_versions"]?.intValue ?? 0),
                "cas_required": .boolean(record["cas_required"]?.boolValue ?? false),
                // OpenBao's; a server without it has it off.
                "metadata_cas_required": .boolean(record["metadata_cas_required"]?.boolValue ?? false),
            ]
            // Go's duration text (`3h0m0s`).
            if let text = record["delete_version_after"]?.stringValue {
                fields["delete_version_after"] = Canonical.goDurationSeconds(text).map(FieldValue.seconds) ?? .string(text)
            } else if let seconds = record["delete_version_after"]?.intValue {
                fields["delete_version_after"] = .seconds(seconds)
            }
            return Resource(record.address, fields: fields)
        },
        create: { write($0.address, $0.fields) },
        update: { write($0.address, $1) },
        // Goes with its mount.
        delete: { _ in [] })

    /// The endpoint parses `delete_version_after` only as Go duration text.
    static func write(_ address: Address, _ fields: [String: FieldValue]) -> [WriteRequest] {
        var body = WireFields.object(fields)
        if let after = body["delete_version_after"] { body["delete_version_after"] = WireFields.goDuration(after) }
        return [.post("\(address.name)config", body)]
    }

    /// Every KV v2 engine's config: as the manifest's `kv_config` says, or at its fresh values.
    static func stated(_ engine: SecretsEngine) -> StatedResource? {
        let address = Address(.kvConfig, MountPath.withSlash(engine.path))
        guard let config = engine.kvConfig else {
            return engine.isKVv2 ? StatedResource(Resource(address), engine.location) : nil
        }
        var fields: [String: FieldValue] = [:]
        if let versions = config.maxVersions { fields["max_versions"] = .integer(versions) }
        if let required = config.casRequired { fields["cas_required"] = .boolean(required) }
        if let required = config.metadataCASRequired { fields["metadata_cas_required"] = .boolean(required) }
        if let after = config.deleteVersionAfter { fields["delete_version_after"] = .seconds(after.seconds) }
        return StatedResource(Resource(address, fields: fields), config.location, ignored: config.ignoreFields)
    }
}

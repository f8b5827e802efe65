import VaultformManifest
import VaultPath

/// A secrets engine mount (`sys/mounts/PATH`, tuned at `sys/mounts/PATH/tune`).
enum SecretsEngineKind {
    static let definition = KindDefinition(
        kind: .secretsEngine, noun: "secrets engine", section: "secrets_engines", ownership: .secretsEngine,
        endpoint: "sys/mounts/PATH",
        fields: [
            .fixed("type", nil, "the engine type", reason: "the type of a mount cannot change; re-mounting destroys its data"),
            .inPlace("description", .string(""), "a human-friendly description"),
            .inPlace("options", nil, "engine options; only the keys the manifest names are compared, and a KV version only goes up in place"),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: "`local` is fixed when the mount is enabled"),
            .fixed("seal_wrap", .boolean(false), "seal-wrapped storage", reason: "`seal_wrap` is fixed when the mount is enabled"),
            .fixed(
                "external_entropy_access", .boolean(false), "access to the external entropy source",
                reason: "`external_entropy_access` is fixed when the mount is enabled"),
        ] + Mounts.tuningFields,
        generated: ["accessor", "uuid", "running_plugin_version", "running_sha256", "deprecation_status"],
        destructionLosesData: true,
        sameValue: Mounts.sameValue,
        valueRule: kvDowngrade,
        comparable: explicitKVVersion,
        reading: .table(path: "sys/mounts", one: "sys/mounts/NAME", missing: .badRequestNoMount),
        stated: { manifest in manifest.secretsEngines.map(stated) },
        live: { Resource($0.address, fields: Mounts.live($0)) },
        create: { Mounts.enable("sys/mounts", $0, settings: ["type", "description", "local", "seal_wrap", "external_entropy_access"], tuning: Mounts.tuningKeys) },
        update: { Mounts.tune("sys/mounts", $0.address, $1) },
        delete: { Mounts.disable("sys/mounts", $0) },
        export: ExportForm(file: "engines.yaml", note: "Secrets engines, their tuning and KV v2 config.", entry: export))

    /// An engine's entry: a KV engine of version 2 as type `kv-v2`, with its config inside.
    static func export(_ engine: Resource, _ live: [Address: Resource]) -> ManifestNode {
        var values: [String: FieldValue] = [:]
        if engine.isMount(ofType: "kv-v2"), case .map(var options)? = engine.fields["options"] {
            options["version"] = nil
            values = ["type": .string("kv-v2"), "options": .map(options)]
        }
        guard case .mapping(var pairs) = ManifestEntry.fields(engine, identity: [ManifestEntry.path(engine)], values: values) else {
            return .mapping([])
        }
        if let config = live[Address(.kvConfig, engine.address.name)],
           case .mapping(let fields) = ManifestEntry.fields(config, identity: []), !fields.isEmpty {
            pairs.append(.init("kv_config", .mapping(fields)))
        }
        return .mapping(pairs)
    }

    /// A KV engine's version may go up in place (1 → 2), never down (the server answers
    /// "cannot downgrade mount from version 2").
    static func kvDowngrade(_ field: String, _ before: FieldValue?, _ after: FieldValue?) -> ChangeRule? {
        guard field == "options", case .map(let have)? = before, case .map(let want)? = after,
              let from = have["version"].flatMap(Int.init), let to = want["version"].flatMap(Int.init), to < from else { return nil }
        return .replace(reason: "the server cannot downgrade a KV engine from version \(from) to \(to); re-creating it destroys its data")
    }

    /// A KV engine's version made explicit on both sides, since the server reports none for
    /// version 1: so `type: kv` against a live version 2 engine is a downgrade, not "no change".
    static func explicitKVVersion(
        _ desired: [String: FieldValue], _ live: [String: FieldValue]
    ) -> ([String: FieldValue], [String: FieldValue]) {
        guard desired["type"] == .string("kv"), live["type"] == .string("kv") else { return (desired, live) }
        func explicitVersion(_ fields: [String: FieldValue]) -> [String: FieldValue] {
            var fields = fields
            var options: [String: String] = [:]
            if case .map(let map)? = fields["options"] { options = map }
            if options["version"] == nil { options["version"] = "1" }
            fields["options"] = .map(options)
            return fields
        }
        return (explicitVersion(desired), explicitVersion(live))
    }

    static func stated(_ engine: SecretsEngine) -> StatedResource {
        var fields = Mounts.stated(
            type: engine.type, description: engine.description, local: engine.local, sealWrap: engine.sealWrap, tuning: engine.tuning)
        if !engine.options.isEmpty { fields["options"] = .map(engine.options) }
        if let entropy = engine.externalEntropyAccess { fields["external_entropy_access"] = .boolean(entropy) }
        let resource = Resource(Address(.secretsEngine, MountPath.withSlash(engine.path)), fields: fields)
        return StatedResource(resource, engine.location, ignored: engine.ignoreFields)
    }
}

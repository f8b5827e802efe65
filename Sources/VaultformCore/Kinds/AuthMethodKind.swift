import VaultformManifest
import VaultPath

/// An auth method (`sys/auth/PATH`, tuned at `sys/auth/PATH/tune`).
enum AuthMethodKind {
    static let definition = KindDefinition(
        kind: .authMethod, noun: "auth method", section: "auth_methods", ownership: .authMethod, endpoint: "sys/auth/PATH",
        fields: [
            .fixed("type", nil, "the method type", reason: "the type of a mount cannot change; re-mounting destroys its data"),
            .inPlace("description", .string(""), "a human-friendly description"),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: "`local` is fixed when the mount is enabled"),
            .fixed("seal_wrap", .boolean(false), "seal-wrapped storage", reason: "`seal_wrap` is fixed when the mount is enabled"),
        ] + Mounts.tuningFields + [
            FieldDefinition.inPlace("token_type", .string("default-service"), "the type of tokens the method issues").grouped("tuning"),
        ],
        generated: ["accessor", "uuid", "running_plugin_version", "running_sha256", "deprecation_status"],
        destructionLosesData: true,
        sameValue: Mounts.sameValue,
        reading: .table(path: "sys/auth", one: "sys/auth/NAME", missing: .badRequestNoMount),
        stated: { manifest in manifest.authMethods.map(stated) },
        live: { record in
            var fields = Mounts.live(record)
            if let type = record["config"]?["token_type"]?.stringValue { fields["token_type"] = .string(type) }
            return Resource(record.address, fields: fields)
        },
        create: { Mounts.enable("sys/auth", $0, settings: ["type", "description", "local", "seal_wrap"], tuning: Mounts.tuningKeys + ["token_type"]) },
        update: { Mounts.tune("sys/auth", $0, $1) },
        delete: { Mounts.disable("sys/auth", $0) },
        export: ExportForm(file: "auth.yaml", note: "Auth methods and their tuning.") { method, _ in
            ManifestEntry.fields(method, identity: [ManifestEntry.path(method)], skipping: ["options"])
        })

    static func stated(_ method: AuthMethod) -> StatedResource {
        let fields = Mounts.stated(
            type: method.type, description: method.description, local: method.local, sealWrap: method.sealWrap, tuning: method.tuning)
        let resource = Resource(Address(.authMethod, MountPath.withSlash(method.path)), fields: fields)
        return StatedResource(resource, method.location, ignored: method.ignoreFields)
    }
}

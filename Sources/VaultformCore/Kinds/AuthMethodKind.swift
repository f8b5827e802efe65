import VaultformManifest
import VaultPath

/// An auth method (`sys/auth/PATH`, tuned at `sys/auth/PATH/tune`).
enum AuthMethodKind {
    static let definition = KindDefinition(
        kind: .authMethod, noun: "auth method", section: "auth_methods", ownership: .authMethod, endpoint: "sys/auth/PATH",
        fields: [
            .fixed("type", nil, "the method type", reason: "the type of a mount cannot change; re-mounting destroys its data"),
            .inPlace("description", .string(""), "a human-friendly description"),
            .inPlace("options", nil, "method options; only the keys the manifest names are compared"),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: "`local` is fixed when the mount is enabled"),
            .fixed("seal_wrap", .boolean(false), "seal-wrapped storage", reason: "`seal_wrap` is fixed when the mount is enabled"),
            .fixed(
                "external_entropy_access", .boolean(false), "access to the external entropy source",
                reason: "`external_entropy_access` is fixed when the method is enabled"),
        ] + Mounts.tuningFields + [
            FieldDefinition.inPlace("token_type", .string("default-service"), "the type of tokens the method issues").grouped("tuning"),
        ],
        generated: ["accessor", "uuid", "running_plugin_version", "running_sha256", "deprecation_status"],
        destructionLosesData: true,
        sameValue: Mounts.sameValue,
        // Aliases name an auth method by its accessor, which re-enabling it changes.
        identifier: { address, server in
            try await server.data(.get, "sys/auth", body: nil)?[address.name]?["accessor"]?.stringValue
        },
        reading: .table(path: "sys/auth", one: "sys/auth/NAME", missing: .badRequestNoMount),
        stated: { manifest in manifest.authMethods.map(stated) },
        live: { record in
            var fields = Mounts.live(record)
            if let type = record["config"]?["token_type"]?.stringValue { fields["token_type"] = .string(type) }
            return Resource(record.address, fields: fields)
        },
        create: { Mounts.enable("sys/auth", $0, settings: ["type", "description", "local", "seal_wrap", "external_entropy_access"], tuning: Mounts.tuningKeys + ["token_type"]) },
        update: { Mounts.tune("sys/auth", $0.address, $1) },
        delete: { Mounts.disable("sys/auth", $0) },
        export: ExportForm(file: "auth.yaml", note: "Auth methods and their tuning.") { method, _ in
            ManifestEntry.fields(method, identity: [ManifestEntry.path(method)])
        })

    static func stated(_ method: AuthMethod) -> StatedResource {
        let fields = Mounts.stated(
            type: method.type, description: method.description, local: method.local, sealWrap: method.sealWrap, tuning: method.tuning)
            .merging(method.externalEntropyAccess.map { ["external_entropy_access": .boolean($0)] } ?? [:]) { _, set in set }
            .merging(method.options.isEmpty ? [:] : ["options": .map(method.options)]) { _, set in set }
        let resource = Resource(Address(.authMethod, MountPath.withSlash(method.path)), fields: fields)
        return StatedResource(resource, method.location, ignored: method.ignoreFields)
    }
}

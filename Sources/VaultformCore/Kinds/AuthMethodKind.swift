/// An auth method (`sys/auth/PATH`, tuned at `sys/auth/PATH/tune`).
enum AuthMethodKind {
    static let definition = KindDefinition(
        kind: .authMethod, section: "auth_methods", endpoint: "sys/auth/PATH",
        fields: [
            .fixed("type", nil, "the method type", reason: "the type of a mount cannot change; re-mounting destroys its data"),
            .inPlace("description", .string(""), "a human-friendly description"),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: "`local` is fixed when the mount is enabled"),
            .fixed("seal_wrap", .boolean(false), "seal-wrapped storage", reason: "`seal_wrap` is fixed when the mount is enabled"),
        ] + MountTuningFields.fields + [
            .inPlace("token_type", .string("default-service"), "the type of tokens the method issues"),
        ],
        generated: ["accessor", "uuid", "running_plugin_version", "running_sha256", "deprecation_status"],
        destructionLosesData: true)
}

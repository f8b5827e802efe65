extension ManifestShape {
    static let sshCA = ObjectShape(
        "an SSH CA", summary: "The CA signing key of an SSH engine (MOUNT/config/ca), generated inside the engine once and never regenerated.",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The SSH engine's path."),
            Field("key_type", .oneOf(SSHKeyTypes.all), "The key type: `rsa` (default), `ec` or `ed25519`, or an OpenSSH key type; fixed once generated."),
            Field("key_bits", .integer(min: 0, max: nil), "RSA: the key size (default 4096, at least 2048); EC: the curve, 256 (default), 384 or 521; fixed once generated."),
            Field("issuer_name", .string(.name), "The issuer's name in the engine; left out, it is left as it is."),
            ignoreFields(["key_type", "key_bits", "issuer_name"]),
        ]
    )

    static let sshRole = ObjectShape(
        "an SSH role", summary: "A CA role of an SSH engine (MOUNT/roles/NAME, key_type ca): which certificates MOUNT/sign/NAME signs.",
        fields: [
            Field("name", .string(.name), required: true, "The role's name."),
            Field("mount", .string(.mountPath), required: true, "The SSH engine's path."),
        ] + SSHRoleSettings.all.map(\.field) + [
            Field("default_extensions", .map(.scalarText), "Extensions every certificate gets (`permit-pty: \"\"`)."),
            Field("default_critical_options", .map(.scalarText), "Critical options every certificate gets."),
            Field(
                "allowed_user_key_lengths", .map(.anyValue),
                "Key sizes a public key to sign may have, by key type: a size, a list (`rsa: [2048, 4096]`) or sizes comma-separated; empty: any."),
        ]
    )
}

extension ManifestShape {
    static let totpKey = ObjectShape(
        "a TOTP key", summary: "A key of a TOTP engine (MOUNT/keys/NAME): generated inside the engine, or a shared secret from a source.",
        fields: [
            Field("name", .string(.name), required: true, "The key's name."),
            Field("mount", .string(.mountPath), required: true, "The TOTP engine's path."),
            Field(
                "key", .object(writeOnlySource),
                "The base32 shared secret's source (`from_env` or `from_file`; write-only: never read back; written on create and again when the source's value changes)."),
            Field(
                "generate", .boolean,
                "`true`: the engine generates the secret once; vaultform never asks for its URL or QR code, so it is never shown (give `key` or `generate: true`)."),
            Field("issuer", .string(.any), "The issuer an authenticator shows; required with `generate`."),
            Field("account_name", .string(.any), "The account an authenticator shows; required with `generate`."),
            Field("algorithm", .oneOf(["SHA1", "SHA256", "SHA512"]), "The hash; default `SHA1`."),
            Field("digits", .integer(min: 6, max: 8), "Digits in a code: 6 (default) or 8."),
            Field("period", .duration, "How long a code is valid; default 30s."),
        ]
    )
}

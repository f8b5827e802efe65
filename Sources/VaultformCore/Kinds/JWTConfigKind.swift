import VaultformManifest
import VaultPath
import VaultWire

/// The config of a JWT/OIDC auth method (`auth/MOUNT/config`): where signing keys come from,
/// and what an OIDC login talks to. One per method; there is none until it is written, and it
/// cannot be deleted (it goes with its method). Every write replaces the whole config (a key
/// it leaves out is reset), so an update sends every field the manifest manages.
enum JWTConfigKind {
    static let definition = KindDefinition(
        kind: .jwtConfig, noun: "JWT/OIDC config", section: "jwt_configs", endpoint: "auth/MOUNT/config",
        mount: .authMethod, holds: { $0.isMount(ofType: "jwt") || $0.isMount(ofType: "oidc") },
        fields: [
            .inPlace("bound_issuer", .string(""), "the `iss` claim tokens must have; empty: any"),
            .inPlace("jwks_url", .string(""), "a JWKS URL signing keys are fetched from"),
            .inPlace("jwks_ca_pem", .string(""), "CA certificates for the JWKS URL"),
            .inPlace("oidc_discovery_url", .string(""), "an OIDC discovery URL signing keys are found through"),
            .inPlace("oidc_discovery_ca_pem", .string(""), "CA certificates for the discovery URL"),
            .inPlace("jwt_validation_pubkeys", .set([]), "PEM public keys that sign tokens (compared trimmed, as the server stores them)"),
            .inPlace("jwt_supported_algs", .set([]), "signing algorithms accepted; empty: RS256"),
            .inPlace("default_role", .string(""), "the role of a login that names none"),
            .inPlace("oidc_client_id", .string(""), "the OAuth client ID of an OIDC login"),
            .writeOnly("oidc_client_secret", "the OAuth client secret of an OIDC login, from its source"),
            .inPlace("oidc_response_mode", .string(""), "how the provider answers an OIDC login; empty: query"),
            .inPlace("oidc_response_types", .set([]), "the response types asked for; empty: code"),
            .inPlace("namespace_in_state", .boolean(true), "the namespace travels in the OIDC state parameter"),
            .inPlace("provider_config", .map([:]), "provider-specific settings"),
            .inPlace("override_allowed_server_names", .set([]), "host names accepted in the URLs' TLS certificates"),
        ],
        generated: ["status (whether the server could build a key set)"],
        destructionLosesData: false, writesWhole: true,
        reading: .perMount(path: "auth/MOUNTconfig"),
        stated: { manifest in manifest.jwtConfigs.map(stated) },
        live: live,
        create: { write($0.address, $0.fields) },
        // The server resets what a write leaves out: send every managed field, not only the changed ones.
        update: { desired, changed in write(desired.address, desired.fields.merging(changed) { _, new in new }) },
        // Goes with its method; the server has no way to delete it.
        delete: { _ in [] },
        export: ExportForm(file: "jwt_configs.yaml", note: "Configs of JWT/OIDC auth methods.") { config, _ in
            let mount = config.address.name
            let identity: [ManifestNode.Pair] = mount == "jwt/" ? [] : [.init("mount", .text(MountPath.withoutSlash(mount)))]
            return ManifestEntry.fields(config, identity: identity)
        })

    static func write(_ address: Address, _ fields: [String: FieldValue]) -> [WriteRequest] {
        var body = WireFields.object(fields)
        // Providers decode their settings into typed fields (gsuite's `fetch_groups` is a
        // boolean and refuses "true"): flags and whole numbers go typed, as the server reads them back.
        if case .map(let settings)? = fields["provider_config"] {
            body["provider_config"] = .object(settings.mapValues { text in
                switch text {
                case "true": .bool(true)
                case "false": .bool(false)
                default: Int(text).map { .number(Double($0)) } ?? .string(text)
                }
            })
        }
        return [.post("auth/\(address.name)config", body)]
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields: [String: FieldValue] = [:]
        for key in ["bound_issuer", "jwks_url", "jwks_ca_pem", "oidc_discovery_url", "oidc_discovery_ca_pem", "default_role",
                    "oidc_client_id", "oidc_response_mode"] {
            fields[key] = .string(record[key]?.stringValue ?? "")
        }
        for key in ["jwt_validation_pubkeys", "jwt_supported_algs", "oidc_response_types", "override_allowed_server_names"] {
            fields[key] = .unorderedSet(WireFields.strings(record[key]).map(trimmed))
        }
        fields["namespace_in_state"] = .boolean(record["namespace_in_state"]?.boolValue ?? true)
        fields["provider_config"] = .map(WireFields.stringMap(record["provider_config"]))
        return Resource(record.address, fields: fields)
    }

    static func stated(_ config: JWTConfig) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        let texts: [(String, String?)] = [
            ("bound_issuer", config.boundIssuer), ("jwks_url", config.jwksURL), ("jwks_ca_pem", config.jwksCAPEM),
            ("oidc_discovery_url", config.oidcDiscoveryURL), ("oidc_discovery_ca_pem", config.oidcDiscoveryCAPEM),
            ("default_role", config.defaultRole?.lowercased()), ("oidc_client_id", config.oidcClientID),
            ("oidc_response_mode", config.oidcResponseMode),
        ]
        for (key, value) in texts { if let value { fields[key] = .string(value) } }
        let lists: [(String, [String]?)] = [
            ("jwt_validation_pubkeys", config.jwtValidationPubkeys), ("jwt_supported_algs", config.jwtSupportedAlgs),
            ("oidc_response_types", config.oidcResponseTypes), ("override_allowed_server_names", config.overrideAllowedServerNames),
        ]
        for (key, value) in lists { if let value { fields[key] = .unorderedSet(value.map(trimmed)) } }
        if let flag = config.namespaceInState { fields["namespace_in_state"] = .boolean(flag) }
        if let map = config.providerConfig { fields["provider_config"] = .map(map) }
        if let source = config.oidcClientSecret { fields["oidc_client_secret"] = .writeOnly(WriteOnlyValue(source: source)) }
        let address = Address(.jwtConfig, MountPath.withSlash(config.mount.value))
        return StatedResource(Resource(address, fields: fields), config.location)
    }

    /// A list item as the server stores it: it trims every item of a list (a PEM key's
    /// trailing newline is gone when read back), and compares keys by that text.
    /// (Go's `strings.TrimSpace`: spaces, tabs and line breaks at either end.)
    static func trimmed(_ text: String) -> String {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? start
        return String(text[start..<max(start, end)])
    }
}

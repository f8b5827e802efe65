/// The manifest language, version 1, as data (docs/manifest.md explains it for people).
public enum ManifestShape {
    /// The only format version this build reads.
    public static let currentVersion = 1

    static let tuningFields: [Field] = [
        Field("default_lease_ttl", .duration, "Default TTL of leases and tokens issued through this mount."),
        Field("max_lease_ttl", .duration, "Maximum TTL of leases and tokens issued through this mount."),
        Field("listing_visibility", .oneOf(["", "unauth", "hidden"]), "Whether the mount is listed in the UI's unauthenticated listing."),
        Field("force_no_cache", .boolean, "Disable caching for this mount."),
        Field("passthrough_request_headers", .list(.string(.nonEmpty), unique: true), "Request headers passed to the plugin."),
        Field("allowed_response_headers", .list(.string(.nonEmpty), unique: true), "Response headers the plugin may set."),
        Field("audit_non_hmac_request_keys", .list(.string(.nonEmpty), unique: true), "Request keys not HMAC'd in audit logs."),
        Field("audit_non_hmac_response_keys", .list(.string(.nonEmpty), unique: true), "Response keys not HMAC'd in audit logs."),
        Field("plugin_version", .string(.any), "The plugin version to run."),
    ]

    /// `ignore_fields`: fields of this object that someone else owns. Never compared or
    /// written; plans list them as ignored. The names are the object's own API fields.
    static func ignoreFields(_ names: [String]) -> Field {
        Field(
            "ignore_fields", .list(.oneOf(names), unique: true),
            "Fields someone else owns: never compared or written, listed as ignored in plans.")
    }

    static let tuningNames = tuningFields.map(\.key)

    static let engineTuning = ObjectShape("mount tuning", summary: "Tuning of a secrets engine (sys/mounts/PATH/tune).", fields: tuningFields)

    static let authTuning = ObjectShape(
        "auth method tuning", summary: "Tuning of an auth method (sys/auth/PATH/tune).",
        fields: tuningFields + [
            Field("token_type", .oneOf(["default-service", "default-batch", "service", "batch"]), "The type of tokens this method issues."),
        ]
    )

    static let kvConfig = ObjectShape(
        "KV v2 engine config", summary: "Engine-wide settings of a KV version 2 engine (PATH/config).",
        fields: [
            Field("max_versions", .integer(min: 0, max: nil), "Versions kept per secret; 0 means the server default (10)."),
            Field("cas_required", .boolean, "Require check-and-set on every write."),
            Field("metadata_cas_required", .boolean, "Require check-and-set on every metadata write (OpenBao)."),
            Field("delete_version_after", .duration, "Delete versions this long after they are written; 0 disables."),
            ignoreFields(["max_versions", "cas_required", "delete_version_after", "metadata_cas_required"]),
        ]
    )

    static let options = Shape.map(.scalarText)

    static let auditDevice = ObjectShape(
        "an audit device", summary: "An audit device (sys/audit/PATH).",
        fields: [
            Field("path", .string(.mountPath), required: true, "Where the device is enabled, without slashes."),
            Field("type", .string(.name), required: true, "file, socket, syslog or a plugin name."),
            Field("description", .string(.any), "A human-friendly description."),
            Field("local", .boolean, "Keep the device local to this cluster (not replicated)."),
            Field("options", options, "Device options; values are kept as the text written."),
            ignoreFields(["description", "local", "options"]),
        ]
    )

    static let secretsEngine = ObjectShape(
        "a secrets engine", summary: "A secrets engine mount of any type (sys/mounts/PATH).",
        fields: [
            Field("path", .string(.mountPath), required: true, "Where the engine is mounted, without slashes."),
            Field("type", .string(.name), required: true, "The engine type: kv, kv-v2, transit, pki, database…"),
            Field("description", .string(.any), "A human-friendly description."),
            Field("options", options, "Engine options, such as `version: 2` for KV."),
            Field("local", .boolean, "Keep the mount local to this cluster (not replicated). Cannot change after creation."),
            Field("seal_wrap", .boolean, "Seal-wrap the engine's storage. Cannot change after creation."),
            Field("external_entropy_access", .boolean, "Give the engine access to the external entropy source."),
            Field("tuning", .object(engineTuning), "Mount tuning."),
            Field("kv_config", .object(kvConfig), "KV version 2 engine config; only on a KV v2 engine."),
            ignoreFields(["description", "options", "local", "seal_wrap", "external_entropy_access"] + tuningNames),
        ]
    )

    static let transitKey = ObjectShape(
        "a Transit key", summary: "A named key of a Transit engine (MOUNT/keys/NAME).",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The Transit engine's path."),
            Field("name", .string(.name), required: true, "The key's name."),
            Field("type", .oneOf(TransitKey.keyTypes), "The key type; cannot change after creation."),
            Field("key_size", .integer(min: 32, max: 512), "HMAC keys only: the key size in bytes."),
            Field("exportable", .boolean, "Allow the key to be exported. Cannot be turned off once on."),
            Field("allow_plaintext_backup", .boolean, "Allow a plaintext backup. Cannot be turned off once on."),
            Field("deletion_allowed", .boolean, "Allow the key to be deleted."),
            Field("auto_rotate_period", .duration, "Rotate the key this often; 0 disables, otherwise at least 1h."),
            Field("min_decryption_version", .integer(min: 1, max: nil), "The oldest key version that may decrypt."),
            Field("min_encryption_version", .integer(min: 0, max: nil), "The oldest key version that may encrypt; 0 means the latest."),
            Field("derived", .boolean, "Use key derivation (a context is then required). Cannot change after creation."),
            Field("convergent_encryption", .boolean, "Convergent encryption; needs `derived: true`. Cannot change after creation."),
            ignoreFields([
                "key_size", "exportable", "allow_plaintext_backup", "deletion_allowed", "auto_rotate_period",
                "min_decryption_version", "min_encryption_version", "derived", "convergent_encryption", "soft_deleted",
            ]),
        ]
    )

    static let pkiRootCA = ObjectShape(
        "a PKI root CA", summary: "A root CA generated inside a PKI engine (MOUNT/root/generate/internal), created once and never regenerated.",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The PKI engine's path."),
        ] + PKICASettings.all.map { $0.key == "common_name" ? Field($0.key, $0.type.shape, required: true, $0.summary) : $0.field } + [
            ignoreFields(PKICASettings.all.map(\.key).filter { $0 != "common_name" && !PKICASettings.markers.contains($0) }),
        ]
    )

    static let pkiIntermediateCA = ObjectShape(
        "a PKI intermediate CA",
        summary: "An intermediate CA of a PKI engine signed by another engine's root CA (generate CSR, sign, set signed), created once and never regenerated.",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The PKI engine's path."),
            Field("signed_by", .string(.mountPath), required: true, "The path of the PKI engine whose root CA signs it."),
        ] + PKICASettings.all.map { $0.key == "common_name" ? Field($0.key, $0.type.shape, required: true, $0.summary) : $0.field } + [
            ignoreFields(PKICASettings.all.map(\.key).filter { $0 != "common_name" && !PKICASettings.markers.contains($0) }),
        ]
    )

    static let pkiConfig = ObjectShape(
        "a PKI engine config", summary: "A PKI engine's configuration: config/urls, config/crl, config/cluster and config/issuers.",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The PKI engine's path."),
        ] + PKIConfigSettings.issuers.map(\.field) + PKIConfigSettings.blocks.map { block in
            Field(block.name, .object(ObjectShape("PKI \(block.name) config", summary: "The engine's config/\(block.name).", fields: block.settings.map(\.field))),
                  "The engine's config/\(block.name).")
        } + [ignoreFields(PKIConfigSettings.all.map(\.key))]
    )

    static let pkiRole = ObjectShape(
        "a PKI role", summary: "A role of a PKI engine (MOUNT/roles/NAME): which certificates it issues.",
        fields: [
            Field("mount", .string(.mountPath), required: true, "The PKI engine's path."),
            Field("name", .string(.name), required: true, "The role's name."),
        // A write replaces the whole role, so no field can be left to someone else: no ignore_fields.
        ] + PKIRoleSettings.all.map(\.field)
    )

    static let policyRule = ObjectShape(
        "a policy rule", summary: "One path block of an ACL policy.",
        fields: [
            Field("path", .string(.nonEmpty), required: true, "The path the rule applies to; `*` and `+` are wildcards."),
            Field("capabilities", .list(.oneOf(PolicyCapability.allNames), unique: true), required: true, "What the rule allows."),
            Field("description", .string(.any), "Rendered as a comment above the path block."),
            Field("required_parameters", .list(.string(.nonEmpty), unique: true), "Parameters a request must carry."),
            Field("allowed_parameters", .map(.list(.scalarText, unique: false)), "Parameters allowed, with their allowed values ([] for any)."),
            Field("denied_parameters", .map(.list(.scalarText, unique: false)), "Parameters denied, with their denied values ([] for any)."),
            Field("min_wrapping_ttl", .duration, "Responses must be wrapped with at least this TTL."),
            Field("max_wrapping_ttl", .duration, "Responses must be wrapped with at most this TTL."),
        ]
    )

    static let policy = ObjectShape(
        "an ACL policy", summary: "An ACL policy: raw HCL inline or from a file, or structured rules.",
        fields: [
            Field("name", .string(.name), required: true, "The policy's name (the server stores it in lower case)."),
            Field("hcl", .string(.nonEmpty), "The policy text in HCL."),
            Field("file", .string(.nonEmpty), "A file holding the policy text, relative to the manifest file."),
            Field("rules", .list(.object(policyRule), unique: false), "Structured rules, rendered to canonical HCL."),
            Field(
                "allow_slashes_in_identity_templates", .boolean,
                "OpenBao: identity template values may contain slashes (each one then spans path segments)."),
            Field("allow_wildcards_in_identity_templates", .boolean, "OpenBao: identity template values may contain `*` and `+`."),
        ],
        exactlyOneOf: [["hcl", "file", "rules"]]
    )

    static let authMethod = ObjectShape(
        "an auth method", summary: "An auth method of any type (sys/auth/PATH).",
        fields: [
            Field("path", .string(.mountPath), required: true, "Where the method is enabled, without slashes."),
            Field("type", .string(.name), required: true, "approle, jwt, userpass, kubernetes…"),
            Field("description", .string(.any), "A human-friendly description."),
            Field("options", options, "Method options; only the keys written are compared."),
            Field("local", .boolean, "Keep the method local to this cluster. Cannot change after creation."),
            Field("seal_wrap", .boolean, "Seal-wrap the method's storage. Cannot change after creation."),
            Field("external_entropy_access", .boolean, "Give the method access to the external entropy source. Cannot change after creation."),
            Field("tuning", .object(authTuning), "Auth method tuning."),
            ignoreFields(["description", "options", "local", "seal_wrap", "external_entropy_access", "token_type"] + tuningNames),
        ]
    )

    static let appRoleRole = ObjectShape(
        "an AppRole role", summary: "A role of an AppRole auth method (auth/MOUNT/role/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The role's name (the server stores it in lower case)."),
            Field("mount", .string(.mountPath), "The AppRole auth method's path; default `approle`."),
            Field("role_id", .string(.nonEmpty), "A fixed role ID; without it the server generates one."),
            Field("bind_secret_id", .boolean, "Require a secret ID at login."),
            Field("secret_id_bound_cidrs", .list(.cidr, unique: true), "Where secret IDs may be used from."),
            Field("secret_id_num_uses", .integer(min: 0, max: nil), "Uses of a secret ID; 0 is unlimited."),
            Field("secret_id_ttl", .duration, "Lifetime of a secret ID; 0 is unlimited."),
            Field("local_secret_ids", .boolean, "Keep secret IDs local to this cluster. Cannot change after creation."),
        ] + tokenFields + [
            Field(
                "sidecar", .boolean,
                "false: `vaultform credentials --all` never writes this role's credentials (an admin role); default true. Not sent to the server."),
            ignoreFields([
                "role_id", "bind_secret_id", "secret_id_bound_cidrs", "secret_id_num_uses", "secret_id_ttl", "local_secret_ids",
                "token_policies", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "token_num_uses",
                "token_type", "token_no_default_policy", "token_bound_cidrs", "token_strictly_bind_ip",
            ]),
        ]
    )

    /// The token settings every role-issuing method's roles have.
    static let tokenFields: [Field] = [
            Field("token_policies", .list(.string(.name), unique: true), "Policies of the tokens issued."),
            Field("token_ttl", .duration, "TTL of the tokens issued."),
            Field("token_max_ttl", .duration, "Maximum TTL of the tokens issued, renewals included."),
            Field("token_explicit_max_ttl", .duration, "A hard cap on token lifetime."),
            Field("token_period", .duration, "Make tokens periodic with this period."),
            Field("token_num_uses", .integer(min: 0, max: nil), "Uses of a token; 0 is unlimited."),
            Field("token_type", .oneOf(["default", "service", "batch"]), "The type of tokens issued."),
            Field("token_no_default_policy", .boolean, "Leave the `default` policy off issued tokens."),
            Field("token_bound_cidrs", .list(.cidr, unique: true), "Where issued tokens may be used from."),
            Field("token_strictly_bind_ip", .boolean, "Bind issued tokens to the address that logged in."),
    ]

    /// Where a write-only value comes from: exactly one source.
    static let writeOnlySource = ObjectShape(
        "a write-only value's source",
        summary: "Where a value the server never reads back comes from; read when plan and apply run, never stored in a plan.",
        fields: [
            Field("from_env", .string(.identifier), "This environment variable."),
            Field("from_file", .string(.nonEmpty), "This file (relative to the manifest); one trailing newline is not part of the value."),
            Field("generate", .object(writeOnlyGenerator), "Generate it once, and keep it in the KV v2 secret `store`."),
            Field(
                "store", .string(.secretPath),
                "With `generate`: the KV v2 secret (in an engine of this manifest) that keeps the value, in the field named like this one; remove it there to make a new one."),
        ],
        exactlyOneOf: [["from_env", "from_file", "generate"]]
    )

    static let writeOnlyGenerator = ObjectShape(
        "a write-only value generator", summary: "How vaultform generates a write-only value.",
        fields: [
            Field("kind", .oneOf(["password", "random_bytes"]), required: true, "What to generate."),
            Field("length", .integer(min: 8, max: 4096), "password: number of characters (default 32)."),
            Field("classes", .list(.oneOf(["lower", "upper", "digit", "symbol"]), unique: true), "password: character classes (default all)."),
            Field("bytes", .integer(min: 1, max: 4096), "random_bytes: number of bytes (default 32)."),
        ]
    )

    static let userpassUser = ObjectShape(
        "a userpass user", summary: "A user of a userpass auth method (auth/MOUNT/users/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The user's name (the server stores it in lower case)."),
            Field("mount", .string(.mountPath), "The userpass auth method's path; default `userpass`."),
            Field(
                "password", .object(writeOnlySource),
                "The password's source: written on create, and again when the source's value changes (a keyed fingerprint of the last one written is kept on the server). Omitted: an existing user's password is left alone."),
        ] + tokenFields + [
            ignoreFields(["password"] + tokenFields.map(\.key)),
        ]
    )

    static let kubernetesRole = ObjectShape(
        "a Kubernetes role", summary: "A role of a Kubernetes auth method (auth/MOUNT/role/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The role's name (the server stores it in lower case)."),
            Field("mount", .string(.mountPath), "The Kubernetes auth method's path; default `kubernetes`."),
            Field("bound_service_account_names", .list(.string(.nonEmpty), unique: true), "Service accounts that may log in; `*` any."),
            Field("bound_service_account_namespaces", .list(.string(.nonEmpty), unique: true), "Their namespaces; `*` any."),
            Field(
                "bound_service_account_namespace_selector", .string(.any),
                "A label selector (YAML or JSON) of the namespaces, instead of or beside the list."),
            Field("audience", .string(.any), "The audience the service account's token must have."),
            Field("alias_name_source", .oneOf(["serviceaccount_uid", "serviceaccount_name"]), "What names the entity alias."),
        ] + tokenFields + [
            ignoreFields([
                "bound_service_account_names", "bound_service_account_namespaces", "bound_service_account_namespace_selector",
                "audience", "alias_name_source",
            ] + tokenFields.map(\.key)),
        ]
    )

    /// The signing algorithms the JWT/OIDC method accepts (OpenBao's cap/jwt list).
    static let jwtAlgorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"]

    static let jwtConfig = ObjectShape(
        "a JWT/OIDC config", summary: "The config of a JWT/OIDC auth method (auth/MOUNT/config); every write replaces all of it.",
        fields: [
            Field("mount", .string(.mountPath), "The JWT/OIDC auth method's path; default `jwt`."),
            Field("bound_issuer", .string(.any), "The `iss` claim tokens must have; empty: any."),
            Field("jwks_url", .string(.nonEmpty), "A JWKS URL to fetch signing keys from (one key source only)."),
            Field("jwks_ca_pem", .string(.any), "CA certificates (PEM) for the JWKS URL."),
            Field("oidc_discovery_url", .string(.nonEmpty), "An OIDC discovery URL, without `.well-known/openid-configuration` (one key source only)."),
            Field("oidc_discovery_ca_pem", .string(.any), "CA certificates (PEM) for the discovery URL."),
            Field("jwt_validation_pubkeys", .list(.string(.nonEmpty), unique: true), "PEM public keys that sign tokens (one key source only)."),
            Field("jwt_supported_algs", .list(.oneOf(jwtAlgorithms), unique: true), "Signing algorithms accepted; empty: RS256."),
            Field("default_role", .string(.any), "The role a login without one uses (stored in lower case)."),
            Field("oidc_client_id", .string(.any), "The OAuth client ID of an OIDC login (needs `oidc_discovery_url` and `oidc_client_secret`)."),
            Field(
                "oidc_client_secret", .object(writeOnlySource),
                "The OAuth client secret's source (write-only: never read back; written when its source's value changes, and with every write of the config)."),
            Field("oidc_response_mode", .oneOf(["query", "form_post"]), "How the provider answers an OIDC login; unset: query."),
            Field("oidc_response_types", .list(.oneOf(["code", "id_token"]), unique: true), "The response types asked for; empty: code."),
            Field("namespace_in_state", .boolean, "Pass the namespace in the OIDC state parameter; default true."),
            Field("provider_config", .map(.scalarText), "Provider-specific settings (`provider: azure`…), as strings."),
            Field("override_allowed_server_names", .list(.string(.nonEmpty), unique: true), "Host names accepted in the TLS certificates of the JWKS and discovery URLs."),
        ]
    )

    static let jwtRole = ObjectShape(
        "a JWT/OIDC role", summary: "A role of a JWT/OIDC auth method (auth/MOUNT/role/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The role's name (the server stores it in lower case)."),
            Field("mount", .string(.mountPath), "The JWT/OIDC auth method's path; default `jwt`."),
            Field("role_type", .oneOf(["jwt", "oidc"]), "jwt: log in with a JWT; oidc (the server's default): a browser OIDC flow."),
            Field("user_claim", .string(.nonEmpty), required: true, "The claim that names the user (the entity alias)."),
            Field("user_claim_json_pointer", .boolean, "`user_claim` is a JSON pointer into nested claims."),
            Field("bound_audiences", .list(.string(.nonEmpty), unique: true), "Audiences a token must have one of."),
            Field("bound_subject", .string(.any), "The `sub` claim a token must have."),
            Field("bound_claims", .map(.anyValue), "Claim → a value or list of values it must match (sent as strings)."),
            Field("bound_claims_type", .oneOf(["string", "glob"]), "How `bound_claims` values match; default string."),
            Field("claim_mappings", .map(.scalarText), "Claim → the metadata key it is copied to."),
            Field("groups_claim", .string(.any), "The claim that lists the user's groups."),
            Field("allowed_redirect_uris", .list(.string(.nonEmpty), unique: true), "oidc: where the provider may send the browser back."),
            Field("oidc_scopes", .list(.string(.nonEmpty), unique: true), "oidc: scopes asked for beside `openid`."),
            Field("clock_skew_leeway", .duration, "Leeway for every time claim; 0: the server's 60s."),
            Field("expiration_leeway", .duration, "Leeway for `exp`; 0: the server's 150s."),
            Field("not_before_leeway", .duration, "Leeway for `nbf`; 0: the server's 150s."),
            Field("verbose_oidc_logging", .boolean, "oidc: log the provider's answers (they may hold secrets)."),
            Field("max_age", .duration, "oidc: how long ago the user may have authenticated at the provider; 0 any."),
            Field("callback_mode", .oneOf(["client", "direct", "device"]), "oidc: how the login completes; default client."),
            Field("poll_interval", .integer(min: 0, max: nil), "oidc device flow: seconds between polls; 0 the provider's."),
            Field("oidc_disable_confirmation", .boolean, "oidc: skip the confirmation page of a direct callback."),
            Field("oauth2_metadata", .list(.oneOf(["id_token", "refresh_token", "access_token"]), unique: true), "oidc: tokens copied into the token's metadata."),
            Field("token_policies_template_claims", .boolean, "`token_policies` are templates filled from the claims."),
        ] + tokenFields + [
            // role_type, bound_claims_type, callback_mode and oidc_disable_confirmation are
            // reset by any write that leaves them out, so they cannot be left to someone else.
            ignoreFields(jwtRoleIgnorable + tokenFields.map(\.key)),
        ]
    )

    /// The JWT role keys `ignore_fields` may name: the ones a write that leaves them out keeps.
    static let jwtRoleIgnorable = [
        "bound_audiences", "bound_subject", "bound_claims", "claim_mappings", "user_claim_json_pointer", "groups_claim",
        "allowed_redirect_uris", "oidc_scopes", "clock_skew_leeway", "expiration_leeway", "not_before_leeway",
        "verbose_oidc_logging", "max_age", "poll_interval", "oauth2_metadata", "token_policies_template_claims",
    ]

    /// A write replaces the whole config, so no field can be left to someone else: it has no `ignore_fields`.
    static let kubernetesConfig = ObjectShape(
        "a Kubernetes auth config", summary: "The config of a Kubernetes auth method (auth/MOUNT/config).",
        fields: [
            Field("mount", .string(.mountPath), "The Kubernetes auth method's path; default `kubernetes`."),
            Field("kubernetes_host", .string(.nonEmpty), required: true, "The Kubernetes API's URL, host or host:port."),
            Field("kubernetes_ca_cert", .string(.nonEmpty), "PEM CA certificates of the API's TLS."),
            Field("kubernetes_ca_cert_file", .string(.nonEmpty), "A file holding `kubernetes_ca_cert`, relative to the manifest file."),
            Field("pem_keys", .list(.string(.nonEmpty), unique: true), "PEM public keys or certificates that verify service-account JWTs."),
            Field("issuer", .string(.any), "The JWT issuer checked when issuer validation is on (deprecated)."),
            Field("disable_iss_validation", .boolean, "Skip the JWT issuer check; default true (deprecated)."),
            Field("disable_local_ca_jwt", .boolean, "Do not use the pod's own CA and service-account JWT; needs `kubernetes_ca_cert`."),
            Field(
                "token_reviewer_jwt", .object(writeOnlySource),
                "The source of a JWT allowed to call the TokenReview API (write-only: never read back; written when its source's value changes, and with every write of the config). Omitted: the client's own JWT, or the pod's."),
        ],
        atMostOneOf: [["kubernetes_ca_cert", "kubernetes_ca_cert_file"]]
    )

    static let certRole = ObjectShape(
        "a cert role", summary: "A trusted certificate of a TLS certificate auth method (auth/MOUNT/certs/NAME).",
        fields: [
            Field("name", .string(.name), required: true, "The role's name (the server stores it in lower case)."),
            Field("mount", .string(.mountPath), "The cert auth method's path; default `cert`."),
            Field("certificate", .string(.nonEmpty), "The trusted PEM certificate: a CA, or the client's own."),
            Field("certificate_file", .string(.nonEmpty), "A file holding `certificate`, relative to the manifest file."),
            Field("display_name", .string(.any), "The display name of tokens issued; default the role's name."),
            Field("allowed_common_names", .list(.string(.nonEmpty), unique: true), "Globs one of which the common name must match."),
            Field("allowed_dns_sans", .list(.string(.nonEmpty), unique: true), "Globs one of which a DNS SAN must match."),
            Field("allowed_email_sans", .list(.string(.nonEmpty), unique: true), "Globs one of which an email SAN must match."),
            Field("allowed_uri_sans", .list(.string(.nonEmpty), unique: true), "Globs one of which a URI SAN must match."),
            Field("allowed_organizational_units", .list(.string(.nonEmpty), unique: true), "Organizational units one of which must be the client's."),
            Field("allowed_names", .list(.string(.nonEmpty), unique: true), "Globs one of which the common name or a SAN must match (deprecated)."),
            Field("required_extensions", .list(.string(.nonEmpty), unique: true), "`oid:value` extensions the certificate must all have."),
            Field("allowed_metadata_extensions", .list(.string(.nonEmpty), unique: true), "Extension OIDs copied into the token's metadata."),
            Field("ocsp_enabled", .boolean, "Check client certificates with OCSP."),
            Field("ocsp_ca_certificates", .string(.nonEmpty), "PEM CA certificates of the OCSP responders."),
            Field("ocsp_ca_certificates_file", .string(.nonEmpty), "A file holding `ocsp_ca_certificates`, relative to the manifest file."),
            Field("ocsp_servers_override", .list(.string(.nonEmpty), unique: false), "OCSP servers to ask instead of the certificate's own, in order."),
            Field("ocsp_fail_open", .boolean, "Let a login proceed when no OCSP answer comes."),
            Field("ocsp_query_all_servers", .boolean, "Require every OCSP server to agree."),
        ] + tokenFields + [
            ignoreFields([
                "certificate", "display_name", "allowed_common_names", "allowed_dns_sans", "allowed_email_sans", "allowed_uri_sans",
                "allowed_organizational_units", "allowed_names", "required_extensions", "allowed_metadata_extensions",
                "ocsp_enabled", "ocsp_ca_certificates", "ocsp_servers_override", "ocsp_fail_open", "ocsp_query_all_servers",
            ] + tokenFields.map(\.key)),
        ],
        exactlyOneOf: [["certificate", "certificate_file"]],
        atMostOneOf: [["ocsp_ca_certificates", "ocsp_ca_certificates_file"]]
    )

    static let tokenRole = ObjectShape(
        "a token role", summary: "A token role (auth/token/roles/NAME): what tokens created against it may carry.",
        fields: [
            Field("name", .string(.name), required: true, "The role's name (the server keeps its case)."),
            Field("allowed_policies", .list(.string(.name), unique: true), "Policies tokens of this role may have; empty: any the creator has."),
            Field("disallowed_policies", .list(.string(.name), unique: true), "Policies tokens of this role may never have."),
            Field("allowed_policies_glob", .list(.string(.nonEmpty), unique: true), "Glob patterns of policies tokens may have."),
            Field("disallowed_policies_glob", .list(.string(.nonEmpty), unique: true), "Glob patterns of policies tokens may never have."),
            Field("allowed_entity_aliases", .list(.string(.nonEmpty), unique: true), "Entity aliases tokens of this role may be created for."),
            Field("orphan", .boolean, "Tokens have no parent: revoking the creator does not revoke them."),
            Field("renewable", .boolean, "Tokens may be renewed; default true."),
            Field("path_suffix", .string(.any), "A suffix of the tokens' creation path, to tell them apart in leases."),
            Field("token_period", .duration, "Make tokens periodic with this period."),
            Field("token_explicit_max_ttl", .duration, "A hard cap on token lifetime."),
            Field("token_num_uses", .integer(min: 0, max: nil), "Uses of a token; 0 is unlimited."),
            Field("token_type", .oneOf(["default-service", "default-batch", "service", "batch"]), "The type of tokens created."),
            Field("token_no_default_policy", .boolean, "Leave the `default` policy off created tokens."),
            Field("token_bound_cidrs", .list(.cidr, unique: true), "Where created tokens may be used from."),
            ignoreFields([
                "allowed_policies", "disallowed_policies", "allowed_policies_glob", "disallowed_policies_glob",
                "allowed_entity_aliases", "orphan", "renewable", "path_suffix", "token_period", "token_explicit_max_ttl",
                "token_num_uses", "token_type", "token_no_default_policy", "token_bound_cidrs",
            ]),
        ]
    )

    static let rateLimitQuota = ObjectShape(
        "a quota", summary: "A rate-limit quota (sys/quotas/rate-limit/NAME): requests a second a path may receive.",
        fields: [
            Field("name", .string(.name), required: true, "The quota's name (the server keeps its case)."),
            Field("type", .oneOf(["rate-limit", "lease-count"]),
                  "`rate-limit` (the default); `lease-count` is refused: OpenBao answers its endpoint 404 and enforces nothing."),
            Field("rate", .scalarText, required: true, "Requests allowed per interval, a number above 0 (`2.5` allowed)."),
            Field("path", .string(.any), "The mount (`secret`), path in a mount (`secret/team`) or auth method (`auth/approle`) it limits; left out: every request."),
            Field("role", .string(.nonEmpty), "A role of the auth method at `path` whose logins it limits; fixed once created."),
            Field("interval", .duration, "The interval `rate` counts over; default 1s."),
            Field("block_interval", .duration, "How long a client over the rate is refused; default 0 (until the interval ends)."),
            Field("inheritable", .boolean, "Applies to namespaces below too; default true for a global quota, false otherwise."),
        ]
    )

    static let endpoint = ObjectShape(
        "an endpoint", summary: "A generic endpoint (PATH): data written to a path no kind models, compared on the keys `compare` names.",
        fields: [
            Field("path", .string(.nonEmpty), required: true, "The API path, without `/v1/` or leading and trailing slashes (`identity/oidc/config`)."),
            Field("data", .map(.anyData), "What is written: numbers and booleans as JSON numbers and booleans, anything else as strings."),
            Field("compare", .list(.string(.nonEmpty), unique: true),
                  "The keys of `data` compared on read (keys the server adds are never drift); default: every key of `data`."),
            Field("write_only", .map(.object(writeOnlySource)), "Keys written from a source and never read back (secrets go here, never in `data`)."),
            Field("delete", .anyData, "How it is deleted once dropped: `never`, or `{path: …, method: DELETE | POST}`; default DELETE at `path`."),
            Field("after", .list(.string(.nonEmpty), unique: true), "Addresses the manifest declares that it is written after (`auth:oidc/`, `endpoint:PATH`)."),
        ]
    )

    static let identityEntity = ObjectShape(
        "an identity entity", summary: "An identity entity (identity/entity/name/NAME): a person or service across auth methods.",
        fields: [
            Field("name", .string(.name), required: true, "The entity's name; the server finds it in any case."),
            Field("policies", .list(.string(.name), unique: true), "Policies every token of the entity gets."),
            Field("metadata", .map(.scalarText), "Metadata, replaced as a whole when it changes."),
            Field("disabled", .boolean, "Tokens of a disabled entity are refused."),
            ignoreFields(["policies", "metadata", "disabled"]),
        ]
    )

    static let identityGroup = ObjectShape(
        "an identity group", summary: "An identity group (identity/group/name/NAME): policies for its member entities and groups.",
        fields: [
            Field("name", .string(.name), required: true, "The group's name; the server finds it in any case."),
            Field("type", .oneOf(["internal", "external"]),
                  "`internal` (default: members listed here) or `external` (members from an auth method's groups, through a group alias). Changing it re-creates the group."),
            Field("policies", .list(.string(.name), unique: true), "Policies every token of a member gets."),
            Field("metadata", .map(.scalarText), "Metadata, replaced as a whole when it changes."),
            Field("member_entities", .list(.string(.name), unique: true),
                  "Member entities by name, each declared under `identity_entities`; internal groups only. Order does not matter."),
            Field("member_groups", .list(.string(.name), unique: true),
                  "Member groups by name, each declared under `identity_groups`. Order does not matter."),
            ignoreFields(["policies", "metadata", "member_entities", "member_groups"]),
        ]
    )

    static let entityAlias = ObjectShape(
        "an entity alias", summary: "An entity alias (identity/entity-alias): a login name on one auth method, mapped to an entity.",
        fields: [
            Field("name", .string(.nonEmpty), required: true, "The login name (a user name, a role's subject); the server finds it in any case."),
            Field("mount", .string(.mountPath), required: true, "The auth method's path, declared under `auth_methods` (never its accessor)."),
            Field("entity", .string(.name), required: true, "The entity, by name, declared under `identity_entities`."),
            Field("custom_metadata", .map(.scalarText), "Custom metadata, replaced as a whole when it changes."),
            ignoreFields(["custom_metadata"]),
        ]
    )

    static let groupAlias = ObjectShape(
        "a group alias", summary: "A group alias (identity/group-alias): a group name on one auth method, mapped to an external group.",
        fields: [
            Field("name", .string(.nonEmpty), required: true, "The group's name on the auth method (an OIDC groups claim's value, say)."),
            Field("mount", .string(.mountPath), required: true, "The auth method's path, declared under `auth_methods` (never its accessor)."),
            Field("group", .string(.name), required: true, "The external group, by name, declared under `identity_groups`."),
        ]
    )

    static let generator = ObjectShape(
        "a value generator", summary: "How vaultform generates a missing value.",
        fields: [
            Field("kind", .oneOf(SecretGenerator.kinds), required: true, "What to generate."),
            Field("length", .integer(min: 8, max: 4096), "password: number of characters (default 32)."),
            Field("classes", .list(.oneOf(["lower", "upper", "digit", "symbol"]), unique: true), "password: character classes (default all)."),
            Field("bytes", .integer(min: 1, max: 4096), "random_bytes: number of bytes (default 32)."),
            Field("bits", .integer(min: 2048, max: 8192), "rsa: key size in bits (default 2048)."),
            Field("public_field", .string(.name), "rsa, x25519, ecdsa_p256: the field that receives the public key."),
        ]
    )

    static let secretField = ObjectShape(
        "a secret field", summary: "One field of a KV secret: its type, and where a missing value comes from.",
        fields: [
            Field("type", .oneOf(SecretFieldType.names), required: true, "The field's type."),
            Field("required", .boolean, "Whether the field must be present (default true)."),
            Field("description", .string(.any), "What the field is for."),
            Field("coerce", .boolean, "Let apply rewrite a value stored as a string (JSON object or array, integer, boolean) into the typed value."),
            Field("pattern", .string(.nonEmpty), "string: a regular expression the value must match."),
            Field("min_length", .integer(min: 0, max: nil), "string: the shortest allowed value."),
            Field("bytes", .integer(min: 1, max: nil), "base64: the exact decoded length."),
            Field("key_type", .oneOf(["rsa", "ec", "any"]), "pem-private-key: the key algorithm."),
            Field("min_bits", .integer(min: 256, max: 16384), "pem-private-key: the smallest RSA key size."),
            Field("generate", .object(generator), "Generate a missing value."),
            Field("from_env", .string(.identifier), "Take a missing value from this environment variable at apply time."),
            Field("from_file", .string(.nonEmpty), "Take a missing value from this file (relative to the manifest) at apply time."),
            Field("rotate", .string(.nonEmpty), "A rotation marker (a date, a ticket): when it changes, apply replaces the value once from its generator or source."),
        ],
        atMostOneOf: [["generate", "from_env", "from_file"]]
    )

    static let secretPair = ObjectShape(
        "a key pair constraint", summary: "Ties a public-key field to the private key it must derive from.",
        fields: [
            Field("private", .string(.name), required: true, "The private-key field."),
            Field("public", .string(.name), required: true, "The public-key field."),
            Field("kind", .oneOf(["rsa", "x25519", "ecdsa_p256"]), required: true, "The key algorithm."),
        ]
    )

    static let secretSchema = ObjectShape(
        "a secret schema", summary: "The fields a KV v2 secret must hold.",
        fields: [
            Field("path", .string(.secretPath), required: true, "The engine's path then the secret's: `secret/app/config`."),
            Field("description", .string(.any), "What the secret is for."),
            Field("fields", .map(.object(secretField)), required: true, "The fields, by name."),
            Field("forbidden", .list(.string(.nonEmpty), unique: true), "Fields that must not be present."),
            Field("allow_unexpected", .boolean, "Do not warn about fields the schema does not name."),
            Field("pairs", .list(.object(secretPair), unique: false), "Key pairs whose halves must match."),
        ]
    )

    static let ownershipRule = ObjectShape(
        "an ownership rule", summary: "A kind, or a part of it, that the manifest owns: unnamed objects there are deleted.",
        fields: [
            Field("kind", .oneOf(OwnershipRule.Kind.allCases.map(\.rawValue)), required: true, "The kind of object."),
            Field("prefix", .string(.nonEmpty), "Only names or paths that start with this."),
            Field("mount", .string(.mountPath), "approle_role, kubernetes_role, jwt_role and transit_key: the mount whose objects are owned."),
            Field("mount", .string(.mountPath), "approle_role, kubernetes_role, cert_role and transit_key: the mount whose objects are owned."),
        ]
    )

    static let variable = ObjectShape(
        "a variable", summary: "A value that differs per environment, used as ${var.NAME}.",
        fields: [
            Field("type", .oneOf(VariableType.allCases.map(\.rawValue)), "string (default), integer, boolean or list."),
            Field("default", .anyValue, "The value when no environment, var file or flag sets one."),
            Field("description", .string(.any), "What the variable is for."),
        ]
    )

    static let server = ObjectShape(
        "server settings", summary: "Non-secret connection settings; flags override them, and they override the environment.",
        fields: [
            Field("address", .string(.nonEmpty), "The server's URL, such as https://vault.example.com:8200."),
            Field("namespace", .string(.nonEmpty), "The namespace to work in."),
            Field("ca_cert", .string(.nonEmpty), "A PEM file of CA certificates to trust."),
            Field("ca_path", .string(.nonEmpty), "A directory of PEM CA certificates to trust."),
            Field("tls_server_name", .string(.nonEmpty), "The name to verify the server's certificate against."),
        ]
    )

    /// The sections that declare objects, at the top level and in a namespace's `contents`.
    static let sections: [Field] = [
            Field("ownership", .list(.object(ownershipRule), unique: false), "What the manifest owns beyond what it names."),
            Field("audit_devices", .list(.object(auditDevice), unique: false), "Audit devices."),
            Field("secrets_engines", .list(.object(secretsEngine), unique: false), "Secrets engines of any type."),
            Field("transit_keys", .list(.object(transitKey), unique: false), "Keys of Transit engines."),
            Field("pki_root_cas", .list(.object(pkiRootCA), unique: false), "Root CAs generated inside PKI engines."),
            Field("pki_intermediate_cas", .list(.object(pkiIntermediateCA), unique: false), "Intermediate CAs of PKI engines, signed by a root CA."),
            Field("pki_roles", .list(.object(pkiRole), unique: false), "Roles of PKI engines."),
            Field("pki_configs", .list(.object(pkiConfig), unique: false), "Configurations of PKI engines."),
            Field("policies", .list(.object(policy), unique: false), "ACL policies."),
            Field("external_policies", .list(.string(.name), unique: true), "Policies that exist but are not managed here."),
            Field("auth_methods", .list(.object(authMethod), unique: false), "Auth methods of any type."),
            Field("approle_roles", .list(.object(appRoleRole), unique: false), "AppRole roles."),
            Field("kubernetes_configs", .list(.object(kubernetesConfig), unique: false), "Configs of Kubernetes auth methods."),
            Field("kubernetes_roles", .list(.object(kubernetesRole), unique: false), "Roles of Kubernetes auth methods."),
            Field("userpass_users", .list(.object(userpassUser), unique: false), "Users of userpass auth methods."),
            Field("jwt_configs", .list(.object(jwtConfig), unique: false), "Configs of JWT/OIDC auth methods, one per method."),
            Field("jwt_roles", .list(.object(jwtRole), unique: false), "Roles of JWT/OIDC auth methods."),
            Field("cert_roles", .list(.object(certRole), unique: false), "Trusted certificates of TLS certificate auth methods."),
            Field("token_roles", .list(.object(tokenRole), unique: false), "Token roles."),
            Field("identity_entities", .list(.object(identityEntity), unique: false), "Identity entities."),
            Field("identity_groups", .list(.object(identityGroup), unique: false), "Identity groups."),
            Field("entity_aliases", .list(.object(entityAlias), unique: false), "Entity aliases."),
            Field("group_aliases", .list(.object(groupAlias), unique: false), "Group aliases."),
            Field("quotas", .list(.object(rateLimitQuota), unique: false), "Rate-limit quotas."),
            Field("endpoints", .list(.object(endpoint), unique: false), "Generic endpoints: paths no kind models, written and compared as declared."),
            Field("database_connections", .list(.object(databaseConnection), unique: false), "Connections of database secrets engines."),
            Field("database_roles", .list(.object(databaseRole), unique: false), "Dynamic roles of database secrets engines."),
            Field("database_static_roles", .list(.object(databaseStaticRole), unique: false), "Static roles of database secrets engines."),
            Field("ssh_cas", .list(.object(sshCA), unique: false), "CA signing keys generated inside SSH engines."),
            Field("ssh_roles", .list(.object(sshRole), unique: false), "CA roles of SSH engines."),
            Field("totp_keys", .list(.object(totpKey), unique: false), "Keys of TOTP engines."),
    ]

    /// `secret_schemas`, at the top level and in a namespace's `contents`.
    static let secretSchemas = Field("secret_schemas", .list(.object(secretSchema), unique: false), "Which fields KV v2 secrets must hold.")

    static let namespaceContents = ObjectShape(
        "a namespace's contents",
        summary: "The objects inside a namespace: any sections of a manifest but version, variables, server, namespaces, audit_devices and quotas (the server keeps audit devices and quotas in the root namespace only).",
        fields: sections.filter { !["audit_devices", "quotas"].contains($0.key) } + [secretSchemas])

    static let namespace = ObjectShape(
        "a namespace", summary: "A namespace (sys/namespaces/NAME), created before its contents and deleted after them.",
        fields: [
            Field("path", .string(.mountPath), required: true, "Its path from the connection's namespace: `tenants/acme/dev` (parents first)."),
            Field("custom_metadata", .map(.scalarText), "Free key-value metadata kept with the namespace."),
            Field("contents", .object(namespaceContents), "The objects inside it, as sections of a manifest."),
            Field(
                "for_each", .map(.anyValue),
                "One namespace per combination of these lists' values (`{ tenant: [a, b], env: [dev, prod] }`: four); `${each.KEY}` is replaced in every string of the entry."),
        ]
    )

    static let lintAcceptance = ObjectShape(
        "an accepted lint finding", summary: "A finding `vaultform lint` reports that this manifest accepts, with the reason.",
        fields: [
            Field("id", .string(.nonEmpty), required: true, "The finding's id, as `vaultform lint` prints it (`escalation:approle-role:approle/admin`)."),
            Field("reason", .string(.nonEmpty), required: true, "Why it is accepted; shown next to the finding."),
        ]
    )

    static let lint = ObjectShape(
        "lint settings", summary: "What `vaultform lint` accepts and its thresholds.",
        fields: [
            Field("accept", .list(.object(lintAcceptance), unique: false), "Findings accepted, each with its reason; CI then fails on new ones only."),
            Field("min_ipv4_prefix", .integer(min: 0, max: 32), "A bound IPv4 CIDR with a shorter prefix is wide (default 16)."),
            Field("min_ipv6_prefix", .integer(min: 0, max: 128), "A bound IPv6 CIDR with a shorter prefix is wide (default 48)."),
        ]
    )

    /// The top level of every manifest file.
    public static let root = ObjectShape(
        "a vaultform manifest", summary: "A vaultform manifest: the desired state of a Vault or OpenBao server.",
        fields: [
            Field("version", .integer(min: 1, max: 1), required: true, "The manifest format version."),
            Field("variables", .map(.object(variable)), "Values that differ per environment."),
            Field("server", .object(server), "Non-secret connection settings."),
        ] + sections + [
            secretSchemas,
            Field("namespaces", .list(.object(namespace), unique: false), "Namespaces, each with the objects inside it."),
            Field("lint", .object(lint), "What `vaultform lint` accepts, and its thresholds."),
        ]
    )
}

/// The value each field has on a fresh object of a kind (OpenBao 2.7, read back right after
/// creation): what a field the manifest leaves out is managed at. Without it, a field nobody
/// wrote was never compared, and `bind_secret_id=false` set by hand (anyone with the role ID
/// may log in) was invisible to plan and drift.
///
/// Fields the server generates (accessors, UUIDs, a role ID the manifest does not fix, key
/// versions) are not here: they are never drift. The same table tells export which fields it
/// may leave out, so an exported manifest plans as no changes.
extension ResourceKind {
    /// Field name → the value a fresh object has; empty for kinds whose every field the
    /// manifest must give (policies) or that are handled apart (secrets).
    public var defaults: [String: FieldValue] {
        switch self {
        case .auditDevice:
            return ["description": .string(""), "local": .boolean(false)]
        case .secretsEngine:
            return Self.mountDefaults.merging(["external_entropy_access": .boolean(false)]) { first, _ in first }
        case .authMethod:
            return Self.mountDefaults.merging(["token_type": .string("default-service")]) { first, _ in first }
        case .kvConfig:
            return ["max_versions": .integer(0), "cas_required": .boolean(false), "delete_version_after": .seconds(0)]
        case .transitKey:
            return [
                "type": .string("aes256-gcm96"), "exportable": .boolean(false), "allow_plaintext_backup": .boolean(false),
                "deletion_allowed": .boolean(false), "auto_rotate_period": .seconds(0), "min_decryption_version": .integer(1),
                "min_encryption_version": .integer(0), "derived": .boolean(false), "convergent_encryption": .boolean(false),
                "soft_deleted": .boolean(false),
            ]
        case .appRoleRole:
            return [
                "bind_secret_id": .boolean(true), "secret_id_bound_cidrs": .set([]), "secret_id_num_uses": .integer(0),
                "secret_id_ttl": .seconds(0), "local_secret_ids": .boolean(false), "token_policies": .set([]),
                "token_ttl": .seconds(0), "token_max_ttl": .seconds(0), "token_explicit_max_ttl": .seconds(0),
                "token_period": .seconds(0), "token_num_uses": .integer(0), "token_type": .string("default"),
                "token_no_default_policy": .boolean(false), "token_bound_cidrs": .set([]),
            ]
        case .policy, .kvSecret:
            return [:]
        }
    }

    /// A secrets engine's or auth method's settings and tuning on a fresh mount: TTLs 0 (the
    /// system's, as `sys/mounts` reads them), nothing listed, no plugin version pinned.
    private static let mountDefaults: [String: FieldValue] = [
        "description": .string(""), "local": .boolean(false), "seal_wrap": .boolean(false),
        "default_lease_ttl": .seconds(0), "max_lease_ttl": .seconds(0), "force_no_cache": .boolean(false),
        "listing_visibility": .string(""), "passthrough_request_headers": .set([]), "allowed_response_headers": .set([]),
        "audit_non_hmac_request_keys": .set([]), "audit_non_hmac_response_keys": .set([]), "plugin_version": .string(""),
    ]

    /// Whether `value` is what a fresh object of this kind has in `field`.
    public func isDefault(_ field: String, _ value: FieldValue) -> Bool {
        defaults[field].map { $0 == value } ?? false
    }

    /// The fields with every default this kind has filled in where `fields` has none.
    public func withDefaults(_ fields: [String: FieldValue]) -> [String: FieldValue] {
        fields.merging(defaults) { set, _ in set }
    }
}

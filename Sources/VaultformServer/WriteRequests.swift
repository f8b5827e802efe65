import VaultAPI
import VaultformCore
import VaultPath

/// One HTTP write that carries out part of an operation.
struct WriteRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var body: JSONValue?

    /// Whether sending it twice has the effect of sending it once, so that the client may
    /// repeat it after a timeout or a 502 that left its fate unknown. Upserts (policies,
    /// roles, configs, tuning, Transit key creation) and deletes are; enabling a mount, an
    /// auth method or an audit device is not: a repeat fails with "path is already in use".
    var isIdempotent: Bool {
        if method == .delete { return true }
        for prefix in ["sys/mounts/", "sys/auth/", "sys/audit/"] where path.hasPrefix(prefix) {
            return path.hasSuffix("/tune")
        }
        return true
    }
}

/// How each kind is written: the requests that create, change and delete an object, built
/// from its normalised fields. The planner decided what to do; this decides how.
enum WriteRequests {
    /// The requests that create `resource` (or re-create it, for a replacement).
    /// Fields at the kind's default are left out: a fresh object has them already.
    static func create(_ resource: Resource) -> [WriteRequest] {
        let kind = resource.address.kind
        let fields = resource.fields.filter { field, value in field == "type" || !kind.isDefault(field, value) }
        let name = resource.address.name
        switch resource.address.kind {
        case .auditDevice:
            var body = object(fields, ["type", "description", "local"])
            body["options"] = fields["options"].map { json($0) } ?? .object([:])
            return [WriteRequest(method: .put, path: "sys/audit/\(MountPath.withoutSlash(name))", body: .object(body))]
        case .secretsEngine:
            var body = object(fields, ["type", "description", "local", "seal_wrap", "external_entropy_access"])
            if let options = fields["options"] { body["options"] = json(options) }
            let config = object(fields, tuningKeys)
            if !config.isEmpty { body["config"] = .object(config) }
            return [WriteRequest(method: .post, path: "sys/mounts/\(MountPath.withoutSlash(name))", body: .object(body))]
        case .authMethod:
            var body = object(fields, ["type", "description", "local", "seal_wrap"])
            let config = object(fields, tuningKeys + ["token_type"])
            if !config.isEmpty { body["config"] = .object(config) }
            return [WriteRequest(method: .post, path: "sys/auth/\(MountPath.withoutSlash(name))", body: .object(body))]
        case .kvConfig:
            return [WriteRequest(method: .post, path: "\(name)config", body: .object(object(fields, Array(fields.keys))))]
        case .transitKey:
            // Creation takes the immutable settings; the rest go through /config, which is the
            // only endpoint that applies them (a create on an existing key ignores everything).
            let creation = object(fields, ["type", "key_size", "derived", "convergent_encryption", "exportable",
                                           "allow_plaintext_backup", "auto_rotate_period"])
            var requests = [WriteRequest(method: .post, path: "\(transitPath(name))", body: .object(creation))]
            let config = object(fields, transitConfigKeys)
            if !config.isEmpty { requests.append(WriteRequest(method: .post, path: "\(transitPath(name))/config", body: .object(config))) }
            return requests
        case .policy:
            return [WriteRequest(method: .put, path: "sys/policies/acl/\(name)", body: .object(["policy": policyText(fields)]))]
        case .appRoleRole:
            return role(name, fields, creating: true)
        case .kvSecret:
            return []
        }
    }

    /// The requests that change the given fields in place.
    static func update(_ address: Address, _ changed: [String: FieldValue]) -> [WriteRequest] {
        let name = address.name
        switch address.kind {
        case .secretsEngine:
            return [WriteRequest(method: .post, path: "sys/mounts/\(MountPath.withoutSlash(name))/tune", body: .object(object(changed, Array(changed.keys))))]
        case .authMethod:
            return [WriteRequest(method: .post, path: "sys/auth/\(MountPath.withoutSlash(name))/tune", body: .object(object(changed, Array(changed.keys))))]
        case .kvConfig:
            return [WriteRequest(method: .post, path: "\(name)config", body: .object(object(changed, Array(changed.keys))))]
        case .transitKey:
            // A soft-deleted key is restored first (only that endpoint can); the rest is config.
            var requests: [WriteRequest] = []
            if changed["soft_deleted"] == .boolean(false) {
                requests.append(WriteRequest(method: .post, path: "\(transitPath(name))/soft-delete-restore"))
            }
            let config = object(changed, changed.keys.filter { $0 != "soft_deleted" })
            if !config.isEmpty { requests.append(WriteRequest(method: .post, path: "\(transitPath(name))/config", body: .object(config))) }
            return requests
        case .policy:
            return [WriteRequest(method: .put, path: "sys/policies/acl/\(name)", body: .object(["policy": policyText(changed)]))]
        case .appRoleRole:
            return role(name, changed, creating: false)
        case .auditDevice, .kvSecret:
            return []  // audit devices are only replaced; the planner never plans an update
        }
    }

    /// The requests that delete an object. A Transit key must allow deletion first.
    static func delete(_ address: Address) -> [WriteRequest] {
        let name = address.name
        switch address.kind {
        case .auditDevice: return [WriteRequest(method: .delete, path: "sys/audit/\(MountPath.withoutSlash(name))")]
        case .secretsEngine: return [WriteRequest(method: .delete, path: "sys/mounts/\(MountPath.withoutSlash(name))")]
        case .authMethod: return [WriteRequest(method: .delete, path: "sys/auth/\(MountPath.withoutSlash(name))")]
        case .kvConfig, .kvSecret: return []
        case .transitKey: return [WriteRequest(method: .delete, path: transitPath(name))]
        case .policy: return [WriteRequest(method: .delete, path: "sys/policies/acl/\(name)")]
        case .appRoleRole:
            let (mount, role) = ReadScope.split(name)
            return [WriteRequest(method: .delete, path: "auth/\(mount)role/\(role)")]
        }
    }

    static let tuningKeys = [
        "default_lease_ttl", "max_lease_ttl", "force_no_cache", "listing_visibility", "passthrough_request_headers",
        "allowed_response_headers", "audit_non_hmac_request_keys", "audit_non_hmac_response_keys", "plugin_version",
    ]
    static let transitConfigKeys = [
        "deletion_allowed", "exportable", "allow_plaintext_backup", "min_decryption_version", "min_encryption_version",
        "auto_rotate_period",
    ]

    /// The role's settings (always when `creating`: the role must exist before its role ID
    /// is set), then its role ID when one is given.
    static func role(_ name: String, _ fields: [String: FieldValue], creating: Bool) -> [WriteRequest] {
        let (mount, role) = ReadScope.split(name)
        var requests: [WriteRequest] = []
        let settings = object(fields, fields.keys.filter { $0 != "role_id" })
        if creating || !settings.isEmpty || fields["role_id"] == nil {
            requests.append(WriteRequest(method: .post, path: "auth/\(mount)role/\(role)", body: .object(settings)))
        }
        if let roleID = fields["role_id"] {
            requests.append(WriteRequest(method: .post, path: "auth/\(mount)role/\(role)/role-id", body: .object(["role_id": json(roleID)])))
        }
        return requests
    }

    static func object(_ fields: [String: FieldValue], _ keys: [String]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for key in keys { if let value = fields[key] { result[key] = json(value, field: key) } }
        return result
    }

    /// A field's value as the API takes it. Durations go as `Ns` where an endpoint parses Go
    /// durations (KV config, Transit rotation), as integers elsewhere.
    static func json(_ value: FieldValue, field: String = "") -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .number(Double(number))
        case .boolean(let flag): return .bool(flag)
        case .seconds(let seconds):
            return ["delete_version_after", "auto_rotate_period"].contains(field) ? .string("\(seconds)s") : .number(Double(seconds))
        case .list(let items), .set(let items): return .array(items.map(JSONValue.string))
        case .map(let map): return .object(map.mapValues(JSONValue.string))
        case .policy(let document): return .string(document.textToWrite)
        case .sensitive: return .null  // never sent from a plan: secret values are written by the secrets stage
        }
    }

    static func policyText(_ fields: [String: FieldValue]) -> JSONValue {
        fields["policy"].map { json($0) } ?? .string("")
    }


    /// `transit/k` → `transit/keys/k`.
    static func transitPath(_ name: String) -> String {
        let (mount, key) = ReadScope.split(name)
        return "\(mount)keys/\(key)"
    }
}

import VaultAPI
import VaultformCore
import VaultPath

/// Secrets engines and auth methods as `sys/mounts` and `sys/auth` list them. One request
/// lists every mount with its config, so no per-mount tune read is needed. The config's
/// TTLs are 0 when unset (the /tune endpoint would show the system default instead), which
/// is also what a manifest's `0` means.
enum LiveMount {
    static func resource(_ kind: ResourceKind, path: String, _ mount: JSONValue) -> Resource {
        var fields: [String: FieldValue] = [:]
        fields["type"] = .string(mount["type"]?.stringValue ?? "")
        fields["description"] = .string(mount["description"]?.stringValue ?? "")
        fields["options"] = .map(LiveValues.stringMap(mount["options"]))
        fields["local"] = .boolean(mount["local"]?.boolValue ?? false)
        fields["seal_wrap"] = .boolean(mount["seal_wrap"]?.boolValue ?? false)
        if kind == .secretsEngine {
            fields["external_entropy_access"] = .boolean(mount["external_entropy_access"]?.boolValue ?? false)
        }
        let config = mount["config"]
        fields["default_lease_ttl"] = .seconds(config?["default_lease_ttl"]?.intValue ?? 0)
        fields["max_lease_ttl"] = .seconds(config?["max_lease_ttl"]?.intValue ?? 0)
        fields["force_no_cache"] = .boolean(config?["force_no_cache"]?.boolValue ?? false)
        fields["listing_visibility"] = .string(config?["listing_visibility"]?.stringValue ?? "")
        for key in ["passthrough_request_headers", "allowed_response_headers", "audit_non_hmac_request_keys", "audit_non_hmac_response_keys"] {
            fields[key] = .unorderedSet(LiveValues.strings(config?[key]))
        }
        fields["plugin_version"] = .string(mount["plugin_version"]?.stringValue ?? "")
        if kind == .authMethod, let type = config?["token_type"]?.stringValue { fields["token_type"] = .string(type) }
        return Resource(Address(kind, MountPath.withSlash(path)), fields: fields)
    }
}

/// Audit devices as `sys/audit` lists them; their options are strings on the server.
enum LiveAuditDevice {
    static func resource(path: String, _ device: JSONValue) -> Resource {
        Resource(Address(.auditDevice, MountPath.withSlash(path)), fields: [
            "type": .string(device["type"]?.stringValue ?? ""),
            "description": .string(device["description"]?.stringValue ?? ""),
            "local": .boolean(device["local"]?.boolValue ?? false),
            "options": .map(LiveValues.stringMap(device["options"])),
        ])
    }
}

/// A KV v2 engine's config (`MOUNT/config`); `delete_version_after` comes back as Go's
/// duration text (`3h0m0s`).
enum LiveKVConfig {
    static func resource(mount: String, _ data: JSONValue?) -> Resource {
        var fields: [String: FieldValue] = [
            "max_versions": .integer(data?["max_versions"]?.intValue ?? 0),
            "cas_required": .boolean(data?["cas_required"]?.boolValue ?? false),
        ]
        if let text = data?["delete_version_after"]?.stringValue {
            fields["delete_version_after"] = Canonical.goDurationSeconds(text).map(FieldValue.seconds) ?? .string(text)
        } else if let seconds = data?["delete_version_after"]?.intValue {
            fields["delete_version_after"] = .seconds(seconds)
        }
        return Resource(Address(.kvConfig, mount), fields: fields)
    }
}

/// Small conversions of server JSON shared by the kinds.
enum LiveValues {
    /// A map of option values as strings (the server stores strings; `null` means none).
    static func stringMap(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, item) in value?.objectValue ?? [:] {
            result[key] = item.stringValue ?? item.intValue.map(String.init) ?? item.boolValue.map { $0 ? "true" : "false" } ?? ""
        }
        return result
    }

    /// A list of strings; the server writes an absent list as `null` or leaves the key out.
    static func strings(_ value: JSONValue?) -> [String] {
        if let text = value?.stringValue { return text.isEmpty ? [] : [text] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

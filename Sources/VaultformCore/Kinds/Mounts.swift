import VaultformManifest
import VaultformPolicy
import VaultPath
import VaultWire

/// What secrets engines and auth methods share: their tuning fields, how the manifest's
/// tuning becomes fields, how `sys/mounts` and `sys/auth` describe a mount, and the writes
/// that enable, tune and disable one. `base` is `sys/mounts` or `sys/auth`.
enum Mounts {
    /// The tuning every mount has (`…/tune`).
    static let tuningFields: [FieldDefinition] = ([
        .inPlace("default_lease_ttl", .seconds(0), "default TTL of leases and tokens; 0 is the system's"),
        .inPlace("max_lease_ttl", .seconds(0), "maximum TTL; 0 is the system's"),
        .inPlace("listing_visibility", .string(""), "listed in the unauthenticated UI listing"),
        .fixed(
            "force_no_cache", .boolean(false), "no caching",
            reason: "the server ignores `force_no_cache` when tuning; only re-creating the mount changes it"),
        .inPlace("passthrough_request_headers", .set([]), "request headers passed to the plugin"),
        .inPlace("allowed_response_headers", .set([]), "response headers the plugin may set"),
        .inPlace("audit_non_hmac_request_keys", .set([]), "request keys not HMAC'd in audit logs"),
        .inPlace("audit_non_hmac_response_keys", .set([]), "response keys not HMAC'd in audit logs"),
        .inPlace("plugin_version", .string(""), "the plugin version to run; empty for the built-in"),
    ] as [FieldDefinition]).map { $0.grouped("tuning") }

    /// A mount's fields as the server compares them. Options only on the keys the manifest
    /// names (the server adds its own, which the manifest does not manage); header lists in
    /// any case of their ASCII letters, as the server matches them (`Canonical.headerNames`);
    /// a plugin version as the server writes it (`Canonical.pluginVersion`); `hidden` listing
    /// visibility as the empty default it behaves like.
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool? {
        switch (field, desired, live) {
        case ("options", .map(let want), .map(let have)):
            return want.allSatisfy { have.valueWithSameBytes($0.key)?.hasSameBytes(as: $0.value) ?? false }
        case ("passthrough_request_headers", .set(let want), .set(let have)), ("allowed_response_headers", .set(let want), .set(let have)):
            return Canonical.headerNames(want).hasSameBytes(as: Canonical.headerNames(have))
        case ("listing_visibility", .string(let want), .string(let have)):
            // OpenBao: "the empty default ('') behaving like 'hidden'"; only `unauth` lists a mount.
            func meaning(_ text: String) -> String { text.hasSameBytes(as: "hidden") ? "" : text }
            return meaning(want).hasSameBytes(as: meaning(have))
        case ("plugin_version", .string(let want), .string(let have)):
            return Canonical.pluginVersion(want).hasSameBytes(as: Canonical.pluginVersion(have))
        default:
            return nil
        }
    }

    /// The tuning fields' names, as the enable request's `config` and the tune endpoint take them.
    static let tuningKeys = tuningFields.map(\.name)

    /// The fields every mount's manifest entry may set, and its tuning.
    static func stated(type: String, description: String?, local: Bool?, sealWrap: Bool?, tuning: MountTuning?) -> [String: FieldValue] {
        var fields = self.tuning(tuning)
        fields["type"] = .string(type)
        if let description { fields["description"] = .string(description) }
        if let local { fields["local"] = .boolean(local) }
        if let sealWrap { fields["seal_wrap"] = .boolean(sealWrap) }
        return fields
    }

    /// The fields a mount's manifest tuning sets.
    static func tuning(_ tuning: MountTuning?) -> [String: FieldValue] {
        guard let tuning else { return [:] }
        var fields: [String: FieldValue] = [:]
        if let ttl = tuning.defaultLeaseTTL { fields["default_lease_ttl"] = .seconds(ttl.seconds) }
        if let ttl = tuning.maxLeaseTTL { fields["max_lease_ttl"] = .seconds(ttl.seconds) }
        if let visibility = tuning.listingVisibility { fields["listing_visibility"] = .string(visibility) }
        if let flag = tuning.forceNoCache { fields["force_no_cache"] = .boolean(flag) }
        if let headers = tuning.passthroughRequestHeaders { fields["passthrough_request_headers"] = .unorderedSet(headers) }
        if let headers = tuning.allowedResponseHeaders { fields["allowed_response_headers"] = .unorderedSet(headers) }
        if let keys = tuning.auditNonHMACRequestKeys { fields["audit_non_hmac_request_keys"] = .unorderedSet(keys) }
        if let keys = tuning.auditNonHMACResponseKeys { fields["audit_non_hmac_response_keys"] = .unorderedSet(keys) }
        if let version = tuning.pluginVersion { fields["plugin_version"] = .string(version) }
        if let type = tuning.tokenType { fields["token_type"] = .string(type) }
        return fields
    }

    /// A mount as `sys/mounts` (or `sys/auth`) lists it. One request lists every mount with
    /// its config, so no per-mount tune read is needed. The config's TTLs are 0 when unset
    /// (the /tune endpoint would show the system default instead), which is also what a
    /// manifest's `0` means.
    static func live(_ record: LiveRecord) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        fields["type"] = .string(record["type"]?.stringValue ?? "")
        fields["description"] = .string(record["description"]?.stringValue ?? "")
        fields["options"] = .map(WireFields.stringMap(record["options"]))
        fields["local"] = .boolean(record["local"]?.boolValue ?? false)
        fields["seal_wrap"] = .boolean(record["seal_wrap"]?.boolValue ?? false)
        fields["external_entropy_access"] = .boolean(record["external_entropy_access"]?.boolValue ?? false)
        let config = record["config"]
        fields["default_lease_ttl"] = .seconds(config?["default_lease_ttl"]?.intValue ?? 0)
        fields["max_lease_ttl"] = .seconds(config?["max_lease_ttl"]?.intValue ?? 0)
        fields["force_no_cache"] = .boolean(config?["force_no_cache"]?.boolValue ?? false)
        fields["listing_visibility"] = .string(config?["listing_visibility"]?.stringValue ?? "")
        for key in ["passthrough_request_headers", "allowed_response_headers", "audit_non_hmac_request_keys", "audit_non_hmac_response_keys"] {
            fields[key] = .unorderedSet(WireFields.strings(config?[key]))
        }
        fields["plugin_version"] = .string(record["plugin_version"]?.stringValue ?? "")
        return fields
    }

    /// Enabling a mount: its settings, and its tuning as `config`. Not idempotent: a repeat
    /// fails with "path is already in use".
    static func enable(_ base: String, _ resource: Resource, settings: [String], tuning: [String]) -> [WriteRequest] {
        var body = WireFields.object(resource.fields, settings)
        if let options = resource.fields["options"] { body["options"] = WireFields.json(options) }
        let config = WireFields.object(resource.fields, tuning)
        if !config.isEmpty { body["config"] = .object(config) }
        return [.post("\(base)/\(MountPath.withoutSlash(resource.address.name))", body, idempotent: false)]
    }

    /// Tuning a mount in place.
    static func tune(_ base: String, _ address: Address, _ changed: [String: FieldValue]) -> [WriteRequest] {
        [.post("\(base)/\(MountPath.withoutSlash(address.name))/tune", WireFields.object(changed))]
    }

    /// Disabling a mount.
    static func disable(_ base: String, _ address: Address) -> [WriteRequest] {
        [.delete("\(base)/\(MountPath.withoutSlash(address.name))")]
    }
}

import VaultAPI
import VaultformCore
import VaultformPolicy

/// An ACL policy (`sys/policies/acl/NAME`). The server keeps the text verbatim; it is parsed
/// here so that whitespace, comments, block order and repeated blocks never show as a change.
enum LivePolicy {
    static func resource(name: String, _ data: JSONValue?) -> Resource {
        let text = data?["policy"]?.stringValue ?? ""
        switch PolicyParser.parse(text) {
        case .success(let document):
            return Resource(Address(.policy, name), fields: ["policy": .policy(document)])
        case .failure:
            // Text the parser cannot read (written by another tool) still shows as a difference.
            return Resource(Address(.policy, name), fields: ["policy": .string(text)])
        }
    }
}

/// A Transit key (`MOUNT/keys/NAME`).
enum LiveTransitKey {
    static func resource(mount: String, name: String, _ data: JSONValue?) -> Resource {
        var fields: [String: FieldValue] = [
            "type": .string(data?["type"]?.stringValue ?? ""),
            "exportable": .boolean(data?["exportable"]?.boolValue ?? false),
            "allow_plaintext_backup": .boolean(data?["allow_plaintext_backup"]?.boolValue ?? false),
            "deletion_allowed": .boolean(data?["deletion_allowed"]?.boolValue ?? false),
            "auto_rotate_period": .seconds(data?["auto_rotate_period"]?.intValue ?? 0),
            "min_decryption_version": .integer(data?["min_decryption_version"]?.intValue ?? 1),
            "min_encryption_version": .integer(data?["min_encryption_version"]?.intValue ?? 0),
            "derived": .boolean(data?["derived"]?.boolValue ?? false),
            "convergent_encryption": .boolean(data?["convergent_encryption"]?.boolValue ?? false),
            // A soft-deleted key refuses every use: state a plan must see.
            "soft_deleted": .boolean(data?["soft_deleted"]?.boolValue ?? false),
        ]
        if let size = data?["key_size"]?.intValue { fields["key_size"] = .integer(size) }
        return Resource(Address(.transitKey, mount + name), fields: fields)
    }
}

/// An AppRole role (`auth/MOUNT/role/NAME`), with its role ID when the manifest fixes one.
enum LiveAppRoleRole {
    static func resource(mount: String, name: String, _ data: JSONValue?, roleID: String?) -> Resource {
        var fields: [String: FieldValue] = [:]
        for key in ["bind_secret_id", "local_secret_ids", "token_no_default_policy"] {
            fields[key] = .boolean(data?[key]?.boolValue ?? false)
        }
        for key in ["secret_id_num_uses", "token_num_uses"] {
            fields[key] = .integer(data?[key]?.intValue ?? 0)
        }
        for key in ["secret_id_ttl", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period"] {
            fields[key] = .seconds(data?[key]?.intValue ?? 0)
        }
        fields["token_type"] = .string(data?["token_type"]?.stringValue ?? "default")
        // The server keeps order and duplicates as sent; a role's policies are a set.
        fields["token_policies"] = .unorderedSet(LiveValues.strings(data?["token_policies"]))
        fields["token_bound_cidrs"] = .unorderedSet(LiveValues.strings(data?["token_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.tokenBoundCIDR)
        })
        fields["secret_id_bound_cidrs"] = .unorderedSet(LiveValues.strings(data?["secret_id_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.secretIDBoundCIDR)
        })
        if let roleID { fields["role_id"] = .string(roleID) }
        return Resource(Address(.appRoleRole, mount + name), fields: fields)
    }
}

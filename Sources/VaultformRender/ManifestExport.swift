import VaultformCore
import VaultformManifest
import Yams
import VaultPath

/// A live server written as a manifest directory in the house layout: one file per kind,
/// policies as HCL files beside them, values as a person writes them (`1h`, not `3600`),
/// and fields at the server's defaults left out, so that the manifest is short and, applied,
/// changes nothing. Secret schemas carry names and inferred types only.
public enum ManifestExport {
    /// One file to write, relative to the output directory.
    public struct File: Sendable, Equatable {
        public var path: String
        public var contents: String
    }

    /// The files for `live` (and the inferred secrets, when asked for), kinds with no object left out.
    public static func files(_ live: LiveState, secrets: [InferredSecret] = [], source: String) throws -> [File] {
        let objects = live.resources.values.sorted { $0.address < $1.address }
        let of = { (kind: ResourceKind) in objects.filter { $0.address.kind == kind } }
        let kvConfigs = Dictionary(of(.kvConfig).map { ($0.address.name, $0) }, uniquingKeysWith: { a, _ in a })
        var files: [File] = []
        func add(_ name: String, _ key: String, _ items: [Node], _ note: String) throws {
            guard !items.isEmpty else { return }
            let body = try Yams.serialize(node: .mapping(.init([(scalar("version"), .scalar(.init("1"))), (scalar(key), .sequence(.init(items)))])))
            files.append(File(path: name, contents: header(note, source: source) + body))
        }
        try add("audit.yaml", "audit_devices", of(.auditDevice).map(auditDevice), "Audit devices.")
        try add("engines.yaml", "secrets_engines", of(.secretsEngine).map { engine(($0), kvConfigs[$0.address.name]) }, "Secrets engines, their tuning and KV v2 config.")
        try add("auth.yaml", "auth_methods", of(.authMethod).map(authMethod), "Auth methods and their tuning.")
        try add("transit.yaml", "transit_keys", of(.transitKey).map(transitKey), "Transit keys.")
        let policies = of(.policy)
        try add("policies.yaml", "policies", policies.map { mapping([("name", scalar($0.address.name)), ("file", scalar("policies/\(policyFile($0.address.name))"))]) },
                "ACL policies; each one's text is in policies/, as the server holds it.")
        for policy in policies {
            var text = live.policyTexts[policy.address.name] ?? (policy.fields["policy"].flatMap { if case .policy(let document) = $0 { document.renderHCL() } else { nil } } ?? "")
            if !text.hasSuffix("\n") { text += "\n" }
            files.append(File(path: "policies/\(policyFile(policy.address.name))", contents: text))
        }
        try add("roles.yaml", "approle_roles", of(.appRoleRole).map(role), "AppRole roles, with the role IDs the services already use.")
        try add("secrets.yaml", "secret_schemas", secrets.map(schema),
                "Secret schemas INFERRED from the live secrets' field names and value types (never their values):\nreview each type, mark optional fields `required: false`, and add generators or sources\nwhere vaultform should fill a missing value.")
        return files
    }

    // MARK: Kinds

    static func auditDevice(_ device: Resource) -> Node {
        var pairs: [(String, Node)] = [("path", scalar(MountPath.withoutSlash(device.address.name))), ("type", string(device.fields["type"]))]
        add(&pairs, "description", device.fields["description"], unless: .string(""))
        add(&pairs, "local", device.fields["local"], unless: .boolean(false))
        if case .map(let options)? = device.fields["options"], !options.isEmpty { pairs.append(("options", map(options))) }
        return mapping(pairs)
    }

    static func engine(_ engine: Resource, _ config: Resource?) -> Node {
        var options: [String: String] = [:]
        if case .map(let map)? = engine.fields["options"] { options = map }
        var type = text(engine.fields["type"])
        if type == "kv", options["version"] == "2" {
            type = "kv-v2"
            options["version"] = nil
        }
        var pairs: [(String, Node)] = [("path", scalar(MountPath.withoutSlash(engine.address.name))), ("type", scalar(type))]
        add(&pairs, "description", engine)
        if !options.isEmpty { pairs.append(("options", map(options))) }
        for field in ["local", "seal_wrap", "external_entropy_access"] { add(&pairs, field, engine) }
        let tuning = self.tuning(engine, authTokenType: false)
        if !tuning.isEmpty { pairs.append(("tuning", mapping(tuning))) }
        if let config {
            var kv: [(String, Node)] = []
            for field in ["max_versions", "cas_required", "delete_version_after"] { add(&kv, field, config) }
            if !kv.isEmpty { pairs.append(("kv_config", mapping(kv))) }
        }
        return mapping(pairs)
    }

    static func authMethod(_ method: Resource) -> Node {
        var pairs: [(String, Node)] = [("path", scalar(MountPath.withoutSlash(method.address.name))), ("type", string(method.fields["type"]))]
        for field in ["description", "local", "seal_wrap"] { add(&pairs, field, method) }
        let tuning = self.tuning(method, authTokenType: true)
        if !tuning.isEmpty { pairs.append(("tuning", mapping(tuning))) }
        return mapping(pairs)
    }

    static func tuning(_ mount: Resource, authTokenType: Bool) -> [(String, Node)] {
        var pairs: [(String, Node)] = []
        for field in [
            "default_lease_ttl", "max_lease_ttl", "listing_visibility", "force_no_cache", "passthrough_request_headers",
            "allowed_response_headers", "audit_non_hmac_request_keys", "audit_non_hmac_response_keys", "plugin_version",
        ] {
            add(&pairs, field, mount)
        }
        if authTokenType { add(&pairs, "token_type", mount) }
        return pairs
    }

    static func transitKey(_ key: Resource) -> Node {
        let (mount, name) = MountPath.split(key.address.name)
        var pairs: [(String, Node)] = [("mount", scalar(MountPath.withoutSlash(mount))), ("name", scalar(name)), ("type", string(key.fields["type"]))]
        if key.fields["type"] == .string("hmac") { add(&pairs, "key_size", key.fields["key_size"], unless: nil) }
        for field in [
            "exportable", "allow_plaintext_backup", "deletion_allowed", "auto_rotate_period", "min_decryption_version",
            "min_encryption_version", "derived", "convergent_encryption",
        ] {
            add(&pairs, field, key)
        }
        return mapping(pairs)
    }

    static func role(_ role: Resource) -> Node {
        let (mount, name) = MountPath.split(role.address.name)
        var pairs: [(String, Node)] = [("name", scalar(name))]
        if mount != "approle/" { pairs.append(("mount", scalar(MountPath.withoutSlash(mount)))) }
        add(&pairs, "role_id", role.fields["role_id"], unless: nil)
        for field in [
            "bind_secret_id", "secret_id_bound_cidrs", "secret_id_num_uses", "secret_id_ttl", "local_secret_ids", "token_policies",
            "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "token_num_uses", "token_type",
            "token_no_default_policy", "token_bound_cidrs",
        ] {
            add(&pairs, field, role)
        }
        return mapping(pairs)
    }

    static func schema(_ secret: InferredSecret) -> Node {
        var fields: [(Node, Node)] = []
        for field in secret.fields {
            var pairs: [(String, Node)] = [("type", scalar(field.inference.type.rawValue))]
            if let bytes = field.inference.bytes { pairs.append(("bytes", node(.integer(bytes)))) }
            if let keyType = field.inference.keyType { pairs.append(("key_type", scalar(keyType))) }
            fields.append((scalar(field.name), mapping(pairs)))
        }
        return mapping([
            ("path", scalar(MountPath.withSlash(secret.mount) + secret.path)),
            ("fields", .mapping(.init(fields))),
        ])
    }

    // MARK: Values

    static func header(_ note: String, source: String) -> String {
        let lines = ["yaml-language-server: $schema=https://vaultform.dev/schema/vaultform.schema.json",
                     "Exported by `vaultform export` from \(source).", ""] + note.split(separator: "\n").map(String.init)
        return lines.map { $0.isEmpty ? "#" : "# \($0)" }.joined(separator: "\n") + "\n"
    }

    /// Appends the resource's field unless it is absent or what a fresh object of its kind has.
    static func add(_ pairs: inout [(String, Node)], _ key: String, _ resource: Resource) {
        add(&pairs, key, resource.fields[key], unless: resource.address.kind.defaults[key])
    }

    /// Appends the field unless it is absent or equals the server's default.
    static func add(_ pairs: inout [(String, Node)], _ key: String, _ value: FieldValue?, unless fallback: FieldValue?) {
        guard let value, value != fallback else { return }
        pairs.append((key, node(value)))
    }

    static func node(_ value: FieldValue) -> Node {
        switch value {
        case .string(let text): return scalar(text)
        case .integer(let number): return .scalar(.init(String(number)))
        case .boolean(let flag): return .scalar(.init(flag ? "true" : "false"))
        case .seconds(let seconds): return scalar(TimeSpan.format(seconds))
        case .list(let items), .set(let items): return .sequence(.init(items.map(scalar)))
        case .map(let map): return self.map(map)
        case .policy(let document): return scalar(document.renderHCL())
        case .sensitive: return scalar("")
        }
    }

    static func map(_ map: [String: String]) -> Node {
        .mapping(.init(map.keys.sorted().map { (scalar($0), scalar(map[$0] ?? "")) }))
    }

    static func mapping(_ pairs: [(String, Node)]) -> Node {
        .mapping(.init(pairs.map { (scalar($0.0), $0.1) }))
    }

    /// A string scalar: plain where YAML reads it back as the same text, quoted where it
    /// would read as something else (a number, a boolean, null, empty) or needs escaping.
    static func scalar(_ text: String) -> Node {
        let ambiguous = text.isEmpty || Double(text) != nil
            || ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(text.lowercased())
        return .scalar(.init(text, .implicit, ambiguous ? .doubleQuoted : .any))
    }

    static func string(_ value: FieldValue?) -> Node { scalar(text(value)) }

    static func text(_ value: FieldValue?) -> String {
        if case .string(let text)? = value { return text }
        return ""
    }


    static func policyFile(_ name: String) -> String {
        name.replacingOccurrences(of: "/", with: "_") + ".hcl"
    }
}

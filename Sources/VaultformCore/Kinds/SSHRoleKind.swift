import VaultformManifest
import VaultPath
import VaultWire

/// A CA role of an SSH engine (`MOUNT/roles/NAME`, `key_type: ca`): which certificates
/// `MOUNT/sign/NAME` signs. Every write replaces the whole role, so an update sends every
/// field. Lists the server keeps as one comma-separated text are compared as it uses them:
/// as sets, users and domains with spaces trimmed and empty entries dropped.
enum SSHRoleKind {
    /// Fields whose fresh value is not the type's zero.
    static let freshOverrides: [String: FieldValue] = [
        "algorithm_signer": .string("default"), "issuer_ref": .string("default"), "not_before_duration": .seconds(30),
    ]

    /// Lists whose entries the server trims (`strutil.ParseStringSlice`); the others it splits as they are.
    static let trimmed: Set<String> = ["allowed_users", "allowed_domains"]

    static let definition = KindDefinition(
        kind: .sshRole, noun: "SSH role", section: "ssh_roles", ownership: .sshRole, endpoint: "MOUNT/roles/NAME",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "ssh") },
        fields: [
            FieldDefinition.fixed("key_type", .string("ca"), "the role's type: always `ca` (an OTP role in its place is replaced)",
                                  reason: "an SSH role's type decides what it is").stateOnly,
        ] + SSHRoleSettings.all.map { setting in
            .inPlace(setting.key, freshOverrides[setting.key] ?? PKISettingValues.zero(setting.type), PKISettingValues.summary(setting))
        } + [
            .inPlace("default_extensions", .map([:]), "extensions every certificate gets"),
            .inPlace("default_critical_options", .map([:]), "critical options every certificate gets"),
            .inPlace("allowed_user_key_lengths", .map([:]), "key sizes a public key to sign may have, by key type (sizes comma-separated); empty: any"),
        ],
        generated: [],
        destructionLosesData: false, writesWhole: true,
        reading: .listed(list: "MOUNTroles", item: "MOUNTroles/NAME"),
        stated: { manifest in manifest.sshRoles.map(stated) },
        live: live,
        create: { [.post(path($0.address), body($0.fields))] },
        // A write replaces the role: every field stated (defaults filled in) goes with it.
        update: { desired, _ in [.post(path(desired.address), body(desired.fields))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(
            file: "ssh_roles.yaml", note: "CA roles of SSH engines (OTP roles are not managed, and not written here).",
            entry: { role, _ in
                let (mount, name) = role.address.mountAndName
                return ManifestEntry.fields(role, identity: [.init("mount", .text(MountPath.withoutSlash(mount))), .init("name", .text(name))])
            },
            includes: { $0.fields["key_type"] == .string("ca") }))

    static func path(_ address: Address) -> String {
        let (mount, role) = address.mountAndName
        return "\(mount)roles/\(role)"
    }

    /// The role as the endpoint takes it: lists as comma-separated text, key lengths as lists
    /// of numbers.
    static func body(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        var body = WireFields.object(fields)
        body["key_type"] = .string("ca")
        for key in SSHRoleSettings.commaSeparated {
            if case .set(let items)? = fields[key] { body[key] = .string(items.joined(separator: ",")) }
        }
        if case .map(let lengths)? = fields["allowed_user_key_lengths"] {
            body["allowed_user_key_lengths"] = .object(lengths.mapValues { text in
                .array(text.split(separator: ",").compactMap { Int($0) }.map { .number(Double($0)) })
            })
        }
        return body
    }

    /// A comma-separated list as the server uses it.
    static func items(_ key: String, _ text: String) -> [String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard trimmed.contains(key) else { return text.isEmpty ? [] : parts }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Key sizes as one text: sorted, each once (`2048,4096`).
    static func lengthsText(_ sizes: [Int]) -> String {
        Set(sizes).sorted().map(String.init).joined(separator: ",")
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields = PKISettingValues.live(record, SSHRoleSettings.all.filter { !SSHRoleSettings.commaSeparated.contains($0.key) }, fresh: freshOverrides)
        for key in SSHRoleSettings.commaSeparated {
            fields[key] = .unorderedSet(items(key, record[key]?.stringValue ?? ""))
        }
        fields["key_type"] = .string(record["key_type"]?.stringValue ?? "")
        if fields["algorithm_signer"] == .string("") { fields["algorithm_signer"] = .string("default") }
        fields["default_extensions"] = .map(WireFields.stringMap(record["default_extensions"]))
        fields["default_critical_options"] = .map(WireFields.stringMap(record["default_critical_options"]))
        var lengths: [String: String] = [:]
        for (type, sizes) in record["allowed_user_key_lengths"]?.objectValue ?? [:] {
            lengths[type] = lengthsText((sizes.arrayValue ?? [sizes]).compactMap(\.intValue))
        }
        fields["allowed_user_key_lengths"] = .map(lengths)
        return Resource(record.address, fields: fields)
    }

    static func stated(_ role: SSHRole) -> StatedResource {
        var fields = PKISettingValues.stated(role.settings)
        for key in SSHRoleSettings.commaSeparated {
            if case .set(let list)? = fields[key] { fields[key] = .unorderedSet(items(key, list.joined(separator: ","))) }
        }
        if let map = role.defaultExtensions { fields["default_extensions"] = .map(map) }
        if let map = role.defaultCriticalOptions { fields["default_critical_options"] = .map(map) }
        if let lengths = role.allowedUserKeyLengths { fields["allowed_user_key_lengths"] = .map(lengths.mapValues(lengthsText)) }
        let resource = Resource(Address(.sshRole, MountPath.withSlash(role.mount.value) + role.name), fields: fields)
        return StatedResource(resource, role.location)
    }
}

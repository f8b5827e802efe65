import VaultformManifest
import VaultPath
import VaultWire

/// A role of a PKI engine (`MOUNT/roles/NAME`): which certificates it issues. Every write
/// replaces the whole role (a field it leaves out goes back to its default), so an update
/// sends every field the manifest states. Key usages are read case-insensitively by the
/// server and compared so; the lists are compared as sets.
enum PKIRoleKind {
    /// Fields whose fresh value is not the type's zero.
    static let freshOverrides: [String: FieldValue] = [
        "allow_ip_sans": .boolean(true), "allow_localhost": .boolean(true), "allow_wildcard_certificates": .boolean(true),
        "client_flag": .boolean(true), "server_flag": .boolean(true), "enforce_hostnames": .boolean(true),
        "require_cn": .boolean(true), "use_csr_common_name": .boolean(true), "use_csr_sans": .boolean(true),
        "key_usage": .set(["digitalsignature", "keyagreement", "keyencipherment"]), "cn_validations": .set(["email", "hostname"]),
        "issuer_ref": .string("default"), "key_type": .string("rsa"), "key_bits": .integer(2048),
        "not_after_bound": .string("permit"), "not_before_bound": .string("permit"), "not_before_duration": .seconds(30),
    ]

    /// Settings the server reads case-insensitively.
    static let caseInsensitive: Set<String> = ["key_usage", "ext_key_usage"]

    static let definition = KindDefinition(
        kind: .pkiRole, noun: "PKI role", section: "pki_roles", ownership: .pkiRole, endpoint: "MOUNT/roles/NAME",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "pki") },
        fields: PKIRoleSettings.all.map { setting in
            .inPlace(setting.key, freshOverrides[setting.key] ?? PKISettingValues.zero(setting.type), PKISettingValues.summary(setting))
        },
        // Read back, always false: OpenBao's write ignores it.
        generated: ["allow_token_displayname"],
        destructionLosesData: false, writesWhole: true,
        reading: .listed(list: "MOUNTroles", item: "MOUNTroles/NAME"),
        stated: { manifest in manifest.pkiRoles.map(stated) },
        live: { record in
            Resource(record.address, fields: PKISettingValues.live(record, PKIRoleSettings.all, fresh: freshOverrides, lowercased: caseInsensitive))
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        // A write replaces the role: every field stated (defaults filled in) goes with it.
        update: { desired, _ in [.post(path(desired.address), WireFields.object(desired.fields))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "pki_roles.yaml", note: "Roles of PKI engines.") { role, _ in
            let (mount, name) = role.address.mountAndName
            return ManifestEntry.fields(role, identity: [.init("mount", .text(MountPath.withoutSlash(mount))), .init("name", .text(name))])
        })

    static func path(_ address: Address) -> String {
        let (mount, role) = address.mountAndName
        return "\(mount)roles/\(role)"
    }

    static func stated(_ role: PKIRole) -> StatedResource {
        var fields = PKISettingValues.stated(role.settings, lowercased: caseInsensitive)
        // The key size a key type gets when none is given.
        if fields["key_bits"] == nil || fields["key_bits"] == .integer(0), case .string(let type)? = fields["key_type"] {
            fields["key_bits"] = .integer(PKISettingValues.defaultKeyBits(type))
        }
        let resource = Resource(Address(.pkiRole, MountPath.withSlash(role.mount.value) + role.name), fields: fields)
        return StatedResource(resource, role.location)
    }
}

/// PKI settings (`PKISetting`) as fields, and the server's answers as fields, by their table.
enum PKISettingValues {
    /// What a setting of `type` is when nothing sets it.
    static func zero(_ type: PKISettingType) -> FieldValue {
        switch type {
        case .text, .oneOf: .string("")
        case .flag: .boolean(false)
        case .number: .integer(0)
        case .duration: .seconds(0)
        case .texts: .set([])
        }
    }

    /// The documentation line of a setting: its summary without the closing full stop.
    static func summary(_ setting: PKISettingDefinition) -> String {
        setting.summary.hasSuffix(".") ? String(setting.summary.dropLast()) : setting.summary
    }

    /// The key size the server gives a key type when none (or 0) is asked for.
    static func defaultKeyBits(_ type: String) -> Int {
        switch type {
        case "rsa": 2048
        case "ec": 256
        default: 0
        }
    }

    /// The manifest's settings as fields; lists as sets, lower-cased where the server reads
    /// them so.
    static func stated(_ settings: [String: PKISetting], lowercased: Set<String> = []) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for (key, setting) in settings {
            switch setting {
            case .text(let text): fields[key] = .string(text)
            case .flag(let flag): fields[key] = .boolean(flag)
            case .number(let number): fields[key] = .integer(number)
            case .duration(let span): fields[key] = .seconds(span.seconds)
            case .texts(let items): fields[key] = .unorderedSet(lowercased.contains(key) ? items.map { $0.lowercased() } : items)
            }
        }
        return fields
    }

    /// The server's answer as fields, each read by its type in `table`; keys it leaves out
    /// take their `fresh` value, or the type's zero.
    static func live(
        _ record: LiveRecord, _ table: [PKISettingDefinition], fresh: [String: FieldValue] = [:], lowercased: Set<String> = []
    ) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for setting in table {
            let value = record[setting.key]
            guard let value, value != .null else { continue }
            switch setting.type {
            case .text, .oneOf: fields[setting.key] = .string(value.stringValue ?? "")
            case .flag: fields[setting.key] = .boolean(value.boolValue ?? false)
            case .number: fields[setting.key] = .integer(value.intValue ?? 0)
            case .duration: fields[setting.key] = .seconds(value.intValue ?? 0)
            case .texts:
                let items = WireFields.strings(value)
                fields[setting.key] = .unorderedSet(lowercased.contains(setting.key) ? items.map { $0.lowercased() } : items)
            }
        }
        for setting in table where fields[setting.key] == nil { fields[setting.key] = fresh[setting.key] ?? zero(setting.type) }
        return fields
    }
}

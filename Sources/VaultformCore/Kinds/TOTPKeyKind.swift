import VaultformManifest
import VaultPath
import VaultWire

/// A key of a TOTP engine (`MOUNT/keys/NAME`). The engine reads back its issuer, account,
/// algorithm, digits and period, never its secret; a write to an existing key replaces it
/// whole, secret included. A generated key is created with `exported: false`, so the
/// engine's answer carries no URL or QR code (nothing secret ever reaches vaultform), and any
/// change of a read-back field is a destructive replace: codes from the old secret stop
/// working. A secret given from a source (`key`, write-only) is written on create and again,
/// with every field, when its source's value changes.
enum TOTPKeyKind {
    static func fixedReason(_ field: String) -> String {
        "`\(field)` is written with the key's secret: the engine rewrites the whole key, so a change makes a new key (a generated one gets a new secret)"
    }

    static let definition = KindDefinition(
        kind: .totpKey, noun: "TOTP key", section: "totp_keys", ownership: .totpKey, endpoint: "MOUNT/keys/NAME",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "totp") },
        fields: [
            .writeOnly("key", "the base32 shared secret, from its source; left out, the engine generated it (`generate: true`)"),
            .fixed("issuer", .string(""), "the issuer an authenticator shows", reason: fixedReason("issuer")),
            .fixed("account_name", .string(""), "the account an authenticator shows", reason: fixedReason("account_name")),
            .fixed("algorithm", .string("SHA1"), "`SHA1`, `SHA256` or `SHA512`", reason: fixedReason("algorithm")),
            .fixed("digits", .integer(6), "digits in a code: 6 or 8", reason: fixedReason("digits")),
            .fixed("period", .seconds(30), "how long a code is valid", reason: fixedReason("period")),
        ],
        generated: [],
        destructionLosesData: true, writesWhole: true,
        reading: .listed(list: "MOUNTkeys", item: "MOUNTkeys/NAME"),
        stated: { manifest in manifest.totpKeys.map(stated) },
        live: { record in
            Resource(record.address, fields: [
                "issuer": .string(record["issuer"]?.stringValue ?? ""),
                "account_name": .string(record["account_name"]?.stringValue ?? ""),
                "algorithm": .string(record["algorithm"]?.stringValue ?? "SHA1"),
                "digits": .integer(record["digits"]?.intValue ?? 6),
                "period": .seconds(record["period"]?.intValue ?? 30),
            ])
        },
        // Generating twice makes two secrets: never repeated after a timeout.
        create: { key in [.post(path(key.address), body(key.fields), idempotent: key.fields["key"] != nil)] },
        // Only the secret's source changes in place: the whole key is written with it.
        update: { desired, _ in [.post(path(desired.address), body(desired.fields))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(
            file: "totp_keys.yaml",
            note: "Keys of TOTP engines. Secrets are never read back: each is written as `generate: true`, which keeps the key there; give `key: {from_env: …}` instead to manage a secret you hold."
        ) { key, _ in
            let (mount, name) = key.address.mountAndName
            let entry = ManifestEntry.fields(key, identity: [.init("mount", .text(MountPath.withoutSlash(mount))), .init("name", .text(name))])
            guard case .mapping(var pairs) = entry else { return entry }
            pairs.insert(.init("generate", .value(.boolean(true))), at: 2)
            return .mapping(pairs)
        })

    static func path(_ address: Address) -> String {
        let (mount, name) = address.mountAndName
        return "\(mount)keys/\(name)"
    }

    /// The key as the endpoint takes it: with its secret (put in by the applier), or asking
    /// the engine to generate one and to answer neither its URL nor its QR code.
    static func body(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        var body = WireFields.object(fields)
        if fields["key"] == nil {
            body["generate"] = .bool(true)
            body["exported"] = .bool(false)
        }
        return body
    }

    static func stated(_ key: TOTPKey) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let source = key.key { fields["key"] = .writeOnly(WriteOnlyValue(source: source)) }
        if let issuer = key.issuer { fields["issuer"] = .string(issuer) }
        if let account = key.accountName { fields["account_name"] = .string(account) }
        if let algorithm = key.algorithm { fields["algorithm"] = .string(algorithm) }
        if let digits = key.digits { fields["digits"] = .integer(digits) }
        if let period = key.period { fields["period"] = .seconds(period.seconds) }
        let resource = Resource(Address(.totpKey, MountPath.withSlash(key.mount.value) + key.name), fields: fields)
        return StatedResource(resource, key.location)
    }
}

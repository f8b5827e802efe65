import VaultformManifest
import VaultPath
import VaultWire

/// The CA signing key of an SSH engine (`MOUNT/config/ca`), generated inside the engine, one
/// per engine, addressed by the engine's path. It is generated once: reading it back lists
/// the engine's issuers (`LIST MOUNT/issuers`: the CA is the issuer the manifest names, else
/// the default; a GET of `MOUNT/config/ca` answers 400 when there is none) and reads the key type and size from
/// the public key. A changed type or size is a destructive replace (`DELETE
/// MOUNT/config/ca`, which removes every issuer, then generate): certificates the old key
/// signed stop being trusted. The private key never leaves the server.
enum SSHCAKind {
    static func fixedReason(_ field: String) -> String {
        "`\(field)` is fixed when the SSH CA key is generated; generating it again makes every certificate it signed untrusted"
    }

    static let definition = KindDefinition(
        kind: .sshCA, noun: "SSH CA", section: "ssh_cas", endpoint: "MOUNT/config/ca",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "ssh") },
        fields: [
            .fixed("key_type", .string("rsa"), "`rsa`, `ec` or `ed25519`", reason: fixedReason("key_type")),
            .fixed("key_bits", .integer(4096), "RSA: the key size; EC: the curve (256, 384, 521); ed25519: 0", reason: fixedReason("key_bits")),
            // The server refuses to clear a name: an omitted one is left as it is.
            .inPlace("issuer_name", nil, "the issuer's name in the engine"),
        ],
        generated: ["public_key", "issuer_id", "is_default"],
        destructionLosesData: true,
        reading: .perMountAssembled(
            paths: "`LIST MOUNTissuers` for the issuer the manifest names, else the default, its public key read for the key type and size",
            read: { reads in
                guard let issuers = try await reads.list("\(reads.mount)issuers")?["key_info"]?.objectValue else { return nil }
                // The issuer the manifest names, so another made the default out of band is
                // not taken for a changed key; else (none named, or a rename) the default.
                var named: String?
                if case .string(let name)? = reads.desired?.fields["issuer_name"], !name.isEmpty { named = name }
                let sorted = issuers.sorted { $0.key < $1.key }
                let found = sorted.first { entry in named.map { entry.value["issuer_name"]?.stringValue?.hasSameBytes(as: $0) == true } ?? false }
                    ?? sorted.first { $0.value["is_default"]?.boolValue == true }
                return found.map { id, entry in
                    var record = entry.objectValue ?? [:]
                    record["issuer_id"] = .string(id)
                    return .object(record)
                }
            }),
        stated: { manifest in manifest.sshCAs.map(stated) },
        live: { record in
            var fields: [String: FieldValue] = ["issuer_name": .string(record["issuer_name"]?.stringValue ?? "")]
            let key = SSHPublicKey(authorizedKey: record["public_key"]?.stringValue ?? "")
            fields["key_type"] = .string(key?.keyType ?? "unknown")
            fields["key_bits"] = .integer(key?.keyBits ?? 0)
            return Resource(record.address, fields: fields)
        },
        // Generating twice makes a second key: never repeated after a timeout.
        create: { ca in
            var body: [String: JSONValue] = ["generate_signing_key": .bool(true)]
            if case .string(let type)? = ca.fields["key_type"] { body["key_type"] = .string(type) }
            if case .integer(let bits)? = ca.fields["key_bits"] { body["key_bits"] = .number(Double(bits)) }
            return [.post("\(ca.address.name)config/ca", body, idempotent: false)] + rename(ca.address.name, ca.fields)
        },
        update: { desired, changed in rename(desired.address.name, changed) },
        delete: { [.delete("\($0.name)config/ca")] },
        export: ExportForm(file: "ssh_cas.yaml", note: "CA signing keys of SSH engines, as their generate parameters (the private key stays in the server).") { ca, _ in
            // An unnamed issuer's name is empty, which the manifest leaves out.
            ManifestEntry.fields(
                ca, identity: [.init("mount", .text(MountPath.withoutSlash(ca.address.name)))],
                skipping: ca.fields["issuer_name"] == .string("") ? ["issuer_name"] : [])
        })

    /// The write that names the default issuer, when the name is set.
    static func rename(_ mount: String, _ fields: [String: FieldValue]) -> [WriteRequest] {
        guard case .string(let name)? = fields["issuer_name"], !name.isEmpty else { return [] }
        return [.post("\(mount)issuer/default", ["issuer_name": .string(name)])]
    }

    static func stated(_ ca: SSHCA) -> StatedResource {
        let key = SSHKeyTypes.normalised(ca.keyType, bits: ca.keyBits)
        var fields: [String: FieldValue] = ["key_type": .string(key.type), "key_bits": .integer(key.bits)]
        if let name = ca.issuerName { fields["issuer_name"] = .string(name) }
        let resource = Resource(Address(.sshCA, MountPath.withSlash(ca.mount.value)), fields: fields)
        return StatedResource(resource, ca.location, ignored: ca.ignoreFields)
    }
}

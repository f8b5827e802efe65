import VaultformManifest
import VaultPath
import VaultWire

/// A PKI engine's configuration, addressed by the engine's path: `config/urls`,
/// `config/crl` and `config/cluster`, each a block in the manifest, and `config/issuers` (the
/// default issuer) at its own level. It exists with the engine at its fresh values; each
/// write updates only the fields it names. The default issuer is read back by ID and shown by
/// name; either names it.
enum PKIConfigKind {
    /// Where each block is read and written.
    static let endpoints: [(path: String, settings: [PKISettingDefinition])] = [
        ("config/urls", PKIConfigSettings.urls),
        ("config/crl", PKIConfigSettings.crl), ("config/cluster", PKIConfigSettings.cluster),
    ]

    /// Fields whose fresh value is not the type's zero.
    static let fresh: [String: FieldValue] = [
        "expiry": .seconds(72 * 3600), "ocsp_expiry": .seconds(12 * 3600), "auto_rebuild_grace_period": .seconds(12 * 3600),
        "delta_rebuild_interval": .seconds(15 * 60),
    ]

    static let definition = KindDefinition(
        kind: .pkiConfig, noun: "PKI config", section: "pki_configs", endpoint: "MOUNT/config/{urls,crl,cluster}",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "pki") },
        fields: PKIConfigSettings.issuers.map(field) + PKIConfigSettings.blocks.flatMap { block in
            block.settings.map { field($0).grouped(block.name) }
        },
        generated: [],
        destructionLosesData: false,
        existsWithMount: true,
        // The default issuer named by its ID is the same issuer as by its name.
        sameValue: { field, desired, _, live in
            guard field == "default_issuer", case .string(let want) = desired, case .string(let id)? = live[defaultID] else { return nil }
            return want.hasSameBytes(as: id) ? true : nil
        },
        reading: .perMountAssembled(
            paths: "`GET MOUNTconfig/urls`, `MOUNTconfig/crl`, `MOUNTconfig/cluster` and `MOUNTconfig/issuers`, and `LIST MOUNTissuers` for the default issuer's name",
            read: { reads in
                var record: [String: JSONValue] = [:]
                for endpoint in endpoints {
                    guard let data = try await reads.get(reads.mount + endpoint.path)?.objectValue else { return nil }
                    for setting in endpoint.settings { record[setting.key] = data[setting.key] }
                }
                guard let issuers = try await reads.get(reads.mount + "config/issuers") else { return nil }
                let id = issuers["default"]?.stringValue ?? ""
                record[defaultID] = .string(id)
                record["default_follows_latest_issuer"] = issuers["default_follows_latest_issuer"]
                if !id.isEmpty, let info = try await reads.list(reads.mount + "issuers")?["key_info"]?.objectValue,
                   let name = info[id]?["issuer_name"]?.stringValue, !name.isEmpty {
                    record["default_issuer"] = .string(name)
                } else {
                    record["default_issuer"] = .string(id)
                }
                return .object(record)
            }),
        stated: { manifest in manifest.pkiConfigs.map(stated) },
        live: { record in
            var fields = PKISettingValues.live(record, PKIConfigSettings.all, fresh: fresh)
            // The server answers Go duration text (`72h`, `15m0s`).
            for setting in PKIConfigSettings.all where setting.type == .duration {
                if let text = record[setting.key]?.stringValue {
                    fields[setting.key] = Canonical.goDurationSeconds(text).map(FieldValue.seconds) ?? .string(text)
                }
            }
            // State, never compared (no definition names it): the default issuer's ID.
            if let id = record[defaultID]?.stringValue { fields[defaultID] = .string(id) }
            return Resource(record.address, fields: fields)
        },
        create: { write($0.address, $0.fields, desired: $0.fields) },
        update: { write($0.address, $1, desired: $0.fields) },
        // Goes with its engine.
        delete: { _ in [] },
        export: ExportForm(file: "pki_configs.yaml", note: "Configurations of PKI engines (URLs, CRL, cluster).") { config, _ in
            ManifestEntry.fields(config, identity: [.init("mount", .text(MountPath.withoutSlash(config.address.name)))])
        })

    static func field(_ setting: PKISettingDefinition) -> FieldDefinition {
        // The server refuses an empty cluster URL, so one cannot be cleared: left out, it is
        // left as it is; so is the default issuer, which generating the first CA sets.
        if setting.key == "default_issuer" || PKIConfigSettings.cluster.contains(where: { $0.key == setting.key }) {
            return .inPlace(setting.key, nil, PKISettingValues.summary(setting))
        }
        return .inPlace(setting.key, fresh[setting.key] ?? PKISettingValues.zero(setting.type), PKISettingValues.summary(setting))
    }

    /// The live field holding the default issuer's ID.
    static let defaultID = "default_issuer_id"

    /// One POST per endpoint with a field to write, durations as Go duration text.
    /// `config/issuers` takes `default_follows_latest_issuer` only beside the default issuer:
    /// the one the manifest names, else the current one, read just before.
    static func write(_ address: Address, _ fields: [String: FieldValue], desired: [String: FieldValue]) -> [WriteRequest] {
        var requests = endpoints.compactMap { endpoint -> WriteRequest? in
            var body = WireFields.object(fields, endpoint.settings.map(\.key))
            guard !body.isEmpty else { return nil }
            for setting in endpoint.settings where setting.type == .duration {
                if let value = body[setting.key] { body[setting.key] = WireFields.goDuration(value) }
            }
            return .post(address.name + endpoint.path, body)
        }
        guard fields["default_issuer"] != nil || fields["default_follows_latest_issuer"] != nil else { return requests }
        let path = address.name + "config/issuers"
        var body = WireFields.object(desired, ["default_follows_latest_issuer"])
        if case .string(let issuer)? = desired["default_issuer"] {
            body["default"] = .string(issuer)
            requests.append(.post(path, body))
        } else {
            requests += [
                WriteRequest(method: .get, path: path),
                WriteRequest(method: .post, path: path, body: .object(body), fromPreviousAnswer: ["default": ["default"]]),
            ]
        }
        return requests
    }

    static func stated(_ config: PKIConfig) -> StatedResource {
        let resource = Resource(Address(.pkiConfig, MountPath.withSlash(config.mount.value)), fields: PKISettingValues.stated(config.settings))
        return StatedResource(resource, config.location, ignored: config.ignoreFields)
    }
}

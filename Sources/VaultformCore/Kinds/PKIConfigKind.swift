import VaultformManifest
import VaultPath
import VaultWire

/// A PKI engine's configuration, addressed by the engine's path: `config/urls`,
/// `config/crl` and `config/cluster`, each a block in the manifest. It exists with the engine
/// at its fresh values; each write updates only the fields it names.
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
        reading: .perMountAssembled(
            paths: "`GET MOUNTconfig/urls`, `MOUNTconfig/crl` and `MOUNTconfig/cluster`",
            read: { mount, get in
                var record: [String: JSONValue] = [:]
                for endpoint in endpoints {
                    guard let data = try await get(mount + endpoint.path)?.objectValue else { return nil }
                    for setting in endpoint.settings { record[setting.key] = data[setting.key] }
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
            return Resource(record.address, fields: fields)
        },
        create: { write($0.address, $0.fields) },
        update: { write($0.address, $1) },
        // Goes with its engine.
        delete: { _ in [] },
        export: ExportForm(file: "pki_configs.yaml", note: "Configurations of PKI engines (URLs, CRL, cluster).") { config, _ in
            ManifestEntry.fields(config, identity: [.init("mount", .text(MountPath.withoutSlash(config.address.name)))])
        })

    static func field(_ setting: PKISettingDefinition) -> FieldDefinition {
        // The server refuses an empty cluster URL, so one cannot be cleared: left out, it is left as it is.
        if PKIConfigSettings.cluster.contains(where: { $0.key == setting.key }) {
            return .inPlace(setting.key, nil, PKISettingValues.summary(setting))
        }
        return .inPlace(setting.key, fresh[setting.key] ?? PKISettingValues.zero(setting.type), PKISettingValues.summary(setting))
    }

    /// One POST per endpoint with a field to write, durations as Go duration text.
    static func write(_ address: Address, _ fields: [String: FieldValue]) -> [WriteRequest] {
        endpoints.compactMap { endpoint in
            var body = WireFields.object(fields, endpoint.settings.map(\.key))
            guard !body.isEmpty else { return nil }
            for setting in endpoint.settings where setting.type == .duration {
                if let value = body[setting.key] { body[setting.key] = WireFields.goDuration(value) }
            }
            return .post(address.name + endpoint.path, body)
        }
    }

    static func stated(_ config: PKIConfig) -> StatedResource {
        let resource = Resource(Address(.pkiConfig, MountPath.withSlash(config.mount.value)), fields: PKISettingValues.stated(config.settings))
        return StatedResource(resource, config.location, ignored: config.ignoreFields)
    }
}

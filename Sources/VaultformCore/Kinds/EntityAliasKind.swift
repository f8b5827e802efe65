import VaultformManifest
import VaultPath
import VaultWire

/// An entity alias (`identity/entity-alias`): the login name on one auth method that maps to
/// an entity. Addressed `entity-alias:MOUNT/NAME` (see `IdentityAliases`); its entity is
/// named by name and its auth method by mount path, both looked up at apply time.
enum EntityAliasKind {
    static let definition = KindDefinition(
        kind: .entityAlias, noun: "entity alias", section: "entity_aliases", ownership: .entityAlias,
        endpoint: "identity/entity-alias/id/ID",
        fields: [
            IdentityAliases.mountField,
            .inPlace("entity", nil, "the entity it belongs to, by name (`canonical_id` on the wire)"),
            .inPlace("custom_metadata", .map([:]), "custom metadata, replaced as a whole"),
        ],
        generated: ["id", "name (its case as first written)", "canonical_id (read as entity)", "mount_accessor (read as mount)",
                    "mount_path", "mount_type", "metadata (set by logins)", "local", "creation_time", "last_update_time",
                    "merged_from_canonical_ids", "namespace_id"],
        destructionLosesData: false, lowercasesNames: true,
        references: references,
        identifier: { address, server in
            guard let (accessor, name) = try await IdentityAliases.accessorAndName(address, server) else { return nil }
            let entity = try await server.data(.post, "identity/lookup/entity", body: .object([
                "alias_name": .string(name), "alias_mount_accessor": .string(accessor),
            ]))
            let alias = entity?["aliases"]?.arrayValue?.first {
                $0["mount_accessor"]?.stringValue == accessor && $0["name"]?.stringValue?.lowercased() == name
            }
            return alias?["id"]?.stringValue
        },
        readsServerNames: true,
        reading: .keyInfo(list: "identity/entity-alias/id", item: "identity/entity-alias/id/NAME", address: IdentityAliases.address),
        stated: { manifest in manifest.entityAliases.map(stated) },
        live: { record in
            Resource(record.address, fields: [
                "mount": .string(record["mount_accessor"]?.stringValue.flatMap { record.names.accessors[$0] } ?? ""),
                "entity": .string(record.names.entity(record["canonical_id"]?.stringValue ?? "")),
                "custom_metadata": .map(WireFields.stringMap(record["custom_metadata"])),
            ])
        },
        create: { write("identity/entity-alias", $0, pathIdentifier: nil) },
        // An alias is written whole: its name, accessor and entity always go together.
        update: { desired, _ in write("identity/entity-alias/id/", desired, pathIdentifier: desired.address) },
        delete: { [.delete("identity/entity-alias/id/", pathIdentifier: $0)] },
        export: IdentityAliases.exportForm(file: "entity-aliases.yaml", note: "Entity aliases: auth methods by mount path, entities by name."))

    /// The objects an alias names: its auth method and its entity.
    static func references(_ alias: Resource) -> [String: [Address]] {
        IdentityAliases.references(alias, owner: "entity", of: .identityEntity)
    }

    static func write(_ path: String, _ alias: Resource, pathIdentifier: Address?) -> [WriteRequest] {
        var extra: [String: JSONValue] = [:]
        if let metadata = alias.fields["custom_metadata"] { extra["custom_metadata"] = WireFields.json(metadata) }
        let owner = Address(.identityEntity, alias.fields["entity"].flatMap { if case .string(let name) = $0 { name } else { nil } } ?? "")
        return [IdentityAliases.write(path, alias, owner: owner, extra: extra, pathIdentifier: pathIdentifier)]
    }

    static func stated(_ alias: EntityAlias) -> StatedResource {
        var fields: [String: FieldValue] = ["mount": .string(MountPath.withSlash(alias.mount.value)), "entity": .string(alias.entity.value.lowercased())]
        if let metadata = alias.customMetadata { fields["custom_metadata"] = .map(metadata) }
        let resource = Resource(Address(.entityAlias, IdentityAliases.name(mount: alias.mount.value, alias: alias.name)), fields: fields)
        return StatedResource(resource, alias.location, ignored: alias.ignoreFields)
    }
}

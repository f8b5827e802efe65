import VaultformManifest
import VaultPath
import VaultWire

/// A group alias (`identity/group-alias`): the name of a group on one auth method (an OIDC
/// claim's group, say) that makes its members' logins members of an external group.
/// Addressed `group-alias:MOUNT/NAME` (see `IdentityAliases`); its group is named by name
/// and its auth method by mount path, both looked up at apply time.
enum GroupAliasKind {
    static let definition = KindDefinition(
        kind: .groupAlias, noun: "group alias", section: "group_aliases", ownership: .groupAlias,
        endpoint: "identity/group-alias/id/ID",
        fields: [
            IdentityAliases.mountField,
            .inPlace("group", nil, "the external group it belongs to, by name (`canonical_id` on the wire)"),
        ],
        generated: ["id", "name (its case as first written)", "canonical_id (read as group)", "mount_accessor (read as mount)",
                    "mount_path", "mount_type", "metadata", "custom_metadata", "local", "creation_time", "last_update_time",
                    "merged_from_canonical_ids", "namespace_id"],
        destructionLosesData: false, lowercasesNames: true,
        references: references,
        identifier: { address, server in
            guard let (accessor, name) = try await IdentityAliases.accessorAndName(address, server) else { return nil }
            let group = try await server.data(.post, "identity/lookup/group", body: .object([
                "alias_name": .string(name), "alias_mount_accessor": .string(accessor),
            ]))
            guard let alias = group?["alias"], alias["mount_accessor"]?.stringValue == accessor else { return nil }
            return alias["id"]?.stringValue
        },
        readsServerNames: true,
        reading: .keyInfo(list: "identity/group-alias/id", item: "identity/group-alias/id/NAME", address: IdentityAliases.address),
        stated: { manifest in manifest.groupAliases.map(stated) },
        live: { record in
            Resource(record.address, fields: [
                "mount": .string(record["mount_accessor"]?.stringValue.flatMap { record.names.accessors[$0] } ?? ""),
                "group": .string(record.names.group(record["canonical_id"]?.stringValue ?? "")),
            ])
        },
        create: { [write("identity/group-alias", $0, pathIdentifier: nil)] },
        update: { desired, _ in [write("identity/group-alias/id/", desired, pathIdentifier: desired.address)] },
        delete: { [.delete("identity/group-alias/id/", pathIdentifier: $0)] },
        export: IdentityAliases.exportForm(file: "group-aliases.yaml", note: "Group aliases: auth methods by mount path, groups by name."))

    /// The objects an alias names: its auth method and its group.
    static func references(_ alias: Resource) -> [String: [Address]] {
        IdentityAliases.references(alias, owner: "group", of: .identityGroup)
    }

    static func write(_ path: String, _ alias: Resource, pathIdentifier: Address?) -> WriteRequest {
        let group: String
        if case .string(let name)? = alias.fields["group"] { group = name } else { group = "" }
        return IdentityAliases.write(path, alias, owner: Address(.identityGroup, group), pathIdentifier: pathIdentifier)
    }

    static func stated(_ alias: GroupAlias) -> StatedResource {
        let fields: [String: FieldValue] = ["mount": .string(MountPath.withSlash(alias.mount.value)), "group": .string(alias.group.value.lowercased())]
        let resource = Resource(Address(.groupAlias, IdentityAliases.name(mount: alias.mount.value, alias: alias.name)), fields: fields)
        return StatedResource(resource, alias.location, ignored: alias.ignoreFields)
    }
}

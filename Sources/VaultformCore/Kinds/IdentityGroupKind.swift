import VaultformManifest
import VaultWire

/// An identity group (`identity/group/name/NAME`). The server finds a group by its name in
/// any case, so addresses hold it lower-cased, like entities'. Members are named by entity
/// and group name; the server holds their IDs (`member_entity_ids`, `member_group_ids`),
/// which are read back as names (`ServerNames`) and written from names looked up at apply
/// time (`ServerReference`). An external group's member entities are set by logins through
/// its group alias, never by the API, so they are not compared. The type cannot change:
/// a different type re-creates the group, losing its members and alias (destructive).
enum IdentityGroupKind {
    static let definition = KindDefinition(
        kind: .identityGroup, noun: "identity group", section: "identity_groups", ownership: .identityGroup,
        endpoint: "identity/group/name/NAME",
        fields: [
            .fixed("type", .string("internal"), "`internal` (members set here) or `external` (members from an auth method's groups, through a group alias)",
                   reason: "the server cannot change a group's type; re-creating it loses its members and alias"),
            .inPlace("policies", .set([]), "policies every token of a member gets"),
            .inPlace("metadata", .map([:]), "metadata, replaced as a whole"),
            .inPlace("member_entities", .set([]), "member entities by name (`member_entity_ids` on the wire); internal groups only"),
            .inPlace("member_groups", .set([]), "member groups by name (`member_group_ids` on the wire)"),
        ],
        generated: ["id", "name (its case as first written)", "member_entity_ids (read as member_entities)", "member_group_ids (read as member_groups)",
                    "alias", "parent_group_ids", "namespace_id", "creation_time", "last_update_time", "modify_index"],
        destructionLosesData: true, lowercasesNames: true,
        comparable: { desired, live in
            // Logins set an external group's member entities: not the manifest's to compare.
            guard desired["type"] == .string("external") else { return (desired, live) }
            var (wanted, have) = (desired, live)
            wanted["member_entities"] = nil
            have["member_entities"] = nil
            return (wanted, have)
        },
        policyReferences: ["policies"], references: references,
        identifier: { address, server in
            try await server.data(.get, path(address), body: nil)?["id"]?.stringValue
        },
        readsServerNames: true,
        reading: .listed(list: "identity/group/name", item: "identity/group/name/NAME"),
        stated: { manifest in manifest.identityGroups.map(stated) },
        live: { record in
            Resource(record.address, fields: [
                "type": .string(record["type"]?.stringValue ?? "internal"),
                "policies": .set(Canonical.tokenPolicyNames(WireFields.strings(record["policies"]))),
                "metadata": .map(WireFields.stringMap(record["metadata"])),
                "member_entities": .unorderedSet(WireFields.strings(record["member_entity_ids"]).map(record.names.entity)),
                "member_groups": .unorderedSet(WireFields.strings(record["member_group_ids"]).map(record.names.group)),
            ])
        },
        // The endpoint updates only the fields a write names; lists and metadata are replaced whole.
        create: { [write($0.address, $0.fields)] },
        update: { [write($0.address, $1)] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "identity-groups.yaml", note: "Identity groups; members by entity and group name.") { group, _ in
            let external = group.fields["type"] == .string("external")
            return ManifestEntry.fields(group, identity: [.init("name", .text(group.address.name))],
                                        skipping: external ? ["member_entities"] : [])
        })

    static func path(_ address: Address) -> String { "identity/group/name/\(address.name)" }

    /// The objects a group names: its member entities and groups.
    static func references(_ group: Resource) -> [String: [Address]] {
        var named: [String: [Address]] = [:]
        if case .set(let names)? = group.fields["member_entities"] { named["member_entities"] = names.map { Address(.identityEntity, $0) } }
        if case .set(let names)? = group.fields["member_groups"] { named["member_groups"] = names.map { Address(.identityGroup, $0) } }
        return named
    }

    /// A write of `fields`, members as references the applier turns into IDs.
    static func write(_ address: Address, _ fields: [String: FieldValue]) -> WriteRequest {
        var plain = fields
        var ids: [String: ServerReference] = [:]
        let named = references(Resource(address, fields: fields))
        if let members = named["member_entities"], fields["type"] != .string("external") {
            ids["member_entity_ids"] = .many(members)
        }
        if let members = named["member_groups"] { ids["member_group_ids"] = .many(members) }
        plain["member_entities"] = nil
        plain["member_groups"] = nil
        return .post(path(address), WireFields.object(plain), references: ids)
    }

    static func stated(_ group: IdentityGroup) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let type = group.type { fields["type"] = .string(type.value) }
        if let policies = group.policies { fields["policies"] = .set(Canonical.tokenPolicyNames(policies.map(\.value))) }
        if let metadata = group.metadata { fields["metadata"] = .map(metadata) }
        if let members = group.memberEntities { fields["member_entities"] = .unorderedSet(members.map { $0.value.lowercased() }) }
        if let members = group.memberGroups { fields["member_groups"] = .unorderedSet(members.map { $0.value.lowercased() }) }
        let resource = Resource(Address(.identityGroup, group.name.lowercased()), fields: fields)
        return StatedResource(resource, group.location, ignored: group.ignoreFields)
    }
}

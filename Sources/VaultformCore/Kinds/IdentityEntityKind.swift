import VaultformManifest

/// An identity entity (`identity/entity/name/NAME`). The server finds an entity by its name
/// in any case, so addresses hold the name lower-cased; it trims and lower-cases policy
/// names, and replaces metadata as a whole. Deleting one drops its aliases and group
/// memberships, and a new one gets a new ID: destructive.
enum IdentityEntityKind {
    static let definition = KindDefinition(
        kind: .identityEntity, noun: "identity entity", section: "identity_entities", ownership: .identityEntity,
        endpoint: "identity/entity/name/NAME",
        fields: [
            .inPlace("policies", .set([]), "policies every token of the entity gets"),
            .inPlace("metadata", .map([:]), "metadata, replaced as a whole"),
            .inPlace("disabled", .boolean(false), "tokens of the entity are refused"),
        ],
        generated: ["id", "name (its case as first written)", "aliases", "group_ids", "direct_group_ids", "inherited_group_ids", "merged_entity_ids",
                    "namespace_id", "creation_time", "last_update_time"],
        destructionLosesData: true, lowercasesNames: true, policyReferences: ["policies"],
        // Groups and aliases name an entity by its ID.
        identifier: { address, server in
            try await server.data(.get, path(address), body: nil)?["id"]?.stringValue
        },
        reading: .listed(list: "identity/entity/name", item: "identity/entity/name/NAME"),
        stated: { manifest in manifest.identityEntities.map(stated) },
        live: { record in
            Resource(record.address, fields: [
                "policies": .set(Canonical.tokenPolicyNames(WireFields.strings(record["policies"]))),
                "metadata": .map(WireFields.stringMap(record["metadata"])),
                "disabled": .boolean(record["disabled"]?.boolValue ?? false),
            ])
        },
        // The endpoint updates only the fields a write names; metadata is replaced whole.
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "identity.yaml", note: "Identity entities.") { entity, _ in
            ManifestEntry.fields(entity, identity: [.init("name", .text(entity.address.name))])
        })

    static func path(_ address: Address) -> String { "identity/entity/name/\(address.name)" }

    static func stated(_ entity: IdentityEntity) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let policies = entity.policies { fields["policies"] = .set(Canonical.tokenPolicyNames(policies.map(\.value))) }
        if let metadata = entity.metadata { fields["metadata"] = .map(metadata) }
        if let flag = entity.disabled { fields["disabled"] = .boolean(flag) }
        let resource = Resource(Address(.identityEntity, entity.name.lowercased()), fields: fields)
        return StatedResource(resource, entity.location, ignored: entity.ignoreFields)
    }
}

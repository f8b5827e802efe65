import VaultformManifest
import VaultPath

/// A namespace (`sys/namespaces/NAME`, sent from its parent namespace), addressed by its path
/// from the connection's namespace with a trailing slash (`namespace:tenants/acme/`). It
/// holds its own mounts, auth methods, policies and identity: deleting one destroys all of
/// it, so the deletion is destructive. A POST to an existing namespace replaces its
/// `custom_metadata`, so create and update are the same write.
enum NamespaceKind {
    static let definition = KindDefinition(
        kind: .namespace, noun: "namespace", section: "namespaces", ownership: .namespace, endpoint: "sys/namespaces/NAME",
        fields: [
            .inPlace("custom_metadata", .map([:]), "free key-value metadata the server keeps with the namespace"),
        ],
        generated: ["id", "uuid", "path", "locked", "tainted"],
        destructionLosesData: true, writesWhole: true,
        // Read by the reader's walk of the namespace tree (`LiveReader.readNamespaces`); one
        // namespace alone is read from its parent at `sys/namespaces/NAME`.
        reading: .listed(list: "sys/namespaces", item: "sys/namespaces/NAME"),
        stated: { manifest in manifest.namespaces.map(stated) },
        live: live,
        create: { [write($0.address, $0.fields)] },
        update: { desired, _ in [write(desired.address, desired.fields)] },
        delete: { [.delete(path($0))] })

    /// The write path, from the parent namespace: the namespace's last segment.
    static func path(_ address: Address) -> String { "sys/namespaces/\(MountPath.withoutSlash(address.name))" }

    static func write(_ address: Address, _ fields: [String: FieldValue]) -> WriteRequest {
        .post(path(address), ["custom_metadata": WireFields.json(fields["custom_metadata"] ?? .map([:]))])
    }

    static func live(_ record: LiveRecord) -> Resource {
        Resource(record.address, fields: ["custom_metadata": .map(WireFields.stringMap(record["custom_metadata"]))])
    }

    static func stated(_ namespace: NamespaceDeclaration) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let metadata = namespace.customMetadata { fields["custom_metadata"] = .map(metadata) }
        return StatedResource(Resource(Address(.namespace, MountPath.withSlash(namespace.path)), fields: fields), namespace.location)
    }
}

import VaultformManifest

/// The resolve stage: manifest objects → normalised resources, kind by kind from the
/// registry (`KindDefinition.stated`). A field the manifest leaves out is managed at the
/// value a fresh object has (`ResourceKind.defaults`).
enum DesiredResources {
    /// The desired entries: each kind's defaults under what the manifest states, less the
    /// fields the manifest leaves to someone else (`ignore_fields`).
    static func entries(_ manifest: Manifest) -> [DesiredState.Entry] {
        KindRegistry.all.flatMap { $0.stated(manifest) }.map { stated in
            let kind = stated.resource.address.kind
            var fields = kind.withDefaults(stated.resource.fields)
            for field in stated.ignored { fields[field] = nil }
            return DesiredState.Entry(
                resource: Resource(stated.resource.address, fields: fields, payload: stated.resource.payload), location: stated.location, ignored: stated.ignored.sorted())
        }
    }
}

import VaultformManifest
import VaultformPolicy
import VaultPath

/// An audit device (`sys/audit/PATH`). Nothing changes in place: the server refuses a second
/// enable at the path, and disabling and enabling again resets the device's HMAC salt.
enum AuditDeviceKind {
    static let reason = "audit devices cannot be changed in place; re-enabling one resets its HMAC salt"

    static let definition = KindDefinition(
        kind: .auditDevice, noun: "audit device", section: "audit_devices", ownership: .auditDevice, endpoint: "sys/audit/PATH",
        fields: [
            .fixed("type", nil, "file, socket, syslog or a plugin", reason: reason),
            .fixed("description", .string(""), "a human-friendly description", reason: reason),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: reason),
            .fixed("options", nil, "device options, compared as the server parses them (`AuditOptions`)", reason: reason),
        ],
        generated: ["path (the address)"],
        destructionLosesData: true,
        // Options compare by what the server makes of them (`AuditOptions`).
        sameValue: { field, desired, live, fields in
            guard field == "options", case .map(let want) = desired, case .map(let have) = live, case .string(let type)? = fields["type"] else {
                return nil
            }
            return AuditOptions.meaning(type: type, want).hasSameBytes(as: AuditOptions.meaning(type: type, have))
        },
        // sys/audit/PATH has no GET: one device is found in the list.
        reading: .table(path: "sys/audit", one: nil, missing: .notFound),
        stated: { manifest in manifest.auditDevices.map(stated) },
        live: { record in
            // The server stores options as strings.
            Resource(record.address, fields: [
                "type": .string(record["type"]?.stringValue ?? ""),
                "description": .string(record["description"]?.stringValue ?? ""),
                "local": .boolean(record["local"]?.boolValue ?? false),
                "options": .map(WireFields.stringMap(record["options"])),
            ])
        },
        create: { resource in
            // Not idempotent: a repeat fails with "path is already in use".
            var body = WireFields.object(resource.fields, ["type", "description", "local"])
            body["options"] = resource.fields["options"].map(WireFields.json) ?? .object([:])
            return [WriteRequest(method: .put, path: path(resource.address), body: .object(body), idempotent: false)]
        },
        // Never planned: every field forces a replacement.
        update: { _, _ in [] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "audit.yaml", note: "Audit devices.") { device, _ in
            ManifestEntry.fields(device, identity: [ManifestEntry.path(device)])
        })

    static func path(_ address: Address) -> String { "sys/audit/\(MountPath.withoutSlash(address.name))" }

    static func stated(_ device: AuditDevice) -> StatedResource {
        var fields: [String: FieldValue] = ["type": .string(device.type), "options": .map(device.options)]
        fields["description"] = .string(device.description ?? "")
        fields["local"] = .boolean(device.local ?? false)
        let resource = Resource(Address(.auditDevice, MountPath.withSlash(device.path)), fields: fields)
        return StatedResource(resource, device.location, ignored: device.ignoreFields)
    }
}

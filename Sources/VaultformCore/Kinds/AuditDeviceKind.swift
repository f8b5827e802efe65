/// An audit device (`sys/audit/PATH`). Nothing changes in place: the server refuses a second
/// enable at the path, and disabling and enabling again resets the device's HMAC salt.
enum AuditDeviceKind {
    static let reason = "audit devices cannot be changed in place; re-enabling one resets its HMAC salt"

    static let definition = KindDefinition(
        kind: .auditDevice, section: "audit_devices", endpoint: "sys/audit/PATH",
        fields: [
            .fixed("type", nil, "file, socket, syslog or a plugin", reason: reason),
            .fixed("description", .string(""), "a human-friendly description", reason: reason),
            .fixed("local", .boolean(false), "kept local to this cluster", reason: reason),
            .fixed("options", nil, "device options, compared as the server parses them (`AuditOptions`)", reason: reason),
        ],
        generated: [],
        destructionLosesData: true)
}

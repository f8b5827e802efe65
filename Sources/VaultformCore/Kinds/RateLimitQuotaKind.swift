import VaultformManifest
import VaultWire

/// A rate-limit quota (`sys/quotas/rate-limit/NAME`): how many requests a second a path (a
/// mount, a path inside one, an auth method's role, or everything) may receive. Every write
/// replaces the whole quota (a field it leaves out returns to its default), except the role,
/// which the server keeps from the quota's creation. Read back: `path` with the mount's
/// trailing slash and a suffix's trimmed, `rate` a JSON number, the intervals in seconds.
enum RateLimitQuotaKind {
    static let definition = KindDefinition(
        kind: .rateLimitQuota, noun: "rate-limit quota", section: "quotas", ownership: .rateLimitQuota,
        endpoint: "sys/quotas/rate-limit/NAME",
        fields: [
            .inPlace("path", .string(""), "the mount, path in a mount or auth method it limits; empty: every request"),
            .fixed("role", .string(""), "the role of the auth method at `path` whose logins it limits",
                   reason: "the server keeps a quota's role from its creation"),
            FieldDefinition(name: "rate", fresh: nil, change: .inPlace, summary: "requests allowed per interval (a number above 0)"),
            .inPlace("interval", .seconds(1), "the interval `rate` counts over"),
            .inPlace("block_interval", .seconds(0), "how long a client over the rate is refused; 0 only until the interval ends"),
            .inPlace("inheritable", .boolean(false), "applies to namespaces below too; the server's default is true for a global quota only"),
        ],
        generated: ["name", "type (always rate-limit)"],
        destructionLosesData: false, writesWhole: true,
        reading: .listed(list: "sys/quotas/rate-limit", item: "sys/quotas/rate-limit/NAME"),
        stated: { manifest in manifest.quotas.map(stated) },
        live: live,
        create: { [write($0.address, $0.fields)] },
        // Written whole: every field is sent, so none is reset.
        update: { desired, _ in [write(desired.address, desired.fields)] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "quotas.yaml", note: "Rate-limit quotas.") { quota, _ in
            ManifestEntry.fields(quota, identity: [.init("name", .text(quota.address.name))])
        })

    static func path(_ address: Address) -> String { "sys/quotas/rate-limit/\(address.name)" }

    /// The endpoint parses `rate` as a float: it is sent as a JSON number.
    static func write(_ address: Address, _ fields: [String: FieldValue]) -> WriteRequest {
        var body = WireFields.object(fields)
        if case .string(let text)? = fields["rate"], let rate = Double(text) { body["rate"] = .number(rate) }
        return .post(path(address), body)
    }

    /// A rate as one text for one number: `10`, `10.0` and `1e1` are `10`; `2.5` stays.
    static func rateText(_ rate: Double) -> String {
        if rate == rate.rounded(), abs(rate) < 1e15, let whole = Int(exactly: rate) { return String(whole) }
        return String(rate)
    }

    /// A path as the server compares it: no leading or trailing slash (it adds one to a
    /// mount's path and trims one from a path inside a mount).
    static func pathText(_ path: String) -> String {
        var text = Substring(path)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields: [String: FieldValue] = [
            "path": .string(pathText(record["path"]?.stringValue ?? "")),
            "role": .string(record["role"]?.stringValue ?? ""),
            "interval": .seconds(record["interval"]?.intValue ?? 1),
            "block_interval": .seconds(record["block_interval"]?.intValue ?? 0),
            "inheritable": .boolean(record["inheritable"]?.boolValue ?? false),
        ]
        if let rate = record["rate"]?.doubleValue { fields["rate"] = .string(rateText(rate)) }
        return Resource(record.address, fields: fields)
    }

    static func stated(_ quota: RateLimitQuota) -> StatedResource {
        var fields: [String: FieldValue] = ["rate": .string(rateText(quota.rate))]
        let path = pathText(quota.path ?? "")
        if quota.path != nil { fields["path"] = .string(path) }
        if let role = quota.role { fields["role"] = .string(role) }
        if let interval = quota.interval { fields["interval"] = .seconds(interval.seconds == 0 ? 1 : interval.seconds) }
        if let interval = quota.blockInterval { fields["block_interval"] = .seconds(interval.seconds) }
        // Left out, the server makes a global quota inheritable and any other not.
        fields["inheritable"] = .boolean(quota.inheritable ?? path.isEmpty)
        return StatedResource(Resource(Address(.rateLimitQuota, quota.name), fields: fields), quota.location)
    }
}

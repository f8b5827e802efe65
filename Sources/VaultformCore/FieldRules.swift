/// How a field may change on the server, which decides whether a difference is an update,
/// a replacement (delete and re-create, shown as destructive), or impossible in one direction.
public enum ChangeRule: Sendable, Equatable {
    /// The server changes it in place.
    case inPlace
    /// The server cannot change it in place; the object must be deleted and re-created.
    case replace(reason: String)
    /// It can go from false to true in place, never back; turning it off means replacing.
    case onlyToTrue(reason: String)
}

extension ResourceKind {
    /// The rule for one field of this kind; fields not listed change in place.
    public func changeRule(for field: String) -> ChangeRule {
        switch (self, field) {
        case (.auditDevice, _):
            return .replace(reason: "audit devices cannot be changed in place; re-enabling one resets its HMAC salt")
        case (.secretsEngine, "type"), (.authMethod, "type"):
            return .replace(reason: "the type of a mount cannot change; re-mounting destroys its data")
        case (.secretsEngine, "local"), (.authMethod, "local"):
            return .replace(reason: "`local` is fixed when the mount is enabled")
        case (.secretsEngine, "seal_wrap"), (.authMethod, "seal_wrap"):
            return .replace(reason: "`seal_wrap` is fixed when the mount is enabled")
        case (.secretsEngine, "force_no_cache"), (.authMethod, "force_no_cache"):
            return .replace(reason: "the server ignores `force_no_cache` when tuning; only re-creating the mount changes it")
        case (.secretsEngine, "external_entropy_access"):
            return .replace(reason: "`external_entropy_access` is fixed when the mount is enabled")
        case (.transitKey, "type"), (.transitKey, "derived"), (.transitKey, "convergent_encryption"), (.transitKey, "key_size"):
            return .replace(reason: "`\(field)` is fixed when a Transit key is created; replacing the key destroys what it encrypted")
        case (.transitKey, "exportable"), (.transitKey, "allow_plaintext_backup"):
            return .onlyToTrue(reason: "`\(field)` cannot be turned off once on; only replacing the key (destroying what it encrypted) does")
        case (.appRoleRole, "local_secret_ids"):
            return .replace(reason: "`local_secret_ids` is fixed when a role is created")
        default:
            return .inPlace
        }
    }

    /// The rule for one field given its values, for changes whose direction matters: a KV
    /// engine's version may go up in place (1 → 2), never down (the server answers "cannot
    /// downgrade mount from version 2").
    public func changeRule(for field: String, before: FieldValue?, after: FieldValue?) -> ChangeRule {
        if self == .secretsEngine, field == "options", case .map(let have)? = before, case .map(let want)? = after,
           let from = have["version"].flatMap(Int.init), let to = want["version"].flatMap(Int.init), to < from {
            return .replace(reason: "the server cannot downgrade a KV engine from version \(from) to \(to); re-creating it destroys its data")
        }
        return changeRule(for: field)
    }

    /// The fields of a desired and a live object as the planner compares them. A KV engine's
    /// version is made explicit on both sides, since the server reports none for version 1:
    /// so `type: kv` against a live version 2 engine is a downgrade, not "no change".
    public func comparable(
        desired: [String: FieldValue], live: [String: FieldValue]
    ) -> (desired: [String: FieldValue], live: [String: FieldValue]) {
        guard self == .secretsEngine, desired["type"] == .string("kv"), live["type"] == .string("kv") else { return (desired, live) }
        func explicitVersion(_ fields: [String: FieldValue]) -> [String: FieldValue] {
            var fields = fields
            var options: [String: String] = [:]
            if case .map(let map)? = fields["options"] { options = map }
            if options["version"] == nil { options["version"] = "1" }
            fields["options"] = .map(options)
            return fields
        }
        return (explicitVersion(desired), explicitVersion(live))
    }

    /// Deleting or replacing an object of this kind destroys data or access, so apply asks
    /// for `--allow-destroy`.
    public var destructionLosesData: Bool {
        switch self {
        case .secretsEngine, .transitKey, .authMethod, .auditDevice: true
        default: false
        }
    }
}

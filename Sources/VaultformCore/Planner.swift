import VaultformManifest
import VaultformPolicy
import VaultPath

/// Options that narrow a plan.
public struct PlanOptions: Sendable {
    /// Plan only these addresses; empty means everything.
    public var targets: Set<Address>
    /// Secret fields to regenerate (or re-read from their source) although they hold a
    /// value: `--rotate ADDRESS.FIELD`.
    public var rotations: [Address: Set<String>]

    /// Options; by default the whole manifest, nothing rotated.
    public init(targets: Set<Address> = [], rotations: [Address: Set<String>] = [:]) {
        self.targets = targets
        self.rotations = rotations
    }
}

/// The plan stage: a pure function of the desired state, the live state and options. No I/O,
/// no clock, no randomness, so it is tested with tables and runs without a server.
public enum Planner {
    /// Objects the server owns; they are never changed or deleted, whatever ownership says.
    public static let builtins: Set<Address> = [
        Address(.secretsEngine, "sys/"), Address(.secretsEngine, "identity/"), Address(.secretsEngine, "cubbyhole/"),
        Address(.authMethod, "token/"), Address(.secretsEngine, "vaultform-lock/"), Address(.policy, "root"), Address(.policy, "default"),
    ]

    /// Compares desired with live and returns the operations that make the server match.
    public static func plan(desired: DesiredState, live: LiveState, options: PlanOptions = PlanOptions()) -> Plan {
        var operations: [Operation] = []
        var unchanged: [Address] = []
        let wanted = { (address: Address) in options.targets.isEmpty || options.targets.contains(address) }

        for entry in desired.entries where wanted(entry.address) && !builtins.contains(entry.address) {
            let operation = compare(entry, live.resources[entry.address])
            if operation.action == .noop { unchanged.append(entry.address) } else { operations.append(operation) }
        }

        let declared = Set(desired.entries.map(\.address))
        var deletions: [Operation] = []
        for (address, _) in live.resources where !declared.contains(address) && !builtins.contains(address) && wanted(address) {
            guard let rule = desired.ownership.first(where: { owns($0, address) }) else { continue }
            deletions.append(Operation(
                address: address, action: .delete, changes: [], location: nil,
                reason: "not in the manifest, and the manifest owns \(describe(rule)) (\(rule.location))"))
        }
        // Dependents go first when deleting: roles before policies before mounts.
        deletions.sort { $0.address.kind == $1.address.kind ? String.byteOrder($0.address.name, $1.address.name) : $1.address.kind < $0.address.kind }

        // Secrets come last: they need their engines. Never deleted: ownership does not reach them.
        var findings: [Finding] = []
        for schema in desired.schemas {
            let address = SecretPlanner.address(schema)
            guard wanted(address) else { continue }
            let result = SecretPlanner.plan(
                schema, live.secrets[schema.path] ?? SecretObservation(), rotate: options.rotations[address] ?? [])
            findings += result.findings
            if let operation = result.operation { operations.append(operation) } else { unchanged.append(address) }
        }
        let ordered = SelfLockout.mark(operations + deletions, identity: live.identity)
        var ignored: [Address: [String]] = [:]
        for entry in desired.entries where !entry.ignored.isEmpty && wanted(entry.address) { ignored[entry.address] = entry.ignored }
        return Plan(operations: ordered, unchanged: unchanged, findings: findings, targets: options.targets.sorted(), ignored: ignored)
    }

    /// Every address a `--target` could name: the manifest's objects and secrets, and the
    /// server's objects (a target may name one to delete).
    public static func targetableAddresses(desired: DesiredState, live: LiveState) -> Set<Address> {
        var addresses = Set(desired.entries.map(\.address))
        addresses.formUnion(live.resources.keys)
        addresses.formUnion(desired.schemas.map(SecretPlanner.address))
        return addresses.subtracting(builtins)
    }

    /// The operation for one desired object against what the server holds (nil: absent).
    /// Apply uses it after each write to check the server took every field.
    public static func compare(_ entry: DesiredState.Entry, _ live: Resource?) -> Operation {
        let desired = entry.resource
        guard let live else {
            // A new object shows what it gets beyond what any fresh one has.
            let kind = desired.address.kind
            // One that comes with its mount, wanted at its fresh values, needs nothing.
            if kind.definition.existsWithMount, desired.fields.allSatisfy({ kind.isDefault($0.key, $0.value) }) {
                return Operation(address: desired.address, action: .noop, changes: [], location: entry.location)
            }
            let changes = desired.fields.keys.sorted()
                .filter { field in field == "type" || !(desired.fields[field].map { kind.isDefault(field, $0) } ?? false) }
                .map { FieldChange(field: $0, before: nil, after: desired.fields[$0]) }
            return Operation(address: desired.address, action: .create, changes: changes, location: entry.location)
        }
        var changes: [FieldChange] = []
        let (wanted, have) = desired.address.kind.comparable(desired: desired.fields, live: live.fields)
        for field in wanted.keys.sorted() {
            guard let after = wanted[field] else { continue }
            let before = have[field]
            if let before, equal(after, before, kind: desired.address.kind, field: field, desired: desired.fields) { continue }
            // A field the server does not report has its fresh value.
            if before == nil, desired.address.kind.isDefault(field, after) { continue }
            var change = FieldChange(field: field, before: before, after: after)
            switch desired.address.kind.changeRule(for: field, before: before, after: after) {
            case .inPlace: break
            case .replace(let reason): change.forcesReplacement = reason
            case .onlyToTrue(let reason): if after == .boolean(false) { change.forcesReplacement = reason }
            }
            changes.append(change)
        }
        let action: Action = changes.isEmpty ? .noop : changes.contains { $0.forcesReplacement != nil } ? .replace : .update
        return Operation(address: desired.address, action: action, changes: changes, location: entry.location)
    }

    /// Equality after the server's normalisation. Mount options are compared only on the keys
    /// the manifest names: the server adds its own, which the manifest does not manage.
    /// Audit options compare by what the server makes of them (`AuditOptions`), header lists
    /// in any case of their ASCII letters, as the server matches them (`Canonical.headerNames`);
    /// a role's policies as a login gives them to tokens (with `default` unless the role's
    /// `token_no_default_policy` is wanted on), its CIDR bindings by the addresses
    /// they admit (`Canonical.tokenPolicyNames`, `Canonical.cidrNetworks`), a plugin version
    /// as the server writes it (`Canonical.pluginVersion`), `hidden` listing visibility as the
    /// empty default it behaves like.
    /// `desired` holds the object's other desired fields, for rules that read one (a device's
    /// type; whether a role's tokens get the default policy).
    static func equal(
        _ desired: FieldValue, _ live: FieldValue, kind: ResourceKind, field: String, desired fields: [String: FieldValue] = [:]
    ) -> Bool {
        let type = fields["type"]
        if field == "options", kind == .secretsEngine || kind == .authMethod,
           case .map(let want) = desired, case .map(let have) = live {
            return want.allSatisfy { have.valueWithSameBytes($0.key)?.hasSameBytes(as: $0.value) ?? false }
        }
        if field == "options", kind == .auditDevice, case .map(let want) = desired, case .map(let have) = live,
           case .string(let type)? = type {
            return AuditOptions.meaning(type: type, want).hasSameBytes(as: AuditOptions.meaning(type: type, have))
        }
        if field == "passthrough_request_headers" || field == "allowed_response_headers", kind == .secretsEngine || kind == .authMethod,
           case .set(let want) = desired, case .set(let have) = live {
            return Canonical.headerNames(want).hasSameBytes(as: Canonical.headerNames(have))
        }
        if field == "listing_visibility", kind == .secretsEngine || kind == .authMethod,
           case .string(let want) = desired, case .string(let have) = live {
            // OpenBao: "the empty default ('') behaving like 'hidden'"; only `unauth` lists a mount.
            func meaning(_ text: String) -> String { text.hasSameBytes(as: "hidden") ? "" : text }
            return meaning(want).hasSameBytes(as: meaning(have))
        }
        if field == "plugin_version", kind == .secretsEngine || kind == .authMethod,
           case .string(let want) = desired, case .string(let have) = live {
            return Canonical.pluginVersion(want).hasSameBytes(as: Canonical.pluginVersion(have))
        }
        if kind == .appRoleRole, case .set(let want) = desired, case .set(let have) = live {
            switch field {
            case "token_policies":
                // A login adds `default` unless the role says not to: with the flag wanted off,
                // `[]` and `[default]` issue the same tokens (apply sets the flag first if it differs).
                let extra = fields["token_no_default_policy"] == .boolean(false) ? ["default"] : []
                return Canonical.tokenPolicyNames(want + extra).hasSameBytes(as: Canonical.tokenPolicyNames(have + extra))
            case "token_bound_cidrs", "secret_id_bound_cidrs": return Canonical.cidrNetworks(want).hasSameBytes(as: Canonical.cidrNetworks(have))
            default: break
            }
        }
        return desired == live
    }

    /// Whether an ownership rule covers a live object's address.
    static func owns(_ rule: OwnershipRule, _ address: Address) -> Bool {
        let kind: ResourceKind
        switch rule.kind {
        case .auditDevice: kind = .auditDevice
        case .secretsEngine: kind = .secretsEngine
        case .authMethod: kind = .authMethod
        case .policy: kind = .policy
        case .appRoleRole: kind = .appRoleRole
        case .transitKey: kind = .transitKey
        }
        guard address.kind == kind else { return false }
        var name = address.name
        if let mount = rule.mount {
            let prefix = MountPath.withSlash(mount)
            guard name.hasBytePrefix(prefix) else { return false }
            name = String(name.dropFirst(prefix.count))
        }
        if let prefix = rule.prefix {
            return name.hasBytePrefix(kind == .policy ? prefix.lowercased() : prefix)
        }
        return true
    }

    private static func describe(_ rule: OwnershipRule) -> String {
        var text = "every \(rule.kind.rawValue)"
        if let mount = rule.mount { text += " on \(MountPath.withSlash(mount))" }
        if let prefix = rule.prefix { text += " starting with `\(prefix)`" }
        return text
    }
}

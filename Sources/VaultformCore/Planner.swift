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

    /// Whether the server owns the object: a built-in in any namespace (each has its own
    /// `sys/`, `token/` and `default` policy).
    public static func isBuiltin(_ address: Address) -> Bool {
        builtins.contains(Address(address.kind, address.name))
    }

    /// Compares desired with live and returns the operations that make the server match.
    public static func plan(desired: DesiredState, live: LiveState, options: PlanOptions = PlanOptions()) -> Plan {
        var operations: [Operation] = []
        var unchanged: [Address] = []
        let wanted = { (address: Address) in options.targets.isEmpty || options.targets.contains(address) }

        var findings: [Finding] = []
        for entry in desired.entries where wanted(entry.address) && !isBuiltin(entry.address) {
            let (comparable, unreadable) = withoutUnreadableSources(entry, exists: live.resources[entry.address] != nil)
            let operation = compare(comparable, live.resources[entry.address])
            findings += unreadable.map { finding in
                // A kind written whole would lose the value the update cannot send.
                guard finding.severity == .warning, operation.action != .noop, entry.address.kind.definition.writesWhole else { return finding }
                return Finding(
                    .blocker, finding.address, field: finding.field,
                    "write-only, and the update rewrites the whole \(entry.address.kind.noun), which would clear it: "
                        + finding.message.replacingOccurrences(of: "write-only, not compared: ", with: ""),
                    hint: "provide its source, then plan again")
            }
            if operation.action == .noop { unchanged.append(entry.address) } else { operations.append(operation) }
        }

        // What names an object the plan re-creates is written again, after what it names.
        operations = orderedByReferences(rewritingReferences(operations, desired: desired, live: live, unchanged: &unchanged))

        let declared = Set(desired.entries.map(\.address))
        var deletions: [Operation] = []
        for (address, resource) in live.resources where !declared.contains(address) && !isBuiltin(address) && wanted(address) {
            // An object nothing lists is read only because vaultform recorded applying it:
            // dropped from the manifest, it is deleted by the recipe it was recorded with.
            if let deletion = address.kind.definition.recordedDeletion {
                let changes = deletion.fields.compactMap { field in resource.fields[field].map { FieldChange(field: field, before: $0, after: nil) } }
                deletions.append(Operation(address: address, action: .delete, changes: changes, location: nil, reason: deletion.reason(resource)))
                continue
            }
            guard let rule = desired.ownership(in: address.namespace).first(where: { owns($0, address) }) else { continue }
            var reason = "not in the manifest, and the manifest owns \(describe(rule)) (\(rule.location))"
            if address.kind == .namespace {
                // Everything inside goes with it: said, and listed as far as it was read.
                let held = live.held[address] ?? []
                reason += "; deleting it destroys everything inside it" + (held.isEmpty ? "" : ": " + held.joined(separator: ", "))
            }
            deletions.append(Operation(address: address, action: .delete, changes: [], location: nil, reason: reason))
        }
        // Dependents go first when deleting: roles before policies before mounts, and
        // namespaces last, each after the namespaces inside it (the server refuses to delete
        // a namespace that holds one).
        deletions.sort { lhs, rhs in
            let (left, right) = (lhs.address, rhs.address)
            guard left.kind == right.kind else { return right.kind < left.kind }
            if left.kind == .namespace { return String.byteOrder(right.name, left.name) }
            return left < right
        }

        // Secrets come last: they need their engines. Never deleted: ownership does not reach them.
        for schema in desired.schemas {
            let address = SecretPlanner.address(schema)
            guard wanted(address) else { continue }
            let result = SecretPlanner.plan(
                schema, live.secrets[SecretPlanner.observationKey(schema)] ?? SecretObservation(), rotate: options.rotations[address] ?? [])
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
        return addresses.filter { !isBuiltin($0) }
    }

    /// The operation for one desired object against what the server holds (nil: absent),
    /// carrying the desired object. Apply uses it after each write to check the server took
    /// every field.
    public static func compare(_ entry: DesiredState.Entry, _ live: Resource?) -> Operation {
        let desired = entry.resource
        guard let live else {
            // A new object shows what it gets beyond what any fresh one has.
            let kind = desired.address.kind
            // One that comes with its mount, wanted at its fresh values, needs nothing.
            if kind.definition.existsWithMount, desired.fields.allSatisfy({ kind.isDefault($0.key, $0.value) }) {
                return Operation(address: desired.address, action: .noop, changes: [], location: entry.location, desired: desired)
            }
            let changes = desired.fields.keys.sorted()
                .filter { field in field == "type" || !(desired.fields[field].map { kind.isDefault(field, $0) } ?? false) }
                .map { FieldChange(field: $0, before: nil, after: desired.fields[$0]) }
            return Operation(address: desired.address, action: .create, changes: changes, location: entry.location, desired: desired)
        }
        var changes: [FieldChange] = []
        let (wanted, have) = desired.address.kind.comparable(desired: desired.fields, live: live.fields)
        for field in wanted.keys.sorted() {
            guard let after = wanted[field] else { continue }
            let before = have[field]
            if let before, desired.address.kind.same(field, desired: after, live: before, fields: desired.fields) { continue }
            // A field the server does not report has its fresh value.
            if before == nil, desired.address.kind.isDefault(field, after) { continue }
            var change = FieldChange(field: field, before: before, after: after)
            if case .writeOnly(var value) = after {
                // The value itself is never known: say why it is written.
                value.status = value.status ?? (before == nil ? "not recorded: vaultform has not written it" : "source changed")
                change.after = .writeOnly(value)
            }
            switch desired.address.kind.changeRule(for: field, before: before, after: after) {
            case .inPlace: break
            case .replace(let reason): change.forcesReplacement = reason
            case .onlyToTrue(let reason): if after == .boolean(false) { change.forcesReplacement = reason }
            }
            changes.append(change)
        }
        let action: Action = changes.isEmpty ? .noop : changes.contains { $0.forcesReplacement != nil } ? .replace : .update
        return Operation(address: desired.address, action: action, changes: changes, location: entry.location, desired: desired)
    }

    /// The entry without the write-only fields whose source gave no value when the plan was
    /// made, and what to say of each: an object that exists keeps the value it has (a
    /// warning: not compared); a new one cannot be created without it (a blocker).
    static func withoutUnreadableSources(_ entry: DesiredState.Entry, exists: Bool) -> (DesiredState.Entry, [Finding]) {
        var entry = entry
        var findings: [Finding] = []
        let definition = entry.resource.address.kind.definition
        for field in definition.writeOnlyFields where !exists && entry.resource.fields[field] == nil {
            guard definition.field(field)?.neededToCreate == true else { continue }
            findings.append(Finding(.blocker, entry.resource.address, field: field, "a new \(definition.noun) needs `\(field)`, and the manifest gives none",
                                    hint: "give `\(field)` a source (`from_env` or `from_file`)"))
        }
        for (field, value) in entry.resource.fields.sorted(by: { $0.key < $1.key }) {
            guard case .writeOnly(let writeOnly) = value, let reason = writeOnly.unavailable else { continue }
            let address = entry.resource.address
            if exists {
                entry.resource.fields[field] = nil
                findings.append(Finding(.warning, address, field: field, "write-only, not compared: \(reason)",
                                        hint: "the server keeps the value it has; provide the source to compare it"))
            } else {
                findings.append(Finding(.blocker, address, field: field, "write-only, and a new object needs it: \(reason)",
                                        hint: "provide the source (\(writeOnly.source?.description ?? "its source")), then plan again"))
            }
        }
        return (entry, findings)
    }

    /// Whether an ownership rule covers a live object's address.
    public static func owns(_ rule: OwnershipRule, _ address: Address) -> Bool {
        guard let definition = KindRegistry.definition(owning: rule.kind), definition.kind == address.kind else { return false }
        var name = address.name
        if let mount = rule.mount {
            let prefix = MountPath.withSlash(mount)
            guard name.hasBytePrefix(prefix) else { return false }
            name = String(name.dropFirst(prefix.count))
        }
        if let prefix = rule.prefix {
            // A namespace prefix owns the namespaces under it, never the one it names.
            if address.kind == .namespace, name.hasSameBytes(as: MountPath.withSlash(prefix)) { return false }
            return name.hasBytePrefix(definition.lowercasesNames ? prefix.lowercased() : prefix)
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

import class Foundation.ProcessInfo
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets
import VaultPath

/// Choices that change what apply may do.
public struct ApplyOptions: Sendable {
    /// Deleting or replacing mounts, Transit keys, auth methods and audit devices destroys
    /// data or access; without this, such a plan is refused before anything is written.
    public var allowDestroy: Bool
    /// Operations that take away the applying identity's own access (`Operation.selfLockout`)
    /// are refused without this.
    public var allowSelfLockout: Bool

    /// Options; destruction and self-lockout are refused by default.
    public init(allowDestroy: Bool = false, allowSelfLockout: Bool = false) {
        self.allowDestroy = allowDestroy
        self.allowSelfLockout = allowSelfLockout
    }
}

/// What happened to each operation of a plan.
public struct ApplyReport: Sendable {
    /// Operations carried out and checked, in order.
    public var done: [Operation] = []
    /// Operations not started because an earlier one failed, or because the apply was
    /// asked to stop (then the first of them is where it stopped).
    public var notDone: [Operation] = []
    /// The failure that stopped the apply, if any.
    public var failure: ApplyFailure?
    /// Other operations that failed beside it (running side by side), in the plan's order;
    /// they are in `notDone` too.
    public var alsoFailed: [ApplyFailure] = []
    /// Why the apply stopped between two operations without a failure (a `StopRequest`'s
    /// reason), if it did.
    public var stopped: String?

    /// `Apply complete: 3 added, 2 changed, 0 destroyed.` counts, replacements counting as
    /// one added and one destroyed.
    public var counts: (added: Int, changed: Int, destroyed: Int) {
        let summary = Plan(operations: done, unchanged: []).summary
        return (summary.add, summary.change, summary.destroy)
    }
}

/// Why an operation failed, with the address, so the message names the object.
public struct ApplyFailure: Error, Sendable, CustomStringConvertible {
    /// The operation that failed.
    public var operation: Operation
    /// What went wrong, already phrased for a person.
    public var reason: String
    /// Extra help, such as the server-config stanza for an audit device the API may not create.
    public var hint: String?

    public var description: String { "\(operation.action.name) \(operation.address): \(reason)" }
}

/// The apply stage: carries out a plan's operations one at a time in its order, checks each
/// write by reading the object back, and stops at the first failure. Running again converges
/// from wherever it stopped, because every operation is planned from the live state.
public struct Applier: Sendable {
    /// The client every write goes through.
    public let client: VaultClient
    /// Where secret fields' `from_env` sources are read.
    public let environment: [String: String]

    /// An applier over a client.
    /// The fingerprint key, read once per apply by the first write-only value that needs it.
    let fingerprintKey: FingerprintKeyCache

    /// Where vaultform's own state is, and the namespace this applier writes in.
    let state: StateScope

    public init(client: VaultClient, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(client: client, environment: environment, state: StateScope(client: client))
    }

    init(client: VaultClient, environment: [String: String], state: StateScope, fingerprintKey: FingerprintKeyCache = FingerprintKeyCache()) {
        self.client = client
        self.environment = environment
        self.state = state
        self.fingerprintKey = fingerprintKey
    }

    /// Reasons the plan must not run at all, found before any write: destruction without
    /// `--allow-destroy`, and Transit keys that do not allow deletion (a replacement's from
    /// the object the operation carries, a deletion's from `live`).
    public static func refusals(_ plan: Plan, live: LiveState, options: ApplyOptions) -> [String] {
        var reasons: [String] = []
        for blocker in plan.blockers {
            reasons.append("\(blocker.address): \(blocker.message)" + (blocker.hint.map { " (\($0))" } ?? ""))
        }
        for operation in plan.operations where operation.isDestructive && !options.allowDestroy {
            let what = operation.action == .delete ? "deletes" : "replaces"
            reasons.append("\(operation.address): the plan \(what) it, which destroys its data or access; pass --allow-destroy to allow it")
        }
        reasons += selfLockoutRefusals(plan, options: options)
        for operation in plan.operations where operation.address.kind == .transitKey {
            switch operation.action {
            case .delete where live.resources[operation.address]?.fields["deletion_allowed"] != .boolean(true):
                reasons.append("\(operation.address): the key does not allow deletion; set deletion_allowed: true on it first")
            case .replace where operation.desired?.fields["deletion_allowed"] != .boolean(true):
                reasons.append("\(operation.address): replacing the key deletes it; the manifest must set deletion_allowed: true")
            default: break
            }
        }
        return reasons
    }

    /// The refusals for the plan's self-lockouts (without `allowSelfLockout`): these need no
    /// live state, so a saved plan is checked before its lock is taken.
    public static func selfLockoutRefusals(_ plan: Plan, options: ApplyOptions) -> [String] {
        guard !options.allowSelfLockout else { return [] }
        return plan.selfLockouts.map { operation in
            "\(operation.address): self-lockout: \(operation.selfLockout ?? ""); apply would lose its own access mid-apply. "
                + "Apply as another identity, or pass --allow-self-lockout to allow it"
        }
    }

    /// Carries out the plan, from the plan alone: each operation carries the object it
    /// creates and is read back against (`Operation.desired`). `progress` hears of each
    /// operation as it starts and ends; `beforeWrite` runs before every write (the lock's check, which reads the lock) and may
    /// throw to stop. `stop` is read before each operation: once it is requested, no further
    /// operation starts, and the report lists the rest as not done. The operation in flight is
    /// never cut short (the task is not cancelled), so its writes and read-back complete.
    /// `afterWrites` runs once an operation's writes are done, before its read-back (where the
    /// lock starts its next check, `LockLease.prefetch()`, so the two overlap).
    ///
    /// With `parallelism` above 1, a run of consecutive operations that create or update
    /// independent objects of one kind (`runsConcurrently`) is carried out up to
    /// `parallelism` at a time; the plan's order between kinds, and every other operation's
    /// place, stay as they are. Each write still checks the lock just before it (`afterWrites`
    /// is not used there: every write reads the lock itself), a stop request or a failure
    /// starts nothing new while the writes in flight complete and are read back, and the
    /// report lists done and not done in the plan's order.
    ///
    /// The operations run on the transport's thread where it offers one (`taskExecutor`), as
    /// the live reads do: they mostly wait for responses.
    public func apply(
        _ plan: Plan,
        parallelism: Int = 1,
        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in },
        beforeWrite: @escaping @Sendable () async throws -> Void = {},
        afterWrites: @Sendable () -> Void = {},
        stop: StopRequest? = nil,
        beforeSelfLockout: @Sendable () async -> Void = {}
    ) async -> ApplyReport {
        await withTaskExecutorPreference(client.taskExecutor) {
            await applyAll(
                plan, parallelism: parallelism, progress: progress, beforeWrite: beforeWrite, afterWrites: afterWrites, stop: stop,
                beforeSelfLockout: beforeSelfLockout)
        }
    }

    private func applyAll(
        _ plan: Plan, parallelism: Int, progress: @escaping @Sendable (ApplyEvent) -> Void,
        beforeWrite: @escaping @Sendable () async throws -> Void, afterWrites: @Sendable () -> Void, stop: StopRequest?,
        beforeSelfLockout: @Sendable () async -> Void
    ) async -> ApplyReport {
        var report = ApplyReport()
        let total = plan.operations.count
        var lockingOut = false
        // Identifiers the writes name (`ServerReference`), looked up as they are needed; those
        // of objects the plan deletes by identifier are looked up first, while the objects
        // they depend on are as planned (an alias is found by its auth method's accessor,
        // which the re-mount that replaces the alias changes before the alias's turn).
        let identifiers = ServerIdentifiers(client: client)
        await identifiers.prefetch(plan.operations.filter { $0.action == .delete || $0.action == .replace }.flatMap { operation in
            operation.address.kind.definition.delete(operation.address).compactMap(\.pathIdentifier)
        })
        var index = 0
        while index < plan.operations.count {
            let operation = plan.operations[index]
            defer { index += 1 }
            if let reason = stop?.reason {
                report.stopped = reason
                report.notDone = Array(plan.operations[index...])
                return report
            }
            let run = parallelism > 1 ? Self.concurrentRun(plan.operations, from: index) : index..<(index + 1)
            if run.count > 1 {
                let outcome = await carryOut(
                    run, of: plan.operations, parallelism: parallelism, identifiers: identifiers, progress: progress, beforeWrite: beforeWrite,
                    stop: stop)
                report.done += outcome.done.map { plan.operations[$0] }
                // Not done: the run's operations neither done nor the failure reported first,
                // then everything after the run.
                let failedAt = outcome.failures.first?.0
                let notDone = run.filter { !outcome.done.contains($0) && $0 != failedAt }.map { plan.operations[$0] }
                    + plan.operations[run.upperBound...]
                if let (failedAt, failure) = outcome.failures.first {
                    report.failure = failure
                    report.alsoFailed = outcome.failures.dropFirst().map(\.1)
                    report.notDone = notDone
                    progress(.failed(index: failedAt + 1, total: total, plan.operations[failedAt], failure))
                    return report
                }
                if let reason = outcome.stopped {
                    report.stopped = reason
                    report.notDone = notDone
                    return report
                }
                index = run.upperBound - 1
                continue
            }
            // The allowed self-lockouts come last (the planner puts them there); after the
            // first, this identity may not write anything, its lock's release included. So
            // `beforeSelfLockout` (the lock's release) runs first, and the writes that follow
            // no longer check a lock.
            if !lockingOut, operation.selfLockout != nil, plan.operations[index...].allSatisfy({ $0.selfLockout != nil }) {
                lockingOut = true
                await beforeSelfLockout()
            }
            progress(.started(index: index + 1, total: total, operation))
            do {
                if lockingOut {
                    try await carryOut(operation, identifiers: identifiers, beforeWrite: {})
                } else {
                    try await carryOut(operation, identifiers: identifiers, beforeWrite: beforeWrite, afterWrites: afterWrites)
                }
                report.done.append(operation)
                progress(.finished(index: index + 1, total: total, operation))
            } catch {
                let failure = Self.failure(error, operation: operation)
                report.failure = failure
                report.notDone = Array(plan.operations[(index + 1)...])
                progress(.failed(index: index + 1, total: total, operation, failure))
                return report
            }
        }
        return report
    }

    /// Whether an operation may run beside others of its kind: a create or an update (no
    /// deletion or replacement, whose order matters) of an object no other object of its kind
    /// depends on, that takes nobody's access away.
    static func runsConcurrently(_ operation: Operation) -> Bool {
        guard operation.action == .create || operation.action == .update, operation.selfLockout == nil else { return false }
        // Objects with write-only values (userpass users) go one at a time: their values'
        // sources, stores and records are kept simple to reason about, and they are few.
        return independentKinds.contains(operation.address.kind) && !operation.address.kind.definition.hasWriteOnlyFields
    }

    /// Kinds whose objects never name another object of the same kind. Left out: namespaces
    /// (parents first), identity groups (member groups), aliases (looked up by their entity
    /// or group), CAs (a rotation's issuers), audit devices (logging first), secrets and
    /// endpoints (ordered by `after:`).
    static let independentKinds: Set<ResourceKind> = [
        .secretsEngine, .authMethod, .kvConfig, .transitKey, .pkiRole, .sshRole, .policy, .appRoleRole, .kubernetesRole,
        .userpassUser, .jwtRole, .certRole, .tokenRole, .identityEntity, .rateLimitQuota, .databaseRole, .databaseStaticRole,
    ]

    /// The operations from `start` on that may run together: consecutive, of one kind, each
    /// `runsConcurrently`.
    static func concurrentRun(_ operations: [Operation], from start: Int) -> Range<Int> {
        guard runsConcurrently(operations[start]) else { return start..<(start + 1) }
        var end = start + 1
        while end < operations.count, operations[end].address.kind == operations[start].address.kind, runsConcurrently(operations[end]) {
            end += 1
        }
        return start..<end
    }

    /// Carries out `run` of `operations` up to `parallelism` at a time. A failure or a stop
    /// request starts nothing new; what is in flight completes. Returns the indices done and
    /// the failures, both in the plan's order, and the stop's reason.
    func carryOut(
        _ run: Range<Int>, of operations: [Operation], parallelism: Int, identifiers: ServerIdentifiers,
        progress: @escaping @Sendable (ApplyEvent) -> Void, beforeWrite: @escaping @Sendable () async throws -> Void, stop: StopRequest?
    ) async -> (done: [Int], failures: [(Int, ApplyFailure)], stopped: String?) {
        let total = operations.count
        var done: [Int] = []
        var failures: [(Int, ApplyFailure)] = []
        var stopped: String?
        await withTaskGroup(of: (Int, ApplyFailure?).self) { group in
            var next = run.lowerBound
            func startNext() {
                guard next < run.upperBound, failures.isEmpty, stopped == nil else { return }
                if let reason = stop?.reason {
                    stopped = reason
                    return
                }
                let index = next
                let operation = operations[index]
                next += 1
                progress(.started(index: index + 1, total: total, operation))
                group.addTask {
                    do {
                        try await carryOut(operation, identifiers: identifiers, beforeWrite: beforeWrite)
                        return (index, nil)
                    } catch {
                        return (index, Self.failure(error, operation: operation))
                    }
                }
            }
            for _ in 0..<min(parallelism, run.count) { startNext() }
            for await (index, failure) in group {
                if let failure {
                    failures.append((index, failure))
                } else {
                    done.append(index)
                    progress(.finished(index: index + 1, total: total, operations[index]))
                }
                startNext()
            }
        }
        return (done.sorted(), failures.sorted { $0.0 < $1.0 }, stopped)
    }

    func carryOut(
        _ operation: Operation, identifiers: ServerIdentifiers, beforeWrite: () async throws -> Void, afterWrites: () -> Void = {}
    ) async throws {
        // An object inside a namespace (and a namespace, from its parent) is written by an
        // applier sent there, under the address the namespace knows it by.
        if let (inner, routed) = routed(operation) {
            try await inner.carryOut(routed, identifiers: ServerIdentifiers(client: inner.client), beforeWrite: beforeWrite, afterWrites: afterWrites)
            return
        }
        let address = operation.address
        if address.kind == .kvSecret {
            guard let write = operation.secretWrite else { throw ApplyError("the plan says nothing of what to write") }
            try await SecretApplier(client: client, environment: environment).apply(write, beforeWrite: beforeWrite)
            afterWrites()
            try await verify(write)
            return
        }
        let definition = address.kind.definition
        var requests: [WriteRequest] = []
        // Write-only values are read from their sources only now, kept out of every message
        // (the client's redactions), and their fingerprints recorded once written.
        var values = WriteOnlyWrite()
        switch operation.action {
        case .noop:
            return
        case .create:
            guard let desired = operation.desired else { throw ApplyError("the plan does not say what to create") }
            values = try await writeOnlyValues(desired.fields, of: address, beforeWrite: beforeWrite)
            requests = definition.creation(values.filled(desired))
        case .update:
            var changed: [String: FieldValue] = [:]
            for change in operation.changes { if let after = change.after { changed[change.field] = after } }
            let desired = operation.desired ?? Resource(address, fields: changed)
            // An object written whole sends its write-only values with every update.
            values = try await writeOnlyValues(definition.writesWhole ? desired.fields : changed, of: address, beforeWrite: beforeWrite)
            requests = definition.update(values.filled(desired), values.filled(changed))
        case .replace:
            guard let desired = operation.desired else { throw ApplyError("the plan does not say what to create") }
            values = try await writeOnlyValues(desired.fields, of: address, beforeWrite: beforeWrite)
            requests = definition.replacement(values.filled(desired))
        case .delete:
            if let deletion = definition.recordedDeletion {
                // Deleted by the recipe the plan carries (recorded when it was applied).
                var recorded = Resource(address)
                for change in operation.changes { recorded.fields[change.field] = change.before }
                requests = deletion.writes(recorded)
            } else {
                requests = definition.delete(address)
            }
        }
        var client = client
        client.redactions += values.redactions
        var previousAnswer: JSONValue?
        for request in requests {
            // Names become identifiers now, after the writes that create what they name.
            guard let resolved = try await identifiers.resolve(request) else { continue }
            // Values only the previous answer holds (a CSR to sign, the certificate signed).
            guard let request = resolved.filled(from: previousAnswer) else {
                let members = resolved.fromPreviousAnswer.values.flatMap { $0 } + (resolved.pathFromPreviousAnswer.map { [$0] } ?? [])
                throw ApplyError("\(resolved.method) \(resolved.path) needs \(members.sorted().joined(separator: ", ")) from the answer before it, which had none (or not one path segment)")
            }
            try await beforeWrite()
            previousAnswer = try await client.request(request.method, request.path, body: request.body, idempotent: request.isIdempotent).data
        }
        let records = WriteOnlyRecords(client: state.client, namespace: state.namespace)
        if operation.action == .delete || operation.action == .replace, definition.hasWriteOnlyFields {
            try await records.forget(address)
        }
        try await records.record(address, values.fingerprints)
        if definition.recordedDeletion != nil {
            try await recordApplied(operation)
        }
        // A recorded object's delete is not read back: with `delete: never` the server keeps
        // it, and a config endpoint (`sys/config/cors`) reads back its defaults after a DELETE.
        if operation.action == .delete, definition.recordedDeletion != nil { return }
        if operation.action == .delete, address.kind == .namespace { try await awaitNamespaceGone(address) }
        // The operation may have deleted or re-created its object: its identifier is looked up anew.
        await identifiers.forget(address)
        afterWrites()
        try await verify(operation, identifiers: identifiers, written: values.fingerprints)
    }

    /// Reads the object back: it must now match the object the operation carries (or be
    /// gone), or the server silently ignored part of the write, which is reported rather
    /// than trusted.
    /// An object that names others by ID (a group's members) is read with the names the
    /// apply has already read (`ServerIdentifiers.names`), not a fresh list per write; only
    /// when it then disagrees are the names read again (they may name what this apply created).
    func verify(_ operation: Operation, identifiers: ServerIdentifiers, written: [String: String] = [:]) async throws {
        let reader = LiveReader(client: client, environment: environment, state: state)
        let definition = operation.address.kind.definition
        let companions = definition.reading.companionFields.contains { operation.desired?.fields[$0] != nil }
        func readBack(freshNames: Bool) async throws -> Resource? {
            let names = definition.readsServerNames ? try await identifiers.names(fresh: freshNames, reader: reader) : nil
            return try await reader.readOne(operation.address, withCompanions: companions, names: names, desired: operation.desired)
        }
        var live: Resource?
        do {
            live = try await readBack(freshNames: false)
        } catch let error as VaultError where error.isPermissionDenied && operation.selfLockout != nil {
            // The identity lost its access to the object, as the plan said it would: the
            // write took effect, and nothing can read it back.
            return
        }
        if operation.action == .delete {
            if live != nil { throw ApplyError("the server still has it after the delete") }
            return
        }
        guard var desired = operation.desired else { return }
        // Checked against the fingerprints of the values just written (a plan made before
        // the server had a fingerprint key holds none).
        for (field, fingerprint) in written { desired.fields[field] = .writeOnly(.recorded(fingerprint)) }
        var check = Planner.compare(DesiredState.Entry(resource: desired, location: operation.location), live)
        if check.action != .noop, definition.readsServerNames {
            live = try await readBack(freshNames: true)
            check = Planner.compare(DesiredState.Entry(resource: desired, location: operation.location), live)
        }
        if check.action != .noop, await client.reconfirmActiveNode() {
            // The leader changed under the run (a step-down): the read may have come from the
            // old one, now a standby answering from its copy. Read again from the new one.
            live = try await readBack(freshNames: definition.readsServerNames)
            check = Planner.compare(DesiredState.Entry(resource: desired, location: operation.location), live)
        }
        guard check.action != .noop else { return }
        let fields = check.changes.map { change in
            "\(change.field) reads back as \(change.before.map { "\($0)" } ?? "nothing"), not \(change.after.map { "\($0)" } ?? "nothing")"
        }
        throw ApplyError("the write did not take: " + fields.joined(separator: "; "))
    }

    /// Creates the server's fingerprint key (next to the apply lock) if it has none, so plans
    /// can tell a changed secret value from an unchanged one without showing either.
    public static func ensureFingerprintKey(client: VaultClient) async throws {
        try await SecretApplier.ensureFingerprintKey(client: client)
    }

    /// Reads a secret back: every filled field must be there and valid for its declaration.
    func verify(_ write: SecretWrite) async throws {
        var stored = try await StoredSecret.read(write.mount, write.path, client: client)
        // A field missing after the write, and the leader changed meanwhile: read again from
        // the new one (the old one, now a standby, answers from its copy).
        if write.fills.contains(where: { stored.data[$0.field] == nil }), await client.reconfirmActiveNode() {
            stored = try await StoredSecret.read(write.mount, write.path, client: client)
        }
        for fill in write.fills {
            guard let value = stored.data[fill.field] else { throw ApplyError("`\(fill.field)` is not there after the write") }
            switch SecretValues.check(value, against: SecretField(fill.declaration, source: nil)) {
            case .valid: break
            case .coercible(let reason), .invalid(let reason): throw ApplyError("`\(fill.field)` reads back as not valid: \(reason)")
            }
        }
    }

    static func failure(_ error: any Error, operation: Operation) -> ApplyFailure {
        if let error = error as? ApplyError { return ApplyFailure(operation: operation, reason: error.message) }
        if let error = error as? VaultError, operation.address.kind == .auditDevice,
           ServerBehaviour.isAPIAuditDeviceRefusal(error), let desired = operation.desired {
            return ApplyFailure(
                operation: operation,
                reason: ServerBehaviour.apiAuditDeviceRefusalReason,
                hint: "declare the device in the server's configuration file instead, and restart or reload it:\n"
                    + AuditStanza.render(desired))
        }
        return ApplyFailure(operation: operation, reason: "\(error)")
    }
}

/// Progress of an apply, for the command line's `[k/n]` lines.
public enum ApplyEvent: Sendable {
    case started(index: Int, total: Int, Operation)
    case finished(index: Int, total: Int, Operation)
    case failed(index: Int, total: Int, Operation, ApplyFailure)
}

/// A failure the applier found itself (as opposed to an error from the server).
struct ApplyError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The server-configuration stanza that declares an audit device, for servers that refuse
/// to create them through the API. Option values are HCL strings, as the server requires.
public enum AuditStanza {
    /// `audit "TYPE" "PATH" { description = … options { key = "value" } }`.
    public static func render(_ resource: Resource) -> String {
        guard case .string(let type)? = resource.fields["type"] else { return "" }
        let path = MountPath.withoutSlash(resource.address.name)
        var text = "audit \"\(type)\" \"\(path)\" {\n"
        if case .string(let description)? = resource.fields["description"], !description.isEmpty {
            text += "  description = \(quoted(description))\n"
        }
        if case .boolean(true)? = resource.fields["local"] { text += "  local = true\n" }
        if case .map(let options)? = resource.fields["options"], !options.isEmpty {
            text += "  options {\n"
            for key in options.keys.sorted() { text += "    \(key) = \(quoted(options[key] ?? ""))\n" }
            text += "  }\n"
        }
        return text + "}\n"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

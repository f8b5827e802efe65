import VaultformManifest

/// What the planner decided for one object. The raw values are the symbols people see.
public enum Action: String, Sendable, Codable, CaseIterable {
    case create = "+"
    case update = "~"
    case replace = "-/+"
    case delete = "-"
    case noop = " "

    /// The fixed word machines read (`create`, `update`, `replace`, `delete`, `noop`).
    public var name: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .replace: "replace"
        case .delete: "delete"
        case .noop: "noop"
        }
    }
}

/// One field's difference. `before` is nil when the object or field does not exist yet;
/// `after` is nil when the object is being deleted.
public struct FieldChange: Sendable, Equatable {
    /// The field's name, as the server's API spells it.
    public var field: String
    /// The live value.
    public var before: FieldValue?
    /// The desired value.
    public var after: FieldValue?
    /// Why this change cannot happen in place, when it cannot.
    public var forcesReplacement: String?

    /// Creates a field change.
    public init(field: String, before: FieldValue?, after: FieldValue?, forcesReplacement: String? = nil) {
        self.field = field
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
    }
}

/// One step of a plan.
public struct Operation: Sendable, Equatable {
    /// The object.
    public var address: Address
    /// What happens to it.
    public var action: Action
    /// Field by field, sorted by name; for a create every desired field, for a delete none.
    public var changes: [FieldChange]
    /// Where the manifest declares the object (nil for deletions of unnamed objects).
    public var location: SourceLocation?
    /// Why a delete happens (which ownership rule), for people; never drives apply.
    public var reason: String?
    /// For a secret: the fields apply fills and the version it checks-and-sets against.
    public var secretWrite: SecretWrite?
    /// The object as it should be after the operation, every managed field at the manifest's
    /// value or the kind's fresh value: what a create or replace writes and what every write
    /// is read back against, so apply needs nothing beside the plan. Nil for a delete and for
    /// a secret (which carries `secretWrite`, never a value).
    public var desired: Resource?
    /// Why carrying it out would take the applying identity's own access away (a policy its
    /// token holds, the auth method or AppRole role it logged in with); apply refuses it
    /// without `--allow-self-lockout`. Nil for an ordinary operation.
    public var selfLockout: String?

    /// Creates an operation.
    public init(
        address: Address, action: Action, changes: [FieldChange], location: SourceLocation? = nil, reason: String? = nil,
        desired: Resource? = nil
    ) {
        self.address = address
        self.action = action
        self.changes = changes
        self.location = location
        self.reason = reason
        self.desired = desired
    }

    /// True for a delete that sends nothing and only drops the object from vaultform's record
    /// (a generic endpoint with `delete: never`): the server keeps it.
    public var onlyForgets: Bool {
        guard action == .delete, let deletion = address.kind.definition.recordedDeletion else { return false }
        var recorded = Resource(address)
        for change in changes { recorded.fields[change.field] = change.before }
        return deletion.writes(recorded).isEmpty
    }

    /// True when it replaces an existing secret value (a rotation).
    public var rotates: Bool { secretWrite?.fills.contains { $0.replacesValue } ?? false }

    /// True when carrying it out destroys data or access (deleting or replacing a mount, a key,
    /// an auth method or an audit device).
    public var isDestructive: Bool {
        (action == .delete || action == .replace) && address.kind.destructionLosesData
    }
}

/// The planner's result: every operation in the order apply performs them.
public struct Plan: Sendable, Equatable {
    /// Operations that change something, in dependency order (deletions last, in reverse order).
    public var operations: [Operation]
    /// Objects that already match.
    public var unchanged: [Address]
    /// What the plan found besides changes: blockers (apply refuses) and warnings.
    public var findings: [Finding]
    /// The `--target` addresses the plan was limited to; empty when it covers everything.
    /// Renderers say so, since objects outside the targets were not compared.
    public var targets: [Address]
    /// Fields the manifest leaves to someone else (`ignore_fields`), by object: not compared,
    /// and said so, so nobody mistakes them for managed.
    public var ignored: [Address: [String]]

    /// Creates a plan.
    public init(
        operations: [Operation], unchanged: [Address], findings: [Finding] = [], targets: [Address] = [],
        ignored: [Address: [String]] = [:]
    ) {
        self.operations = operations
        self.unchanged = unchanged
        self.findings = findings
        self.targets = targets
        self.ignored = ignored
    }

    /// True when the server already matches the manifest.
    public var isEmpty: Bool { operations.isEmpty }

    /// The operations that would take the applying identity's own access away.
    public var selfLockouts: [Operation] { operations.filter { $0.selfLockout != nil } }

    /// The findings that stop apply.
    public var blockers: [Finding] { findings.filter { $0.severity == .blocker } }

    /// Counts for the closing line: replacements count as one add and one destroy, as in Terraform.
    public var summary: (add: Int, change: Int, destroy: Int) {
        var add = 0, change = 0, destroy = 0
        for operation in operations {
            switch operation.action {
            case .create: add += 1
            case .update: change += 1
            case .replace: add += 1; destroy += 1
            case .delete: if !operation.onlyForgets { destroy += 1 }
            case .noop: break
            }
        }
        return (add, change, destroy)
    }
}

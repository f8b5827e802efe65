import Foundation
import VaultformPolicy
import VaultPath

/// Finds the operations of a plan that take away the applying identity's own access: the
/// policies it holds, the auth method it logged in through, its AppRole role. Such an
/// operation, carried out mid-apply, leaves the apply unable to finish, to check its own
/// writes, or to release its lock; apply refuses it unless `--allow-self-lockout` is given.
public enum SelfLockout {
    /// The operations with `selfLockout` set where they lock the identity out, those moved
    /// after every other operation (keeping their order) so the rest of the plan is done
    /// while the identity still has its access. Replacements stay where they are: other
    /// operations may depend on the object they re-create.
    public static func mark(_ operations: [Operation], identity: ApplyingIdentity?) -> [Operation] {
        guard let identity else { return operations }
        var kept: [Operation] = [], last: [Operation] = []
        for var operation in operations {
            operation.selfLockout = reason(operation, identity: identity)
            if operation.selfLockout != nil, operation.action != .replace {
                last.append(operation)
            } else {
                kept.append(operation)
            }
        }
        return kept + last
    }

    /// Why `operation` locks `identity` out, or nil when it does not.
    public static func reason(_ operation: Operation, identity: ApplyingIdentity) -> String? {
        let address = operation.address
        // The applying token's policies and login are those of the connection's namespace.
        guard address.namespace.isEmpty else { return nil }
        switch (address.kind, operation.action) {
        case (.policy, .delete), (.policy, .replace):
            guard identity.holds(policy: address.name) else { return nil }
            return "the applying token holds policy \(address.name)"
        case (.policy, .update):
            guard identity.holds(policy: address.name), let removed = removedGrant(operation) else { return nil }
            return "the applying token holds policy \(address.name), and this change removes \(removed) from it"
        case (.authMethod, .delete), (.authMethod, .replace):
            guard identity.loggedIn(through: address.name) else { return nil }
            return "the applying token logged in through \(address.name) (\(identity.loginPath))"
        case (.appRoleRole, .delete), (.appRoleRole, .replace):
            guard isLoginRole(address.name, identity) else { return nil }
            return "the applying token logged in with AppRole role \(address.name)"
        case (.appRoleRole, .update):
            guard isLoginRole(address.name, identity) else { return nil }
            let change = operation.changes.first { $0.field == "token_policies" }
            let before = Set(names(change?.before).map { $0.lowercased() })
            let after = Set(names(change?.after).map { $0.lowercased() })
            let dropped = before.subtracting(after).filter { identity.holds(policy: $0) }.sorted()
            guard change != nil, !dropped.isEmpty else { return nil }
            return "the applying token logged in with AppRole role \(address.name), and this change removes "
                + "\(dropped.joined(separator: ", ")) from its token_policies"
        default:
            return nil
        }
    }

    /// Whether the AppRole role `name` (`approle/hoodcloud-admin`) is the one the identity
    /// logged in with.
    static func isLoginRole(_ name: String, _ identity: ApplyingIdentity) -> Bool {
        let (mount, roleName) = MountPath.split(name)
        guard let role = identity.roleName, !mount.isEmpty else { return false }
        return identity.loggedIn(through: mount) && roleName.lowercased() == role.lowercased()
    }

    /// The first grant the policy change takes away (`"read" on "secret/*"`), or nil when the
    /// new text grants at least everything the old one did on every path and denies nothing
    /// new.
    static func removedGrant(_ operation: Operation) -> String? {
        guard let change = operation.changes.first(where: { $0.field == "policy" }) else { return nil }
        guard case .policy(let old)? = change.before, case .policy(let new)? = change.after else {
            return "grants (its text cannot be compared)"
        }
        var newCapabilities: [String: Set<Capability>] = [:]
        for rule in new.rules { newCapabilities[rule.path, default: []].formUnion(rule.capabilities) }
        var oldCapabilities: [String: Set<Capability>] = [:]
        for rule in old.rules { oldCapabilities[rule.path, default: []].formUnion(rule.capabilities) }
        for rule in old.rules {
            let now = newCapabilities[rule.path] ?? []
            if now.contains(.deny), !rule.capabilities.contains(.deny) { return "everything on \"\(rule.path)\" (deny)" }
            if let lost = rule.capabilities.sorted().first(where: { $0 != .deny && !now.contains($0) }) {
                return "\"\(lost.rawValue)\" on \"\(rule.path)\""
            }
        }
        for rule in new.rules where rule.capabilities.contains(.deny) && !(oldCapabilities[rule.path] ?? []).contains(.deny) {
            return "everything on \"\(rule.path)\" (deny)"
        }
        return nil
    }

    private static func names(_ value: FieldValue?) -> [String] {
        switch value {
        case .list(let items)?, .set(let items)?: items
        case .string(let text)?: text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        default: []
        }
    }
}

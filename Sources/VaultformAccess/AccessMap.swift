import VaultformManifest

/// Every principal's grants: for each, the patterns its token's policies grant after merging,
/// with the capabilities, the policies and the rule's place in the manifest.
public struct AccessMap: Sendable {
    /// One merged pattern of a principal's ACL.
    public struct Entry: Sendable, Equatable {
        /// The pattern as written (`secret/data/*`).
        public var pattern: String
        /// The capabilities: only `deny`, or sorted by name.
        public var capabilities: [String]
        /// The policies whose rules for the pattern merge here.
        public var policies: [String]
        /// Where the deciding rule is written; nil for a built-in policy's.
        public var location: SourceLocation?
        /// The map's group for the pattern (`secret/`, `sys/policies/`).
        public var group: String
    }

    /// One principal and what its token may do.
    public struct PrincipalAccess: Sendable {
        public var principal: Principal
        public var entries: [Entry]
        /// Policies it holds that the manifest does not declare, so not evaluated.
        public var unknownPolicies: [String]
    }

    public let principals: [PrincipalAccess]

    public init(_ model: AccessModel) {
        principals = model.principals.map { principal in
            let known = model.knownPolicies(of: principal)
            let entries = model.acl(for: principal).grants.map { grant in
                Entry(
                    pattern: grant.written, capabilities: grant.names, policies: grant.policies,
                    location: model.location(of: grant, in: principal.namespace), group: model.group(of: grant.written, in: principal.namespace))
            }
            return PrincipalAccess(principal: principal, entries: entries, unknownPolicies: principal.policies.filter { !known.contains($0) })
        }
    }
}

/// What each principal gains and loses between two manifests: for every pattern either
/// version grants the principal, the capabilities a token would have on a path the pattern
/// names, before and after (so a new `deny` under a wider grant is a loss, and a rule that
/// moves between policies is no change).
public struct AccessDiff: Sendable {
    public enum Status: String, Sendable {
        case added, removed, changed
    }

    /// One pattern whose capabilities change for a principal.
    public struct Change: Sendable, Equatable {
        public var pattern: String
        public var before: [String]
        public var after: [String]
        public var gained: [String]
        public var lost: [String]
        /// The rule that decides after the change (before it, when the principal is removed).
        public var decidedBy: AccessAnswer.Decision?
        public var group: String
    }

    public struct PrincipalChange: Sendable {
        public var address: String
        public var status: Status
        public var policiesAdded: [String]
        public var policiesRemoved: [String]
        public var changes: [Change]

        public var gains: Bool { changes.contains { !$0.gained.isEmpty } }
        public var losses: Bool { changes.contains { !$0.lost.isEmpty } }
    }

    /// The principals with a change, by address.
    public let principals: [PrincipalChange]

    public var isEmpty: Bool { principals.isEmpty }

    public init(old: AccessModel, new: AccessModel) {
        let before = Dictionary(old.principals.map { ($0.address, $0) }) { first, _ in first }
        let after = Dictionary(new.principals.map { ($0.address, $0) }) { first, _ in first }
        let addresses = Set(before.keys).union(after.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var result: [PrincipalChange] = []
        for address in addresses {
            let was = before[address]
            let now = after[address]
            let namespace = (now ?? was)?.namespace ?? ""
            let oldACL = was.map { old.acl(for: $0) } ?? ACL([])
            let newACL = now.map { new.acl(for: $0) } ?? ACL([])
            var patterns = Set(oldACL.grants.map(\.written))
            patterns.formUnion(newACL.grants.map(\.written))
            var changes: [Change] = []
            for pattern in patterns.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let probe = Self.probe(pattern)
                let oldCapabilities = was == nil ? [] : Self.effective(oldACL, probe)
                let newCapabilities = now == nil ? [] : Self.effective(newACL, probe)
                guard oldCapabilities != newCapabilities else { continue }
                let deciding = now == nil ? oldACL.decide(probe).map { (old, $0) } : newACL.decide(probe).map { (new, $0) }
                changes.append(Change(
                    pattern: pattern, before: oldCapabilities, after: newCapabilities,
                    gained: newCapabilities.filter { !oldCapabilities.contains($0) },
                    lost: oldCapabilities.filter { !newCapabilities.contains($0) },
                    decidedBy: deciding.map { model, grant in
                        AccessAnswer.Decision(pattern: grant.written, policies: grant.policies, location: model.location(of: grant, in: namespace))
                    },
                    group: (now == nil ? old : new).group(of: pattern, in: namespace)))
            }
            let oldPolicies = was?.policies ?? []
            let newPolicies = now?.policies ?? []
            let added = newPolicies.filter { !oldPolicies.contains($0) }
            let removed = oldPolicies.filter { !newPolicies.contains($0) }
            guard was == nil || now == nil || !changes.isEmpty || !added.isEmpty || !removed.isEmpty else { continue }
            result.append(PrincipalChange(
                address: address, status: was == nil ? .added : now == nil ? .removed : .changed,
                policiesAdded: added, policiesRemoved: removed, changes: changes))
        }
        principals = result
    }

    /// A path the pattern names and no other pattern written in a policy does: itself (a `+`
    /// segment matches its own text), or for a glob, its text and then a character no rule
    /// spells (so `secret/data/*` is asked about a path under `secret/data/`, not about
    /// `secret/data/`, which a LIST also decides by an exact `secret/data` rule).
    static func probe(_ pattern: String) -> String {
        pattern.hasSuffix("*") ? String(pattern.dropLast()) + "\u{1}" : pattern
    }

    /// The capabilities a token has on `path`, as a set to compare: none for `deny`, every
    /// capability named for root.
    static func effective(_ acl: ACL, _ path: String) -> [String] {
        let answer = acl.capabilities(on: path)
        return answer == ["deny"] ? [] : answer
    }
}

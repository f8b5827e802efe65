import VaultformManifest
import VaultformPolicy
import VaultPath

/// Something that gets a token with policies: a role of a role-issuing auth method, a
/// userpass user, or an identity group (whose policies join its members' tokens). Named by
/// its plan address (`approle-role:approle/payments`).
public struct Principal: Sendable, Equatable {
    /// Its plan address.
    public var address: String
    /// The policies its token holds, lower-cased as the server stores them; `default` unless
    /// `token_no_default_policy` (identity groups add only their own).
    public var policies: [String]
    /// Where the manifest declares it.
    public var location: SourceLocation
}

/// A policy the access model evaluates, with where it and each of its rules are written.
public struct AccessPolicy: Sendable {
    public var document: PolicyDocument
    /// Where the manifest declares it; nil for the server's built-in `default`.
    public var location: SourceLocation?
    /// Where each rule is written, by its path (no leading `/`).
    public var ruleLocations: [String: SourceLocation]
}

/// The principals a manifest declares, and the policies by name it can evaluate them with.
public struct AccessModel: Sendable {
    public let principals: [Principal]
    /// The manifest's policies by name, with the server's built-in `default` unless the
    /// manifest declares its own.
    public let policies: [String: AccessPolicy]
    /// The paths of the manifest's mounts as requests name them (`secret/`, `auth/approle/`),
    /// longest first: what groups rules in the access map.
    public let mounts: [String]

    public init(_ manifest: Manifest) {
        var principals: [Principal] = []
        func role(_ kind: String, _ mount: String, _ name: String, _ token: TokenSettings, _ location: SourceLocation) {
            var names = (token.tokenPolicies ?? []).map { $0.value.lowercased() }
            if token.tokenNoDefaultPolicy != true && !names.contains("default") { names.append("default") }
            principals.append(Principal(address: "\(kind):\(MountPath.withSlash(mount))\(name.lowercased())", policies: names, location: location))
        }
        for item in manifest.appRoleRoles { role("approle-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.kubernetesRoles { role("kubernetes-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.jwtRoles { role("jwt-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.certRoles { role("cert-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.userpassUsers { role("userpass-user", item.mount.value, item.name, item.token, item.location) }
        for group in manifest.identityGroups {
            principals.append(Principal(
                address: "identity-group:\(group.name.lowercased())", policies: (group.policies ?? []).map { $0.value.lowercased() },
                location: group.location))
        }
        self.principals = principals.sorted { $0.address.utf8.lexicographicallyPrecedes($1.address.utf8) }
        var policies: [String: AccessPolicy] = ["default": AccessPolicy(document: BuiltinPolicies.default, location: nil, ruleLocations: [:])]
        for policy in manifest.policies {
            policies[policy.name.lowercased()] = AccessPolicy(document: policy.document, location: policy.location, ruleLocations: policy.ruleLocations)
        }
        self.policies = policies
        let mounts = manifest.secretsEngines.map { MountPath.withSlash($0.path) }
            + manifest.authMethods.map { "auth/" + MountPath.withSlash($0.path) }
        self.mounts = Set(mounts).sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The principal at `address`, if the manifest declares it.
    public func principal(_ address: String) -> Principal? { principals.first { $0.address == address } }

    /// The policies `principal` holds that the manifest declares (or are built in).
    public func knownPolicies(of principal: Principal) -> [String] {
        principal.policies.filter { $0 == "root" || policies[$0] != nil }
    }

    /// The ACL of a token of `principal`, from the policies the model knows.
    public func acl(for principal: Principal) -> ACL {
        ACL(knownPolicies(of: principal).map { name in (name, name == "root" ? PolicyDocument(rules: []) : policies[name]!.document) })
    }

    /// Where the rule for `grant` is written: in the first of its policies the manifest
    /// declares (the rule's own line; the policy's when the rule cannot be placed).
    public func location(of grant: ACL.Grant) -> SourceLocation? {
        for name in grant.policies {
            guard let policy = policies[name] else { continue }
            if let location = policy.ruleLocations[grant.written] { return location }
            if let location = policy.location { return location }
        }
        return nil
    }

    /// What `principal` may do on `path`.
    public func query(_ principal: Principal, path: String) -> AccessAnswer {
        let known = knownPolicies(of: principal)
        let acl = acl(for: principal)
        let decidedBy = acl.decide(path).map { grant in
            AccessAnswer.Decision(pattern: grant.written, policies: grant.policies, location: location(of: grant))
        }
        return AccessAnswer(
            capabilities: acl.capabilities(on: path), decidedBy: decidedBy,
            unknownPolicies: principal.policies.filter { !known.contains($0) })
    }

    /// The group a rule's pattern belongs to in the map: the longest mount of the manifest it
    /// lies under, else `sys/NAME/` or `auth/NAME/` or `identity/NAME/`, else its first segment.
    public func group(of pattern: String) -> String {
        if let mount = mounts.first(where: { pattern.utf8.starts(with: $0.utf8) }) { return mount }
        let segments = pattern.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        if segments.count >= 2, !segments[1].isEmpty, ["sys", "auth", "identity"].contains(segments[0]) {
            return "\(segments[0])/\(segments[1].hasSuffix("*") ? String(segments[1].dropLast()) : String(segments[1]))/"
        }
        if segments.count >= 2 { return "\(segments[0])/" }
        return pattern
    }
}

/// What a principal may do on a path.
public struct AccessAnswer: Sendable, Equatable {
    /// What `sys/capabilities` answers for a token of the principal: `["deny"]`, `["root"]`
    /// or the capabilities sorted by name.
    public var capabilities: [String]
    /// The pattern that decided, and the policies whose rules for it were merged.
    public var decidedBy: Decision?
    /// Policies the principal holds that the manifest does not declare (not evaluated).
    public var unknownPolicies: [String]

    public struct Decision: Sendable, Equatable {
        public var pattern: String
        public var policies: [String]
        public var location: SourceLocation?
    }

    /// Whether the capabilities allow `capability` (root allows everything).
    public func allows(_ capability: String) -> Bool {
        capabilities == ["root"] || (capabilities != ["deny"] && capabilities.contains(capability))
    }
}

/// The server's built-in policies.
public enum BuiltinPolicies {
    /// OpenBao 2.7's `default` policy, as rules (its identity-templated paths are kept as
    /// written, so they match only themselves here). `AccessTests` compares it with a dev
    /// server's `sys/policies/acl/default`.
    public static let `default` = PolicyDocument(rules: [
        PathRule(path: "auth/token/lookup-self", capabilities: [.read]),
        PathRule(path: "auth/token/renew-self", capabilities: [.update]),
        PathRule(path: "auth/token/revoke-self", capabilities: [.update]),
        PathRule(path: "sys/capabilities-self", capabilities: [.update]),
        PathRule(path: "identity/entity/id/{{identity.entity.id}}", capabilities: [.read]),
        PathRule(path: "identity/entity/name/{{identity.entity.name}}", capabilities: [.read]),
        PathRule(path: "sys/internal/ui/resultant-acl", capabilities: [.read]),
        PathRule(path: "sys/leases/renew", capabilities: [.update]),
        PathRule(path: "sys/leases/lookup", capabilities: [.update]),
        PathRule(path: "cubbyhole/*", capabilities: [.create, .read, .update, .delete, .list]),
        PathRule(path: "sys/wrapping/wrap", capabilities: [.update]),
        PathRule(path: "sys/wrapping/lookup", capabilities: [.update]),
        PathRule(path: "sys/wrapping/unwrap", capabilities: [.update]),
        PathRule(path: "sys/tools/hash", capabilities: [.update]),
        PathRule(path: "sys/tools/hash/*", capabilities: [.update]),
        PathRule(path: "identity/oidc/provider/+/authorize", capabilities: [.read, .update]),
    ])
}

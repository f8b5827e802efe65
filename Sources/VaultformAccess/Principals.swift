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

/// The principals a manifest declares, and the policies by name it can evaluate them with.
public struct AccessModel: Sendable {
    public let principals: [Principal]
    /// The manifest's policies by name, with the server's built-in `default` unless the
    /// manifest declares its own.
    public let policies: [String: (document: PolicyDocument, location: SourceLocation?)]

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
        var policies: [String: (document: PolicyDocument, location: SourceLocation?)] = ["default": (BuiltinPolicies.default, nil)]
        for policy in manifest.policies { policies[policy.name.lowercased()] = (policy.document, policy.location) }
        self.policies = policies
    }

    /// The principal at `address`, if the manifest declares it.
    public func principal(_ address: String) -> Principal? { principals.first { $0.address == address } }

    /// What `principal` may do on `path`.
    public func query(_ principal: Principal, path: String) -> AccessAnswer {
        let known = principal.policies.filter { $0 == "root" || policies[$0] != nil }
        let acl = ACL(known.map { name in (name, name == "root" ? PolicyDocument(rules: []) : policies[name]!.document) })
        let grant = acl.decide(path)
        let decidedBy = grant.map { grant in
            AccessAnswer.Decision(
                pattern: grant.pattern + (grant.form == .prefix ? "*" : ""), policies: grant.policies,
                location: grant.policies.lazy.compactMap { self.policies[$0]?.location }.first)
        }
        return AccessAnswer(
            capabilities: acl.capabilities(on: path), decidedBy: decidedBy,
            unknownPolicies: principal.policies.filter { !known.contains($0) })
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

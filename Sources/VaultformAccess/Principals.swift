import VaultformManifest
import VaultformPolicy
import VaultPath

/// Something that gets a token with policies: a role of a role-issuing auth method, a
/// userpass user, a token role with allowed policies, or an identity entity or group (whose policies join the tokens of their
/// logins). Named by its plan address (`approle-role:approle/payments`; inside a namespace
/// the manifest declares, `tenants/acme::approle-role:approle/app`).
public struct Principal: Sendable, Equatable {
    /// Its plan address.
    public var address: String
    /// The policies its token holds, lower-cased as the server stores them, in byte order
    /// with `default` last; `default` unless `token_no_default_policy` (identity entities and
    /// groups add only their own). Names of policies in the principal's namespace.
    public var policies: [String]
    /// Where the manifest declares it.
    public var location: SourceLocation
    /// The namespace it lives in, from the connection's (no slashes at either end); empty for
    /// the connection's own. Its policies and the paths asked about are that namespace's.
    public var namespace: String = ""
}

/// A policy the access model evaluates, with where it and each of its rules are written.
public struct AccessPolicy: Sendable {
    public var document: PolicyDocument
    /// Where the manifest declares it; nil for the server's built-in `default`.
    public var location: SourceLocation?
    /// Where each rule is written, by its path (no leading `/`).
    public var ruleLocations: [String: SourceLocation]
}

/// The principals a manifest declares, in the connection's namespace and in every namespace
/// it declares, and the policies they can be evaluated with.
public struct AccessModel: Sendable {
    public let principals: [Principal]
    /// The manifest's policies by scoped name (`reader`, or `tenants/acme::reader` inside a
    /// namespace), with the server's built-in `default` in each namespace unless the manifest
    /// declares its own there.
    public let policies: [String: AccessPolicy]
    /// For each namespace, the paths of its mounts as requests name them (`secret/`,
    /// `auth/approle/`), longest first: what groups rules in the access map.
    public let mounts: [String: [String]]

    /// A policy's key in `policies`.
    public static func key(_ name: String, in namespace: String) -> String { namespace.isEmpty ? name : "\(namespace)::\(name)" }

    /// The manifest's scopes: the connection's namespace, then each namespace it declares with
    /// its path (no slashes at either end) and contents.
    public static func scopes(_ manifest: Manifest) -> [(namespace: String, contents: Manifest)] {
        [("", manifest)] + manifest.namespaces.map { declaration in
            (declaration.path.split(separator: "/").joined(separator: "/"), declaration.contents)
        }
    }

    public init(_ manifest: Manifest) {
        var principals: [Principal] = []
        var policies: [String: AccessPolicy] = [:]
        var mounts: [String: [String]] = [:]
        for (namespace, contents) in Self.scopes(manifest) {
            let prefix = namespace.isEmpty ? "" : namespace + "::"
            // Policies in byte order, `default` last: the order a token's policies are written
            // in means nothing, and the server keeps its own.
            func add(_ address: String, _ names: [String], _ location: SourceLocation) {
                var unique: [String] = []
                for name in names where !unique.contains(name) { unique.append(name) }
                let sorted = unique.filter { $0 != "default" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                    + (unique.contains("default") ? ["default"] : [])
                principals.append(Principal(address: prefix + address, policies: sorted, location: location, namespace: namespace))
            }
            func role(_ kind: String, _ mount: String, _ name: String, _ token: TokenSettings, _ location: SourceLocation) {
                var names = (token.tokenPolicies ?? []).map { $0.value.lowercased() }
                if token.tokenNoDefaultPolicy != true && !names.contains("default") { names.append("default") }
                add("\(kind):\(MountPath.withSlash(mount))\(name.lowercased())", names, location)
            }
            for item in contents.appRoleRoles { role("approle-role", item.mount.value, item.name, item.token, item.location) }
            for item in contents.kubernetesRoles { role("kubernetes-role", item.mount.value, item.name, item.token, item.location) }
            for item in contents.jwtRoles { role("jwt-role", item.mount.value, item.name, item.token, item.location) }
            for item in contents.certRoles { role("cert-role", item.mount.value, item.name, item.token, item.location) }
            for item in contents.userpassUsers { role("userpass-user", item.mount.value, item.name, item.token, item.location) }
            // A token role's tokens get its allowed policies (and `default`, unless the role
            // leaves it out or disallows it) when the request names none; without allowed
            // policies they inherit their creator's, which no manifest says.
            for role in contents.tokenRoles {
                guard let allowed = role.allowedPolicies, !allowed.isEmpty else { continue }
                var names = allowed.map { $0.value.lowercased() }
                let disallowed = (role.disallowedPolicies ?? []).map { $0.value.lowercased() }
                if role.tokenNoDefaultPolicy != true && !disallowed.contains("default") { names.append("default") }
                add("token-role:\(role.name.lowercased())", names, role.location)
            }
            for entity in contents.identityEntities {
                add("identity-entity:\(entity.name.lowercased())", (entity.policies ?? []).map { $0.value.lowercased() }, entity.location)
            }
            for group in contents.identityGroups {
                add("identity-group:\(group.name.lowercased())", (group.policies ?? []).map { $0.value.lowercased() }, group.location)
            }
            policies[Self.key("default", in: namespace)] = AccessPolicy(document: BuiltinPolicies.default, location: nil, ruleLocations: [:])
            for policy in contents.policies {
                policies[Self.key(policy.name.lowercased(), in: namespace)] = AccessPolicy(
                    document: policy.document, location: policy.location, ruleLocations: policy.ruleLocations)
            }
            let paths = contents.secretsEngines.map { MountPath.withSlash($0.path) }
                + contents.authMethods.map { "auth/" + MountPath.withSlash($0.path) }
            mounts[namespace] = Set(paths).sorted {
                $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0.utf8.lexicographicallyPrecedes($1.utf8)
            }
        }
        self.principals = principals.sorted { $0.address.utf8.lexicographicallyPrecedes($1.address.utf8) }
        self.policies = policies
        self.mounts = mounts
    }

    /// The principal at `address`, if the manifest declares it.
    public func principal(_ address: String) -> Principal? { principals.first { $0.address == address } }

    /// The policy `name` of `namespace`, if the manifest declares it or it is built in.
    public func policy(_ name: String, in namespace: String) -> AccessPolicy? { policies[Self.key(name, in: namespace)] }

    /// The policies `principal` holds that the manifest declares (or are built in).
    public func knownPolicies(of principal: Principal) -> [String] {
        principal.policies.filter { $0 == "root" || policy($0, in: principal.namespace) != nil }
    }

    /// The ACL of a token of `principal`, from the policies the model knows.
    public func acl(for principal: Principal) -> ACL {
        ACL(knownPolicies(of: principal).map { name in
            (name, name == "root" ? PolicyDocument(rules: []) : policy(name, in: principal.namespace)!.document)
        })
    }

    /// Where the rule for `grant` is written: in the first of its policies the manifest
    /// declares (the rule's own line; the policy's when the rule cannot be placed).
    public func location(of grant: ACL.Grant, in namespace: String) -> SourceLocation? {
        for name in grant.policies {
            guard let policy = policy(name, in: namespace) else { continue }
            if let location = policy.ruleLocations[grant.written] { return location }
            if let location = policy.location { return location }
        }
        return nil
    }

    /// The request constraints of the rules merged into `grant`, policy by policy.
    public func constraints(of grant: ACL.Grant, in namespace: String) -> [AccessAnswer.Constraint] {
        grant.policies.flatMap { name -> [AccessAnswer.Constraint] in
            (policy(name, in: namespace)?.document.rules ?? []).compactMap { rule in
                guard rule.path == grant.written,
                    !rule.requiredParameters.isEmpty || !rule.allowedParameters.isEmpty || !rule.deniedParameters.isEmpty
                        || rule.minWrappingTTL != nil || rule.maxWrappingTTL != nil
                else { return nil }
                return AccessAnswer.Constraint(
                    policy: name, requiredParameters: rule.requiredParameters, allowedParameters: rule.allowedParameters,
                    deniedParameters: rule.deniedParameters, minWrappingTTL: rule.minWrappingTTL, maxWrappingTTL: rule.maxWrappingTTL)
            }
        }
    }

    /// What `principal` may do on `path` (in its namespace).
    public func query(_ principal: Principal, path: String) -> AccessAnswer {
        let known = knownPolicies(of: principal)
        let acl = acl(for: principal)
        let decidedBy = acl.decide(path).map { grant in
            AccessAnswer.Decision(
                pattern: grant.written, policies: grant.policies, location: location(of: grant, in: principal.namespace),
                constraints: constraints(of: grant, in: principal.namespace))
        }
        return AccessAnswer(
            capabilities: acl.capabilities(on: path), decidedBy: decidedBy,
            unknownPolicies: principal.policies.filter { !known.contains($0) })
    }

    /// The group a rule's pattern belongs to in the map: the longest mount of the namespace
    /// it lies under, else `sys/NAME/`, `auth/NAME/` or `identity/NAME/`, else its first segment.
    public func group(of pattern: String, in namespace: String) -> String {
        if let mount = (mounts[namespace] ?? []).first(where: { pattern.utf8.starts(with: $0.utf8) }) { return mount }
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
        /// The deciding rules that constrain requests further (parameters, wrapping TTLs):
        /// reported, not evaluated, since they depend on each request's body.
        public var constraints: [Constraint] = []
    }

    /// One deciding rule's request constraints, as its policy writes them.
    public struct Constraint: Sendable, Equatable {
        public var policy: String
        public var requiredParameters: [String]
        public var allowedParameters: [String: [String]]
        public var deniedParameters: [String: [String]]
        public var minWrappingTTL: Int?
        public var maxWrappingTTL: Int?

        /// How a person reads it: `payments requires parameters a; allows ttl only as 1h`.
        public var summary: String {
            var parts: [String] = []
            func values(_ map: [String: [String]]) -> String {
                map.keys.sorted().map { key in map[key]!.isEmpty ? key : "\(key) = \(map[key]!.joined(separator: " or "))" }
                    .joined(separator: ", ")
            }
            if !requiredParameters.isEmpty { parts.append("requires \(requiredParameters.joined(separator: ", "))") }
            if !allowedParameters.isEmpty { parts.append("allows only \(values(allowedParameters))") }
            if !deniedParameters.isEmpty { parts.append("denies \(values(deniedParameters))") }
            if let minWrappingTTL { parts.append("wrapping TTL at least \(minWrappingTTL)s") }
            if let maxWrappingTTL { parts.append("wrapping TTL at most \(maxWrappingTTL)s") }
            return "\(policy): " + parts.joined(separator: "; ")
        }
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

import VaultformManifest
import VaultformPolicy
import VaultPath

/// One thing `vaultform lint` reports: what is risky, where, and how sure the reviewer must be.
public struct LintFinding: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Stable across runs and edits elsewhere: the check and its subject
    /// (`escalation:approle-role:approle/admin`), what `lint.accept` names.
    public var id: String
    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The steps that lead to the risk, for an escalation.
    public var chain: [String] = []
    /// The reason the manifest gives for accepting it; nil when not accepted.
    public var acceptedBecause: String?
}

/// Escalation and hygiene checks over a manifest's policies and principals.
///
/// Escalation is decided with the same ACL evaluation as `access` (proved against the
/// server): a principal that may rewrite a policy it holds, or may write some policy and also
/// something that hands policies to a login (a role, a user, a token role, an identity group
/// or entity), can give itself any capability.
public struct Lint: Sendable {
    public let findings: [LintFinding]

    public init(_ manifest: Manifest, model: AccessModel) {
        var findings: [LintFinding] = []
        let scopes = AccessModel.scopes(manifest)
        findings += Self.escalations(model, carriers: Dictionary(scopes.map { ($0.namespace, Self.policyCarriers($0.contents)) }) { first, _ in first })
        findings += Self.policyRules(model)
        for (namespace, contents) in scopes {
            let prefix = namespace.isEmpty ? "" : namespace + "::"
            findings += Self.appRoles(contents, prefix: prefix)
            findings += Self.wideCIDRs(contents, settings: manifest.lintSettings, prefix: prefix)
            findings += Self.tokenRoles(contents, prefix: prefix)
            findings += Self.unusedPolicies(contents, model, namespace: namespace)
        }
        var accepted: [String: String] = [:]
        for acceptance in manifest.lintAcceptances { accepted[acceptance.id.value] = acceptance.reason }
        findings = findings.map { finding in
            var finding = finding
            finding.acceptedBecause = accepted[finding.id]
            return finding
        }
        let ids = Set(findings.map(\.id))
        for acceptance in manifest.lintAcceptances where !ids.contains(acceptance.id.value) {
            findings.append(LintFinding(
                id: "stale-acceptance:\(acceptance.id.value)", severity: .info,
                message: "lint.accept names \(acceptance.id.value), which no check finds any more: remove the acceptance",
                location: acceptance.id.location))
        }
        self.findings = findings.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
        }
    }

    /// The findings not accepted, at or above `severity`.
    public func open(atLeast severity: LintFinding.Severity) -> [LintFinding] {
        findings.filter { $0.acceptedBecause == nil && $0.severity >= severity }
    }

    // MARK: Escalation

    /// Where writing hands policies to a login, for the manifest's auth mounts and the built-in ones.
    static func policyCarriers(_ manifest: Manifest) -> [(area: String, what: String)] {
        var areas: [(String, String)] = []
        for method in manifest.authMethods {
            let mount = "auth/" + MountPath.withSlash(method.path)
            switch method.type {
            case "userpass": areas.append((mount + "users/", "a user of \(mount)"))
            case "cert": areas.append((mount + "certs/", "a trusted certificate of \(mount)"))
            case "ldap", "okta": areas += [(mount + "groups/", "a group of \(mount)"), (mount + "users/", "a user of \(mount)")]
            default: areas.append((mount + "role/", "a role of \(mount)"))
            }
        }
        areas += [
            ("auth/token/roles/", "a token role"), ("identity/group", "an identity group"), ("identity/group/", "an identity group"),
            ("identity/entity", "an identity entity"), ("identity/entity/", "an identity entity"),
        ]
        return areas
    }

    /// A path under `area` (or `area` itself, when it does not end in `/`) on which the ACL
    /// allows any of `wanted`, with the grant that decides; the paths tried are the area's own
    /// and those the ACL's patterns name inside it.
    static func reach(_ acl: ACL, _ area: String, _ wanted: Set<Capability>) -> (path: String, grant: ACL.Grant)? {
        var probes = area.hasSuffix("/") ? [area + "x"] : [area]
        if area.hasSuffix("/") {
            for grant in acl.grants {
                let written = grant.written
                let glob = written.hasSuffix("*")
                let body = glob ? written.dropLast() : Substring(written)
                // Without a `+` byte no segment is rewritten: the pattern is its own literal,
                // and most patterns are not under the area at all.
                let literal: String
                if body.utf8.contains(UInt8(ascii: "+")) {
                    // A `+` segment stands for the area's segment where the area has one.
                    let areaParts = area.split(separator: "/", omittingEmptySubsequences: false)
                    literal = body.split(separator: "/", omittingEmptySubsequences: false).enumerated()
                        .map { index, segment in
                            guard segment == "+" else { return String(segment) }
                            return index < areaParts.count && !areaParts[index].isEmpty ? String(areaParts[index]) : "x"
                        }
                        .joined(separator: "/")
                } else {
                    guard body.utf8.starts(with: area.utf8) else { continue }
                    literal = String(body)
                }
                guard literal.utf8.starts(with: area.utf8) else { continue }
                probes.append(glob || literal.utf8.count == area.utf8.count ? literal + "x" : literal)
            }
        }
        for probe in probes {
            guard let grant = acl.decide(probe), !grant.capabilities.contains(.deny), !grant.capabilities.isDisjoint(with: wanted)
            else { continue }
            return (probe, grant)
        }
        return nil
    }

    static func escalations(_ model: AccessModel, carriers byNamespace: [String: [(area: String, what: String)]]) -> [LintFinding] {
        let write: Set<Capability> = [.create, .update]
        var findings: [LintFinding] = []
        for principal in model.principals {
            let acl = model.acl(for: principal)
            guard !acl.isRoot else { continue }
            let carriers = byNamespace[principal.namespace] ?? []
            func rule(_ grant: ACL.Grant) -> String {
                "rule \"\(grant.written)\" in \(grant.policies.joined(separator: ", "))"
                    + (model.location(of: grant, in: principal.namespace).map { " (\($0.file):\($0.line))" } ?? "")
            }
            let holds = "\(principal.address) holds \(principal.policies.joined(separator: ", "))"
            // A policy it holds, rewritten: nothing else needed.
            let own = principal.policies.lazy.compactMap { name -> (path: String, grant: ACL.Grant)? in
                for area in ["sys/policies/acl/", "sys/policy/"] {
                    if let grant = acl.decide(area + name), !grant.capabilities.contains(.deny), !grant.capabilities.isDisjoint(with: write) {
                        return (area + name, grant)
                    }
                }
                return nil
            }.first
            let policyWrite = own ?? ["sys/policies/acl/", "sys/policy/"].lazy.compactMap { reach(acl, $0, write) }.first
            guard let policyWrite else { continue }
            let carrier = carriers.lazy.compactMap { carrier in reach(acl, carrier.area, write).map { (what: carrier.what, reach: $0) } }.first
            guard own != nil || carrier != nil else { continue }
            var chain = [holds, "it may write a policy: update \(policyWrite.path), \(rule(policyWrite.grant))"]
            if let own { chain.append("including \(own.path.split(separator: "/").last ?? ""), which its own token carries") }
            if let carrier {
                chain.append("and \(carrier.what) that hands a policy to a login: update \(carrier.reach.path), \(rule(carrier.reach.grant))")
            }
            chain.append(own != nil
                ? "so rewriting its own policy gives its next token any capability"
                : "so it can write a policy granting anything, attach it there and log in with it")
            findings.append(LintFinding(
                id: "escalation:\(principal.address)", severity: .error,
                message: "\(principal.address) can grant itself any capability", location: principal.location, chain: chain))
        }
        return findings
    }

    // MARK: Policy rules

    static func policyRules(_ model: AccessModel) -> [LintFinding] {
        var findings: [LintFinding] = []
        for (name, policy) in model.policies.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where policy.location != nil {
            for rule in policy.document.rules {
                let capabilities = Set(rule.capabilities)
                guard !capabilities.contains(.deny), !capabilities.isEmpty else { continue }
                let location = policy.ruleLocations[rule.path] ?? policy.location
                let single = ACL([(name, PolicyDocument(rules: [rule]))])
                let everything = rule.path == "*" || rule.path == "+*" || rule.path == "+/*"
                if everything {
                    findings.append(LintFinding(
                        id: "path-star:\(name)", severity: .error,
                        message: "policy \(name) grants \(capabilities.sorted().map(\.rawValue).joined(separator: ", ")) on every path (path \"\(rule.path)\")",
                        location: location))
                    continue
                }
                if single.decide("sys/x") != nil && single.decide("sys/mounts/x") != nil && single.decide("sys/policies/acl/x") != nil {
                    findings.append(LintFinding(
                        id: "sys-glob:\(name):\(rule.path)", severity: .error,
                        message: "policy \(name) grants \(capabilities.sorted().map(\.rawValue).joined(separator: ", ")) on all of sys/ (path \"\(rule.path)\")",
                        location: location))
                } else if capabilities.contains(.sudo), ["sys/", "/sys/"].contains(where: { rule.path.hasPrefix($0) }) || rule.path.hasPrefix("+/") {
                    findings.append(LintFinding(
                        id: "sys-sudo:\(name):\(rule.path)", severity: .warning,
                        message: "policy \(name) grants sudo on \(rule.path) (root-protected endpoints)", location: location))
                }
                let tokenCreate = ["auth/token/create", "auth/token/create-orphan", "auth/token/create/x"]
                if capabilities.contains(.sudo), !capabilities.isDisjoint(with: [.create, .update]),
                    tokenCreate.contains(where: { single.decide($0) != nil })
                {
                    findings.append(LintFinding(
                        id: "token-create-any-policy:\(name):\(rule.path)", severity: .error,
                        message: "policy \(name) grants sudo with create or update on auth/token/create (path \"\(rule.path)\"): its holder may create tokens with any policy, not only a subset of its own",
                        location: location))
                }
            }
        }
        return findings
    }

    // MARK: Roles and CIDRs

    static func appRoles(_ manifest: Manifest, prefix: String) -> [LintFinding] {
        var findings: [LintFinding] = []
        for role in manifest.appRoleRoles {
            let address = "\(prefix)approle-role:\(MountPath.withSlash(role.mount.value))\(role.name.lowercased())"
            if role.bindSecretID == false {
                findings.append(LintFinding(
                    id: "approle-no-secret-id:\(address)", severity: .error,
                    message: "\(address) has bind_secret_id: false: its role ID alone logs in", location: role.location))
            } else if (role.secretIDTTL?.seconds ?? 0) == 0 && (role.secretIDNumUses ?? 0) == 0 {
                findings.append(LintFinding(
                    id: "approle-secret-id-forever:\(address)", severity: .warning,
                    message: "\(address): its secret IDs never expire (secret_id_ttl 0) and may be used without limit (secret_id_num_uses 0)",
                    location: role.location))
            }
            if (role.secretIDBoundCIDRs ?? []).isEmpty && (role.token.tokenBoundCIDRs ?? []).isEmpty {
                findings.append(LintFinding(
                    id: "approle-no-cidr:\(address)", severity: .warning,
                    message: "\(address) binds neither its secret IDs nor its tokens to CIDRs: they work from anywhere", location: role.location))
            }
        }
        return findings
    }

    static func wideCIDRs(_ manifest: Manifest, settings: LintSettings, prefix: String) -> [LintFinding] {
        let ipv4 = settings.minIPv4Prefix ?? LintSettings.defaultMinIPv4Prefix
        let ipv6 = settings.minIPv6Prefix ?? LintSettings.defaultMinIPv6Prefix
        var bound: [(address: String, field: String, cidrs: [CIDR], location: SourceLocation)] = []
        for role in manifest.appRoleRoles {
            let address = "\(prefix)approle-role:\(MountPath.withSlash(role.mount.value))\(role.name.lowercased())"
            bound.append((address, "secret_id_bound_cidrs", role.secretIDBoundCIDRs ?? [], role.location))
            bound.append((address, "token_bound_cidrs", role.token.tokenBoundCIDRs ?? [], role.location))
        }
        func token(_ kind: String, _ mount: String, _ name: String, _ token: TokenSettings, _ location: SourceLocation) {
            bound.append(("\(prefix)\(kind):\(MountPath.withSlash(mount))\(name.lowercased())", "token_bound_cidrs", token.tokenBoundCIDRs ?? [], location))
        }
        for item in manifest.kubernetesRoles { token("kubernetes-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.jwtRoles { token("jwt-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.certRoles { token("cert-role", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.userpassUsers { token("userpass-user", item.mount.value, item.name, item.token, item.location) }
        for item in manifest.tokenRoles { bound.append(("\(prefix)token-role:\(item.name.lowercased())", "token_bound_cidrs", item.tokenBoundCIDRs ?? [], item.location)) }
        // One finding per principal and CIDR, naming every field that binds it.
        var wide: [(id: String, fields: [String], cidr: CIDR, address: String, location: SourceLocation)] = []
        for entry in bound {
            for cidr in entry.cidrs where cidr.prefixLength < (cidr.family == .ipv4 ? ipv4 : ipv6) {
                let id = "wide-cidr:\(entry.address):\(cidr)"
                if let index = wide.firstIndex(where: { $0.id == id }) {
                    if !wide[index].fields.contains(entry.field) { wide[index].fields.append(entry.field) }
                } else {
                    wide.append((id, [entry.field], cidr, entry.address, entry.location))
                }
            }
        }
        return wide.map { item in
            let family = item.cidr.family == .ipv4 ? "ipv4" : "ipv6"
            return LintFinding(
                id: item.id, severity: .warning,
                message: "\(item.address) \(item.fields.joined(separator: " and ")) allow\(item.fields.count == 1 ? "s" : "") \(item.cidr), wider than /\(item.cidr.family == .ipv4 ? ipv4 : ipv6) (lint.min_\(family)_prefix)",
                location: item.location)
        }
    }

    static func tokenRoles(_ manifest: Manifest, prefix: String) -> [LintFinding] {
        manifest.tokenRoles.compactMap { role in
            guard (role.allowedPoliciesGlob ?? []).contains(where: { $0 == "*" }) else { return nil }
            return LintFinding(
                id: "token-role-any-policy:\(prefix)token-role:\(role.name.lowercased())", severity: .error,
                message: "token role \(role.name) allows any policy (allowed_policies_glob \"*\"): whoever may create tokens with it holds every policy",
                location: role.location)
        }
    }

    static func unusedPolicies(_ manifest: Manifest, _ model: AccessModel, namespace: String) -> [LintFinding] {
        var used = Set(model.principals.filter { $0.namespace == namespace }.flatMap(\.policies))
        for role in manifest.tokenRoles { used.formUnion((role.allowedPolicies ?? []).map { $0.value.lowercased() }) }
        return manifest.policies.compactMap { policy in
            let name = policy.name.lowercased()
            guard !used.contains(name), name != "default" else { return nil }
            return LintFinding(
                id: "unused-policy:\(AccessModel.key(name, in: namespace))", severity: .info,
                message: "policy \(name) is held by no principal or token role the manifest declares", location: policy.location)
        }
    }
}

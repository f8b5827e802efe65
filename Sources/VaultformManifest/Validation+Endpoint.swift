import VaultPath

/// Checks of generic endpoints (`endpoints:`): paths that are real, not another kind's and
/// declared once; `compare` and `write_only` keys that make sense; `after` naming what the
/// manifest declares (rewritten to the address as plans spell it).
extension Validator {
    mutating func checkEndpoints(_ manifest: inout Manifest) {
        guard !manifest.endpoints.isEmpty else { return }
        duplicates(manifest.endpoints, key: \.path, location: { $0.location(of: "path") }, what: { "endpoint `\($0.path)`" })
        let declared = DeclaredAddresses(manifest)
        for index in manifest.endpoints.indices {
            let endpoint = manifest.endpoints[index]
            checkSegments(endpoint.path, what: "the endpoint's path", at: endpoint.location(of: "path"))
            if endpoint.path.contains("::") {
                report(.error(
                    "endpoint path `\(endpoint.path)` must not contain `::` (addresses write `NAMESPACE::KIND:NAME`)",
                    at: endpoint.location(of: "path")))
            }
            if case .request(_, let path) = endpoint.delete, path != endpoint.path {
                checkSegments(path, what: "the endpoint's `delete` path", at: endpoint.location(of: "delete"))
            }
            if let managed = ManagedPaths.kind(managing: endpoint.path, in: manifest) {
                report(.error(
                    "endpoint `\(endpoint.path)` is a path vaultform manages as \(managed)", at: endpoint.location(of: "path"),
                    hint: "declare it in its own section, which compares and deletes it field by field"))
            }
            for key in endpoint.compare ?? [] where endpoint.data[key] == nil {
                report(.error(
                    "endpoint `\(endpoint.path)` compares `\(key)`, which its `data` does not give", at: endpoint.location(of: "compare.\(key)"),
                    hint: "add `\(key)` to `data`, or take it out of `compare`"))
            }
            for key in endpoint.data.keys.sorted() where endpoint.writeOnly[key] == nil && Self.looksSecret(key) {
                report(.warning(
                    "endpoint `\(endpoint.path)`: `\(key)` looks like a secret, and `data` values are shown in plans and kept in plan files",
                    at: endpoint.location(of: "data.\(key)"), hint: "give it under `write_only` with a source (`from_env`, `from_file`)"))
            }
            for key in endpoint.writeOnly.keys.sorted() where endpoint.data[key] != nil {
                report(.error(
                    "endpoint `\(endpoint.path)` gives `\(key)` both in `data` and in `write_only`", at: endpoint.location(of: "write_only.\(key)"),
                    hint: "a secret goes only under `write_only`"))
            }
            for (position, text) in endpoint.after.enumerated() {
                let location = endpoint.location(of: "after.\(position)")
                guard let address = declared.normalised(text) else {
                    report(.error(
                        "`after: \(text)` is not an address vaultform can order by", at: location,
                        hint: "write KIND:NAME, such as `auth:oidc/`, `mount:transit/`, `policy:NAME` or `endpoint:PATH`; "
                            + "kinds: " + DeclaredAddresses.words.joined(separator: ", ")))
                    continue
                }
                guard declared.addresses.contains(address) else {
                    report(.error("`after: \(text)` names nothing the manifest declares", at: location))
                    continue
                }
                guard address != "endpoint:\(endpoint.path)" else {
                    report(.error("endpoint `\(endpoint.path)` is written after itself", at: location))
                    continue
                }
                manifest.endpoints[index].after[position] = address
            }
        }
    }

    /// A key whose name says it holds a secret (`bindpass`, `client_secret`, `password`).
    static func looksSecret(_ key: String) -> Bool {
        let name = key.lowercased()
        return ["password", "passwd", "bindpass", "secret", "private_key", "api_key", "apikey"].contains { name.contains($0) }
    }

    /// Path segments that are real, by the check every request path goes through
    /// (`PathSegment`, strict as for names): none empty (no leading, trailing or doubled
    /// slash), `.`, `..`, or holding `%`, `?`, `#`, a backslash or a control character, which
    /// a client or proxy would send somewhere else. Not on vaultform's own `vaultform-lock/`.
    private mutating func checkSegments(_ path: String, what: String, at location: SourceLocation) {
        if let problem = PathSegment.problem(inPath: path, trailingSlash: false, strict: true) {
            report(.error("\(what) `\(path)` \(problem)", at: location, hint: "write the path the server serves, without `/v1/` or slashes at its ends"))
        } else if path.split(separator: "/").first == "vaultform-lock" {
            report(.error("\(what) `\(path)` is on `vaultform-lock`, which vaultform keeps for itself", at: location))
        }
    }
}

/// The addresses the manifest declares, spelled as plans spell them (`auth:oidc/`,
/// `policy:admins`), for the kinds an endpoint's `after` may name.
struct DeclaredAddresses {
    /// The address words `after` may use.
    static let words = [
        "audit", "mount", "auth", "policy", "transit-key", "pki-root-ca", "pki-intermediate-ca", "pki-config", "pki-role",
        "approle-role", "kubernetes-config", "kubernetes-role", "userpass-user", "jwt-config", "jwt-role", "cert-role",
        "token-role", "identity-entity", "identity-group", "rate-limit-quota", "database-connection", "database-role",
        "database-static-role", "ssh-ca", "ssh-role", "totp-key", "endpoint",
    ]
    /// Words whose name is a mount path (`oidc/`).
    private static let mountNamed: Set<String> = [
        "audit", "mount", "auth", "pki-root-ca", "pki-intermediate-ca", "pki-config", "kubernetes-config", "jwt-config", "ssh-ca",
    ]
    /// Words whose name is `MOUNT/NAME` with the name lower-cased, as the server stores it.
    private static let lowerCasedOnMount: Set<String> = ["approle-role", "kubernetes-role", "userpass-user", "jwt-role", "cert-role"]
    /// Words whose name is `MOUNT/NAME`, kept as written.
    private static let onMount: Set<String> = [
        "transit-key", "pki-role", "database-connection", "database-role", "database-static-role", "ssh-role", "totp-key",
    ]
    /// Words whose name is lower-cased.
    private static let lowerCased: Set<String> = ["policy", "identity-entity", "identity-group"]

    let addresses: Set<String>

    init(_ manifest: Manifest) {
        func mount(_ word: String, _ path: String) -> String { "\(word):\(MountPath.withSlash(path))" }
        func onMount(_ word: String, _ path: String, _ name: String) -> String {
            "\(word):\(MountPath.withSlash(path))\(Self.lowerCasedOnMount.contains(word) ? name.lowercased() : name)"
        }
        var all: [String] = []
        all += manifest.auditDevices.map { mount("audit", $0.path) }
        all += manifest.secretsEngines.map { mount("mount", $0.path) }
        all += manifest.authMethods.map { mount("auth", $0.path) }
        all += manifest.pkiRootCAs.map { mount("pki-root-ca", $0.mount.value) }
        all += manifest.pkiIntermediateCAs.map { mount("pki-intermediate-ca", $0.mount.value) }
        all += manifest.pkiConfigs.map { mount("pki-config", $0.mount.value) }
        all += manifest.kubernetesConfigs.map { mount("kubernetes-config", $0.mount.value) }
        all += manifest.jwtConfigs.map { mount("jwt-config", $0.mount.value) }
        all += manifest.policies.map { "policy:\($0.name.lowercased())" }
        all += manifest.identityEntities.map { "identity-entity:\($0.name.lowercased())" }
        all += manifest.identityGroups.map { "identity-group:\($0.name.lowercased())" }
        all += manifest.tokenRoles.map { "token-role:\($0.name)" }
        all += manifest.quotas.map { "rate-limit-quota:\($0.name)" }
        all += manifest.transitKeys.map { onMount("transit-key", $0.mount.value, $0.name) }
        all += manifest.pkiRoles.map { onMount("pki-role", $0.mount.value, $0.name) }
        all += manifest.appRoleRoles.map { onMount("approle-role", $0.mount.value, $0.name) }
        all += manifest.kubernetesRoles.map { onMount("kubernetes-role", $0.mount.value, $0.name) }
        all += manifest.userpassUsers.map { onMount("userpass-user", $0.mount.value, $0.name) }
        all += manifest.jwtRoles.map { onMount("jwt-role", $0.mount.value, $0.name) }
        all += manifest.certRoles.map { onMount("cert-role", $0.mount.value, $0.name) }
        all += manifest.databaseConnections.map { onMount("database-connection", $0.mount.value, $0.name) }
        all += manifest.databaseRoles.map { onMount("database-role", $0.mount.value, $0.name) }
        all += manifest.databaseStaticRoles.map { onMount("database-static-role", $0.mount.value, $0.name) }
        all += manifest.sshCAs.map { mount("ssh-ca", $0.mount.value) }
        all += manifest.sshRoles.map { onMount("ssh-role", $0.mount.value, $0.name) }
        all += manifest.totpKeys.map { onMount("totp-key", $0.mount.value, $0.name) }
        all += manifest.endpoints.map { "endpoint:\($0.path)" }
        addresses = Set(all)
    }

    /// `text` (`auth:oidc`, `policy:Admins`) as plans spell it (`auth:oidc/`, `policy:admins`);
    /// nil when it is not `WORD:NAME` with a word of `words`.
    func normalised(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let word = String(text[..<colon])
        let name = String(text[text.index(after: colon)...])
        guard Self.words.contains(word), !name.isEmpty else { return nil }
        if Self.mountNamed.contains(word) { return "\(word):\(MountPath.withSlash(name))" }
        if Self.lowerCased.contains(word) { return "\(word):\(name.lowercased())" }
        if Self.onMount.contains(word) || Self.lowerCasedOnMount.contains(word) {
            guard let slash = name.lastIndex(of: "/") else { return nil }
            let mount = MountPath.withSlash(name[..<slash])
            let object = String(name[name.index(after: slash)...])
            return "\(word):\(mount)\(Self.lowerCasedOnMount.contains(word) ? object.lowercased() : object)"
        }
        return "\(word):\(name)"
    }
}

/// The paths the manifest's kinds manage, which an endpoint may not claim: fixed paths of the
/// server's own objects, and paths on the mounts the manifest declares, by the mount's type.
/// `KindShapeAgreementTests` checks that every kind's endpoint is among them.
public enum ManagedPaths {
    /// Patterns of server-wide objects: `*` is one segment, `**` one or more.
    static let global: [(pattern: String, what: String)] = [
        ("sys/mounts/**", "a secrets engine"), ("sys/auth/**", "an auth method"), ("sys/audit/**", "an audit device"),
        ("sys/policies/acl/*", "a policy"), ("sys/policy/*", "a policy"), ("sys/quotas/rate-limit/*", "a quota"),
        ("auth/token/roles/*", "a token role"), ("identity/entity/**", "an identity entity"),
        ("identity/group/**", "an identity group"), ("identity/entity-alias/**", "an entity alias"),
        ("identity/group-alias/**", "a group alias"), ("sys/namespaces/**", "a namespace"),
    ]
    /// Patterns under a secrets engine's path, by engine type.
    static let onEngines: [String: [(pattern: String, what: String)]] = [
        "transit": [("keys/**", "a Transit key")],
        "kv": [("config", "a KV config"), ("data/**", "a secret")],
        "kv-v2": [("config", "a KV config"), ("data/**", "a secret")],
        "pki": [
            ("roles/*", "a PKI role"), ("root/**", "a PKI root CA"), ("intermediate/**", "a PKI intermediate CA"),
            ("config/urls", "a PKI config"), ("config/crl", "a PKI config"), ("config/cluster", "a PKI config"),
            ("config/issuers", "a PKI config"), ("issuer/*", "a PKI CA's issuer"), ("key/*", "a PKI CA's key"),
        ],
        "ssh": [("config/ca", "an SSH CA"), ("issuer/*", "an SSH CA's issuer"), ("roles/*", "an SSH role")],
        "totp": [("keys/*", "a TOTP key")],
        "database": [("config/*", "a database connection"), ("roles/*", "a database role"), ("static-roles/*", "a database static role")],
    ]
    /// Patterns under `auth/PATH/`, by auth method type.
    static let onAuthMethods: [String: [(pattern: String, what: String)]] = [
        "approle": [("role/**", "an AppRole role")],
        "kubernetes": [("config", "a Kubernetes config"), ("role/*", "a Kubernetes role")],
        "userpass": [("users/*", "a userpass user")],
        "jwt": [("config", "a JWT config"), ("role/*", "a JWT role")],
        "oidc": [("config", "a JWT config"), ("role/*", "a JWT role")],
        "cert": [("certs/*", "a certificate role")],
    ]

    /// What the manifest's kinds manage `path` as (`a Transit key`), or nil when none does.
    public static func kind(managing path: String, in manifest: Manifest) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for (pattern, what) in global where matches(segments, pattern) { return what }
        for engine in manifest.secretsEngines {
            let type = engine.isKVv2 ? "kv-v2" : engine.type
            if let what = under(segments, MountPath.withoutSlash(engine.path), onEngines[type] ?? []) { return what }
        }
        for method in manifest.authMethods {
            if let what = under(segments, "auth/" + MountPath.withoutSlash(method.path), onAuthMethods[method.type] ?? []) { return what }
        }
        return nil
    }

    private static func under(_ segments: [String], _ mount: String, _ patterns: [(pattern: String, what: String)]) -> String? {
        let prefix = mount.split(separator: "/").map(String.init)
        guard segments.count > prefix.count, Array(segments.prefix(prefix.count)) == prefix else { return nil }
        let rest = Array(segments.dropFirst(prefix.count))
        return patterns.first { matches(rest, $0.pattern) }?.what
    }

    /// Whether `segments` match `pattern` (`*` one segment, `**` at the end one or more).
    static func matches(_ segments: [String], _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "/").map(String.init)
        for (index, part) in parts.enumerated() {
            if part == "**" { return segments.count > index }
            guard index < segments.count, part == "*" || part == segments[index] else { return false }
        }
        return segments.count == parts.count
    }
}

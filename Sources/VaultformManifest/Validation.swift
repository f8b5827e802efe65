import VaultPath

/// Checks that span objects and files: duplicates (naming both places), built-in objects,
/// and references between objects (a role's policies, a key's engine, a schema's engine).
struct Validator {
    private(set) var diagnostics: [Diagnostic] = []

    /// Records a problem (for the checks in `Validation+*.swift`).
    mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// Mount paths the server owns; a manifest never manages them.
    static let builtinEngines: Set<String> = ["sys", "identity", "cubbyhole"]
    /// Mount paths vaultform keeps for itself: its apply lock and the key it fingerprints
    /// secret values with. A manifest that declared one would be dropped silently by the plan.
    static let reservedEngines: Set<String> = ["vaultform-lock"]
    /// Auth paths the server owns.
    static let builtinAuthMethods: Set<String> = ["token"]
    /// Policies the server owns.
    static let builtinPolicies: Set<String> = ["root", "default"]

    mutating func validate(_ manifest: inout Manifest) {
        checkDuplicates(manifest)
        checkDatabase(manifest)
        checkBuiltins(manifest)
        checkNameCase(manifest)
        checkTransitKeys(manifest)
        checkPKI(manifest)
        checkSSH(manifest)
        checkTOTP(manifest)
        checkRoles(manifest)
        checkIdentity(manifest)
        resolveSchemas(&manifest)
        checkEndpoints(&manifest)
        resolveWriteOnlyStores(&manifest)
        checkOwnership(manifest)
        checkNamespaces(&manifest)
    }

    /// Each generated write-only value's `store`: the KV v2 engine it falls in, and its path there.
    private mutating func resolveWriteOnlyStores(_ manifest: inout Manifest) {
        let engines = manifest.secretsEngines.sorted { $0.path.count > $1.path.count }
        func resolve(_ source: inout WriteOnlySource?, at location: SourceLocation) {
            guard case .generated(var generator)? = source else { return }
            let inside = engines.lazy.compactMap { engine in MountPath.relative(generator.store, to: engine.path).map { (engine, $0) } }
            guard let (engine, path) = inside.first, engine.isKVv2, !path.isEmpty else {
                diagnostics.append(.error(
                    "`store: \(generator.store)` is not a secret inside a KV version 2 engine the manifest declares",
                    at: location, hint: "declare its KV version 2 engine under `secrets_engines`"))
                return
            }
            generator.mount = MountPath.withSlash(engine.path)
            generator.path = path
            source = .generated(generator)
        }
        for index in manifest.userpassUsers.indices {
            resolve(&manifest.userpassUsers[index].password, at: manifest.userpassUsers[index].location)
        }
        for index in manifest.jwtConfigs.indices {
            resolve(&manifest.jwtConfigs[index].oidcClientSecret, at: manifest.jwtConfigs[index].location)
        }
        for index in manifest.kubernetesConfigs.indices {
            resolve(&manifest.kubernetesConfigs[index].tokenReviewerJWT, at: manifest.kubernetesConfigs[index].location)
        }
        for index in manifest.databaseConnections.indices {
            resolve(&manifest.databaseConnections[index].password, at: manifest.databaseConnections[index].location)
        }
        for index in manifest.endpoints.indices {
            for key in manifest.endpoints[index].writeOnly.keys.sorted() {
                var source: WriteOnlySource? = manifest.endpoints[index].writeOnly[key]
                resolve(&source, at: manifest.endpoints[index].location(of: "write_only.\(key)"))
                manifest.endpoints[index].writeOnly[key] = source
            }
        }
    }

    mutating func duplicates<T>(_ items: [T], key: (T) -> String, location: (T) -> SourceLocation, what: (T) -> String) {
        var seen: [String: SourceLocation] = [:]
        for item in items {
            let name = key(item)
            if let first = seen[name] {
                diagnostics.append(.error("\(what(item)) is declared twice", at: location(item),
                                          related: [.init("first declared here", at: first)]))
            } else {
                seen[name] = location(item)
            }
        }
    }

    /// What the server tells quotas apart by: the path without its slashes, and the role.
    static func quotaScope(_ quota: RateLimitQuota) -> String {
        let path = (quota.path ?? "").split(separator: "/").joined(separator: "/")
        return path + "\u{0}" + (quota.role ?? "")
    }

    private mutating func checkDuplicates(_ manifest: Manifest) {
        duplicates(manifest.auditDevices, key: \.path, location: \.location, what: { "audit device `\($0.path)`" })
        duplicates(manifest.secretsEngines, key: \.path, location: \.location, what: { "secrets engine `\($0.path)`" })
        duplicates(manifest.authMethods, key: \.path, location: \.location, what: { "auth method `\($0.path)`" })
        // The server lowercases policy and role names, so `Admin` and `admin` are the same object.
        duplicates(manifest.policies, key: { $0.name.lowercased() }, location: \.location, what: { "policy `\($0.name)`" })
        duplicates(manifest.transitKeys, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
                   what: { "Transit key `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.appRoleRoles, key: { "\($0.mount.value)/\($0.name.lowercased())" }, location: \.location,
                   what: { "AppRole role `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.identityEntities, key: { $0.name.lowercased() }, location: \.location,
                   what: { "identity entity `\($0.name)`" })
        duplicates(manifest.kubernetesRoles, key: { "\($0.mount.value)/\($0.name.lowercased())" }, location: \.location,
                   what: { "Kubernetes role `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.userpassUsers, key: { "\($0.mount.value)/\($0.name.lowercased())" }, location: \.location,
                   what: { "userpass user `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.jwtConfigs, key: \.mount.value, location: \.location,
                   what: { "the config of JWT/OIDC auth method `\($0.mount.value)`" })
        duplicates(manifest.jwtRoles, key: { "\($0.mount.value)/\($0.name.lowercased())" }, location: \.location,
                   what: { "JWT/OIDC role `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.kubernetesConfigs, key: \.mount.value, location: \.location,
                   what: { "the Kubernetes config of `\($0.mount.value)`" })
        duplicates(manifest.certRoles, key: { "\($0.mount.value)/\($0.name.lowercased())" }, location: \.location,
                   what: { "cert role `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.tokenRoles, key: \.name, location: \.location, what: { "token role `\($0.name)`" })
        duplicates(manifest.quotas, key: \.name, location: \.location, what: { "quota `\($0.name)`" })
        // The server refuses a second quota on the same path and role ("similar properties").
        duplicates(manifest.quotas, key: { Self.quotaScope($0) }, location: \.location,
                   what: { "a quota on path `\($0.path ?? "")`\($0.role.map { " and role `\($0)`" } ?? "") (here `\($0.name)`)" })
        duplicates(manifest.secretSchemas, key: \.path, location: \.location, what: { "secret schema `\($0.path)`" })
        duplicates(manifest.externalPolicies, key: { $0.value.lowercased() }, location: \.location,
                   what: { "external policy `\($0.value)`" })
        let managed = Dictionary(manifest.policies.map { ($0.name.lowercased(), $0.location) }, uniquingKeysWith: { a, _ in a })
        for external in manifest.externalPolicies {
            if let location = managed[external.value.lowercased()] {
                diagnostics.append(.error("policy `\(external.value)` is both managed and listed as external", at: external.location,
                                          related: [.init("managed here", at: location)]))
            }
        }
        // The server refuses a mount inside another mount ("path is already in use").
        // `inner` lies inside `outer` when its path, without slashes, continues `outer`'s at a
        // slash: so only the prefixes ending before one of its slashes can be an outer mount.
        // Looked up by bytes (the server compares paths as bytes), not pair by pair: a
        // manifest with thousands of mounts is checked in linear time.
        func nested<T>(_ items: [T], path: (T) -> String, location: (T) -> SourceLocation, noun: String) {
            let normalized = items.map { Array(MountPath.withoutSlash(path($0)).utf8) }
            var byPath: [[UInt8]: [Int]] = [:]
            for (index, bytes) in normalized.enumerated() { byPath[bytes, default: []].append(index) }
            var pairs: [(outer: Int, inner: Int)] = []
            for (inner, bytes) in normalized.enumerated() {
                for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
                    for outer in byPath[Array(bytes[..<offset])] ?? [] { pairs.append((outer, inner)) }
                }
            }
            for pair in pairs.sorted(by: { ($0.outer, $0.inner) < ($1.outer, $1.inner) }) {
                let outer = items[pair.outer], inner = items[pair.inner]
                diagnostics.append(.error(
                    "\(noun) `\(path(inner))` lies inside \(noun) `\(path(outer))`; the server refuses nested mounts",
                    at: location(inner), related: [.init("`\(path(outer))` is declared here", at: location(outer))]))
            }
        }
        nested(manifest.secretsEngines, path: \.path, location: \.location, noun: "secrets engine")
        nested(manifest.authMethods, path: \.path, location: \.location, noun: "auth method")
    }

    /// The server stores policy and role names in lower case; a manifest that writes capitals
    /// still works (vaultform compares lower-cased names), but the name it shows differs.
    private mutating func checkNameCase(_ manifest: Manifest) {
        for policy in manifest.policies where policy.name != policy.name.lowercased() {
            diagnostics.append(.warning("the server stores policy names in lower case: `\(policy.name)` becomes `\(policy.name.lowercased())`",
                                        at: policy.location, hint: "write `\(policy.name.lowercased())`"))
        }
        for role in manifest.appRoleRoles where role.name != role.name.lowercased() {
            diagnostics.append(.warning("the server stores role names in lower case: `\(role.name)` becomes `\(role.name.lowercased())`",
                                        at: role.location, hint: "write `\(role.name.lowercased())`"))
        }
    }

    private mutating func checkBuiltins(_ manifest: Manifest) {
        for engine in manifest.secretsEngines where Self.builtinEngines.contains(engine.path) {
            diagnostics.append(.error("`\(engine.path)` is a built-in mount and cannot be managed", at: engine.location))
        }
        for engine in manifest.secretsEngines
        where Self.reservedEngines.contains(where: { engine.path == $0 || MountPath.relative(engine.path, to: $0) != nil }) {
            diagnostics.append(.error(
                "`\(engine.path)` is reserved: vaultform keeps its apply lock and fingerprint key in the `vaultform-lock` mount",
                at: engine.location, hint: "choose another path"))
        }
        for method in manifest.authMethods where Self.builtinAuthMethods.contains(method.path) {
            diagnostics.append(.error("`\(method.path)` is the built-in token auth method and cannot be managed", at: method.location))
        }
        // OpenBao takes force_no_cache only when it enables a secrets engine: an auth method's
        // is always false, so `true` would never converge (and plan a replace every time).
        for method in manifest.authMethods where method.tuning?.forceNoCache == true {
            diagnostics.append(.error("OpenBao ignores `force_no_cache` on an auth method: it is always false", at: method.location,
                                      hint: "leave it out; only a secrets engine can disable caching"))
        }
        for policy in manifest.policies where Self.builtinPolicies.contains(policy.name.lowercased()) {
            diagnostics.append(.error("`\(policy.name)` is a built-in policy and cannot be managed", at: policy.location,
                                      hint: "choose another name; roles can still name `default`"))
        }
    }

    private mutating func checkTransitKeys(_ manifest: Manifest) {
        let engines = Dictionary(manifest.secretsEngines.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for key in manifest.transitKeys {
            guard let engine = engines[key.mount.value] else {
                diagnostics.append(.error(
                    "Transit key `\(key.name)` names mount `\(key.mount.value)`, which the manifest does not declare",
                    at: key.mount.location,
                    hint: Suggestion.hint(for: key.mount.value, in: manifest.secretsEngines.filter { $0.type == "transit" }.map(\.path))
                        ?? "declare it under `secrets_engines` with `type: transit`"))
                continue
            }
            if engine.type != "transit" {
                diagnostics.append(.error(
                    "Transit key `\(key.name)` is on `\(engine.path)`, a `\(engine.type)` engine, not a transit one",
                    at: key.mount.location, related: [.init("`\(engine.path)` is declared here", at: engine.typeLocation)]))
            }
        }
    }

    private mutating func checkRoles(_ manifest: Manifest) {
        let methods = Dictionary(manifest.authMethods.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var known = Set(manifest.policies.map { $0.name.lowercased() })
        known.formUnion(manifest.externalPolicies.map { $0.value.lowercased() })
        known.insert("default")
        let candidates = manifest.policies.map(\.name) + manifest.externalPolicies.map(\.value)
        /// A role's method must be declared, and of the role's type.
        func checkMethod(_ what: String, _ mount: Located<String>, type: String, article: String, alsoType: String? = nil) {
            if let method = methods[mount.value] {
                if method.type != type, method.type != alsoType {
                    diagnostics.append(.error(
                        "\(what) is on `\(method.path)`, a `\(method.type)` auth method, not \(article) \(type) one",
                        at: mount.location, related: [.init("`\(method.path)` is declared here", at: method.location)]))
                }
            } else {
                diagnostics.append(.error(
                    "\(what) is on auth method `\(mount.value)`, which the manifest does not declare",
                    at: mount.location, hint: "declare it under `auth_methods` with `type: \(type)`"))
            }
        }
        /// Every policy an object names must be defined or listed as external.
        func checkPolicies(_ what: String, _ policies: [Located<String>]) {
            for policy in policies where !known.contains(policy.value.lowercased()) {
                diagnostics.append(.error(
                    "\(what) names policy `\(policy.value)`, which the manifest neither defines nor lists as external",
                    at: policy.location,
                    hint: Suggestion.hint(for: policy.value, in: candidates) ?? "define it under `policies`, or list it under `external_policies`"))
            }
        }
        for role in manifest.appRoleRoles {
            checkMethod("AppRole role `\(role.name)`", role.mount, type: "approle", article: "an")
            checkPolicies("AppRole role `\(role.name)`", role.token.tokenPolicies ?? [])
        }
        for role in manifest.kubernetesRoles {
            checkMethod("Kubernetes role `\(role.name)`", role.mount, type: "kubernetes", article: "a")
            checkPolicies("Kubernetes role `\(role.name)`", role.token.tokenPolicies ?? [])
        }
        for user in manifest.userpassUsers {
            checkMethod("userpass user `\(user.name)`", user.mount, type: "userpass", article: "a")
            checkPolicies("userpass user `\(user.name)`", user.token.tokenPolicies ?? [])
        }
        for config in manifest.jwtConfigs {
            checkMethod("the JWT/OIDC config", config.mount, type: "jwt", article: "a", alsoType: "oidc")
        }
        for role in manifest.jwtRoles {
            checkMethod("JWT/OIDC role `\(role.name)`", role.mount, type: "jwt", article: "a", alsoType: "oidc")
            checkPolicies("JWT/OIDC role `\(role.name)`", role.token.tokenPolicies ?? [])
        }
        for config in manifest.kubernetesConfigs {
            checkMethod("the Kubernetes config", config.mount, type: "kubernetes", article: "a")
        }
        for role in manifest.certRoles {
            checkMethod("cert role `\(role.name)`", role.mount, type: "cert", article: "a")
            checkPolicies("cert role `\(role.name)`", role.token.tokenPolicies ?? [])
        }
        for entity in manifest.identityEntities {
            // `root` is refused where it is built, with its own message.
            checkPolicies("identity entity `\(entity.name)`", (entity.policies ?? []).filter { $0.value.lowercased() != "root" })
        }
        for group in manifest.identityGroups {
            checkPolicies("identity group `\(group.name)`", (group.policies ?? []).filter { $0.value.lowercased() != "root" })
        }
    }

    /// Identity groups and aliases name entities, groups and auth methods by name: each must
    /// be declared in the manifest (a server-only entity is declared with its fields under
    /// `ignore_fields`, which references it without managing it). An external group's members
    /// come from logins: the server refuses them set by the API.
    private mutating func checkIdentity(_ manifest: Manifest) {
        duplicates(manifest.identityGroups, key: { $0.name.lowercased() }, location: \.location, what: { "identity group `\($0.name)`" })
        duplicates(manifest.entityAliases, key: { "\(MountPath.withSlash($0.mount.value))\($0.name.lowercased())" }, location: \.location,
                   what: { "entity alias `\($0.name)` on `\($0.mount.value)`" })
        duplicates(manifest.groupAliases, key: { "\(MountPath.withSlash($0.mount.value))\($0.name.lowercased())" }, location: \.location,
                   what: { "group alias `\($0.name)` on `\($0.mount.value)`" })
        let entities = Set(manifest.identityEntities.map { $0.name.lowercased() })
        let groups = Dictionary(manifest.identityGroups.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        // The built-in token method is always there (token roles' `allowed_entity_aliases` live on it).
        let methods = Set(manifest.authMethods.map { MountPath.withoutSlash($0.path) } + Self.builtinAuthMethods)
        func declared(_ what: String, _ name: Located<String>, _ known: Bool, section: String, candidates: [String]) {
            guard !known else { return }
            diagnostics.append(.error(
                "\(what) names \(section == "auth_methods" ? "auth method" : section == "identity_groups" ? "group" : "entity") `\(name.value)`, which the manifest does not declare",
                at: name.location,
                hint: Suggestion.hint(for: name.value, in: candidates) ?? "declare it under `\(section)`"
                    + (section == "identity_entities" ? " (an entity kept on the server only: declare it with `ignore_fields` naming all its fields)" : "")))
        }
        let entityNames = manifest.identityEntities.map(\.name), groupNames = manifest.identityGroups.map(\.name)
        let methodPaths = manifest.authMethods.map(\.path)
        for group in manifest.identityGroups {
            let what = "identity group `\(group.name)`"
            if group.type?.value == "external" {
                for member in (group.memberEntities ?? []) + (group.memberGroups ?? []) {
                    diagnostics.append(.error(
                        "\(what) is external: its members come from logins through a group alias, and the server refuses members set by the API",
                        at: member.location, hint: "make the group `internal`, or map the auth method's group to it under `group_aliases`"))
                }
                continue
            }
            for member in group.memberEntities ?? [] {
                declared(what, member, entities.contains(member.value.lowercased()), section: "identity_entities", candidates: entityNames)
            }
            for member in group.memberGroups ?? [] {
                if member.value.lowercased() == group.name.lowercased() {
                    diagnostics.append(.error("\(what) cannot be a member of itself", at: member.location))
                    continue
                }
                declared(what, member, groups[member.value.lowercased()] != nil, section: "identity_groups", candidates: groupNames)
            }
        }
        for alias in manifest.entityAliases {
            let what = "entity alias `\(alias.name)`"
            declared(what, alias.mount, methods.contains(MountPath.withoutSlash(alias.mount.value)), section: "auth_methods", candidates: methodPaths)
            declared(what, alias.entity, entities.contains(alias.entity.value.lowercased()), section: "identity_entities", candidates: entityNames)
        }
        for alias in manifest.groupAliases {
            let what = "group alias `\(alias.name)`"
            declared(what, alias.mount, methods.contains(MountPath.withoutSlash(alias.mount.value)), section: "auth_methods", candidates: methodPaths)
            guard let group = groups[alias.group.value.lowercased()] else {
                declared(what, alias.group, false, section: "identity_groups", candidates: groupNames)
                continue
            }
            if group.type?.value != "external" {
                diagnostics.append(.error(
                    "\(what) maps to group `\(group.name)`, which is internal: the server sets aliases only on external groups",
                    at: alias.group.location, hint: "declare the group with `type: external`",
                    related: [.init("`\(group.name)` is declared here", at: group.location)]))
            }
        }
        // The server keeps one alias per entity on each auth method (a repeated alias is reported above).
        var perMethod: [String: EntityAlias] = [:]
        for alias in manifest.entityAliases {
            let key = "\(MountPath.withSlash(alias.mount.value))\u{0}\(alias.entity.value.lowercased())"
            guard let first = perMethod[key] else {
                perMethod[key] = alias
                continue
            }
            guard first.name.lowercased() != alias.name.lowercased() else { continue }
            diagnostics.append(.error(
                "entity `\(alias.entity.value)` has a second alias on `\(alias.mount.value)`; the server keeps one per auth method",
                at: alias.entity.location, related: [.init("first alias here", at: first.location)]))
        }
        var aliased: [String: SourceLocation] = [:]
        for alias in manifest.groupAliases {
            let group = alias.group.value.lowercased()
            if let first = aliased[group] {
                diagnostics.append(.error(
                    "group `\(alias.group.value)` has a second group alias; the server keeps one per group", at: alias.group.location,
                    related: [.init("first alias here", at: first)]))
            } else {
                aliased[group] = alias.location
            }
        }
    }

    private mutating func resolveSchemas(_ manifest: inout Manifest) {
        let engines = manifest.secretsEngines.sorted { $0.path.count > $1.path.count }
        for index in manifest.secretSchemas.indices {
            let schema = manifest.secretSchemas[index]
            let inside = engines.lazy.compactMap { engine in MountPath.relative(schema.path, to: engine.path).map { (engine, $0) } }
            guard let (engine, secretPath) = inside.first else {
                diagnostics.append(.error(
                    "secret schema `\(schema.path)` is not inside any secrets engine the manifest declares",
                    at: schema.location, hint: "declare its KV version 2 engine under `secrets_engines`"))
                continue
            }
            guard engine.isKVv2 else {
                diagnostics.append(.error(
                    "secret schema `\(schema.path)` is on `\(engine.path)`, which is not a KV version 2 engine",
                    at: schema.location, related: [.init("`\(engine.path)` is declared here", at: engine.typeLocation)]))
                continue
            }
            manifest.secretSchemas[index].mount = engine.path
            manifest.secretSchemas[index].secretPath = secretPath
            checkFields(manifest.secretSchemas[index])
        }
    }

    private mutating func checkFields(_ schema: SecretSchema) {
        let fields = Dictionary(schema.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for field in schema.fields {
            if case .generate(let generator) = field.source { checkGenerator(generator, for: field, in: fields) }
            if schema.forbidden.contains(field.name) {
                diagnostics.append(.error("field `\(field.name)` is both described and forbidden", at: field.location))
            }
            if field.rotate != nil {
                let filler = schema.fields.first {
                    if case .generate(let generator) = $0.source { return generator.publicField?.value == field.name }
                    return false
                }
                if let filler {
                    diagnostics.append(.error(
                        "`\(field.name)` is filled by the `\(filler.name)` generator; put `rotate` on `\(filler.name)`, which regenerates both",
                        at: field.location))
                } else if field.source == nil {
                    diagnostics.append(.error(
                        "`rotate` needs somewhere to take the new value from: give `\(field.name)` a `generate`, `from_env` or `from_file`",
                        at: field.location))
                }
            }
        }
        for pair in schema.pairs {
            for name in [pair.privateField, pair.publicField] where fields[name.value] == nil {
                diagnostics.append(.error("pair names field `\(name.value)`, which the schema does not describe", at: name.location,
                                          hint: Suggestion.hint(for: name.value, in: fields.keys)))
            }
        }
    }

    private mutating func checkGenerator(_ generator: SecretGenerator, for field: SecretField, in fields: [String: SecretField]) {
        let fits: Bool
        var publicType: SecretFieldType?
        switch generator.kind {
        case "password": fits = field.type == .string
        case "random_bytes": fits = field.type == .base64
        case "rsa":
            fits = field.type == .pemPrivateKey && field.keyType != "ec"
            publicType = .pemPublicKey
        case "ecdsa_p256":
            fits = field.type == .pemPrivateKey && field.keyType != "rsa"
            publicType = .pemPublicKey
        case "x25519":
            fits = field.type == .base64 && (field.bytes ?? 32) == 32
            publicType = .base64
        default: fits = true
        }
        if !fits {
            diagnostics.append(.error("a `\(generator.kind)` generator cannot fill `\(field.name)`, a `\(field.type.rawValue)` field",
                                      at: generator.location))
        }
        if generator.kind == "random_bytes", let bytes = generator.bytes, let wanted = field.bytes, bytes != wanted {
            diagnostics.append(.error("the generator makes \(bytes) bytes but `\(field.name)` must hold \(wanted)", at: generator.location))
        }
        if let bits = generator.bits, bits % 128 != 0 {
            let lower = bits / 128 * 128
            diagnostics.append(.error(
                "an RSA key of \(bits) bits cannot be generated: the size must be a multiple of 128",
                at: generator.location, hint: "use \(lower) or \(lower + 128)"))
        }
        if let bits = generator.bits, let minimum = field.minBits, bits < minimum {
            diagnostics.append(.error("the generator makes \(bits)-bit keys but `\(field.name)` needs at least \(minimum)", at: generator.location))
        }
        let keyOnlyOptions: [(String, Bool, [String])] = [
            ("length", generator.length != nil, ["password"]), ("classes", generator.classes != nil, ["password"]),
            ("bytes", generator.bytes != nil, ["random_bytes"]), ("bits", generator.bits != nil, ["rsa"]),
            ("public_field", generator.publicField != nil, ["rsa", "x25519", "ecdsa_p256"]),
        ]
        for (key, present, kinds) in keyOnlyOptions where present && !kinds.contains(generator.kind) {
            diagnostics.append(.error("`\(key)` does not apply to a `\(generator.kind)` generator", at: generator.location))
        }
        guard let publicName = generator.publicField else { return }
        guard let publicField = fields[publicName.value] else {
            diagnostics.append(.error("`public_field` names `\(publicName.value)`, which the schema does not describe",
                                      at: publicName.location, hint: Suggestion.hint(for: publicName.value, in: fields.keys)))
            return
        }
        if publicField.source != nil {
            diagnostics.append(.error("`\(publicName.value)` is filled by the `\(field.name)` generator and cannot have a source of its own",
                                      at: publicField.location))
        }
        if let publicType, publicField.type != publicType {
            diagnostics.append(.error("`\(publicName.value)` receives a public key and must be of type `\(publicType.rawValue)`",
                                      at: publicName.location))
        }
    }

    private mutating func checkOwnership(_ manifest: Manifest) {
        for rule in manifest.ownership {
            if rule.kind == .policy, let prefix = rule.prefix,
               Self.builtinPolicies.contains(where: { $0.hasPrefix(prefix.lowercased()) }) {
                diagnostics.append(.warning("prefix `\(prefix)` also matches a built-in policy; built-ins are never deleted",
                                            at: rule.location))
            }
        }
    }
}

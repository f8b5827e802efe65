import Foundation
import VaultformPolicy

/// Turns one file's checked top level into typed objects. Everything here has passed the
/// shape check, so the only problems left are ones that span several keys.
struct Builder {
    let file: String
    /// The file's text, to place errors found inside an inline policy.
    let text: String
    /// Reads files named by the manifest (policy files), relative to the manifest file.
    let readFile: (String) -> Result<String, ReadFailure>
    private(set) var diagnostics: [Diagnostic] = []

    /// The file's lines, split once (inline policies place every path block with them).
    let lines: [Substring]

    /// Whether many inline policies are parsed on the machine's cores (`ManifestLoader.usesCores`).
    var usesCores = true

    init(file: String, text: String, readFile: @escaping (String) -> Result<String, ReadFailure>) {
        self.file = file
        self.text = text
        self.readFile = readFile
        lines = text.manifestLines
    }

    /// Records a problem found while building (for the checks in `Builder+*.swift`).
    mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// The path a manifest-relative path resolves to.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    mutating func add(_ root: CheckedObject, to manifest: inout Manifest) {
        if let lint = root.object("lint") {
            for item in objects(lint, "accept") {
                guard let id = item.locatedString("id"), let reason = item.string("reason") else { continue }
                if let first = manifest.lintAcceptances.first(where: { $0.id.value == id.value }) {
                    diagnostics.append(.error("\(id.value) is accepted twice (first at \(first.id.location))", at: id.location))
                    continue
                }
                manifest.lintAcceptances.append(LintAcceptance(id: id, reason: reason))
            }
            if let prefix = lint.integer("min_ipv4_prefix") { manifest.lintSettings.minIPv4Prefix = prefix }
            if let prefix = lint.integer("min_ipv6_prefix") { manifest.lintSettings.minIPv6Prefix = prefix }
        }
        if let server = root.object("server") {
            func take(_ key: String, _ keyPath: WritableKeyPath<ServerSettings, Located<String>?>) {
                if let value = server.locatedString(key) { manifest.server[keyPath: keyPath] = value }
            }
            take("address", \.address)
            take("namespace", \.namespace)
            take("ca_cert", \.caCert)
            take("ca_path", \.caPath)
            take("tls_server_name", \.tlsServerName)
        }
        for item in objects(root, "ownership") {
            guard let kind = item.string("kind").flatMap(OwnershipRule.Kind.init(rawValue:)) else { continue }
            if item.has("mount"), !kind.takesMount {
                let kinds = OwnershipRule.Kind.allCases.filter(\.takesMount).map(\.rawValue)
                diagnostics.append(.error(
                    "`mount` applies only to \(kinds.dropLast().joined(separator: ", ")) and \(kinds.last ?? "") ownership",
                    at: item.location(of: "mount")))
            }
            manifest.ownership.append(OwnershipRule(kind: kind, prefix: item.string("prefix"), mount: item.string("mount"), location: item.location))
        }
        for item in objects(root, "audit_devices") {
            guard let path = item.string("path"), let type = item.string("type") else { continue }
            manifest.auditDevices.append(AuditDevice(
                path: path, type: type, description: item.string("description"), local: item.boolean("local"),
                options: item.textMap("options") ?? [:], ignoreFields: ignoredFields(item), location: item.location))
        }
        for item in objects(root, "secrets_engines") {
            guard let path = item.string("path"), var type = item.string("type") else { continue }
            var options = item.textMap("options") ?? [:]
            if type == "kv-v2" {
                type = "kv"
                if let version = options["version"], version != "2" {
                    diagnostics.append(.error("type `kv-v2` conflicts with option version `\(version)`", at: item.location(of: "options")))
                }
                options["version"] = "2"
            }
            var engine = SecretsEngine(
                path: path, type: type, description: item.string("description"), options: options,
                local: item.boolean("local"), sealWrap: item.boolean("seal_wrap"),
                externalEntropyAccess: item.boolean("external_entropy_access"),
                tuning: item.object("tuning").map(tuning), kvConfig: nil, ignoreFields: ignoredFields(item, tuning: item.object("tuning")),
                location: item.location, typeLocation: item.location(of: "type"))
            if let config = item.object("kv_config") {
                if engine.isKVv2 {
                    engine.kvConfig = KVConfig(
                        maxVersions: config.integer("max_versions"), casRequired: config.boolean("cas_required"),
                        metadataCASRequired: config.boolean("metadata_cas_required"),
                        deleteVersionAfter: config.duration("delete_version_after"), ignoreFields: ignoredFields(config),
                        location: config.location)
                } else {
                    diagnostics.append(.error(
                        "`kv_config` applies only to a KV version 2 engine, and `\(path)` is of type `\(type)`"
                            + (type == "kv" ? " version \(options["version"] ?? "1")" : ""),
                        at: item.location(of: "kv_config"), hint: type == "kv" ? "set `options: { version: 2 }`" : nil))
                }
            }
            manifest.secretsEngines.append(engine)
        }
        for item in objects(root, "transit_keys") {
            guard let mount = item.locatedString("mount"), let name = item.string("name") else { continue }
            let key = TransitKey(
                mount: mount, name: name, type: item.string("type"), keySize: item.integer("key_size"),
                exportable: item.boolean("exportable"), allowPlaintextBackup: item.boolean("allow_plaintext_backup"),
                deletionAllowed: item.boolean("deletion_allowed"), autoRotatePeriod: item.duration("auto_rotate_period"),
                minDecryptionVersion: item.integer("min_decryption_version"),
                minEncryptionVersion: item.integer("min_encryption_version"),
                derived: item.boolean("derived"), convergentEncryption: item.boolean("convergent_encryption"),
                ignoreFields: ignoredFields(item), location: item.location)
            checkTransitKey(key, item)
            manifest.transitKeys.append(key)
        }
        buildPKI(root, into: &manifest)
        buildSSH(root, into: &manifest)
        buildTOTP(root, into: &manifest)
        let policyItems = objects(root, "policies")
        let inline = policyItems.map { $0.locatedString("hcl")?.value }
        let parsedInline = usesCores ? Self.parseInParallel(inline) : inline.map { $0.map(PolicyParser.parseLocating) }
        for (index, item) in policyItems.enumerated() {
            guard let name = item.string("name") else { continue }
            let source: Policy.Source
            let document: PolicyDocument
            var ruleLocations: [String: SourceLocation] = [:]
            if let hcl = item.locatedString("hcl"), let parsed = parsedInline[index] {
                let blocks: [(path: String, line: Int, column: Int)]
                switch parsed {
                case .success(let parsed): (document, blocks) = parsed
                case .failure(let error):
                    diagnostics.append(policyError(error, policy: name, at: inlineLocation(of: error, in: hcl.location)))
                    continue
                }
                source = .hcl(hcl.value)
                for block in blocks where ruleLocations[block.path] == nil {
                    ruleLocations[block.path] = inlineLocation(line: block.line, column: block.column, in: hcl.location)
                }
            } else if let path = item.locatedString("file") {
                let resolved = resolve(path.value)
                switch readFile(resolved) {
                case .success(let text):
                    let blocks: [(path: String, line: Int, column: Int)]
                    switch PolicyParser.parseLocating(text) {
                    case .success(let parsed): (document, blocks) = parsed
                    case .failure(let error):
                        diagnostics.append(policyError(
                            error, policy: name, at: SourceLocation(file: resolved, line: error.line, column: error.column),
                            related: [.init("the policy file is named here", at: path.location)]))
                        continue
                    }
                    source = .file(path: path.value, resolvedPath: resolved, text: text)
                    for block in blocks where ruleLocations[block.path] == nil {
                        ruleLocations[block.path] = SourceLocation(file: resolved, line: block.line, column: block.column)
                    }
                case .failure(let reason):
                    diagnostics.append(.error("cannot read policy file `\(path.value)`: \(reason)", at: path.location))
                    continue
                }
            } else if let rules = item.list("rules") {
                let parsedRules = rules.compactMap { rule -> PolicyRule? in
                    guard case .object(let rule) = rule.value else { return nil }
                    return policyRule(rule)
                }
                source = .rules(parsedRules)
                for rule in parsedRules {
                    let path = rule.path.hasPrefix("/") ? String(rule.path.dropFirst()) : rule.path
                    if ruleLocations[path] == nil { ruleLocations[path] = rule.location }
                }
                document = Self.document(parsedRules)
            } else {
                continue
            }
            manifest.policies.append(Policy(
                name: name, source: source, document: document,
                allowSlashesInIdentityTemplates: item.boolean("allow_slashes_in_identity_templates"),
                allowWildcardsInIdentityTemplates: item.boolean("allow_wildcards_in_identity_templates"),
                ruleLocations: ruleLocations, location: item.location))
        }
        manifest.externalPolicies += root.strings("external_policies") ?? []
        for item in objects(root, "auth_methods") {
            guard let path = item.string("path"), let type = item.string("type") else { continue }
            manifest.authMethods.append(AuthMethod(
                path: path, type: type, description: item.string("description"), options: item.textMap("options") ?? [:],
                local: item.boolean("local"),
                sealWrap: item.boolean("seal_wrap"), externalEntropyAccess: item.boolean("external_entropy_access"),
                tuning: item.object("tuning").map(tuning),
                ignoreFields: ignoredFields(item, tuning: item.object("tuning")), location: item.location))
        }
        for item in objects(root, "approle_roles") {
            guard let name = item.string("name") else { continue }
            let role = AppRoleRole(
                name: name, mount: item.locatedString("mount") ?? Located("approle", at: item.location),
                roleID: item.string("role_id"), bindSecretID: item.boolean("bind_secret_id"),
                secretIDBoundCIDRs: item.cidrs("secret_id_bound_cidrs")?.map(\.value),
                secretIDNumUses: item.integer("secret_id_num_uses"), secretIDTTL: item.duration("secret_id_ttl"),
                localSecretIDs: item.boolean("local_secret_ids"),
                token: tokenSettings(item), sidecar: item.boolean("sidecar"),
                ignoreFields: ignoredFields(item), location: item.location)
            checkRole(role, item)
            manifest.appRoleRoles.append(role)
        }
        for item in objects(root, "kubernetes_roles") {
            guard let name = item.string("name") else { continue }
            let role = KubernetesRole(
                name: name, mount: item.locatedString("mount") ?? Located("kubernetes", at: item.location),
                boundServiceAccountNames: item.strings("bound_service_account_names")?.map(\.value),
                boundServiceAccountNamespaces: item.strings("bound_service_account_namespaces")?.map(\.value),
                boundServiceAccountNamespaceSelector: item.string("bound_service_account_namespace_selector"),
                audience: item.string("audience"), aliasNameSource: item.string("alias_name_source"),
                token: tokenSettings(item), ignoreFields: ignoredFields(item), location: item.location)
            checkToken(role.token, item)
            // What the server refuses on create.
            if (role.boundServiceAccountNames ?? []).isEmpty, !role.ignoreFields.contains("bound_service_account_names") {
                diagnostics.append(.error("a Kubernetes role needs `bound_service_account_names` (`[\"*\"]` for any)", at: item.location))
            }
            if (role.boundServiceAccountNamespaces ?? []).isEmpty, (role.boundServiceAccountNamespaceSelector ?? "").isEmpty,
               !role.ignoreFields.contains("bound_service_account_namespaces") {
                diagnostics.append(.error(
                    "a Kubernetes role needs `bound_service_account_namespaces` or `bound_service_account_namespace_selector`",
                    at: item.location))
            }
            manifest.kubernetesRoles.append(role)
        }
        for item in objects(root, "userpass_users") {
            guard let name = item.string("name") else { continue }
            let password = item.object("password").flatMap { writeOnlySource($0) }
            let user = UserpassUser(
                name: name, mount: item.locatedString("mount") ?? Located("userpass", at: item.location),
                password: password, token: tokenSettings(item),
                ignoreFields: ignoredFields(item), location: item.location)
            checkToken(user.token, item)
            manifest.userpassUsers.append(user)
        }
        for item in objects(root, "jwt_configs") {
            let config = JWTConfig(
                mount: item.locatedString("mount") ?? Located("jwt", at: item.location),
                boundIssuer: item.string("bound_issuer"), jwksURL: item.string("jwks_url"), jwksCAPEM: item.string("jwks_ca_pem"),
                oidcDiscoveryURL: item.string("oidc_discovery_url"), oidcDiscoveryCAPEM: item.string("oidc_discovery_ca_pem"),
                jwtValidationPubkeys: item.strings("jwt_validation_pubkeys")?.map(\.value),
                jwtSupportedAlgs: item.strings("jwt_supported_algs")?.map(\.value), defaultRole: item.string("default_role"),
                oidcClientID: item.string("oidc_client_id"),
                oidcClientSecret: item.object("oidc_client_secret").flatMap { writeOnlySource($0) }, oidcResponseMode: item.string("oidc_response_mode"),
                oidcResponseTypes: item.strings("oidc_response_types")?.map(\.value), namespaceInState: item.boolean("namespace_in_state"),
                providerConfig: item.textMap("provider_config"),
                overrideAllowedServerNames: item.strings("override_allowed_server_names")?.map(\.value), location: item.location)
            checkJWTConfig(config, item)
            manifest.jwtConfigs.append(config)
        }
        for item in objects(root, "jwt_roles") {
            guard let name = item.string("name") else { continue }
            var boundClaims: [String: [String]]?
            if let claims = item.object("bound_claims") {
                boundClaims = claims.values.mapValues { value in
                    switch value.value {
                    case .string(let text): return [text]
                    case .list(let items): return items.compactMap { if case .string(let text) = $0.value { text } else { nil } }
                    default: return []
                    }
                }
            }
            let role = JWTRole(
                name: name, mount: item.locatedString("mount") ?? Located("jwt", at: item.location),
                roleType: item.string("role_type"), boundAudiences: item.strings("bound_audiences")?.map(\.value),
                boundSubject: item.string("bound_subject"), boundClaims: boundClaims, boundClaimsType: item.string("bound_claims_type"),
                claimMappings: item.textMap("claim_mappings"), userClaim: item.string("user_claim"),
                userClaimJSONPointer: item.boolean("user_claim_json_pointer"), groupsClaim: item.string("groups_claim"),
                allowedRedirectURIs: item.strings("allowed_redirect_uris")?.map(\.value),
                oidcScopes: item.strings("oidc_scopes")?.map(\.value), clockSkewLeeway: item.duration("clock_skew_leeway"),
                expirationLeeway: item.duration("expiration_leeway"), notBeforeLeeway: item.duration("not_before_leeway"),
                verboseOIDCLogging: item.boolean("verbose_oidc_logging"), maxAge: item.duration("max_age"),
                callbackMode: item.string("callback_mode"), pollInterval: item.integer("poll_interval"),
                oidcDisableConfirmation: item.boolean("oidc_disable_confirmation"),
                oauth2Metadata: item.strings("oauth2_metadata")?.map(\.value),
                tokenPoliciesTemplateClaims: item.boolean("token_policies_template_claims"),
                token: tokenSettings(item), ignoreFields: ignoredFields(item), location: item.location)
            checkJWTRole(role, item)
            manifest.jwtRoles.append(role)
        }
        for item in objects(root, "kubernetes_configs") {
            guard let host = item.string("kubernetes_host") else { continue }
            let config = KubernetesConfig(
                mount: item.locatedString("mount") ?? Located("kubernetes", at: item.location), kubernetesHost: host,
                kubernetesCACert: pem(item, "kubernetes_ca_cert", file: "kubernetes_ca_cert_file"),
                pemKeys: item.strings("pem_keys")?.map(\.value), issuer: item.string("issuer"),
                disableISSValidation: item.boolean("disable_iss_validation"), disableLocalCAJWT: item.boolean("disable_local_ca_jwt"),
                tokenReviewerJWT: item.object("token_reviewer_jwt").flatMap { writeOnlySource($0) }, location: item.location)
            // What the server refuses.
            if config.disableLocalCAJWT == true, config.kubernetesCACert == nil {
                diagnostics.append(.error(
                    "`disable_local_ca_jwt: true` needs `kubernetes_ca_cert` (or `kubernetes_ca_cert_file`): the server refuses it without one",
                    at: item.location(of: "disable_local_ca_jwt")))
            }
            for key in item.strings("pem_keys") ?? [] where !key.value.contains("-----BEGIN ") {
                diagnostics.append(.error("a `pem_keys` entry must be a PEM public key or certificate", at: key.location))
            }
            manifest.kubernetesConfigs.append(config)
        }
        for item in objects(root, "cert_roles") {
            guard let name = item.string("name") else { continue }
            let role = CertRole(
                name: name, mount: item.locatedString("mount") ?? Located("cert", at: item.location),
                certificate: pem(item, "certificate", file: "certificate_file"), displayName: item.string("display_name"),
                allowedCommonNames: item.strings("allowed_common_names")?.map(\.value),
                allowedDNSSANs: item.strings("allowed_dns_sans")?.map(\.value),
                allowedEmailSANs: item.strings("allowed_email_sans")?.map(\.value),
                allowedURISANs: item.strings("allowed_uri_sans")?.map(\.value),
                allowedOrganizationalUnits: item.strings("allowed_organizational_units")?.map(\.value),
                allowedNames: item.strings("allowed_names")?.map(\.value),
                requiredExtensions: item.strings("required_extensions")?.map(\.value),
                allowedMetadataExtensions: item.strings("allowed_metadata_extensions")?.map(\.value),
                ocspEnabled: item.boolean("ocsp_enabled"),
                ocspCACertificates: pem(item, "ocsp_ca_certificates", file: "ocsp_ca_certificates_file"),
                ocspServersOverride: item.strings("ocsp_servers_override")?.map(\.value),
                ocspFailOpen: item.boolean("ocsp_fail_open"), ocspQueryAllServers: item.boolean("ocsp_query_all_servers"),
                token: tokenSettings(item), ignoreFields: ignoredFields(item), location: item.location)
            checkToken(role.token, item)
            manifest.certRoles.append(role)
        }
        for item in objects(root, "token_roles") {
            guard let name = item.string("name") else { continue }
            let role = TokenRole(
                name: name, allowedPolicies: item.strings("allowed_policies"), disallowedPolicies: item.strings("disallowed_policies"),
                allowedPoliciesGlob: item.strings("allowed_policies_glob")?.map(\.value),
                disallowedPoliciesGlob: item.strings("disallowed_policies_glob")?.map(\.value),
                allowedEntityAliases: item.strings("allowed_entity_aliases")?.map(\.value),
                orphan: item.boolean("orphan"), renewable: item.boolean("renewable"), pathSuffix: item.string("path_suffix"),
                tokenPeriod: item.duration("token_period"), tokenExplicitMaxTTL: item.duration("token_explicit_max_ttl"),
                tokenNumUses: item.integer("token_num_uses"), tokenType: item.string("token_type"),
                tokenNoDefaultPolicy: item.boolean("token_no_default_policy"),
                tokenBoundCIDRs: item.cidrs("token_bound_cidrs")?.map(\.value), ignoreFields: ignoredFields(item), location: item.location)
            checkTokenRole(role, item)
            manifest.tokenRoles.append(role)
        }
        for item in objects(root, "quotas") {
            if let quota = rateLimitQuota(item) { manifest.quotas.append(quota) }
        }
        if root.has("endpoints") { manifest.managesEndpoints = true }
        for item in objects(root, "endpoints") {
            if let endpoint = endpoint(item) { manifest.endpoints.append(endpoint) }
        }
        for item in objects(root, "identity_entities") {
            guard let name = item.string("name") else { continue }
            let policies = item.strings("policies")
            for policy in policies ?? [] where policy.value.lowercased() == "root" {
                diagnostics.append(.error("an entity's policies cannot contain `root`", at: policy.location))
            }
            manifest.identityEntities.append(IdentityEntity(
                name: name, policies: policies, metadata: item.textMap("metadata"), disabled: item.boolean("disabled"),
                ignoreFields: ignoredFields(item), location: item.location))
        }
        for item in objects(root, "identity_groups") {
            guard let name = item.string("name") else { continue }
            let policies = item.strings("policies")
            for policy in policies ?? [] where policy.value.lowercased() == "root" {
                diagnostics.append(.error("a group's policies cannot contain `root`", at: policy.location))
            }
            manifest.identityGroups.append(IdentityGroup(
                name: name, type: item.locatedString("type"), policies: policies, metadata: item.textMap("metadata"),
                memberEntities: item.strings("member_entities"), memberGroups: item.strings("member_groups"),
                ignoreFields: ignoredFields(item), location: item.location))
        }
        for item in objects(root, "entity_aliases") {
            guard let name = item.string("name"), let mount = item.locatedString("mount"), let entity = item.locatedString("entity") else { continue }
            manifest.entityAliases.append(EntityAlias(
                name: name, mount: mount, entity: entity, customMetadata: item.textMap("custom_metadata"),
                ignoreFields: ignoredFields(item), location: item.location))
        }
        for item in objects(root, "group_aliases") {
            guard let name = item.string("name"), let mount = item.locatedString("mount"), let group = item.locatedString("group") else { continue }
            manifest.groupAliases.append(GroupAlias(name: name, mount: mount, group: group, location: item.location))
        }
        addDatabase(root, to: &manifest)
        for item in objects(root, "secret_schemas") {
            if let schema = secretSchema(item) { manifest.secretSchemas.append(schema) }
        }
        for item in objects(root, "namespaces") {
            guard let path = item.string("path") else { continue }
            var contents = Manifest()
            if let inside = item.object("contents") { add(inside, to: &contents) }
            manifest.namespaces.append(NamespaceDeclaration(
                path: path, customMetadata: item.textMap("custom_metadata"), contents: contents, location: item.location))
        }
    }

    /// An object's `ignore_fields` (the shape table checked the names). A field both set and
    /// ignored is a contradiction: reported at the name.
    mutating func ignoredFields(_ item: CheckedObject, tuning: CheckedObject? = nil) -> [String] {
        let names = item.strings("ignore_fields") ?? []
        for name in names where item.has(name.value) || (tuning?.has(name.value) ?? false) {
            diagnostics.append(.error(
                "`\(name.value)` is set here and listed in `ignore_fields`", at: name.location,
                hint: "remove the value to leave the field to someone else, or remove it from `ignore_fields` to manage it"))
        }
        return names.map(\.value)
    }

    /// Structured rules in the parser's normalised form, so they compare like parsed HCL.
    static func document(_ rules: [PolicyRule]) -> PolicyDocument {
        PolicyDocument(rules: rules.map { rule in
            PathRule(
                path: rule.path, capabilities: rule.capabilities.compactMap(Capability.init(rawValue:)),
                requiredParameters: rule.requiredParameters ?? [], allowedParameters: rule.allowedParameters ?? [:],
                deniedParameters: rule.deniedParameters ?? [:], minWrappingTTL: rule.minWrappingTTL?.seconds,
                maxWrappingTTL: rule.maxWrappingTTL?.seconds)
        })
    }

    private func policyError(
        _ error: PolicySyntaxError, policy: String, at location: SourceLocation, related: [Diagnostic.RelatedLocation] = []
    ) -> Diagnostic {
        .error("policy `\(policy)`: \(error.message)", at: location, related: related)
    }

    /// Where a line and column inside an inline policy fall in the manifest file. A block
    /// scalar (`hcl: |`) starts on the next line at the block's indentation; a quoted one
    /// starts one column after its quote; a plain one at its first character.
    func inlineLocation(of error: PolicySyntaxError, in scalar: SourceLocation) -> SourceLocation {
        inlineLocation(line: error.line, column: error.column, in: scalar)
    }

    /// The manifest location of a 1-based line and column of a string scalar's text.
    func inlineLocation(line textLine: Int, column textColumn: Int, in scalar: SourceLocation) -> SourceLocation {
        guard scalar.line >= 1, scalar.line <= lines.count else { return scalar }
        let line = Array(lines[scalar.line - 1].unicodeScalars)
        let indicator = scalar.column - 1 < line.count ? line[scalar.column - 1] : " "
        if indicator == "|" || indicator == ">" {
            let body = lines.dropFirst(scalar.line)
            let indentation = body.first { !$0.allSatisfy { $0 == " " } }?.prefix { $0 == " " }.count ?? 0
            return SourceLocation(file: file, line: scalar.line + textLine, column: indentation + textColumn)
        }
        let offset = indicator == "\"" || indicator == "'" ? 1 : 0
        if textLine == 1 { return SourceLocation(file: file, line: scalar.line, column: scalar.column + offset + textColumn - 1) }
        return SourceLocation(file: file, line: scalar.line + textLine - 1, column: textColumn)
    }

    /// Each inline policy parsed (nil where there is none), on the machine's cores when
    /// there are many: parsing is a pure function of the text, so the results are the serial
    /// ones, in order.
    static func parseInParallel(_ texts: [String?]) -> [PolicyParser.Located?] {
        guard texts.count >= 128 else { return texts.map { $0.map(PolicyParser.parseLocating) } }
        return Parts.map(count: texts.count) { range in texts[range].map { $0.map(PolicyParser.parseLocating) } }.flatMap { $0 }
    }

    func objects(_ root: CheckedObject, _ key: String) -> [CheckedObject] {
        (root.list(key) ?? []).compactMap { item in
            if case .object(let object) = item.value { return object }
            return nil
        }
    }

    private func tuning(_ object: CheckedObject) -> MountTuning {
        var tuning = MountTuning()
        tuning.defaultLeaseTTL = object.duration("default_lease_ttl")
        tuning.maxLeaseTTL = object.duration("max_lease_ttl")
        tuning.listingVisibility = object.string("listing_visibility")
        tuning.forceNoCache = object.boolean("force_no_cache")
        tuning.passthroughRequestHeaders = object.strings("passthrough_request_headers")?.map(\.value)
        tuning.allowedResponseHeaders = object.strings("allowed_response_headers")?.map(\.value)
        tuning.auditNonHMACRequestKeys = object.strings("audit_non_hmac_request_keys")?.map(\.value)
        tuning.auditNonHMACResponseKeys = object.strings("audit_non_hmac_response_keys")?.map(\.value)
        tuning.pluginVersion = object.string("plugin_version")
        tuning.tokenType = object.string("token_type")
        return tuning
    }

    private mutating func policyRule(_ rule: CheckedObject) -> PolicyRule? {
        guard let path = rule.string("path") else { return nil }
        let capabilities = rule.strings("capabilities")?.map(\.value) ?? []
        if rule.list("capabilities")?.isEmpty == true {
            diagnostics.append(.error("rule `\(path)` grants no capability", at: rule.location(of: "capabilities"),
                                      hint: "list at least one capability, or `deny`"))
        }
        func parameters(_ key: String) -> [String: [String]]? {
            guard let map = rule.object(key) else { return nil }
            var result: [String: [String]] = [:]
            for name in map.order {
                guard case .list(let values)? = map.values[name]?.value else { continue }
                result[name] = values.compactMap { if case .string(let text) = $0.value { return text } else { return nil } }
            }
            return result
        }
        if let min = rule.duration("min_wrapping_ttl"), let max = rule.duration("max_wrapping_ttl"), min > max {
            diagnostics.append(.error("`min_wrapping_ttl` (\(min)) is longer than `max_wrapping_ttl` (\(max))",
                                      at: rule.location(of: "min_wrapping_ttl")))
        }
        return PolicyRule(
            path: path, capabilities: capabilities, description: rule.string("description"),
            requiredParameters: rule.strings("required_parameters")?.map(\.value),
            allowedParameters: parameters("allowed_parameters"), deniedParameters: parameters("denied_parameters"),
            minWrappingTTL: rule.duration("min_wrapping_ttl"), maxWrappingTTL: rule.duration("max_wrapping_ttl"),
            location: rule.location)
    }

    private mutating func checkTransitKey(_ key: TransitKey, _ item: CheckedObject) {
        if key.convergentEncryption == true, key.derived != true {
            diagnostics.append(.error("`convergent_encryption` needs `derived: true`", at: item.location(of: "convergent_encryption")))
        }
        if key.keySize != nil, key.type != "hmac" {
            diagnostics.append(.error("`key_size` applies only to keys of type `hmac`", at: item.location(of: "key_size")))
        }
        if let period = key.autoRotatePeriod, period.seconds != 0, period.seconds < 3600 {
            diagnostics.append(.error("`auto_rotate_period` must be 0 (off) or at least 1h, not \(period)",
                                      at: item.location(of: "auto_rotate_period")))
        }
        let derivable = ["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "xchacha20-poly1305", "ed25519"]
        if key.derived == true, let type = key.type, !derivable.contains(type) {
            diagnostics.append(.error("keys of type `\(type)` do not support `derived`", at: item.location(of: "derived")))
        }
    }

    /// PEM text given inline under `key`, or in the file named under `fileKey` (relative to
    /// the manifest, read now). It must hold a certificate: the server refuses text that
    /// holds none (`failed to parse certificate`), or trusts nothing with it.
    private mutating func pem(_ item: CheckedObject, _ key: String, file fileKey: String) -> String? {
        var text: String
        var location: SourceLocation
        if let inline = item.locatedString(key) {
            (text, location) = (inline.value, inline.location)
        } else if let path = item.locatedString(fileKey) {
            switch readFile(resolve(path.value)) {
            case .success(let contents): (text, location) = (contents, path.location)
            case .failure(let reason):
                diagnostics.append(.error("cannot read `\(fileKey)` `\(path.value)`: \(reason)", at: path.location))
                return nil
            }
        } else {
            return nil
        }
        if !text.contains("-----BEGIN CERTIFICATE-----") && !text.contains("-----BEGIN TRUSTED CERTIFICATE-----") {
            diagnostics.append(.error("`\(key)` holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)", at: location))
        }
        return text
    }

    /// Token settings the server refuses together.
    mutating func checkToken(_ token: TokenSettings, _ item: CheckedObject) {
        if token.tokenStrictlyBindIP == true, !(token.tokenBoundCIDRs ?? []).isEmpty {
            diagnostics.append(.error(
                "`token_strictly_bind_ip` and `token_bound_cidrs` cannot both be set: the server refuses the pair",
                at: item.location(of: "token_strictly_bind_ip")))
        }
    }

    private mutating func checkRole(_ role: AppRoleRole, _ item: CheckedObject) {
        checkToken(role.token, item)
        if let ttl = role.token.tokenTTL, let max = role.token.tokenMaxTTL, max.seconds > 0, ttl > max {
            diagnostics.append(.error("`token_ttl` (\(ttl)) is longer than `token_max_ttl` (\(max))", at: item.location(of: "token_ttl")))
        }
        if role.bindSecretID == false, (role.secretIDBoundCIDRs ?? []).isEmpty, (role.token.tokenBoundCIDRs ?? []).isEmpty {
            diagnostics.append(.error(
                "a role with `bind_secret_id: false` needs `secret_id_bound_cidrs` or `token_bound_cidrs`",
                at: item.location(of: "bind_secret_id"),
                hint: "without a secret ID or a CIDR binding anyone who knows the role ID could log in"))
        }
    }

    /// The token settings of a role.
    private func tokenSettings(_ item: CheckedObject) -> TokenSettings {
        TokenSettings(
            tokenPolicies: item.strings("token_policies"), tokenTTL: item.duration("token_ttl"), tokenMaxTTL: item.duration("token_max_ttl"),
            tokenExplicitMaxTTL: item.duration("token_explicit_max_ttl"), tokenPeriod: item.duration("token_period"),
            tokenNumUses: item.integer("token_num_uses"), tokenType: item.string("token_type"),
            tokenNoDefaultPolicy: item.boolean("token_no_default_policy"),
            tokenBoundCIDRs: item.cidrs("token_bound_cidrs")?.map(\.value), tokenStrictlyBindIP: item.boolean("token_strictly_bind_ip"))
    }

    /// What the server refuses when a token role is written.
    /// A quota entry: a rate-limit quota, or nil with the reason it cannot be one.
    private mutating func rateLimitQuota(_ item: CheckedObject) -> RateLimitQuota? {
        guard let name = item.string("name") else { return nil }
        if item.string("type") == "lease-count" {
            // Probed on OpenBao 2.7.2: `sys/quotas/lease-count/NAME` answers 404 "unsupported path".
            diagnostics.append(.error(
                "quota `\(name)`: OpenBao does not support lease-count quotas (its `sys/quotas/lease-count` endpoint answers 404 and stores nothing)",
                at: item.location(of: "type"), hint: "declare a `rate-limit` quota, or leave lease counts to the server's defaults"))
            return nil
        }
        guard let text = item.string("rate") else { return nil }
        guard let rate = Double(text), rate.isFinite, rate > 0 else {
            diagnostics.append(.error("quota `\(name)`: `rate` must be a number above 0, not `\(text)`", at: item.location(of: "rate")))
            return nil
        }
        let path = item.string("path"), role = item.string("role")
        if role != nil, !(path.map { $0.hasPrefix("auth/") } ?? false) {
            diagnostics.append(.error(
                "quota `\(name)` names a role without an auth method path; the server limits a role only at `auth/MOUNT`",
                at: item.location(of: "role")))
        }
        return RateLimitQuota(
            name: name, rate: rate, path: path, role: role, interval: item.duration("interval"),
            blockInterval: item.duration("block_interval"), inheritable: item.boolean("inheritable"), location: item.location)
    }

    private mutating func checkTokenRole(_ role: TokenRole, _ item: CheckedObject) {
        if let period = role.tokenPeriod, period.seconds > 0, let type = role.tokenType, type == "batch" {
            diagnostics.append(.error(
                "`token_type: batch` cannot be combined with `token_period`: batch tokens are never periodic",
                at: item.location(of: "token_type")))
        }
        // The server's rules: it must contain a match of \w[\w-.]+\w (unanchored, as the
        // server matches it), and no parent reference.
        if let suffix = role.pathSuffix, !suffix.isEmpty {
            if !Self.containsPathSuffixWord(suffix) {
                diagnostics.append(.error(
                    "`path_suffix` must contain three or more letters, digits, `_`, `-` or `.` that start and end with a letter, digit or `_`",
                    at: item.location(of: "path_suffix")))
            }
            if suffix.contains("..") {
                diagnostics.append(.error("`path_suffix` cannot contain `..`", at: item.location(of: "path_suffix")))
            }
        }
    }

    /// Whether `text` contains a match of Go's `\w[\w-.]+\w`: a run of word characters, `-`
    /// and `.` whose first and last word characters are at least two apart.
    static func containsPathSuffixWord(_ text: String) -> Bool {
        let word: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        var first: Int?, last: Int?
        for (index, character) in text.enumerated() {
            if word(character) {
                if first == nil { first = index }
                last = index
                if let first, let last, last - first >= 2 { return true }
            } else if character != "-" && character != "." {
                first = nil
                last = nil
            }
        }
        return false
    }

    /// A write-only value's source (the shape allows exactly one).
    mutating func writeOnlySource(_ object: CheckedObject) -> WriteOnlySource? {
        if object.has("store"), !object.has("generate") {
            diagnostics.append(.error("`store` goes with `generate`", at: object.location(of: "store")))
        }
        if let variable = object.string("from_env") { return .environment(variable) }
        if let path = object.string("from_file") { return .file(path: path, resolvedPath: resolve(path)) }
        if let generator = object.object("generate"), let kind = generator.string("kind") {
            guard let store = object.string("store") else {
                diagnostics.append(.error(
                    "a generated write-only value needs `store`: the KV v2 secret that keeps it, so that it can be read and is not lost",
                    at: object.location(of: "generate")))
                return nil
            }
            return .generated(WriteOnlyGenerator(
                kind: kind, length: generator.integer("length"), classes: generator.strings("classes")?.map(\.value),
                bytes: generator.integer("bytes"), store: store))
        }
        return nil
    }

    private mutating func secretSchema(_ item: CheckedObject) -> SecretSchema? {
        guard let path = item.string("path") else { return nil }
        var fields: [SecretField] = []
        for (name, object) in item.namedObjects("fields") {
            guard let type = object.string("type").flatMap(SecretFieldType.init(rawValue:)) else { continue }
            var source: SecretSource?
            if let generator = object.object("generate"), let kind = generator.string("kind") {
                source = .generate(SecretGenerator(
                    kind: kind, length: generator.integer("length"), classes: generator.strings("classes")?.map(\.value),
                    bytes: generator.integer("bytes"), bits: generator.integer("bits"),
                    publicField: generator.locatedString("public_field"), location: generator.location))
            } else if let variable = object.string("from_env") {
                source = .environment(variable)
            } else if let path = object.string("from_file") {
                source = .file(path: path, resolvedPath: resolve(path))
            }
            let typeSpecific: [(key: String, types: [SecretFieldType])] = [
                ("pattern", [.string]), ("min_length", [.string]), ("bytes", [.base64]), ("key_type", [.pemPrivateKey]),
                ("min_bits", [.pemPrivateKey]), ("coerce", [.jsonObject, .jsonArray, .integer, .boolean]),
            ]
            for (key, types) in typeSpecific where object.has(key) && !types.contains(type) {
                let names = types.map { "`\($0.rawValue)`" }
                let allowed = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names[0]
                diagnostics.append(.error(
                    "`\(key)` applies only to \(allowed) fields, and `\(name.value)` is `\(type.rawValue)`",
                    at: object.location(of: key)))
            }
            if let pattern = object.locatedString("pattern"),
               (try? NSRegularExpression(pattern: pattern.value)) == nil {
                diagnostics.append(.error("`pattern` is not a valid regular expression", at: pattern.location))
            }
            fields.append(SecretField(
                name: name.value, type: type, required: object.boolean("required") ?? true,
                description: object.string("description"), coerce: object.boolean("coerce") ?? false,
                pattern: object.string("pattern"), minLength: object.integer("min_length"), bytes: object.integer("bytes"),
                keyType: object.string("key_type"), minBits: object.integer("min_bits"), source: source,
                rotate: object.string("rotate"), location: name.location))
        }
        let pairs: [SecretPair] = objects(item, "pairs").compactMap { pair in
            guard let privateField = pair.locatedString("private"), let publicField = pair.locatedString("public"),
                  let kind = pair.string("kind") else { return nil }
            return SecretPair(privateField: privateField, publicField: publicField, kind: kind)
        }
        return SecretSchema(
            path: path, mount: "", secretPath: "", description: item.string("description"), fields: fields,
            forbidden: item.strings("forbidden")?.map(\.value) ?? [], allowUnexpected: item.boolean("allow_unexpected") ?? false,
            pairs: pairs, location: item.location)
    }
}

import VaultformManifest
import VaultPath

/// The resolve stage for each kind: manifest objects → normalised resources. A field the
/// manifest leaves out is managed at the value a fresh object has (`ResourceKind.defaults`).
enum DesiredResources {
    /// The desired entries: each kind's defaults under what the manifest states, less the
    /// fields the manifest leaves to someone else (`ignore_fields`).
    static func entries(_ manifest: Manifest) -> [DesiredState.Entry] {
        stated(manifest).map { resource, location, ignored in
            var fields = resource.address.kind.withDefaults(resource.fields)
            for field in ignored { fields[field] = nil }
            return DesiredState.Entry(resource: Resource(resource.address, fields: fields), location: location, ignored: ignored.sorted())
        }
    }

    /// The resources with only the fields the manifest states, and the fields it ignores.
    static func stated(_ manifest: Manifest) -> [(Resource, SourceLocation, [String])] {
        var result: [(Resource, SourceLocation, [String])] = []
        for device in manifest.auditDevices { result.append((auditDevice(device), device.location, device.ignoreFields)) }
        for engine in manifest.secretsEngines {
            result.append((secretsEngine(engine), engine.location, engine.ignoreFields))
            if let config = engine.kvConfig {
                result.append((kvConfig(config, path: engine.path), config.location, config.ignoreFields))
            } else if engine.isKVv2 {
                // Every field managed: a KV v2 engine's config too, at its fresh values.
                result.append((Resource(Address(.kvConfig, MountPath.withSlash(engine.path))), engine.location, []))
            }
        }
        for method in manifest.authMethods { result.append((authMethod(method), method.location, method.ignoreFields)) }
        for key in manifest.transitKeys { result.append((transitKey(key), key.location, key.ignoreFields)) }
        for policy in manifest.policies { result.append((self.policy(policy), policy.location, [])) }
        for role in manifest.appRoleRoles { result.append((appRoleRole(role), role.location, role.ignoreFields)) }
        return result
    }

    static func auditDevice(_ device: AuditDevice) -> Resource {
        var fields: [String: FieldValue] = ["type": .string(device.type), "options": .map(device.options)]
        fields["description"] = .string(device.description ?? "")
        fields["local"] = .boolean(device.local ?? false)
        return Resource(Address(.auditDevice, MountPath.withSlash(device.path)), fields: fields)
    }

    static func secretsEngine(_ engine: SecretsEngine) -> Resource {
        var fields: [String: FieldValue] = ["type": .string(engine.type)]
        if !engine.options.isEmpty { fields["options"] = .map(engine.options) }
        if let description = engine.description { fields["description"] = .string(description) }
        if let local = engine.local { fields["local"] = .boolean(local) }
        if let sealWrap = engine.sealWrap { fields["seal_wrap"] = .boolean(sealWrap) }
        if let entropy = engine.externalEntropyAccess { fields["external_entropy_access"] = .boolean(entropy) }
        if let tuning = engine.tuning { addTuning(tuning, to: &fields) }
        return Resource(Address(.secretsEngine, MountPath.withSlash(engine.path)), fields: fields)
    }

    static func authMethod(_ method: AuthMethod) -> Resource {
        var fields: [String: FieldValue] = ["type": .string(method.type)]
        if let description = method.description { fields["description"] = .string(description) }
        if let local = method.local { fields["local"] = .boolean(local) }
        if let sealWrap = method.sealWrap { fields["seal_wrap"] = .boolean(sealWrap) }
        if let tuning = method.tuning { addTuning(tuning, to: &fields) }
        return Resource(Address(.authMethod, MountPath.withSlash(method.path)), fields: fields)
    }

    static func addTuning(_ tuning: MountTuning, to fields: inout [String: FieldValue]) {
        if let ttl = tuning.defaultLeaseTTL { fields["default_lease_ttl"] = .seconds(ttl.seconds) }
        if let ttl = tuning.maxLeaseTTL { fields["max_lease_ttl"] = .seconds(ttl.seconds) }
        if let visibility = tuning.listingVisibility { fields["listing_visibility"] = .string(visibility) }
        if let flag = tuning.forceNoCache { fields["force_no_cache"] = .boolean(flag) }
        if let headers = tuning.passthroughRequestHeaders { fields["passthrough_request_headers"] = .unorderedSet(headers) }
        if let headers = tuning.allowedResponseHeaders { fields["allowed_response_headers"] = .unorderedSet(headers) }
        if let keys = tuning.auditNonHMACRequestKeys { fields["audit_non_hmac_request_keys"] = .unorderedSet(keys) }
        if let keys = tuning.auditNonHMACResponseKeys { fields["audit_non_hmac_response_keys"] = .unorderedSet(keys) }
        if let version = tuning.pluginVersion { fields["plugin_version"] = .string(version) }
        if let type = tuning.tokenType { fields["token_type"] = .string(type) }
    }

    static func kvConfig(_ config: KVConfig, path: String) -> Resource {
        var fields: [String: FieldValue] = [:]
        if let versions = config.maxVersions { fields["max_versions"] = .integer(versions) }
        if let required = config.casRequired { fields["cas_required"] = .boolean(required) }
        if let after = config.deleteVersionAfter { fields["delete_version_after"] = .seconds(after.seconds) }
        return Resource(Address(.kvConfig, MountPath.withSlash(path)), fields: fields)
    }

    static func transitKey(_ key: TransitKey) -> Resource {
        // The type is always managed: the server's default (aes256-gcm96) when unset.
        var fields: [String: FieldValue] = ["type": .string(key.type ?? "aes256-gcm96")]
        if let size = key.keySize { fields["key_size"] = .integer(size) }
        if let flag = key.exportable { fields["exportable"] = .boolean(flag) }
        if let flag = key.allowPlaintextBackup { fields["allow_plaintext_backup"] = .boolean(flag) }
        if let flag = key.deletionAllowed { fields["deletion_allowed"] = .boolean(flag) }
        if let period = key.autoRotatePeriod { fields["auto_rotate_period"] = .seconds(period.seconds) }
        if let version = key.minDecryptionVersion { fields["min_decryption_version"] = .integer(version) }
        if let version = key.minEncryptionVersion { fields["min_encryption_version"] = .integer(version) }
        if let flag = key.derived { fields["derived"] = .boolean(flag) }
        if let flag = key.convergentEncryption { fields["convergent_encryption"] = .boolean(flag) }
        return Resource(Address(.transitKey, MountPath.withSlash(key.mount.value) + key.name), fields: fields)
    }

    /// A policy keeps its author's text for the write: inline or file HCL as written,
    /// structured rules as canonical HCL with each rule's description as a comment.
    static func policy(_ policy: Policy) -> Resource {
        var document = policy.document
        switch policy.source {
        case .hcl(let text), .file(_, _, let text):
            document.text = text
        case .rules(let rules):
            var comments: [String: String] = [:]
            for rule in rules {
                guard let description = rule.description, !description.isEmpty else { continue }
                comments[rule.path] = comments[rule.path].map { $0 + "\n" + description } ?? description
            }
            document.text = comments.isEmpty ? nil : document.renderHCL(comments: comments)
        }
        return Resource(Address(.policy, policy.name.lowercased()), fields: ["policy": .policy(document)])
    }

    static func appRoleRole(_ role: AppRoleRole) -> Resource {
        var fields: [String: FieldValue] = [:]
        if let id = role.roleID { fields["role_id"] = .string(id) }
        if let flag = role.bindSecretID { fields["bind_secret_id"] = .boolean(flag) }
        if let cidrs = role.secretIDBoundCIDRs {
            fields["secret_id_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.secretIDBoundCIDR))
        }
        if let uses = role.secretIDNumUses { fields["secret_id_num_uses"] = .integer(uses) }
        if let ttl = role.secretIDTTL { fields["secret_id_ttl"] = .seconds(ttl.seconds) }
        if let flag = role.localSecretIDs { fields["local_secret_ids"] = .boolean(flag) }
        if let policies = role.tokenPolicies { fields["token_policies"] = .unorderedSet(policies.map(\.value)) }
        if let ttl = role.tokenTTL { fields["token_ttl"] = .seconds(ttl.seconds) }
        if let ttl = role.tokenMaxTTL { fields["token_max_ttl"] = .seconds(ttl.seconds) }
        if let ttl = role.tokenExplicitMaxTTL { fields["token_explicit_max_ttl"] = .seconds(ttl.seconds) }
        if let period = role.tokenPeriod { fields["token_period"] = .seconds(period.seconds) }
        if let uses = role.tokenNumUses { fields["token_num_uses"] = .integer(uses) }
        if let type = role.tokenType { fields["token_type"] = .string(type) }
        if let flag = role.tokenNoDefaultPolicy { fields["token_no_default_policy"] = .boolean(flag) }
        if let cidrs = role.tokenBoundCIDRs { fields["token_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.tokenBoundCIDR)) }
        let name = MountPath.withSlash(role.mount.value) + role.name.lowercased()
        return Resource(Address(.appRoleRole, name), fields: fields)
    }
}

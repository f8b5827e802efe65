import VaultformManifest

/// Every kind vaultform manages, in dependency order (namespaces first: everything else may be inside one).
public enum KindRegistry {
    /// The definitions, one per kind.
    public static let all: [KindDefinition] = [
        NamespaceKind.definition, AuditDeviceKind.definition, SecretsEngineKind.definition, AuthMethodKind.definition, KVConfigKind.definition,
        TransitKeyKind.definition, PKIRootCAKind.definition, PKIIntermediateCAKind.definition, PKIConfigKind.definition,
        PKIRoleKind.definition, SSHCAKind.definition, SSHRoleKind.definition, TOTPKeyKind.definition, PolicyKind.definition, AppRoleRoleKind.definition, KubernetesConfigKind.definition,
        KubernetesRoleKind.definition, UserpassUserKind.definition, JWTConfigKind.definition, JWTRoleKind.definition,
        CertRoleKind.definition, TokenRoleKind.definition,
        IdentityEntityKind.definition, IdentityGroupKind.definition, EntityAliasKind.definition, GroupAliasKind.definition,
        RateLimitQuotaKind.definition, DatabaseConnectionKind.definition, DatabaseRoleKind.definition, DatabaseStaticRoleKind.definition,
        KVSecretKind.definition, EndpointKind.definition,
    ]

    /// The definition of a kind.
    public static func definition(_ kind: ResourceKind) -> KindDefinition {
        // Every case is listed above; a missing one is a programming error caught by the
        // registry test, and answers with an empty definition rather than crashing.
        byKind[kind] ?? KindDefinition(kind: kind, noun: kind.rawValue, section: "", endpoint: "", fields: [], generated: [], destructionLosesData: false)
    }

    /// A kind's place in dependency order.
    static func rank(_ kind: ResourceKind) -> Int { ranks[kind] ?? all.count }

    private static let ranks: [ResourceKind: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.kind, $0) })

    /// The definition an ownership rule's kind names.
    public static func definition(owning kind: OwnershipRule.Kind) -> KindDefinition? {
        all.first { $0.ownership == kind }
    }

    private static let byKind: [ResourceKind: KindDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0) })
}

extension ResourceKind {
    /// This kind's definition.
    public var definition: KindDefinition { KindRegistry.definition(self) }

    /// Field name → the value a fresh object has (the value an omitted field is managed at).
    public var defaults: [String: FieldValue] { definition.freshValues }

    /// Whether `value` is what a fresh object of this kind has in `field`.
    public func isDefault(_ field: String, _ value: FieldValue) -> Bool {
        definition.field(field)?.fresh.map { $0 == value } ?? false
    }

    /// The fields with every default this kind has filled in where `fields` has none.
    public func withDefaults(_ fields: [String: FieldValue]) -> [String: FieldValue] {
        fields.merging(defaults) { set, _ in set }
    }

    /// The rule for one field of this kind; fields it does not list change in place.
    public func changeRule(for field: String) -> ChangeRule {
        definition.field(field)?.change ?? .inPlace
    }

    /// Deleting or replacing an object of this kind destroys data or access, so apply asks
    /// for `--allow-destroy`.
    public var destructionLosesData: Bool { definition.destructionLosesData }
}

extension Resource {
    /// A mount of this type (`transit`, `approle`; `kv-v2` for a KV engine of version 2).
    public func isMount(ofType type: String) -> Bool {
        if type == "kv-v2" {
            guard case .map(let options)? = fields["options"] else { return false }
            return fields["type"] == .string("kv") && options["version"] == "2"
        }
        return fields["type"] == .string(type)
    }
}

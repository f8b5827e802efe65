import VaultformPolicy

/// The whole desired state as written: every object of every file, typed, variables
/// substituted, each object knowing where it was declared. Optional fields are the ones the
/// manifest left unset: vaultform does not manage a field nobody wrote.
public struct Manifest: Sendable, Equatable {
    /// The files that were read, in merge order.
    public var files: [String] = []
    /// Non-secret connection settings, merged across files.
    public var server = ServerSettings()
    /// What the manifest owns beyond what it names.
    public var ownership: [OwnershipRule] = []
    /// Audit devices.
    public var auditDevices: [AuditDevice] = []
    /// Secrets engines.
    public var secretsEngines: [SecretsEngine] = []
    /// Transit keys.
    public var transitKeys: [TransitKey] = []
    /// Root CAs generated inside PKI engines (`MOUNT/root/generate/internal`), one per engine.
    public var pkiRootCAs: [PKIRootCA] = []
    /// Intermediate CAs of PKI engines, each signed by another engine's root CA, one per engine.
    public var pkiIntermediateCAs: [PKIIntermediateCA] = []
    /// Roles of PKI engines (`MOUNT/roles/NAME`).
    public var pkiRoles: [PKIRole] = []
    /// Configurations of PKI engines (`config/urls`, `config/crl`, `config/cluster`, `config/issuers`).
    public var pkiConfigs: [PKIConfig] = []
    /// ACL policies.
    public var policies: [Policy] = []
    /// Policies that roles may name without the manifest managing them.
    public var externalPolicies: [Located<String>] = []
    /// Auth methods.
    public var authMethods: [AuthMethod] = []
    /// AppRole roles.
    public var appRoleRoles: [AppRoleRole] = []
    /// Roles of Kubernetes auth methods (`auth/MOUNT/role/NAME`).
    public var kubernetesRoles: [KubernetesRole] = []
    /// Users of userpass auth methods (`auth/MOUNT/users/NAME`).
    public var userpassUsers: [UserpassUser] = []
    /// Configs of JWT/OIDC auth methods (`auth/MOUNT/config`), one per method.
    public var jwtConfigs: [JWTConfig] = []
    /// Roles of JWT/OIDC auth methods (`auth/MOUNT/role/NAME`).
    public var jwtRoles: [JWTRole] = []
    /// Configs of Kubernetes auth methods (`auth/MOUNT/config`).
    public var kubernetesConfigs: [KubernetesConfig] = []
    /// Trusted certificates of TLS certificate auth methods (`auth/MOUNT/certs/NAME`).
    public var certRoles: [CertRole] = []
    /// Token roles (`auth/token/roles/NAME`).
    public var tokenRoles: [TokenRole] = []
    /// Identity entities (`identity/entity/name/NAME`).
    public var identityEntities: [IdentityEntity] = []
    /// Identity groups (`identity/group/name/NAME`).
    public var identityGroups: [IdentityGroup] = []
    /// Entity aliases (`identity/entity-alias`).
    public var entityAliases: [EntityAlias] = []
    /// Group aliases (`identity/group-alias`).
    public var groupAliases: [GroupAlias] = []
    /// Rate-limit quotas (`sys/quotas/rate-limit/NAME`).
    public var quotas: [RateLimitQuota] = []
    /// Generic endpoints (`endpoints:`), for what no kind models.
    public var endpoints: [GenericEndpoint] = []
    /// Whether any file has an `endpoints:` key (an empty list too): only then does vaultform
    /// read its record of applied endpoints, and delete those the manifest no longer declares.
    public var managesEndpoints = false
    /// Connections of database secrets engines (`MOUNT/config/NAME`).
    public var databaseConnections: [DatabaseConnection] = []
    /// Dynamic roles of database secrets engines (`MOUNT/roles/NAME`).
    public var databaseRoles: [DatabaseRole] = []
    /// Static roles of database secrets engines (`MOUNT/static-roles/NAME`).
    public var databaseStaticRoles: [DatabaseStaticRole] = []
    /// CA signing keys of SSH secrets engines (`MOUNT/config/ca`), one per engine.
    public var sshCAs: [SSHCA] = []
    /// CA roles of SSH secrets engines (`MOUNT/roles/NAME`).
    public var sshRoles: [SSHRole] = []
    /// Keys of TOTP secrets engines (`MOUNT/keys/NAME`).
    public var totpKeys: [TOTPKey] = []
    /// Secret schemas.
    public var secretSchemas: [SecretSchema] = []
    /// Namespaces, each with the objects it holds (`namespaces:`); only at the top level.
    public var namespaces: [NamespaceDeclaration] = []
    /// Lint findings the manifest accepts, each with its reason (`lint.accept`).
    public var lintAcceptances: [LintAcceptance] = []
    /// Lint thresholds (`lint:`).
    public var lintSettings = LintSettings()

    /// An empty manifest.
    public init() {}
}

/// A namespace the manifest declares (`namespaces:`), by its path from the connection's
/// namespace, and the objects placed in it (`contents`: any sections but `version`,
/// `variables`, `server`, `namespaces`, `secret_schemas` and `endpoints`).
public struct NamespaceDeclaration: Sendable, Equatable {
    /// The path, without slashes at either end (`tenants/acme/dev`).
    public var path: String
    /// The namespace's `custom_metadata`; nil leaves it at a fresh namespace's (none).
    public var customMetadata: [String: String]?
    /// The objects inside it, as a manifest of their own (no namespaces, no server).
    public var contents: Manifest
    public var location: SourceLocation

    /// A declaration.
    public init(path: String, customMetadata: [String: String]?, contents: Manifest, location: SourceLocation) {
        self.path = path
        self.customMetadata = customMetadata
        self.contents = contents
        self.location = location
    }
}

/// Non-secret connection settings a manifest may carry (flags override them).
public struct ServerSettings: Sendable, Equatable {
    public var address: Located<String>?
    public var namespace: Located<String>?
    public var caCert: Located<String>?
    public var caPath: Located<String>?
    public var tlsServerName: Located<String>?

    /// No settings.
    public init() {}
}

/// A kind, or part of one, whose unnamed objects the manifest may delete.
public struct OwnershipRule: Sendable, Equatable {
    /// The kinds that ownership can name.
    public enum Kind: String, Sendable, CaseIterable {
        case auditDevice = "audit_device"
        case secretsEngine = "secrets_engine"
        case authMethod = "auth_method"
        case policy
        case appRoleRole = "approle_role"
        case tokenRole = "token_role"
        case kubernetesRole = "kubernetes_role"
        case userpassUser = "userpass_user"
        case jwtRole = "jwt_role"
        case certRole = "cert_role"
        case identityEntity = "identity_entity"
        case identityGroup = "identity_group"
        case entityAlias = "entity_alias"
        case groupAlias = "group_alias"
        case rateLimitQuota = "rate_limit_quota"
        case transitKey = "transit_key"
        case databaseConnection = "database_connection"
        case databaseRole = "database_role"
        case databaseStaticRole = "database_static_role"
        case pkiRole = "pki_role"
        case sshRole = "ssh_role"
        case totpKey = "totp_key"
        case namespace

        /// Whether a rule of this kind may name a mount: kinds whose objects live on one.
        public var takesMount: Bool {
            [.appRoleRole, .kubernetesRole, .userpassUser, .jwtRole, .certRole, .transitKey, .pkiRole, .entityAlias, .groupAlias,
             .databaseConnection, .databaseRole, .databaseStaticRole, .sshRole, .totpKey].contains(self)
        }
    }

    public var kind: Kind
    /// Only names or paths starting with this; nil owns the whole kind.
    public var prefix: String?
    /// For roles and keys: the mount whose objects are owned; nil means every mount.
    public var mount: String?
    public var location: SourceLocation
}

/// Tuning shared by secrets engines and auth methods; nil fields are not managed.
public struct MountTuning: Sendable, Equatable {
    public var defaultLeaseTTL: TimeSpan?
    public var maxLeaseTTL: TimeSpan?
    public var listingVisibility: String?
    public var forceNoCache: Bool?
    public var passthroughRequestHeaders: [String]?
    public var allowedResponseHeaders: [String]?
    public var auditNonHMACRequestKeys: [String]?
    public var auditNonHMACResponseKeys: [String]?
    public var pluginVersion: String?
    /// Auth methods only.
    public var tokenType: String?

    /// No tuning.
    public init() {}
}

/// An audit device.
public struct AuditDevice: Sendable, Equatable {
    public var path: String
    public var type: String
    public var description: String?
    public var local: Bool?
    public var options: [String: String]
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A secrets engine mount of any type.
public struct SecretsEngine: Sendable, Equatable {
    public var path: String
    /// The type as the server names it (`kv-v2` is read as `kv` with option `version` `2`).
    public var type: String
    public var description: String?
    public var options: [String: String]
    public var local: Bool?
    public var sealWrap: Bool?
    public var externalEntropyAccess: Bool?
    public var tuning: MountTuning?
    public var kvConfig: KVConfig?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
    /// Where `type` was written, for messages about the type.
    public var typeLocation: SourceLocation

    /// True for a KV engine of version 2, the only kind that holds secret schemas and KV config.
    public var isKVv2: Bool { type == "kv" && options["version"] == "2" }
}

/// Engine-wide settings of a KV version 2 engine.
public struct KVConfig: Sendable, Equatable {
    public var maxVersions: Int?
    public var casRequired: Bool?
    public var metadataCASRequired: Bool?
    public var deleteVersionAfter: TimeSpan?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A key of a Transit engine.
public struct TransitKey: Sendable, Equatable {
    /// The key types OpenBao's Transit engine creates.
    public static let keyTypes = [
        "aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "xchacha20-poly1305", "ed25519",
        "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-3072", "rsa-4096", "hmac",
    ]

    public var mount: Located<String>
    public var name: String
    /// The key type; nil means the server's default (aes256-gcm96).
    public var type: String?
    public var keySize: Int?
    public var exportable: Bool?
    public var allowPlaintextBackup: Bool?
    public var deletionAllowed: Bool?
    public var autoRotatePeriod: TimeSpan?
    public var minDecryptionVersion: Int?
    public var minEncryptionVersion: Int?
    public var derived: Bool?
    public var convergentEncryption: Bool?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// The capabilities an ACL rule can grant, as the policy parser knows them.
public enum PolicyCapability {
    /// Every capability name, in the order Vault documents them.
    public static let allNames = Capability.allCases.map(\.rawValue)
}

/// An ACL policy, as written.
public struct Policy: Sendable, Equatable {
    /// Where the policy text comes from.
    public enum Source: Sendable, Equatable {
        /// HCL written inline; the location is where the text starts.
        case hcl(String)
        /// HCL read from a file, with the path as written and as resolved.
        case file(path: String, resolvedPath: String, text: String)
        /// Structured rules, rendered to canonical HCL.
        case rules([PolicyRule])
    }

    public var name: String
    public var source: Source
    /// The policy's meaning, parsed once when the manifest is loaded (structured rules are
    /// turned into the same form).
    public var document: PolicyDocument
    /// OpenBao's identity-template settings of the policy.
    public var allowSlashesInIdentityTemplates: Bool?
    public var allowWildcardsInIdentityTemplates: Bool?
    /// Where each rule is written, by its path as the rules have it (no leading `/`): the
    /// first block for the path, in the HCL file, the inline text or the structured rules.
    public var ruleLocations: [String: SourceLocation] = [:]
    public var location: SourceLocation
}

/// One structured rule of a policy.
public struct PolicyRule: Sendable, Equatable {
    public var path: String
    public var capabilities: [String]
    public var description: String?
    public var requiredParameters: [String]?
    public var allowedParameters: [String: [String]]?
    public var deniedParameters: [String: [String]]?
    public var minWrappingTTL: TimeSpan?
    public var maxWrappingTTL: TimeSpan?
    public var location: SourceLocation
}

/// An auth method.
public struct AuthMethod: Sendable, Equatable {
    public var path: String
    public var type: String
    public var description: String?
    /// Method options; only the keys written are compared.
    public var options: [String: String] = [:]
    public var local: Bool?
    public var sealWrap: Bool?
    public var externalEntropyAccess: Bool?
    public var tuning: MountTuning?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// The token settings of a role-issuing auth method's role (AppRole, Kubernetes); nil fields
/// are left to their fresh values.
public struct TokenSettings: Sendable, Equatable {
    public var tokenPolicies: [Located<String>]?
    public var tokenTTL: TimeSpan?
    public var tokenMaxTTL: TimeSpan?
    public var tokenExplicitMaxTTL: TimeSpan?
    public var tokenPeriod: TimeSpan?
    public var tokenNumUses: Int?
    public var tokenType: String?
    public var tokenNoDefaultPolicy: Bool?
    public var tokenBoundCIDRs: [CIDR]?
    public var tokenStrictlyBindIP: Bool?
}

/// A role of an AppRole auth method.
public struct AppRoleRole: Sendable, Equatable {
    public var name: String
    public var mount: Located<String>
    public var roleID: String?
    public var bindSecretID: Bool?
    public var secretIDBoundCIDRs: [CIDR]?
    public var secretIDNumUses: Int?
    public var secretIDTTL: TimeSpan?
    public var localSecretIDs: Bool?
    /// Its token settings, as every role-issuing method has them.
    public var token: TokenSettings
    /// False for a role whose credentials must never go to the shared sidecar directory
    /// (`vaultform credentials --all`), such as the admin role; vaultform's own, never sent
    /// to the server.
    public var sidecar: Bool?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A role of a Kubernetes auth method (`auth/MOUNT/role/NAME`): which service accounts may
/// log in, and the tokens they get.
public struct KubernetesRole: Sendable, Equatable {
    /// The role's name (the server stores it in lower case).
    public var name: String
    /// The Kubernetes auth method's path; default `kubernetes`.
    public var mount: Located<String>
    public var boundServiceAccountNames: [String]?
    public var boundServiceAccountNamespaces: [String]?
    public var boundServiceAccountNamespaceSelector: String?
    public var audience: String?
    public var aliasNameSource: String?
    public var token: TokenSettings
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// The config of a JWT/OIDC auth method (`auth/MOUNT/config`): where the keys that sign
/// tokens come from, and what an OIDC login talks to. The server replaces the whole config
/// on every write.
public struct JWTConfig: Sendable, Equatable {
    /// The JWT/OIDC auth method's path; default `jwt`.
    public var mount: Located<String>
    public var boundIssuer: String?
    public var jwksURL: String?
    public var jwksCAPEM: String?
    public var oidcDiscoveryURL: String?
    public var oidcDiscoveryCAPEM: String?
    public var jwtValidationPubkeys: [String]?
    public var jwtSupportedAlgs: [String]?
    public var defaultRole: String?
    public var oidcClientID: String?
    /// Where the OAuth client secret comes from (write-only).
    public var oidcClientSecret: WriteOnlySource?
    public var oidcResponseMode: String?
    public var oidcResponseTypes: [String]?
    public var namespaceInState: Bool?
    public var providerConfig: [String: String]?
    public var overrideAllowedServerNames: [String]?
    public var location: SourceLocation
}

/// A role of a JWT/OIDC auth method (`auth/MOUNT/role/NAME`): which tokens may log in, and
/// the tokens they get.
public struct JWTRole: Sendable, Equatable {
    /// The role's name (the server stores it in lower case).
    public var name: String
    /// The JWT/OIDC auth method's path; default `jwt`.
    public var mount: Located<String>
    public var roleType: String?
    public var boundAudiences: [String]?
    public var boundSubject: String?
    /// Claim → the values it may have (one value is a list of one).
    public var boundClaims: [String: [String]]?
    public var boundClaimsType: String?
    public var claimMappings: [String: String]?
    public var userClaim: String?
    public var userClaimJSONPointer: Bool?
    public var groupsClaim: String?
    public var allowedRedirectURIs: [String]?
    public var oidcScopes: [String]?
    public var clockSkewLeeway: TimeSpan?
    public var expirationLeeway: TimeSpan?
    public var notBeforeLeeway: TimeSpan?
    public var verboseOIDCLogging: Bool?
    public var maxAge: TimeSpan?
    public var callbackMode: String?
    public var pollInterval: Int?
    public var oidcDisableConfirmation: Bool?
    public var oauth2Metadata: [String]?
    public var tokenPoliciesTemplateClaims: Bool?
    public var token: TokenSettings
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A Kubernetes auth method's config (`auth/MOUNT/config`): where the Kubernetes API is and
/// how service-account JWTs are checked. A write replaces the whole config.
public struct KubernetesConfig: Sendable, Equatable {
    /// The Kubernetes auth method's path; default `kubernetes`.
    public var mount: Located<String>
    public var kubernetesHost: String
    /// PEM text, inline or read from `kubernetes_ca_cert_file` when the manifest is loaded.
    public var kubernetesCACert: String?
    public var pemKeys: [String]?
    public var issuer: String?
    public var disableISSValidation: Bool?
    public var disableLocalCAJWT: Bool?
    /// Where the JWT that reviews service-account tokens comes from (write-only).
    public var tokenReviewerJWT: WriteOnlySource?
    public var location: SourceLocation
}

/// A trusted certificate of a TLS certificate auth method (`auth/MOUNT/certs/NAME`): which
/// client certificates may log in, and the tokens they get.
public struct CertRole: Sendable, Equatable {
    /// The role's name (the server stores it in lower case).
    public var name: String
    /// The cert auth method's path; default `cert`.
    public var mount: Located<String>
    /// PEM text, inline or read from `certificate_file` when the manifest is loaded.
    public var certificate: String?
    public var displayName: String?
    public var allowedCommonNames: [String]?
    public var allowedDNSSANs: [String]?
    public var allowedEmailSANs: [String]?
    public var allowedURISANs: [String]?
    public var allowedOrganizationalUnits: [String]?
    public var allowedNames: [String]?
    public var requiredExtensions: [String]?
    public var allowedMetadataExtensions: [String]?
    public var ocspEnabled: Bool?
    /// PEM text, inline or read from `ocsp_ca_certificates_file`.
    public var ocspCACertificates: String?
    public var ocspServersOverride: [String]?
    public var ocspFailOpen: Bool?
    public var ocspQueryAllServers: Bool?
    public var token: TokenSettings
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A token role (`auth/token/roles/NAME`): what tokens created against it may carry.
public struct TokenRole: Sendable, Equatable {
    /// The role's name, kept as written (the server keeps its case).
    public var name: String
    public var allowedPolicies: [Located<String>]?
    public var disallowedPolicies: [Located<String>]?
    public var allowedPoliciesGlob: [String]?
    public var disallowedPoliciesGlob: [String]?
    public var allowedEntityAliases: [String]?
    public var orphan: Bool?
    public var renewable: Bool?
    public var pathSuffix: String?
    public var tokenPeriod: TimeSpan?
    public var tokenExplicitMaxTTL: TimeSpan?
    public var tokenNumUses: Int?
    public var tokenType: String?
    public var tokenNoDefaultPolicy: Bool?
    public var tokenBoundCIDRs: [CIDR]?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// An identity entity (`identity/entity/name/NAME`): a person or service, with the policies
/// and metadata its tokens get whichever auth method it logs in with.
public struct IdentityEntity: Sendable, Equatable {
    /// The entity's name (the server finds names in any case, and keeps the case written).
    public var name: String
    public var policies: [Located<String>]?
    public var metadata: [String: String]?
    public var disabled: Bool?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// An identity group (`identity/group/name/NAME`): policies for its members, which are
/// entities and groups named by name (internal), or logins through a group alias (external).
public struct IdentityGroup: Sendable, Equatable {
    /// The group's name (the server finds names in any case, and keeps the case written).
    public var name: String
    /// `internal` or `external`.
    public var type: Located<String>?
    public var policies: [Located<String>]?
    public var metadata: [String: String]?
    /// Member entities, by name: each an entity the manifest declares.
    public var memberEntities: [Located<String>]?
    /// Member groups, by name: each a group the manifest declares.
    public var memberGroups: [Located<String>]?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// An entity alias (`identity/entity-alias`): a login name on one auth method, mapped to an entity.
public struct EntityAlias: Sendable, Equatable {
    /// The login name (the server finds it in any case).
    public var name: String
    /// The auth method's mount path (never its accessor, which re-enabling it changes).
    public var mount: Located<String>
    /// The entity, by name: one the manifest declares.
    public var entity: Located<String>
    public var customMetadata: [String: String]?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A group alias (`identity/group-alias`): a group name on one auth method, mapped to an external group.
public struct GroupAlias: Sendable, Equatable {
    /// The group's name on the auth method (the server finds it in any case).
    public var name: String
    /// The auth method's mount path (never its accessor, which re-enabling it changes).
    public var mount: Located<String>
    /// The external group, by name: one the manifest declares.
    public var group: Located<String>
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// The type a secret field's value must have.
public enum SecretFieldType: String, Sendable, CaseIterable {
    case string, url, email, integer, boolean
    case jsonObject = "json-object"
    case jsonArray = "json-array"
    case base64
    case pemPrivateKey = "pem-private-key"
    case pemPublicKey = "pem-public-key"
    case pemCertificate = "pem-certificate"

    /// Every type name, for the manifest shape.
    public static let names = allCases.map(\.rawValue)
}

/// How vaultform generates a missing value.
public struct SecretGenerator: Sendable, Equatable {
    /// The generator kinds.
    public static let kinds = ["password", "random_bytes", "rsa", "x25519", "ecdsa_p256"]

    public var kind: String
    public var length: Int?
    public var classes: [String]?
    public var bytes: Int?
    public var bits: Int?
    public var publicField: Located<String>?
    public var location: SourceLocation

    /// A generator as written; unset options are nil and take the generator's defaults.
    public init(
        kind: String, length: Int? = nil, classes: [String]? = nil, bytes: Int? = nil, bits: Int? = nil,
        publicField: Located<String>? = nil, location: SourceLocation
    ) {
        self.kind = kind
        self.length = length
        self.classes = classes
        self.bytes = bytes
        self.bits = bits
        self.publicField = publicField
        self.location = location
    }
}

/// Where a missing field value comes from.
public enum SecretSource: Sendable, Equatable {
    case generate(SecretGenerator)
    case environment(String)
    case file(path: String, resolvedPath: String)
}

/// Where a write-only value comes from (a password the server takes and never reads back):
/// read when plan and apply run, never written into a plan.
public enum WriteOnlySource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// An environment variable.
    case environment(String)
    /// A file, as written (relative to the manifest) and resolved.
    case file(path: String, resolvedPath: String)
    /// Generated once and kept in a KV v2 secret (`store`, in the engine `mount`, at `path`
    /// inside it), in the field named after the write-only field: later runs take it from
    /// there, and removing it from there makes a new one.
    case generated(WriteOnlyGenerator)

    /// `from environment ALICE_PASSWORD`, `from file secrets/alice`, `generated into secret/people/alice`.
    public var description: String {
        switch self {
        case .environment(let name): "from environment \(name)"
        case .file(let path, _): "from file \(path)"
        case .generated(let generator): "generated into \(generator.store)"
        }
    }
}

/// How a write-only value is generated, and the KV v2 secret that keeps it.
public struct WriteOnlyGenerator: Sendable, Equatable, Codable {
    /// `password` or `random_bytes`.
    public var kind: String
    public var length: Int?
    public var classes: [String]?
    public var bytes: Int?
    /// The secret's full path as written (`secret/people/alice`).
    public var store: String
    /// The KV v2 engine it falls in, with a trailing slash (set by validation).
    public var mount: String = ""
    /// The secret's path inside the engine (set by validation).
    public var path: String = ""

    /// A generator as written.
    public init(kind: String, length: Int? = nil, classes: [String]? = nil, bytes: Int? = nil, store: String) {
        self.kind = kind
        self.length = length
        self.classes = classes
        self.bytes = bytes
        self.store = store
    }
}

/// A user of a userpass auth method (`auth/MOUNT/users/NAME`): a password and the tokens a
/// login gets.
public struct UserpassUser: Sendable, Equatable {
    /// The user's name (the server stores it in lower case).
    public var name: String
    /// The userpass auth method's path; default `userpass`.
    public var mount: Located<String>
    /// Where the password comes from; nil leaves an existing user's password alone.
    public var password: WriteOnlySource?
    public var token: TokenSettings
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// One field of a secret schema.
public struct SecretField: Sendable, Equatable {
    public var name: String
    public var type: SecretFieldType
    public var required: Bool
    public var description: String?
    public var coerce: Bool
    public var pattern: String?
    public var minLength: Int?
    public var bytes: Int?
    public var keyType: String?
    public var minBits: Int?
    public var source: SecretSource?
    /// A rotation marker: when it differs from the one recorded with the secret, apply
    /// replaces the value once (from its generator or source) and records the new marker.
    public var rotate: String?
    public var location: SourceLocation

    /// A field as written; `required` and `coerce` default as in the manifest (true and false).
    public init(
        name: String, type: SecretFieldType, required: Bool = true, description: String? = nil, coerce: Bool = false,
        pattern: String? = nil, minLength: Int? = nil, bytes: Int? = nil, keyType: String? = nil, minBits: Int? = nil,
        source: SecretSource? = nil, rotate: String? = nil, location: SourceLocation
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
        self.coerce = coerce
        self.pattern = pattern
        self.minLength = minLength
        self.bytes = bytes
        self.keyType = keyType
        self.minBits = minBits
        self.source = source
        self.rotate = rotate
        self.location = location
    }
}

/// A key-pair constraint between two fields.
public struct SecretPair: Sendable, Equatable {
    public var privateField: Located<String>
    public var publicField: Located<String>
    public var kind: String
}

/// The fields a KV v2 secret must hold.
public struct SecretSchema: Sendable, Equatable {
    /// The full path as written: the engine's path, then the secret's.
    public var path: String
    /// The KV v2 engine the path falls in (set by validation; empty when none matches).
    public var mount: String
    /// The secret's path inside the engine.
    public var secretPath: String
    public var description: String?
    public var fields: [SecretField]
    public var forbidden: [String]
    public var allowUnexpected: Bool
    public var pairs: [SecretPair]
    public var location: SourceLocation
    /// The namespace the secret is in, relative to the connection's ("" for it): set for a
    /// schema declared in a namespace's `contents`.
    public var namespace: String = ""
}

/// A rate-limit quota (`sys/quotas/rate-limit/NAME`): requests a second allowed to a path,
/// an auth method's role, or every request. Written whole: a field left out is its default.
public struct RateLimitQuota: Sendable, Equatable {
    /// The quota's name (the server keeps its case).
    public var name: String
    /// Requests allowed per interval, above 0.
    public var rate: Double
    /// The mount, path in a mount, or auth method (`auth/NAME`) it limits; nil: every request.
    public var path: String?
    /// A role of the auth method at `path`; fixed when the quota is created.
    public var role: String?
    public var interval: TimeSpan?
    public var blockInterval: TimeSpan?
    public var inheritable: Bool?
    public var location: SourceLocation
}

/// A lint finding the manifest accepts (`lint.accept`), so CI fails on new findings only.
public struct LintAcceptance: Sendable, Equatable {
    /// The finding's stable id, as `vaultform lint` prints it.
    public var id: Located<String>
    /// Why it is accepted; shown next to the finding.
    public var reason: String
}

/// Lint thresholds (`lint:`).
public struct LintSettings: Sendable, Equatable {
    public static let defaultMinIPv4Prefix = 16
    public static let defaultMinIPv6Prefix = 48
    /// A bound CIDR with a shorter IPv4 prefix is reported as wide.
    public var minIPv4Prefix: Int?
    /// A bound CIDR with a shorter IPv6 prefix is reported as wide.
    public var minIPv6Prefix: Int?

    public init(minIPv4Prefix: Int? = nil, minIPv6Prefix: Int? = nil) {
        self.minIPv4Prefix = minIPv4Prefix
        self.minIPv6Prefix = minIPv6Prefix
    }
}

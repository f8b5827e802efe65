/// The behaviours that differ between Vault and OpenBao, and between their versions, that
/// vaultform's later stages must know before relying on them. Build one from the server's
/// identity (`ServerBehaviour(identity)`, or `client.behaviour()`), ask it, and explain a
/// refusal with `Support`'s reason instead of guessing from an error.
///
/// | behaviour                       | OpenBao                                                   | Vault                                  |
/// |---------------------------------|-----------------------------------------------------------|----------------------------------------|
/// | audit devices through the API   | up to 2.3.1 yes; from 2.3.2 only with `unsafe_allow_api_audit_creation = true` in the server configuration (CVE-2025-54997) | yes |
/// | its refusal, when not allowed   | 400 `cannot enable audit device via API; use declarative, config-based audit device management instead` | (never refuses) |
/// | audit devices in the config file| from 2.4.0 (`audit "file" "path" { … }` stanzas)          | no                                     |
/// | audit `prefix` option           | from 2.3.2 only with `allow_audit_log_prefixing = true`   | not recorded here                      |
/// | audit `format = "jsonx"`        | removed in 2.5.0                                          | yes                                    |
/// | build marker in seal-status     | `commit_date` (no `build_date`); how the flavour is told  | `build_date` (wins when both are sent) |
/// | namespaces                      | from 2.3.0                                                | Enterprise only (version `…+ent`)      |
/// | kv-v2 `metadata_cas_required`   | yes (observed on 2.7.2; the release that added it is not recorded, so below 2.7 it is unknown) | no |
/// | namespace header                | `X-Vault-Namespace`; `X-Bao-Namespace` is ignored (2.7.2) | `X-Vault-Namespace`                    |
///
/// Every check of the flavour or version, and every match of server text that tells one
/// flavour from the other, lives here; other code asks a property. Text both flavours send
/// alike (sealed, permission denied, check-and-set, path already in use, a KV v2 mount
/// upgrading, preflight capability check, no handler for route) and defaults both share (the
/// syslog audit tag `vault`) are not flavour differences and stay with the code that uses them.
///
/// Sources: OpenBao's release notes (2.3.0 namespaces; 2.3.2 audit API and prefixing; 2.4.0
/// declarative audit devices; 2.5.0 jsonx removal), Vault's API documentation, and what
/// `docs/openbao-api-notes.md` observed on OpenBao 2.7.2.
public struct ServerBehaviour: Sendable, Hashable {
    /// Whether a behaviour is available on this server.
    public enum Support: Sendable, Hashable, CustomStringConvertible {
        /// Available.
        case yes
        /// Not available; the reason names the flavour or version.
        case no(String)
        /// Available only when the server's own configuration allows it, which a client cannot
        /// see: try, and explain a refusal with the condition.
        case onlyIf(String)
        /// Not known for this flavour or version.
        case unknown(String)

        /// True for `.yes`, false for `.no`, nil when it depends on something unseen.
        public var isAvailable: Bool? {
            switch self {
            case .yes: true
            case .no: false
            case .onlyIf, .unknown: nil
            }
        }

        public var description: String {
            switch self {
            case .yes: "yes"
            case .no(let reason): "no: \(reason)"
            case .onlyIf(let condition): "only if \(condition)"
            case .unknown(let reason): "unknown: \(reason)"
            }
        }
    }

    /// The server the answers are about.
    public let identity: ServerIdentity
    /// The version, parsed; nil when the server reported something unreadable.
    public let version: ServerVersion?

    /// The behaviours of the server `identity` names.
    public init(_ identity: ServerIdentity) {
        self.identity = identity
        self.version = ServerVersion(identity.version)
    }

    private var isOpenBao: Bool { identity.flavour == .openBao }
    private var isVault: Bool { identity.flavour == .vault }

    /// Whether `version` is at least `major.minor.patch`; nil when the version is unreadable.
    private func atLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool? {
        version.map { $0 >= ServerVersion(major: major, minor: minor, patch: patch) }
    }

    private var unknownFlavour: Support { .unknown("the server is neither recognisably Vault nor OpenBao") }
    private var unreadableVersion: Support { .unknown("the version \"\(identity.version)\" cannot be read") }

    // MARK: - Audit devices

    /// Enabling an audit device with `PUT sys/audit/<path>`.
    public var apiAuditDevices: Support {
        if isVault { return .yes }
        guard isOpenBao else { return unknownFlavour }
        guard let modern = atLeast(2, 3, 2) else { return unreadableVersion }
        return modern ? .onlyIf("the server's configuration sets unsafe_allow_api_audit_creation = true") : .yes
    }

    /// Whether `PUT sys/audit/<path>` works on a server with its default configuration. On
    /// OpenBao 2.3.2 and later it does not: declare audit devices in the server's
    /// configuration file, or set `unsafe_allow_api_audit_creation`.
    public var supportsAPIAuditDevices: Bool { apiAuditDevices == .yes }

    /// Whether a server with its default configuration refuses `PUT sys/audit/<path>`, as
    /// far as is known: OpenBao from 2.3.2, and an OpenBao whose version cannot be read (most
    /// are that recent). Plan warns on such a server before apply meets the refusal; Vault,
    /// OpenBao up to 2.3.1 and an unrecognised server are not warned about.
    public var refusesAPIAuditDevicesByDefault: Bool {
        guard isOpenBao else { return false }
        return apiAuditDevices != .yes
    }

    /// Whether `error` is the server refusing to create an audit device through its API
    /// (OpenBao from 2.3.2 without `unsafe_allow_api_audit_creation`). Its message is the
    /// only sign: the setting lives in the server's configuration, which a client cannot read.
    public static func isAPIAuditDeviceRefusal(_ error: VaultError) -> Bool {
        error.messages.contains { $0.contains("cannot enable audit device via API") }
    }

    /// Why an audit device could not be created, for an error that `isAPIAuditDeviceRefusal`
    /// recognises.
    public static let apiAuditDeviceRefusalReason =
        "the server does not allow creating audit devices through its API (OpenBao from 2.3.2 does so only with "
        + "unsafe_allow_api_audit_creation = true in its configuration)"

    /// Declaring audit devices in the server's configuration file (`audit "file" "path" {…}`).
    public var configuredAuditDevices: Support {
        if isVault { return .no("Vault declares audit devices through the API only") }
        guard isOpenBao else { return unknownFlavour }
        guard let available = atLeast(2, 4) else { return unreadableVersion }
        return available ? .yes : .no("OpenBao added audit stanzas in 2.4.0")
    }

    /// The audit device option `prefix`.
    public var auditLogPrefix: Support {
        if isVault { return .unknown("not recorded for Vault") }
        guard isOpenBao else { return unknownFlavour }
        guard let modern = atLeast(2, 3, 2) else { return unreadableVersion }
        return modern ? .onlyIf("the server's configuration sets allow_audit_log_prefixing = true") : .yes
    }

    /// The audit format `jsonx`.
    public var auditFormatJSONX: Support {
        if isVault { return .yes }
        guard isOpenBao else { return unknownFlavour }
        guard let removed = atLeast(2, 5) else { return unreadableVersion }
        return removed ? .no("OpenBao removed the jsonx audit format in 2.5.0") : .yes
    }

    // MARK: - Identification

    /// The `sys/seal-status` field holding the build's date: OpenBao's `commit_date`,
    /// Vault's `build_date`; nil for a server that is neither.
    public var versionDateField: String? { Self.versionDateField(of: identity.flavour) }

    /// The `sys/seal-status` field that marks `flavour`'s build; nil for `.unknown`.
    public static func versionDateField(of flavour: ServerFlavour) -> String? {
        switch flavour {
        case .openBao: "commit_date"
        case .vault: "build_date"
        case .unknown: nil
        }
    }

    /// Tells the flavour from `sys/seal-status` by the build marker each sends: Vault's
    /// `build_date` (which wins if a server sent both), else OpenBao's `commit_date`, else
    /// `.unknown`.
    public static func flavour(of status: SealStatus) -> ServerFlavour {
        if status.buildDate != nil { return .vault }
        if status.commitDate != nil { return .openBao }
        return .unknown
    }

    /// Whether the server is Vault Enterprise (its version carries `+ent`).
    public var isVaultEnterprise: Bool { isVault && (version?.suffix.hasPrefix("+ent") ?? false) }

    // MARK: - Namespaces

    /// Namespaces (`sys/namespaces`, the namespace header).
    public var namespaces: Support {
        if isVault { return isVaultEnterprise ? .yes : .no("namespaces are a Vault Enterprise feature") }
        guard isOpenBao else { return unknownFlavour }
        guard let available = atLeast(2, 3) else { return unreadableVersion }
        return available ? .yes : .no("OpenBao added namespaces in 2.3.0")
    }

    /// Whether namespaces can be used at all on this server.
    public var supportsNamespaces: Bool { namespaces == .yes }

    /// The header that selects a namespace. Both servers read `X-Vault-Namespace`; OpenBao
    /// 2.7.2 ignores `X-Bao-Namespace`, so a request sent with it alone would act on the root
    /// namespace.
    public var namespaceHeader: String { Self.namespaceHeader }

    /// The namespace header, for the client, which sends it before it knows the flavour:
    /// `X-Vault-Namespace`, which both read.
    public static let namespaceHeader = "X-Vault-Namespace"

    // MARK: - KV version 2

    /// The kv-v2 setting `metadata_cas_required` (check-and-set on metadata writes).
    public var kvMetadataCASRequired: Support {
        if isVault { return .no("Vault's kv-v2 has cas_required only") }
        guard isOpenBao else { return unknownFlavour }
        guard let observed = atLeast(2, 7) else { return unreadableVersion }
        return observed ? .yes : .unknown("observed on OpenBao 2.7.2; the release that added it is not recorded")
    }
}

extension ServerIdentity {
    /// What this server does differently (see `ServerBehaviour`).
    public var behaviour: ServerBehaviour { ServerBehaviour(self) }
}

extension VaultClient {
    /// Identifies the server and returns its behaviours.
    public func behaviour() async throws -> ServerBehaviour {
        try await identity().behaviour
    }
}

/// A connection of a database secrets engine (`MOUNT/config/NAME`): which plugin talks to
/// which database, as which user, and which roles may use it. A write changes only the
/// fields it names (the server merges it into what it holds), so the root password is sent
/// only when its source's value changes.
public struct DatabaseConnection: Sendable, Equatable {
    /// The connection's name.
    public var name: String
    /// The database engine's path; default `database`.
    public var mount: Located<String>
    public var pluginName: String
    public var pluginVersion: String?
    /// The URL, with `{{username}}` and `{{password}}` where the root credential goes.
    public var connectionURL: String
    public var username: String?
    /// Where the root password comes from (write-only: the server never reads it back).
    public var password: WriteOnlySource?
    public var allowedRoles: [String]?
    public var rootRotationStatements: [String]?
    public var passwordPolicy: String?
    /// Whether the server checks the connection when the config is written (default true).
    public var verifyConnection: Bool?
    public var maxOpenConnections: Int?
    public var maxIdleConnections: Int?
    public var maxConnectionLifetime: TimeSpan?
    public var usernameTemplate: String?
    public var disableEscaping: Bool?
    public var passwordAuthentication: String?
    /// A marker: apply rotates the root credential (`MOUNT/rotate-root/NAME`) once each time
    /// it changes, and records it on the connection.
    public var rotateRoot: String?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A dynamic role of a database secrets engine (`MOUNT/roles/NAME`): the statements that
/// create and remove a user for each credential read at `MOUNT/creds/NAME`, and its TTLs.
public struct DatabaseRole: Sendable, Equatable {
    public var name: String
    /// The database engine's path; default `database`.
    public var mount: Located<String>
    /// The connection the role's users are made on.
    public var dbName: Located<String>
    public var creationStatements: [String]?
    public var revocationStatements: [String]?
    public var rollbackStatements: [String]?
    public var renewStatements: [String]?
    public var defaultTTL: TimeSpan?
    public var maxTTL: TimeSpan?
    public var credentialType: String?
    public var credentialConfig: [String: String]?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

/// A static role of a database secrets engine (`MOUNT/static-roles/NAME`): one existing
/// database user whose password the server rotates every `rotation_period`.
public struct DatabaseStaticRole: Sendable, Equatable {
    public var name: String
    /// The database engine's path; default `database`.
    public var mount: Located<String>
    /// The connection the user lives on.
    public var dbName: Located<String>
    /// The database user; fixed once the role exists.
    public var username: String
    public var rotationPeriod: TimeSpan
    public var rotationStatements: [String]?
    public var credentialType: String?
    public var credentialConfig: [String: String]?
    /// Fields someone else owns (`ignore_fields`): never compared or written.
    public var ignoreFields: [String] = []
    public var location: SourceLocation
}

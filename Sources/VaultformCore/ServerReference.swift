import VaultWire

/// A value a write needs that only the server knows: the server's identifier of the object
/// at an address (an identity entity's or group's ID, an auth method's accessor, an alias's
/// ID). A kind's write names the object by its address; the applier looks the identifier up
/// just before it sends the write, so an object created (or re-created, with a new accessor)
/// earlier in the same apply is found, and a saved plan holds names, never IDs.
public enum ServerReference: Sendable, Equatable {
    /// One object's identifier.
    case one(Address)
    /// A list of identifiers, one per object (a group's members).
    case many([Address])
}

/// How the identifier of an object is looked up on the server, through `ServerLookup`: a kind
/// whose objects other objects name by ID defines one (`KindDefinition.identifier`).
public typealias IdentifierLookup = @Sendable (_ address: Address, _ server: any ServerLookup) async throws -> String?

/// The reads an identifier lookup may make: the applier provides it over its client.
public protocol ServerLookup: Sendable {
    /// The `data` of a request (GET, LIST, or a POST to a lookup endpoint); nil when the
    /// server has nothing there (404, or an answer without a body).
    func data(_ method: HTTPMethod, _ path: String, body: JSONValue?) async throws -> JSONValue?
    /// The identifier of another object (an alias's lookup needs its auth method's accessor).
    func identifier(_ address: Address) async throws -> String?
}

/// The names the server's own identifiers stand for, read once with the objects that hold
/// identifiers (group members, aliases), so that their fields compare by name: entity and
/// group IDs to names (lower-cased, as addresses hold them), auth method accessors to mount
/// paths. An identifier that stands for nothing reads as a name no manifest can hold, so it
/// shows as drift, never vanishes.
public struct ServerNames: Sendable, Equatable {
    /// Entity ID → name, lower-cased.
    public var entities: [String: String]
    /// Group ID → name, lower-cased.
    public var groups: [String: String]
    /// Auth method accessor → mount path with its slash (`userpass/`).
    public var accessors: [String: String]

    /// Names; empty by default.
    public init(entities: [String: String] = [:], groups: [String: String] = [:], accessors: [String: String] = [:]) {
        self.entities = entities
        self.groups = groups
        self.accessors = accessors
    }

    /// The entity's name, or a placeholder that says the ID stands for no entity.
    public func entity(_ id: String) -> String { entities[id] ?? Self.unknown("entity", id) }

    /// The group's name, or a placeholder that says the ID stands for no group.
    public func group(_ id: String) -> String { groups[id] ?? Self.unknown("group", id) }

    /// What an identifier that stands for nothing reads as: `(no entity with ID …)`.
    public static func unknown(_ what: String, _ id: String) -> String { "(no \(what) with ID \(id))" }
}

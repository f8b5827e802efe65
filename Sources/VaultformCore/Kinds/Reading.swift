import VaultWire

/// How the objects of a kind are found and read. Paths are templates: `MOUNT` is the mount
/// path with its slash (`transit/`), `NAME` the object's name within it.
public enum Reading: Sendable {
    /// One GET answers every object with its fields, by path (`sys/mounts`). `one` reads a
    /// single object for the check after a write; nil: read the table again. `missing` is
    /// how the server answers `one` for an object that is not there.
    case table(path: String, one: String?, missing: MissingAnswer)
    /// One object per mount at `path` (a KV engine's `MOUNTconfig`), read when its mount is.
    case perMount(path: String)
    /// One object per mount, put together by the kind from several reads (a PKI engine's CA:
    /// the issuer the manifest names, or the engine's default, then that issuer and its key).
    /// `read` is given the mount, the object the manifest declares there (if any) and reads
    /// that answer nil for 404, and answers nil when the mount holds none. `paths` describes
    /// the reads, for people.
    case perMountAssembled(paths: String, read: @Sendable (_ mount: MountReads) async throws -> JSONValue?)
    /// LIST `list`, then GET `item` for each name. `companions` are further reads of one
    /// object (an AppRole role's role ID), made when the manifest manages that field.
    case listed(list: String, item: String, companions: [Companion] = [])
    /// One LIST at `list` answers every object with its fields under `key_info`, keyed by the
    /// server's ID (identity aliases); `address` names an object from its entry (nil: it
    /// cannot be named, such as an alias whose auth method is gone). One object alone is read
    /// at `item` (`NAME` its identifier, found with the kind's `identifier` lookup).
    case keyInfo(list: String, item: String, address: @Sendable (_ entry: JSONValue, _ names: ServerNames) -> String?)
    /// GET each object the manifest declares at its address's name (a generic endpoint's
    /// path, `item` describing it for people; 404: absent), and each that vaultform's record of what it applied
    /// holds and the manifest no longer declares (to delete it). Nothing lists them.
    case declared(item: String)
    /// Read by a specialised stage (secrets, by `SecretReader`).
    case elsewhere

    /// A further read that supplies one field of an object.
    public struct Companion: Sendable {
        /// The field it supplies (`role_id`).
        public var field: String
        /// Where it is read (`auth/MOUNTrole/NAME/role-id`).
        public var path: String

        /// A companion read.
        public init(field: String, path: String) {
            self.field = field
            self.path = path
        }
    }

    /// How a server says an object is not there.
    public enum MissingAnswer: Sendable {
        /// 404, the usual way.
        case notFound
        /// 400 with a message `No … at …` (sys/mounts/PATH and sys/auth/PATH answer so).
        case badRequestNoMount
    }

    /// `template` for one object.
    /// One pass over the template, so a mount or name that itself contains `NAME` or
    /// `MOUNT` is never substituted again.
    public static func path(_ template: String, mount: String = "", name: String = "") -> String {
        var result = ""
        var rest = Substring(template)
        while let first = rest.first {
            if rest.hasPrefix("MOUNT") {
                result += mount
                rest = rest.dropFirst(5)
            } else if rest.hasPrefix("NAME") {
                result += name
                rest = rest.dropFirst(4)
            } else {
                result.append(first)
                rest = rest.dropFirst()
            }
        }
        return result
    }
}

/// A GET of one path: its `data`, nil when the server answers 404.
public typealias PathGet = @Sendable (_ path: String) async throws -> JSONValue?

/// What a kind read per mount from several requests is given (`Reading.perMountAssembled`).
public struct MountReads: Sendable {
    /// The mount, with its slash (`pki/`).
    public var mount: String
    /// The object the manifest declares on the mount, nil when it declares none (export, or
    /// an owned mount): a kind that finds its object by a name the manifest gives (a PKI CA's
    /// issuer name) falls back to the server's default then.
    public var desired: Resource?
    /// A GET: the answer's `data`, nil for 404.
    public var get: PathGet
    /// A LIST: the answer's `data` (`keys`, `key_info`), nil for 404 (an empty list).
    public var list: PathGet

    /// The reads of one mount.
    public init(mount: String, desired: Resource? = nil, get: @escaping PathGet, list: @escaping PathGet) {
        self.mount = mount
        self.desired = desired
        self.get = get
        self.list = list
    }
}

/// What the server answered for one object, for a kind's `live` normalisation.
public struct LiveRecord: Sendable {
    /// The object's address.
    public var address: Address
    /// Its `data` (or its entry in a table).
    public var data: JSONValue
    /// The fields companion reads supplied, by field name.
    public var companions: [String: JSONValue]
    /// The names the server's identifiers stand for (read for kinds with `readsServerNames`).
    public var names: ServerNames

    /// A record.
    public init(address: Address, data: JSONValue, companions: [String: JSONValue] = [:], names: ServerNames = ServerNames()) {
        self.address = address
        self.data = data
        self.companions = companions
        self.names = names
    }

    /// A member of the data.
    public subscript(_ key: String) -> JSONValue? { data[key] }
}

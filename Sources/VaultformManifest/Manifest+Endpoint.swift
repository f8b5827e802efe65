/// A value of a generic endpoint's `data`, as YAML wrote it: what it is written as (a JSON
/// number, boolean, string, list or object) and the text it is compared by.
public indirect enum DataValue: Sendable, Equatable {
    /// A quoted scalar, or a plain one that is not a number, boolean or null.
    case text(String)
    /// A plain scalar that reads as a number, as written (`3600`, `10.0`, `1e1`).
    case number(String)
    /// A plain `true` or `false`.
    case boolean(Bool)
    /// A plain `null`, `~` or nothing.
    case null
    /// A list.
    case list([DataValue])
    /// A map with free keys.
    case map([String: DataValue])

    /// A plain scalar's meaning (YAML 1.2's core schema, as JSON has it): a number, a
    /// boolean, null, or else text.
    static func plain(_ text: String) -> DataValue {
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        if text == "true" { return .boolean(true) }
        if text == "false" { return .boolean(false) }
        if isNumber(text) { return .number(text) }
        return .text(text)
    }

    /// JSON's number syntax (`-1`, `2.5`, `1e3`), which the server's JSON decoder reads as a number.
    static func isNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("-") { rest = rest.dropFirst() }
        let integer = rest.prefix { $0.isASCII && $0.isNumber }
        guard !integer.isEmpty else { return false }
        rest = rest.dropFirst(integer.count)
        if rest.hasPrefix(".") {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(fraction.count)
        }
        if rest.hasPrefix("e") || rest.hasPrefix("E") {
            rest = rest.dropFirst()
            if rest.hasPrefix("+") || rest.hasPrefix("-") { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0.isASCII && $0.isNumber }
            guard !exponent.isEmpty else { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }
}

/// How a generic endpoint is deleted once the manifest drops it.
public enum EndpointDeletion: Sendable, Equatable {
    /// Never: vaultform only forgets it (drops it from its record); the server keeps it.
    case never
    /// One request: `DELETE` or `POST` at a path.
    case request(method: String, path: String)

    /// `DELETE PATH`, `POST PATH` or `never`: how the record and plans spell it.
    public var text: String {
        switch self {
        case .never: "never"
        case .request(let method, let path): "\(method) \(path)"
        }
    }

    /// The recipe `text` spells; nil for anything else.
    public init?(text: String) {
        if text == "never" {
            self = .never
            return
        }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["DELETE", "POST"].contains(parts[0]), !parts[1].isEmpty else { return nil }
        self = .request(method: parts[0], path: parts[1])
    }
}

/// A generic endpoint (`endpoints:`): a path vaultform writes `data` to, compared on the keys
/// `compare` names only: the escape hatch for what no kind models.
public struct GenericEndpoint: Sendable, Equatable {
    /// The API path, without `/v1/` and without leading or trailing slashes.
    public var path: String
    /// What is written, key by key.
    public var data: [String: DataValue]
    /// The keys compared on read; nil: every key of `data`.
    public var compare: [String]?
    /// Keys written from a source and never read back (fingerprinted like any write-only value).
    public var writeOnly: [String: WriteOnlySource]
    /// How it is deleted once the manifest drops it.
    public var delete: EndpointDeletion
    /// Addresses (`mount:oidc/`, `endpoint:PATH`) it is written after.
    public var after: [String]
    public var location: SourceLocation
    /// Where each part was written, for messages: `path`, `compare.KEY`, `write_only.KEY`,
    /// `after.N`, `delete`.
    public var locations: [String: SourceLocation]

    /// The keys compared on read: `compare`, or every key of `data`.
    public var comparedKeys: [String] { compare ?? data.keys.sorted() }

    /// An endpoint.
    public init(
        path: String, data: [String: DataValue], compare: [String]?, writeOnly: [String: WriteOnlySource],
        delete: EndpointDeletion, after: [String], location: SourceLocation, locations: [String: SourceLocation] = [:]
    ) {
        self.path = path
        self.data = data
        self.compare = compare
        self.writeOnly = writeOnly
        self.delete = delete
        self.after = after
        self.location = location
        self.locations = locations
    }

    /// Where `part` was written, or the entry's own place.
    public func location(of part: String) -> SourceLocation { locations[part] ?? location }
}

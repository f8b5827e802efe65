import VaultWire

/// One HTTP write that carries out part of an operation: what a kind's definition answers
/// for create, update, replace and delete. Pure data; the applier sends it.
public struct WriteRequest: Sendable, Equatable {
    /// The method.
    public var method: HTTPMethod
    /// The API path, without `/v1/`.
    public var path: String
    /// The JSON body, if any.
    public var body: JSONValue?
    /// Whether sending it twice has the effect of sending it once, so that the client may
    /// repeat it after a timeout or a 502 that left its fate unknown. Upserts (policies,
    /// roles, configs, tuning, Transit key creation) and deletes are; enabling a mount, an
    /// auth method or an audit device is not: a repeat fails with "path is already in use".
    public var isIdempotent: Bool
    /// Body members whose values only the server knows (the IDs of a group's member
    /// entities, an alias's auth method accessor): set from their objects' identifiers just
    /// before the request is sent.
    public var references: [String: ServerReference]
    /// The object whose identifier ends the path (an alias's `identity/entity-alias/id/`),
    /// looked up just before the request is sent; nil when the path is complete. A delete
    /// whose object has no identifier (it is gone) is not sent.
    public var pathIdentifier: Address?
    /// Body members taken from the answer to the request before this one in the same
    /// operation (the CSR a PKI engine just generated, for its root to sign): member → the
    /// answer's `data` keys whose texts, joined by newlines, it gets. A member whose texts
    /// are all empty is left out (an issuer without a name keeps none).
    public var fromPreviousAnswer: [String: [String]]
    /// The member of the previous answer's `data` whose text ends the path (the ID of the key
    /// an issuer write answers with, or the one issuer with a key an import maps); nil when
    /// the path is complete. It must be one path
    /// segment: anything else fails the request rather than write elsewhere.
    public var pathFromPreviousAnswer: String?

    /// A request; idempotent unless said otherwise.
    public init(
        method: HTTPMethod, path: String, body: JSONValue? = nil, idempotent: Bool = true,
        references: [String: ServerReference] = [:], pathIdentifier: Address? = nil, fromPreviousAnswer: [String: [String]] = [:],
        pathFromPreviousAnswer: String? = nil
    ) {
        self.pathFromPreviousAnswer = pathFromPreviousAnswer
        self.method = method
        self.path = path
        self.body = body
        self.isIdempotent = idempotent
        self.references = references
        self.pathIdentifier = pathIdentifier
        self.fromPreviousAnswer = fromPreviousAnswer
    }

    /// The request with its `fromPreviousAnswer` members filled from `answer` (the previous
    /// request's `data`); nil when the answer lacks one of them.
    public func filled(from answer: JSONValue?) -> WriteRequest? {
        guard !fromPreviousAnswer.isEmpty || pathFromPreviousAnswer != nil else { return self }
        var request = self
        if let member = pathFromPreviousAnswer {
            // A text, a list of exactly one, or the one key of an object whose value is a
            // non-empty text (of the issuers an import maps to their keys, the one with a key).
            var text = answer?[member]?.stringValue
            if let items = answer?[member]?.arrayValue, items.count == 1 { text = items[0].stringValue }
            if let object = answer?[member]?.objectValue {
                let keyed = object.filter { $0.value.stringValue?.isEmpty == false }.map(\.key)
                if keyed.count == 1 { text = keyed[0] }
            }
            guard let segment = text, !segment.isEmpty, segment != ".", segment != "..", !segment.contains("/") else { return nil }
            request.path += segment
            request.pathFromPreviousAnswer = nil
        }
        guard !fromPreviousAnswer.isEmpty else { return request }
        var members = body?.objectValue ?? [:]
        for (member, keys) in fromPreviousAnswer {
            let texts = keys.compactMap { answer?[$0]?.stringValue }
            guard texts.count == keys.count else { return nil }
            members[member] = texts.allSatisfy(\.isEmpty) ? nil : .string(texts.joined(separator: "\n"))
        }
        request.body = .object(members)
        request.fromPreviousAnswer = [:]
        return request
    }

    /// `POST path` with an object body.
    public static func post(
        _ path: String, _ body: [String: JSONValue], idempotent: Bool = true,
        references: [String: ServerReference] = [:], pathIdentifier: Address? = nil
    ) -> WriteRequest {
        WriteRequest(method: .post, path: path, body: .object(body), idempotent: idempotent, references: references, pathIdentifier: pathIdentifier)
    }

    /// `DELETE path`, completed by `pathIdentifier`'s identifier when given.
    public static func delete(_ path: String, pathIdentifier: Address? = nil) -> WriteRequest {
        WriteRequest(method: .delete, path: path, pathIdentifier: pathIdentifier)
    }
}

/// Turning normalised fields into what the API takes, and server JSON back into fields: the
/// conversions every kind's definition shares.
public enum WireFields {
    /// The named fields that are present, as a JSON object's members.
    public static func object(_ fields: [String: FieldValue], _ keys: [String]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for key in keys { if let value = fields[key] { result[key] = json(value) } }
        return result
    }

    /// Every field, as a JSON object's members.
    public static func object(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        object(fields, Array(fields.keys))
    }

    /// A field's value as the API takes it. Durations go as integer seconds, which every
    /// endpoint vaultform writes parses (Go duration text too, where a kind wants it: see
    /// `goDuration`).
    public static func json(_ value: FieldValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .number(Double(number))
        case .boolean(let flag): return .bool(flag)
        case .seconds(let seconds): return .number(Double(seconds))
        case .list(let items), .set(let items): return .array(items.map(JSONValue.string))
        case .map(let map): return .object(map.mapValues(JSONValue.string))
        case .policy(let document): return .string(document.textToWrite)
        case .sensitive: return .null  // never sent from a plan: secret values are written by the secrets stage
        case .writeOnly: return .null  // never sent from a plan: the applier puts the source's value in its place
        }
    }

    /// A duration as Go's duration text (`90s`), for endpoints that parse only that.
    public static func goDuration(_ value: JSONValue?) -> JSONValue? {
        guard case .number(let seconds)? = value else { return value }
        return .string("\(Int(seconds))s")
    }

    /// A map of option values as strings (the server stores strings; `null` means none).
    public static func stringMap(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, item) in value?.objectValue ?? [:] {
            result[key] = item.stringValue ?? item.intValue.map(String.init) ?? item.boolValue.map { $0 ? "true" : "false" } ?? ""
        }
        return result
    }

    /// A list of strings; the server writes an absent list as `null` or leaves the key out.
    public static func strings(_ value: JSONValue?) -> [String] {
        if let text = value?.stringValue { return text.isEmpty ? [] : [text] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

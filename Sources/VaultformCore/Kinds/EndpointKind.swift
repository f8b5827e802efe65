import VaultformManifest
import VaultWire

/// A generic endpoint (`endpoints:`): the escape hatch for what no kind models. The manifest
/// gives a path, the data written there, the keys compared on read (only those, so keys the
/// server adds are never drift), write-only keys, how it is deleted, and what it is written
/// after. Every write sends the whole data; nothing lists endpoints, so vaultform keeps a
/// record of those it applied (`vaultform-lock/applied-endpoints`), and one the manifest
/// drops is deleted by the recipe recorded with it (docs/decisions/0007-generic-endpoint.md).
public enum EndpointKind {
    /// The field holding the delete recipe (`DELETE PATH`, `POST PATH`, `never`): compared
    /// with the recorded one, so a changed recipe (or an endpoint vaultform never recorded)
    /// is written and recorded. Parenthesised so that no data key can be mistaken for it.
    public static let deleteField = "(delete)"

    static let definition = KindDefinition(
        kind: .endpoint, noun: "endpoint", section: "endpoints", endpoint: "PATH",
        fields: [], generated: ["every key outside compare"],
        destructionLosesData: false, writesWhole: true,
        references: { ["(after)": after($0)] },
        reading: .declared(item: "PATH"),
        stated: { manifest in manifest.endpoints.map(stated) },
        live: { record in Resource(record.address, fields: (record.data.objectValue ?? [:]).mapValues(EndpointValues.field)) },
        create: { [write($0)] },
        // Written whole: the server may replace the whole object on every write.
        update: { desired, _ in [write(desired)] },
        writeOnlyPerObject: true,
        recordedDeletion: RecordedDeletion(
            fields: [deleteField],
            writes: { recipe($0).map { [$0] } ?? [] },
            reason: { resource in
                guard let request = recipe(resource) else {
                    return "not in the manifest; recorded with `delete: never`, so it is only forgotten from vaultform's record"
                }
                return "not in the manifest; vaultform recorded applying it, and deletes it with `\(request.method) \(request.path)`"
            }))

    /// The request that deletes an endpoint by its recorded recipe; nil for `never` (or no recipe).
    static func recipe(_ resource: Resource) -> WriteRequest? {
        guard case .string(let text)? = resource.fields[deleteField], let deletion = EndpointDeletion(text: text),
              case .request(let method, let path) = deletion else { return nil }
        return method == "POST" ? .post(path, [:]) : .delete(path)
    }

    /// The addresses an endpoint is written after (its payload's `after`).
    static func after(_ resource: Resource) -> [Address] {
        (resource.payload?["after"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Address.init(parsing:)) }
    }

    /// POST the path with the whole data and the write-only values the applier filled in.
    static func write(_ resource: Resource) -> WriteRequest {
        var body = resource.payload?["data"]?.objectValue ?? [:]
        for key in resource.payload?["write_only"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if case .string(let value)? = resource.fields[key] { body[key] = .string(value) }
        }
        return .post(resource.address.name, body)
    }

    static func stated(_ endpoint: GenericEndpoint) -> StatedResource {
        let data = endpoint.data.mapValues(EndpointValues.json)
        var fields: [String: FieldValue] = [deleteField: .string(endpoint.delete.text)]
        for key in endpoint.comparedKeys { if let value = data[key] { fields[key] = EndpointValues.field(value) } }
        for (key, source) in endpoint.writeOnly { fields[key] = .writeOnly(WriteOnlyValue(source: source)) }
        let payload: JSONValue = .object([
            "data": .object(data),
            "write_only": .array(endpoint.writeOnly.keys.sorted().map(JSONValue.string)),
            "after": .array(endpoint.after.map(JSONValue.string)),
        ])
        return StatedResource(Resource(Address(.endpoint, endpoint.path), fields: fields, payload: payload), endpoint.location)
    }
}

/// The one rule both sides of a generic endpoint are compared by: a scalar by its text
/// (numbers canonical, `10`, `10.0` and `1e1` all `10`; booleans `true`/`false`), a list item
/// by item in order, a map key by key. Nothing else is normalised.
enum EndpointValues {
    /// A value as a field: a list of item texts, a map of member texts, or a scalar's text.
    static func field(_ value: JSONValue) -> FieldValue {
        switch value {
        case .array(let items): .list(items.map(text))
        case .object(let members): .map(members.mapValues(text))
        default: .string(text(value))
        }
    }

    /// The text a value is compared by; a list or map inside one compares by the same rule.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): RateLimitQuotaKind.rateText(number)
        case .string(let string): string
        case .array(let items): "[" + items.map(text).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.keys.sorted().map { "\($0): \(text(members[$0] ?? .null))" }.joined(separator: ", ") + "}"
        }
    }

    /// A manifest value as it is written: numbers and booleans as JSON's, null as null, text
    /// as a string.
    static func json(_ value: DataValue) -> JSONValue {
        switch value {
        case .text(let text): .string(text)
        case .number(let text): Double(text).map(JSONValue.number) ?? .string(text)
        case .boolean(let flag): .bool(flag)
        case .null: .null
        case .list(let items): .array(items.map(json))
        case .map(let members): .object(members.mapValues(json))
        }
    }
}

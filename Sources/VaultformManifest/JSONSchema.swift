import Foundation

/// Derives a JSON Schema (draft-07, what yaml-language-server reads) from `ManifestShape`,
/// so editors complete and check manifests by the same rules `validate` applies.
public enum ManifestJSONSchema {
    /// The schema's `$id`; also names the file committed under `schema/`.
    public static let identifier = "https://vaultform.dev/schema/vaultform.schema.json"

    /// The schema as pretty-printed JSON with sorted keys, ending in a newline.
    public static func render() -> String {
        var root = object(ManifestShape.root)
        root["$schema"] = "http://json-schema.org/draft-07/schema#"
        root["$id"] = identifier
        root["title"] = "vaultform manifest"
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8)
        else { return "{}\n" }
        return text + "\n"
    }

    /// A whole-value variable reference, accepted wherever a typed value is.
    static var variableReference: [String: Any] { [
        "type": "string",
        "pattern": "^\\$\\{var\\.[A-Za-z_][A-Za-z0-9_-]*\\}$",
        "description": "A variable reference such as ${var.name}.",
    ] }

    static func object(_ shape: ObjectShape) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in shape.fields {
            var schema = self.schema(field.shape)
            // A namespace's contents are the top level's sections: referred to, not repeated.
            if case .object(let contents) = field.shape, contents.title == ManifestShape.namespaceContents.title {
                schema = [
                    "type": "object", "additionalProperties": false, "description": contents.summary,
                    "properties": Dictionary(uniqueKeysWithValues: contents.fields.map { ($0.key, ["$ref": "#/properties/\($0.key)"]) }),
                ]
            }
            if !field.summary.isEmpty { schema["description"] = field.summary }
            properties[field.key] = schema
        }
        var result: [String: Any] = [
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        ]
        if !shape.summary.isEmpty { result["description"] = shape.summary }
        let required = shape.fields.filter(\.required).map(\.key)
        if !required.isEmpty { result["required"] = required }
        var constraints: [[String: Any]] = []
        for group in shape.exactlyOneOf {
            constraints.append(["oneOf": group.map { ["required": [$0]] }])
        }
        for group in shape.atMostOneOf {
            constraints.append(["not": ["anyOf": pairs(group).map { ["required": [$0.0, $0.1]] }]])
        }
        if !constraints.isEmpty { result["allOf"] = constraints }
        return result
    }

    private static func pairs(_ keys: [String]) -> [(String, String)] {
        var result: [(String, String)] = []
        for (i, a) in keys.enumerated() { for b in keys[(i + 1)...] { result.append((a, b)) } }
        return result
    }

    static func schema(_ shape: Shape) -> [String: Any] {
        switch shape {
        case .string(let rule):
            var result: [String: Any] = ["type": "string"]
            if let pattern = rule.pattern { result["pattern"] = pattern }
            return result
        case .scalarText:
            return ["type": ["string", "number", "integer", "boolean"]]
        case .integer(let min, let max):
            var typed: [String: Any] = ["type": "integer"]
            if let min { typed["minimum"] = min }
            if let max { typed["maximum"] = max }
            return ["anyOf": [typed, variableReference]]
        case .boolean:
            return ["anyOf": [["type": "boolean"], variableReference]]
        case .duration:
            return ["anyOf": [
                ["type": "integer", "minimum": 0],
                ["type": "string", "pattern": "^([0-9]+|([0-9]+(\\.[0-9]+)?[smhd])+)$"],
                variableReference,
            ], "description": "A duration: 30m, 1h30m, 720h, 7d, or seconds."]
        case .cidr:
            return ["type": "string", "description": "An IPv4 or IPv6 CIDR or address."]
        case .oneOf(let words):
            return ["anyOf": [["type": "string", "enum": words], variableReference]]
        case .list(let item, let unique):
            var list: [String: Any] = ["type": "array", "items": schema(item)]
            if unique { list["uniqueItems"] = true }
            return ["anyOf": [list, variableReference]]
        case .map(let value):
            return ["type": "object", "additionalProperties": schema(value)]
        case .object(let object):
            return self.object(object)
        case .anyData:
            return [:]
        case .anyValue:
            return ["anyOf": [
                ["type": ["string", "number", "integer", "boolean"]],
                ["type": "array", "items": ["type": ["string", "number", "integer", "boolean"]]],
            ]]
        }
    }
}

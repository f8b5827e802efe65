import VaultformPolicy

/// FieldValue's tagged encoding for plan files (`{"type": "seconds", "value": 3600}`), so a
/// saved plan decodes to exactly the values that were planned. Policies travel as the text
/// apply writes (the author's, or canonical HCL) and are parsed again on decoding.
extension FieldValue: Codable {
    private enum CodingKeys: String, CodingKey { case type, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "string": self = .string(try container.decode(String.self, forKey: .value))
        case "integer": self = .integer(try container.decode(Int.self, forKey: .value))
        case "boolean": self = .boolean(try container.decode(Bool.self, forKey: .value))
        case "seconds": self = .seconds(try container.decode(Int.self, forKey: .value))
        case "list": self = .list(try container.decode([String].self, forKey: .value))
        case "set": self = .unorderedSet(try container.decode([String].self, forKey: .value))
        case "map": self = .map(try container.decode([String: String].self, forKey: .value))
        case "sensitive": self = .sensitive(try container.decode(SensitiveValue.self, forKey: .value))
        case "write-only": self = .writeOnly(try container.decode(WriteOnlyValue.self, forKey: .value))
        case "policy":
            let text = try container.decode(String.self, forKey: .value)
            switch PolicyParser.parse(text) {
            case .success(var document):
                document.text = text
                self = .policy(document)
            case .failure(let error):
                throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "policy text does not parse: \(error)")
            }
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown value type `\(other)`")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let text): try container.encode("string", forKey: .type); try container.encode(text, forKey: .value)
        case .integer(let number): try container.encode("integer", forKey: .type); try container.encode(number, forKey: .value)
        case .boolean(let flag): try container.encode("boolean", forKey: .type); try container.encode(flag, forKey: .value)
        case .seconds(let seconds): try container.encode("seconds", forKey: .type); try container.encode(seconds, forKey: .value)
        case .list(let items): try container.encode("list", forKey: .type); try container.encode(items, forKey: .value)
        case .set(let items): try container.encode("set", forKey: .type); try container.encode(items, forKey: .value)
        case .map(let map): try container.encode("map", forKey: .type); try container.encode(map, forKey: .value)
        case .policy(let document): try container.encode("policy", forKey: .type); try container.encode(document.textToWrite, forKey: .value)
        case .sensitive(let value):
            try container.encode("sensitive", forKey: .type)
            try container.encode(value, forKey: .value)
        case .writeOnly(let value):
            try container.encode("write-only", forKey: .type)
            try container.encode(value, forKey: .value)
        }
    }
}

import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets

/// Values from a field's `from_env` or `from_file`, read when plan or apply runs and turned
/// into the field's type: an environment variable or a file always holds text, so a
/// `json-object` field takes the object the text spells, an `integer` field the number.
/// Errors say what is wrong and never repeat the value.
enum SecretSources {
    /// What plan reports for each field with a source: available (with its shape), unset,
    /// or set but invalid for the field.
    static func observe(_ schema: SecretSchema, environment: [String: String]) -> [String: SourceObservation] {
        var observations: [String: SourceObservation] = [:]
        for field in schema.fields {
            switch field.source {
            case .environment, .file:
                switch value(for: field, environment: environment) {
                case .success(let value): observations[field.name] = .available(shape: SecretValues.shape(value))
                case .failure(.unavailable(let reason)): observations[field.name] = .unavailable(reason)
                case .failure(.invalid(let reason)): observations[field.name] = .invalid(reason)
                }
            case .generate, nil:
                break
            }
        }
        return observations
    }

    /// Why a source gave no usable value.
    enum Problem: Error, Equatable {
        case unavailable(String)
        case invalid(String)

        var message: String {
            switch self {
            case .unavailable(let reason), .invalid(let reason): reason
            }
        }
    }

    /// The field's value from its source, typed and checked.
    static func value(for field: SecretField, environment: [String: String]) -> Result<JSONValue, Problem> {
        switch field.source {
        case .environment(let name)?:
            return SourceText.environment(name, environment).flatMap { typed($0, for: field, origin: name) }
        case .file(let path, let resolved)?:
            let isPEM = [.pemPrivateKey, .pemPublicKey, .pemCertificate].contains(field.type)
            return SourceText.file(path, resolved: resolved, keepTrailingNewline: isPEM).flatMap { typed($0, for: field, origin: path) }
        case .generate?, nil:
            return .failure(.unavailable("`\(field.name)` has no source to read"))
        }
    }

    /// Text from a source as the field's type, checked against the field's declaration.
    static func typed(_ text: String, for field: SecretField, origin: String) -> Result<JSONValue, Problem> {
        var value = JSONValue.string(text)
        if [.jsonObject, .jsonArray, .integer, .boolean].contains(field.type), let converted = SecretValues.coerced(value, to: field.type) {
            value = converted
        }
        switch SecretValues.check(value, against: field) {
        case .valid: return .success(value)
        case .coercible(let reason), .invalid(let reason):
            return .failure(.invalid("the value of \(origin) is not a valid \(field.type.rawValue) for `\(field.name)`: \(reason)"))
        }
    }
}

extension SecretField {
    /// A field rebuilt from a plan file's declaration and fill (no location: it is not in a manifest).
    init(_ declaration: FieldDeclaration, source: SecretSource?) {
        self.init(
            name: declaration.name, type: SecretFieldType(rawValue: declaration.type) ?? .string, required: true,
            description: nil, coerce: true, pattern: declaration.pattern, minLength: declaration.minLength,
            bytes: declaration.bytes, keyType: declaration.keyType, minBits: declaration.minBits, source: source,
            rotate: nil, location: SourceLocation(file: "(plan)", line: 0, column: 0))
    }
}

extension SecretGenerator {
    /// A generator rebuilt from a plan's spec.
    init(_ spec: GeneratorSpec) {
        self.init(
            kind: spec.kind, length: spec.length, classes: spec.classes, bytes: spec.bytes, bits: spec.bits,
            publicField: spec.publicField.map { Located($0, at: SourceLocation(file: "(plan)", line: 0, column: 0)) },
            location: SourceLocation(file: "(plan)", line: 0, column: 0))
    }
}

import Foundation
import VaultformCore
import VaultformManifest
import VaultformPolicy

/// A plan for machines: `vaultform plan --format json`. The field names and action words are
/// a public interface, documented in docs/plan-json.md and versioned by `format_version`.
public enum PlanJSON {
    /// Bumped whenever a field changes meaning or disappears; adding fields does not bump it.
    public static let formatVersion = 1

    /// The plan as pretty-printed JSON with sorted keys, ending in a newline.
    public static func render(_ plan: Plan) -> String {
        let (add, change, destroy) = plan.summary
        let document = Document(
            formatVersion: formatVersion,
            changes: plan.operations.map(Change.init),
            summary: Summary(add: add, change: change, destroy: destroy, unchanged: plan.unchanged.count),
            unchanged: plan.unchanged.map(\.description))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }

    struct Document: Encodable {
        var formatVersion: Int
        var changes: [Change]
        var summary: Summary
        var unchanged: [String]
    }

    struct Summary: Encodable {
        var add, change, destroy, unchanged: Int
    }

    struct Location: Encodable {
        var file: String
        var line: Int
        var column: Int
    }

    struct Change: Encodable {
        var address: String
        var kind: String
        var name: String
        var action: String
        var destructive: Bool
        var reason: String?
        var location: Location?
        var fields: [Field]

        init(_ operation: VaultformCore.Operation) {
            address = operation.address.description
            kind = operation.address.kind.rawValue
            name = operation.address.name
            action = operation.action.name
            destructive = operation.isDestructive
            reason = operation.reason
            location = operation.location.map { Location(file: $0.file, line: $0.line, column: $0.column) }
            fields = operation.changes.map(Field.init)
        }
    }

    struct Field: Encodable {
        var name: String
        var before: Value?
        var after: Value?
        var forcesReplacement: String?

        init(_ change: FieldChange) {
            name = change.field
            before = change.before.map(Value.init)
            after = change.after.map(Value.init)
            forcesReplacement = change.forcesReplacement
        }

        // Absent before/after are written as null, so every field object has the same keys.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
            try container.encode(forcesReplacement, forKey: .forcesReplacement)
        }

        enum CodingKeys: String, CodingKey { case name, before, after, forcesReplacement }
    }

    /// A field value: JSON's own types where they fit; durations as seconds; a policy as its
    /// canonical HCL; a sensitive value only as `{"sensitive": true, "fingerprint": …}`.
    struct Value: Encodable {
        var value: FieldValue

        init(_ value: FieldValue) { self.value = value }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .string(let text): try container.encode(text)
            case .integer(let number), .seconds(let number): try container.encode(number)
            case .boolean(let flag): try container.encode(flag)
            case .list(let items), .set(let items): try container.encode(items)
            case .map(let map): try container.encode(map)
            case .policy(let document): try container.encode(document.renderHCL())
            case .sensitive(let fingerprint): try container.encode(Sensitive(sensitive: true, fingerprint: fingerprint))
            }
        }
    }

    struct Sensitive: Encodable {
        var sensitive: Bool
        var fingerprint: String
    }
}

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
            summary: Summary(
                add: add, change: change, destroy: destroy, unchanged: plan.unchanged.count, blockers: plan.blockers.count),
            unchanged: plan.unchanged.map(\.description),
            findings: plan.findings.map(FindingEntry.init),
            targets: plan.targets.isEmpty ? nil : plan.targets.map(\.description),
            ignored: plan.ignored.isEmpty ? nil : Dictionary(uniqueKeysWithValues: plan.ignored.map { ($0.key.description, $0.value) }))
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
        var findings: [FindingEntry]
        /// The `--target` addresses a targeted plan covers; absent when it covers everything.
        var targets: [String]?
        /// Fields left to someone else (`ignore_fields`), by address; absent when there are none.
        var ignored: [String: [String]]?
    }

    struct Summary: Encodable {
        var add, change, destroy, unchanged, blockers: Int
    }

    /// A blocker or warning; `field` and `hint` are null when there is none.
    struct FindingEntry: Encodable {
        var severity: String
        var address: String
        var field: String?
        var message: String
        var hint: String?

        init(_ finding: Finding) {
            severity = finding.severity.rawValue
            address = finding.address.description
            field = finding.field
            message = finding.message
            hint = finding.hint
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(severity, forKey: .severity)
            try container.encode(address, forKey: .address)
            try container.encode(field, forKey: .field)
            try container.encode(message, forKey: .message)
            try container.encode(hint, forKey: .hint)
        }

        enum CodingKeys: String, CodingKey { case severity, address, field, message, hint }
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
        /// True when it replaces secret values (a rotation).
        var rotates: Bool
        var reason: String?
        /// Why it would take the applying identity's own access away; absent when it would not.
        var selfLockout: String?
        var location: Location?
        var fields: [Field]

        init(_ operation: VaultformCore.Operation) {
            address = operation.address.description
            kind = operation.address.kind.rawValue
            name = operation.address.name
            action = operation.action.name
            destructive = operation.isDestructive
            rotates = operation.rotates
            reason = operation.reason
            selfLockout = operation.selfLockout
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
    /// canonical HCL; a secret value only as `{"sensitive": true, "shape": …, "fingerprint": …,
    /// "origin": …}`.
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
            case .sensitive(let value):
                try container.encode(Sensitive(sensitive: true, shape: value.shape, fingerprint: value.fingerprint, origin: value.origin))
            case .writeOnly(let value):
                try container.encode(WriteOnly(writeOnly: true, source: value.source?.description, status: value.status))
            }
        }
    }

    /// A write-only value: where it comes from and what the plan says of it; never the value
    /// or its fingerprint. Always every key, null when unknown.
    struct WriteOnly: Encodable {
        var writeOnly: Bool
        var source: String?
        var status: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(writeOnly, forKey: .writeOnly)
            try container.encode(source, forKey: .source)
            try container.encode(status, forKey: .status)
        }

        enum CodingKeys: String, CodingKey { case writeOnly = "write_only", source, status }
    }

    /// Always every key, null when unknown, so consumers see one shape.
    struct Sensitive: Encodable {
        var sensitive: Bool
        var shape: String?
        var fingerprint: String?
        var origin: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sensitive, forKey: .sensitive)
            try container.encode(shape, forKey: .shape)
            try container.encode(fingerprint, forKey: .fingerprint)
            try container.encode(origin, forKey: .origin)
        }

        enum CodingKeys: String, CodingKey { case sensitive, shape, fingerprint, origin }
    }
}

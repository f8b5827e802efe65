import Foundation
import VaultformCore

/// The result of one `vaultform drift` check, and its renderings for people (text,
/// Markdown), programs (JSON, `docs/drift-json.md`) and monitoring (a Prometheus textfile).
/// A check that failed is its own status, never "in sync".
public struct DriftReport: Sendable {
    /// What the check found.
    public enum Status: String, Sendable {
        /// The server matches the manifest: no change to make and nothing found.
        case inSync = "in_sync"
        /// Something differs: changes apply would make, or findings (a missing secret field,
        /// a value of the wrong type).
        case drift
        /// The check could not be made (server unreachable, sealed, permission denied…).
        case error
    }

    public var status: Status
    /// The plan that converges the server; nil when the check failed.
    public var plan: Plan?
    /// Why the check failed.
    public var error: String?
    public var checkedAt: Date
    public var duration: Duration
    /// The manifest path, as given.
    public var manifest: String
    /// The server's address; nil when it could not be resolved.
    public var server: String?

    /// A completed check.
    public init(plan: Plan, checkedAt: Date, duration: Duration, manifest: String, server: String?) {
        status = plan.isEmpty && plan.findings.isEmpty ? .inSync : .drift
        self.plan = plan
        self.checkedAt = checkedAt
        self.duration = duration
        self.manifest = manifest
        self.server = server
    }

    /// A failed check.
    public init(error: String, checkedAt: Date, duration: Duration, manifest: String, server: String?) {
        status = .error
        self.error = error
        self.checkedAt = checkedAt
        self.duration = duration
        self.manifest = manifest
        self.server = server
    }

    /// The objects that differ, by kind (every kind, zero included).
    public var driftedByKind: [(kind: ResourceKind, count: Int)] {
        let addresses = Set((plan?.operations.map(\.address) ?? []) + (plan?.findings.map(\.address) ?? []))
        return ResourceKind.allCases.map { kind in (kind, addresses.filter { $0.kind == kind }.count) }
    }

    var seconds: Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

    // MARK: Text

    /// For a terminal or a log.
    public func text(color: Bool) -> String {
        switch status {
        case .inSync:
            return "In sync: the server matches the manifest (checked in \(String(format: "%.2f", seconds)) s).\n"
        case .drift:
            let count = driftedByKind.reduce(0) { $0 + $1.count }
            return "Drift: \(count) object\(count == 1 ? "" : "s") differ\(count == 1 ? "s" : "") from the manifest.\n\n"
                + PlanText.render(plan ?? Plan(operations: [], unchanged: []), color: color)
        case .error:
            return "error: the drift check failed: \(error ?? "unknown error")\n"
        }
    }

    // MARK: Markdown

    /// For a CI job summary or a pull-request comment.
    public func markdown() -> String {
        switch status {
        case .inSync, .drift:
            return PlanMarkdown.render(plan ?? Plan(operations: [], unchanged: []), title: "vaultform drift")
        case .error:
            return "### vaultform drift: the check failed\n\n```\n\(error ?? "unknown error")\n```\n"
        }
    }

    // MARK: JSON

    /// Bumped when a field changes meaning or disappears.
    public static let formatVersion = 1

    /// The report as documented in docs/drift-json.md, with sorted keys.
    public func json() -> String {
        let (add, change, destroy) = plan?.summary ?? (0, 0, 0)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let document = JSONDocument(
            formatVersion: Self.formatVersion, status: status.rawValue, checkedAt: formatter.string(from: checkedAt),
            durationSeconds: (seconds * 1000).rounded() / 1000, manifest: manifest, server: server, error: error,
            summary: plan.map { plan in
                JSONSummary(
                    add: add, change: change, destroy: destroy, blockers: plan.blockers.count,
                    warnings: plan.findings.count - plan.blockers.count)
            },
            driftedByKind: plan == nil ? nil : Dictionary(uniqueKeysWithValues: driftedByKind.map { ($0.kind.rawValue, $0.count) }),
            changes: plan?.operations.map(PlanJSON.Change.init), findings: plan?.findings.map(PlanJSON.FindingEntry.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }

    struct JSONDocument: Encodable {
        var formatVersion: Int
        var status: String
        var checkedAt: String
        var durationSeconds: Double
        var manifest: String
        var server: String?
        var error: String?
        var summary: JSONSummary?
        var driftedByKind: [String: Int]?
        var changes: [PlanJSON.Change]?
        var findings: [PlanJSON.FindingEntry]?

        // Every key always present (null when it does not apply), so readers see one shape.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(formatVersion, forKey: .formatVersion)
            try container.encode(status, forKey: .status)
            try container.encode(checkedAt, forKey: .checkedAt)
            try container.encode(durationSeconds, forKey: .durationSeconds)
            try container.encode(manifest, forKey: .manifest)
            try container.encode(server, forKey: .server)
            try container.encode(error, forKey: .error)
            try container.encode(summary, forKey: .summary)
            try container.encode(driftedByKind, forKey: .driftedByKind)
            try container.encode(changes, forKey: .changes)
            try container.encode(findings, forKey: .findings)
        }

        enum CodingKeys: String, CodingKey {
            case formatVersion, status, checkedAt, durationSeconds, manifest, server, error, summary, driftedByKind, changes, findings
        }
    }

    struct JSONSummary: Encodable {
        var add, change, destroy, blockers, warnings: Int
    }

    // MARK: Prometheus

    /// A textfile for node_exporter's textfile collector (text exposition format 0.0.4).
    /// After a failed check only the check's own metrics are written, with success 0, so an
    /// alert on `vaultform_drift_last_check_success == 0` fires instead of stale counts.
    public func prometheus() -> String {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP vaultform_\(name) \(help)")
            lines.append("# TYPE vaultform_\(name) gauge")
            for sample in samples { lines.append("vaultform_\(name)\(sample.labels) \(sample.value)") }
        }
        let manifestLabel = "manifest=\"\(Self.label(manifest))\""
        metric("drift_last_check_success", "1 when the last drift check completed, 0 when it failed (server unreachable, sealed, denied).",
               [("{\(manifestLabel)}", status == .error ? "0" : "1")])
        metric("drift_last_check_timestamp_seconds", "When the last drift check ran, in Unix time.",
               [("{\(manifestLabel)}", String(format: "%.3f", checkedAt.timeIntervalSince1970))])
        metric("drift_last_check_duration_seconds", "How long the last drift check took.",
               [("{\(manifestLabel)}", String(format: "%.3f", seconds))])
        if let plan {
            metric("drift_in_sync", "1 when the server matched the manifest at the last check.",
                   [("{\(manifestLabel)}", status == .inSync ? "1" : "0")])
            metric("drift_objects", "Objects that differ from the manifest at the last check, by kind.",
                   driftedByKind.map { ("{\(manifestLabel),kind=\"\($0.kind.rawValue)\"}", "\($0.count)") })
            metric("drift_findings", "Blockers and warnings at the last check, by severity.", [
                ("{\(manifestLabel),severity=\"blocker\"}", "\(plan.blockers.count)"),
                ("{\(manifestLabel),severity=\"warning\"}", "\(plan.findings.count - plan.blockers.count)"),
            ])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

import ArgumentParser
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer
import VaultPath

/// `vaultform plan`: read the live server and show, field by field, what differs.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show, field by field, what apply would change on the server.",
        discussion: """
            Reads only what the manifest can manage (each kind listed once, each object read once) \
            and compares it with the manifest after the server's own normalisations, so a plan \
            shows every real difference and never a false one. Plan sends only reads.

            Secrets are shown by field: whether each is present, its shape (type and length) and a \
            keyed fingerprint, never its value. Missing fields are filled from their generator or \
            source; a required field with neither is a blocker, and so is a source whose value is \
            invalid. --rotate asks for a new value for a field that has one.

            Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error or blockers, 2 \
            changes present (only with --detailed-exitcode).

            Examples:
              vaultform plan manifests/hoodcloud
              vaultform plan manifests/hoodcloud --var-file prod.yaml -out hood.plan
              vaultform plan . --format json > plan.json
              vaultform plan . --format markdown > plan.md   # for a pull-request comment
              vaultform plan . --target policy:hoodcloud-admin --detailed-exitcode
              vaultform plan . \\
                --rotate kv-secret:secret/hoodcloud/app-credentials.db_password
            """
    )

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup(title: "Connection options") var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text for people, json for machines (docs/plan-json.md), markdown for a pull-request comment.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")],
            help: ArgumentHelp("Save the plan to this file for `vaultform apply FILE`.", valueName: "file"))
    var out: String?

    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    @Option(help: ArgumentHelp("Plan only this object (KIND:NAME, e.g. policy:admin); repeatable.", valueName: "address"))
    var target: [String] = []

    @OptionGroup(title: "Secret options") var rotation: RotateOptions

    func run() async throws {
        let targets = try Set(target.map(Self.address))
        let (run, reconciliation, key) = try await ReconcileRun.start(manifest, connection: connection, color: color, options: { desired in
            PlanOptions(targets: targets, rotations: try rotation.rotations(in: desired))
        }) { run in
            let reconciliation = try await run.plan(deadline: connection)
            // A saved plan's digest is keyed with the server's fingerprint key, if it has one.
            return (run, reconciliation, out == nil ? nil : await run.reconciler.fingerprintKey(client: run.client))
        }
        let (plan, live, desired, server) = (reconciliation.plan, reconciliation.live, run.reconciler.desired, run.server)
        try Self.refuseUnmatched(targets, desired: desired, live: live)

        switch format {
        case .text:
            Terminal.write(PlanText.render(plan, color: color.useColor(forStandardError: false)))
            if server.identity.behaviour.refusesAPIAuditDevicesByDefault { Terminal.write(Self.auditNote(plan, desired: desired)) }
        case .json: Terminal.write(PlanJSON.render(plan))
        case .markdown: Terminal.write(PlanMarkdown.render(plan, title: "vaultform plan"))
        }
        GitHubActions.appendSummary(PlanMarkdown.render(plan, title: "vaultform plan"))
        if !plan.blockers.isEmpty {
            let count = plan.blockers.count
            throw CommandFailure.error(
                "the plan has \(count) blocker\(count == 1 ? "" : "s"); apply refuses it until \(count == 1 ? "it is" : "they are") resolved\(out == nil ? "" : ", so it was not saved")")
        }
        if let out {
            let file = PlanFile(
                plan: plan, live: live, desired: desired, manifestPath: manifest.path,
                server: PlanFile.Server(
                    address: server.configuration.address.value.absoluteString,
                    namespace: server.configuration.namespace?.value,
                    flavour: server.identity.flavour.rawValue, version: server.identity.version),
                vaultformVersion: Vaultform.version, key: key)
            try Self.write(file, to: out)
            if key == nil {
                Terminal.writeError(
                    "note: the server has no fingerprint key yet (\(PlanDigest.fingerprintKeyLocation)), so the plan file's digest "
                        + "is not keyed: apply refuses an edited plan, but not one whose editor also recomputed the digest\n")
            }
            if format == .text { Terminal.write("\nSaved the plan to \(out); apply it with: vaultform apply \(out)\n") }
        }
        if detailedExitcode, !plan.isEmpty { throw ExitCode(2) }
    }

    /// OpenBao 2.x creates audit devices through its API only when its configuration allows
    /// it; say so before apply fails, with the configuration stanza that declares each device.
    static func auditNote(_ plan: Plan, desired: DesiredState) -> String {
        let devices = plan.operations.filter { $0.address.kind == .auditDevice && ($0.action == .create || $0.action == .replace) }
        guard !devices.isEmpty else { return "" }
        var text = "\nNote: OpenBao creates audit devices through its API only when its configuration sets "
            + "unsafe_allow_api_audit_creation = true. If apply is refused, declare them in the server's configuration instead:\n\n"
        for device in devices {
            if let entry = desired.entry(device.address) { text += AuditStanza.render(entry.resource) + "\n" }
        }
        return text
    }

    /// Fails (exit 1) when a `--target` names nothing in the manifest or on the server, with
    /// the closest address as a hint: a misspelt target would otherwise plan "No changes".
    static func refuseUnmatched(_ targets: Set<Address>, desired: DesiredState, live: LiveState) throws {
        let known = Planner.targetableAddresses(desired: desired, live: live)
        let unmatched = targets.subtracting(known).sorted()
        guard !unmatched.isEmpty else { return }
        var lines: [String] = [], reasons: [String] = []
        for target in unmatched {
            reasons.append("--target \(target) matches nothing in the manifest or on the server")
            lines.append("error: " + (reasons.last ?? ""))
            if let hint = Suggestion.hint(for: target.description, in: known.map(\.description).sorted()) {
                lines.append("  hint: \(hint)")
            }
        }
        throw CommandFailure(lines: lines, reasons: reasons)
    }

    /// Parses `KIND:NAME`, naming the kinds when the kind is unknown.
    static func address(_ text: String) throws -> Address {
        // `NAMESPACE::KIND:NAME` names an object inside a namespace the manifest declares.
        guard let parsed = Address(parsing: text) else {
            throw ValidationError("--target \(text) is not KIND:NAME or NAMESPACE::KIND:NAME; kinds: "
                + ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let (kind, name) = (parsed.kind, parsed.name)
        let namespace = MountPath.withoutSlash(parsed.namespace)
        switch kind {
        case .secretsEngine, .authMethod, .auditDevice, .kvConfig, .namespace: return Address(kind, MountPath.withSlash(name), namespace: namespace)
        case .policy: return Address(kind, name.lowercased(), namespace: namespace)
        default: return Address(kind, name, namespace: namespace)
        }
    }

    /// Writes the plan file atomically (a temporary file renamed into place), mode 0600.
    static func write(_ file: PlanFile, to path: String) throws {
        do {
            try AtomicFile.write(try file.encoded(), to: path, permissions: 0o600)
        } catch {
            throw CommandFailure.error("cannot write the plan file \(path): \(error)")
        }
    }
}

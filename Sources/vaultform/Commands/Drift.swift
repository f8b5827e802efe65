import ArgumentParser
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// `vaultform drift`: is the server still what the manifest says? For schedules: a report in
/// the format the caller needs, an exit code a scheduler can act on, and a notification.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Check whether the server still matches the manifest (for schedules and CI).",
        discussion: """
            Reads and compares like plan, and never writes. Exit codes: 0 in sync, 2 drift, 1 the \
            check failed (server unreachable or sealed, permission denied, manifest errors): a \
            failed check never looks like "in sync".

            --output writes the report to a file atomically (a temporary file renamed into \
            place), so a reader never sees half of it; --format prometheus makes a textfile for \
            node_exporter's textfile collector. Under GitHub Actions the Markdown report is also \
            appended to the job summary ($GITHUB_STEP_SUMMARY).

            --notify-webhook posts the JSON report (or a Slack message) when something drifted or \
            the check failed, or on every run with --notify-on always; with \
            VAULTFORM_WEBHOOK_SECRET set the body is signed (header X-Vaultform-Signature-256: \
            sha256=HMAC). A failed notification is reported and never changes the exit code.

            Examples:
              vaultform drift manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/prod.yaml
              vaultform drift . --format prometheus \\
                --output /var/lib/node_exporter/textfile/vaultform.prom
              vaultform drift . --format json \\
                --notify-webhook https://hooks.example/vault --notify-on always
              vaultform drift . --notify-webhook "$SLACK_WEBHOOK_URL" --notify-format slack
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, prometheus
    }

    enum NotifyOn: String, ExpressibleByArgument, CaseIterable {
        case change, always
    }

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup(title: "Connection options") var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Report format: text, json (docs/drift-json.md), markdown, or prometheus (a textfile).")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("notify-webhook"), help: ArgumentHelp("POST the report to this URL.", valueName: "url"))
    var notifyWebhook: String?

    @Option(name: .customLong("notify-format"), help: "The webhook body: json (the report) or slack (an incoming-webhook message).")
    var notifyFormat: Notifier.Format = .json

    @Option(name: .customLong("notify-on"), help: "Notify on change (drift or a failed check; the default) or always.")
    var notifyOn: NotifyOn = .change

    @Option(
        name: .customLong("expiry-warning"),
        help: ArgumentHelp("Report each PKI CA the manifest declares whose certificate expires within this window (`30d`) as drift.", valueName: "duration"))
    var expiryWarning: DurationArgument?

    func run() async throws {
        if let notifyWebhook, URL(string: notifyWebhook)?.host == nil {
            throw ValidationError("--notify-webhook is not an http(s) URL with a host")
        }
        let report = await check()
        try deliver(report)
        GitHubActions.appendSummary(report.markdown())
        await notify(report)
        switch report.status {
        case .inSync: return
        case .drift: throw ExitCode(2)
        case .error: throw ExitCode.failure
        }
    }

    /// Runs the check; every failure becomes a report with status error, its reason in the
    /// report and its lines (`ErrorReport`'s) on standard error as usual.
    func check() async -> DriftReport {
        let clock = ContinuousClock()
        let started = clock.now
        let checkedAt = Date()
        var address: String?
        do {
            let plan = try await ReconcileRun.start(manifest, connection: connection, color: color) { run in
                address = run.server.configuration.address.value.absoluteString
                let reconciliation = try await run.plan(deadline: connection)
                var plan = reconciliation.plan
                if let expiryWarning {
                    plan.findings += CertificateExpiry.findings(
                        reconciliation.live.resources, window: Int(expiryWarning.duration.components.seconds))
                }
                return plan
            }
            return DriftReport(plan: plan, checkedAt: checkedAt, duration: clock.now - started, manifest: manifest.path, server: address)
        } catch {
            let failure = ErrorReport.failure(for: error) ?? .error("the check failed")
            let reasons = failure.reasons.isEmpty ? ["the check failed"] : failure.reasons
            // The text report on standard output says the reason; where standard error goes
            // to the same place (a terminal), saying it there too would show it twice.
            let echo = !(format == .text && output == nil && Terminal.outputSharesErrorDestination)
            let lines = echo ? failure.lines : failure.lines.filter { line in !reasons.contains { line == "error: " + $0 } }
            Terminal.writeError(lines.map { $0 + "\n" }.joined())
            return DriftReport(
                error: reasons.joined(separator: "\n"), checkedAt: checkedAt, duration: clock.now - started, manifest: manifest.path,
                server: address)
        }
    }

    func render(_ report: DriftReport) -> String {
        switch format {
        case .text: report.text(color: output == nil && color.useColor(forStandardError: false))
        case .json: report.json()
        case .markdown: report.markdown()
        case .prometheus: report.prometheus()
        }
    }

    /// Standard output, or the --output file replaced atomically.
    func deliver(_ report: DriftReport) throws {
        let text = render(report)
        guard let output else { return Terminal.write(text) }
        do {
            try AtomicFile.write(Data(text.utf8), to: output, permissions: 0o644)
        } catch {
            throw CommandFailure.error("cannot write the report to \(output): \(error)")
        }
    }

    func notify(_ report: DriftReport) async {
        guard let notifyWebhook, let url = URL(string: notifyWebhook) else { return }
        guard notifyOn == .always || report.status != .inSync else { return }
        let secret = ProcessInfo.processInfo.environment["VAULTFORM_WEBHOOK_SECRET"]
        do {
            try await Notifier(url: url, format: notifyFormat, signingSecret: secret).send(report)
        } catch {
            Terminal.writeError("warning: the drift notification to \(url.host ?? Notifier.display(url)) failed: \(error)\n")
        }
    }
}

extension Notifier.Format: ExpressibleByArgument {}

import ArgumentParser
import VaultformAccess
import VaultformCore
import VaultformManifest
import VaultformRender

/// `vaultform validate`: the load stage alone, offline.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a manifest without contacting any server.",
        discussion: """
            Reports every problem at once, each as FILE:LINE:COL: error: MESSAGE: YAML syntax, \
            unknown keys, wrong types, bad durations and CIDRs, unknown policy capabilities, \
            duplicate names, dangling references and undefined variables. Exits 0 when the \
            manifest is valid (warnings allowed), 1 otherwise. Sends no request to any server.

            Examples:
              vaultform validate manifests/hoodcloud
              vaultform validate manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/prod.yaml
              VAULTFORM_VAR_admin_cidrs='["198.51.100.7/32"]' \\
                vaultform validate manifests/hoodcloud
              vaultform validate examples/transit-only.yaml --format json
            """
    )

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text for people, json for machines.")
    var format: OutputFormat = .text

    func run() throws {
        var result = manifest.loader().load(path: manifest.path)
        if let parsed = result.manifest, !result.diagnostics.hasErrors {
            result.diagnostics += Self.lintWarnings(parsed)
        }
        GitHubActions.annotate(result.diagnostics)
        switch format {
        case .json:
            Terminal.write(DiagnosticRendering.json(result.diagnostics, path: manifest.path))
        case .text:
            Terminal.writeError(DiagnosticRendering.text(result.diagnostics, color: color.useColor(forStandardError: true)))
            if let parsed = result.manifest {
                let counts = Pipeline.resolve(parsed).counts
                    .map { $0.kind.counted($0.count) }
                    .joined(separator: ", ")
                let warnings = result.diagnostics.isEmpty ? "" : " (\(DiagnosticRendering.summary(result.diagnostics, path: manifest.path)))"
                Terminal.write("\(manifest.path) is valid: \(counts.isEmpty ? "no objects" : counts).\(warnings)\n")
            } else {
                Terminal.writeError(DiagnosticRendering.summary(result.diagnostics, path: manifest.path) + "\n")
            }
        }
        if result.diagnostics.hasErrors { throw ExitCode.failure }
    }

    /// `vaultform lint`'s findings the manifest does not accept, errors and warnings alike, as
    /// warnings: validate still passes, and lint decides what fails CI.
    static func lintWarnings(_ manifest: Manifest) -> [Diagnostic] {
        Lint(manifest, model: AccessModel(manifest)).open(atLeast: .warning).map { finding in
            .warning(
                "\(finding.message) [lint \(finding.id)]", at: finding.location,
                hint: "see `vaultform lint`; accept it under lint.accept with a reason, or change the manifest")
        }
    }
}

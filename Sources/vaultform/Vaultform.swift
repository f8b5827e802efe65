import ArgumentParser

/// The `vaultform` command: a thin layer over the pipeline's libraries.
@main
struct Vaultform: AsyncParsableCommand {
    /// The version `--version` prints.
    static let version = "0.1.0-dev"

    static let configuration = CommandConfiguration(
        commandName: "vaultform",
        abstract: "Manage a Vault or OpenBao server declaratively from a YAML manifest.",
        discussion: """
            vaultform reads a manifest of secrets engines, policies, auth methods, AppRole roles, \
            audit devices and secret schemas, and checks it, plans it and applies it against a server.

            Examples:
              vaultform validate manifests/hoodcloud
              vaultform validate manifests/hoodcloud --var-file prod.yaml
              vaultform schema --output schema/vaultform.schema.json
              vaultform status --address http://127.0.0.1:8200
            """,
        version: BuildInfo.versionLine(version),
        subcommands: [Validate.self, Schema.self, Status.self, PlanCommand.self, ShowCommand.self, GraphCommand.self, FmtCommand.self, ApplyCommand.self, DriftCommand.self, ExportCommand.self, BootstrapCommand.self, UnsealCommand.self, CredentialsCommand.self, ForceUnlock.self, AccessCommand.self, LintCommand.self]
    )

    /// Parses the command line and runs the command; a failure is reported by `ErrorReport`,
    /// the one place errors become messages and exit codes.
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ErrorReport.report(error))
        }
    }
}

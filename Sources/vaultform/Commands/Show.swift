import ArgumentParser
import Foundation
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// `vaultform show PLANFILE`: a saved plan rendered without a server (the CI step that turns
/// `plan -out` into a pull-request comment), and, with `--check`, whether it still applies.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Render a saved plan as text, JSON or Markdown; with --check, say whether it still applies.",
        discussion: """
            Reads a plan file written by `vaultform plan -out FILE` and renders it like plan does. \
            Without --check it contacts no server and needs no token: a plan file holds no secret \
            value, only shapes and keyed fingerprints.

            With --check it also asks the server (the connection options, or VAULT_ADDR and \
            VAULT_TOKEN) whether `vaultform apply FILE` would accept the plan now: the same \
            server, the file as plan saved it (its digest), and no object it touches changed since. \
            The check sends only reads and takes no lock; apply checks again under its lock.

            Exit codes: 0 success (with --check: the plan still applies), 1 error, or with \
            --check a plan that no longer applies (the reasons are printed), 2 changes present \
            (only with --detailed-exitcode).

            Examples:
              vaultform show hood.plan
              vaultform show hood.plan --format markdown > plan.md
              vaultform show hood.plan --format json | jq '.changes | length'
              vaultform show hood.plan --check --address https://vault.example.com:8200
            """
    )

    @Argument(help: ArgumentHelp("A plan file written by `vaultform plan -out FILE`.", valueName: "plan-file"))
    var planFile: String

    @Option(help: "Output format: text for people, json for machines (docs/plan-json.md), markdown for a pull-request comment.")
    var format: PlanCommand.Format = .text

    @Flag(help: "Also check against the server that the plan still applies (reads only, no lock).")
    var check = false

    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    @OptionGroup(title: "Connection options (with --check)") var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    func run() async throws {
        let file = try Self.read(planFile)
        let saved = try ServerConnection.reportPlain { try SavedPlan(file) }
        switch format {
        case .text:
            Terminal.write(Self.header(file))
            Terminal.write(PlanText.render(saved.plan, color: color.useColor(forStandardError: false)))
        case .json: Terminal.write(PlanJSON.render(saved.plan))
        case .markdown: Terminal.write(PlanMarkdown.render(saved.plan, title: "vaultform plan (\(Self.base(planFile)))"))
        }
        if check {
            let reasons = try await Self.applicability(saved, connection: connection)
            guard reasons.isEmpty else {
                throw CommandFailure.error("the saved plan \(planFile) no longer applies:", notes: reasons.map { "  \($0)" }
                    + ["hint: run vaultform plan again and review the new plan"])
            }
            Terminal.writeError("The saved plan \(planFile) still applies to \(file.server.address): nothing it touches changed since it was made.\n")
        }
        if detailedExitcode, !saved.plan.isEmpty { throw ExitCode(2) }
    }

    /// Where the plan came from, for the reader of the text form.
    static func header(_ file: PlanFile) -> String {
        var server = "\(file.server.flavour) \(file.server.version) at \(file.server.address)"
        if let namespace = file.server.namespace { server += ", namespace \(namespace)" }
        return "Plan of \(file.manifestPath), made by vaultform \(file.vaultformVersion) against \(server).\n\n"
    }

    static func base(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    /// The largest plan file read: a plan of 10,000 objects is tens of MB.
    static let maximumBytes = 256 << 20

    /// Reads and decodes a plan file, with errors that name the file.
    static func read(_ path: String) throws -> PlanFile {
        let data = try bytes(of: path)
        do {
            return try PlanFile.decode(data)
        } catch {
            throw CommandFailure.error("\(path): \(error)")
        }
    }

    /// The bytes of the regular file at `path` (a link followed to the file it names), up to
    /// `maximumBytes`: what show and apply read a plan file with.
    static func bytes(of path: String) throws -> Data {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: target)
        } catch {
            throw CommandFailure.error("\(path): cannot read the plan file (\((error as NSError).localizedDescription))")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw CommandFailure.error("\(path): not a plan file (write one with: vaultform plan MANIFEST -out \(path))")
        }
        if let size = attributes[.size] as? Int, size > maximumBytes {
            throw CommandFailure.error("\(path): the file is \(size >> 20) MiB; vaultform reads plan files of up to \(maximumBytes >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: target) else {
            throw CommandFailure.error("\(path): cannot read the plan file")
        }
        return data
    }

    /// Why `apply FILE` would refuse the plan now; empty when it would not.
    static func applicability(_ saved: SavedPlan, connection: ConnectionOptions) async throws -> [String] {
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let address = server.configuration.address.value.absoluteString
        guard address == saved.file.server.address else {
            return ["the plan was made against \(saved.file.server.address), not \(address)"]
        }
        return try await server.whileOpen { client in
            do {
                try await saved.checkDigest(client: client)
            } catch {
                return ["\(error)"]
            }
            let staleness = try await ServerConnection.report(server.configuration) { try await saved.staleness(client: client) }
            return staleness.stale.map { "\($0) changed on the server since the plan was made" }
        }
    }
}

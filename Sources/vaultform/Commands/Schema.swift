import ArgumentParser
import Foundation
import VaultformManifest

/// `vaultform schema`: the manifest's JSON Schema, for editors.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of the manifest language.",
        discussion: """
            Editors that use yaml-language-server complete and check manifests with it. Put this \
            line at the top of a manifest (the path is relative to the manifest file):

              # yaml-language-server: $schema=../../schema/vaultform.schema.json

            Examples:
              vaultform schema > schema/vaultform.schema.json
              vaultform schema --output schema/vaultform.schema.json
            """
    )

    @Option(help: ArgumentHelp("Write the schema to this file (only when it changed) instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let schema = ManifestJSONSchema.render()
        guard let output else {
            Terminal.write(schema)
            return
        }
        if (try? String(contentsOfFile: output, encoding: .utf8)) == schema { return }
        do {
            try schema.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
    }
}

import ArgumentParser
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// `vaultform export`: adopt a running server by writing the manifest of what is there.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the manifest of what a running server already holds.",
        discussion: """
            Reads every kind vaultform manages (audit devices, mounts with their tuning and KV \
            config, auth methods, Transit keys, policies, AppRole roles with their role IDs), \
            leaves out built-in objects, and writes a manifest directory: one file per kind, \
            policies as HCL files (their text as the server holds it), values as people write \
            them, fields at the server's defaults left out. Applied, it changes nothing; `vaultform \
            plan DIR` against the same server says so.

            --with-secret-schemas adds a schema for every secret of every KV v2 engine, inferred \
            from its field names and value types; values are never read into the output. \
            --include and --exclude take address patterns (KIND:NAME, with * and ?), e.g. \
            'policy:hoodcloud-*' or 'mount:secret/'.

            Examples:
              vaultform export --output manifests/adopted
              vaultform export --output adopted --with-secret-schemas \\
                --exclude 'approle-role:approle/ci-*'
              vaultform export --output adopted
              vaultform plan adopted --detailed-exitcode
            """
    )

    @OptionGroup(title: "Connection options") var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The directory to write (created if missing; existing files of the same name are replaced).", valueName: "dir"))
    var output: String

    @Option(help: ArgumentHelp("Export only objects whose address matches; repeatable.", valueName: "pattern"))
    var include: [String] = []

    @Option(help: ArgumentHelp("Leave out objects whose address matches; repeatable.", valueName: "pattern"))
    var exclude: [String] = []

    @Flag(name: .customLong("with-secret-schemas"), help: "Also write schemas inferred from the KV v2 secrets (names and types, never values).")
    var withSecretSchemas = false

    func run() async throws {
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let address = server.configuration.address.value.absoluteString
        let (live, secrets) = try await server.whileOpen { client in
            try await ServerConnection.report(server.configuration) {
                try await connection.withinDeadline {
                    let reader = LiveReader(client: client)
                    let skipped = ResourceKind.allCases.filter { Self.nothingWanted(of: $0, include: include, exclude: exclude) }
                    var live = try await reader.readAllWithNamespaces(skipping: Set(skipped))
                    live.resources = live.resources.filter { wanted($0.key) }
                    var secrets: [InferredSecret] = []
                    if withSecretSchemas {
                        let mounts = live.resources.keys.filter { $0.kind == .kvConfig && $0.namespace.isEmpty }.map(\.name)
                        secrets = try await reader.inferSecretSchemas(mounts: mounts)
                            .filter { wanted(Address(.kvSecret, $0.mount + $0.path)) }
                    }
                    return (live, secrets)
                }
            }
        }
        let files = try ServerConnection.reportPlain { try ManifestExport.files(live, secrets: secrets, source: address) }
        try ServerConnection.reportPlain {
            let root = URL(fileURLWithPath: output)
            for file in files {
                let url = root.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Data(file.contents.utf8), to: url.path, permissions: 0o644)
            }
        }
        let counts = Dictionary(grouping: live.resources.keys, by: \.kind).mapValues(\.count)
        let summary = ResourceKind.allCases.compactMap { kind in counts[kind].map { kind.counted($0) } }
            + (secrets.isEmpty ? [] : [ResourceKind.kvSecret.counted(secrets.count)])
        Terminal.write("Exported \(summary.isEmpty ? "nothing" : summary.joined(separator: ", ")) from \(address) to \(output)/ (\(files.count) files).\n")
        // The plan must go to the namespace the export came from.
        let namespace = connection.namespace.map { " --namespace " + Self.quoted($0) } ?? ""
        Terminal.write("Review it, then check it changes nothing: vaultform plan \(Self.quoted(output))\(namespace) --detailed-exitcode\n")
        // Never silently: what the server holds that no kind can express is listed.
        let gaps = ExportGaps.skipped(Array(live.resources.values))
        if !gaps.isEmpty {
            var text = "warning: export wrote these mounts but skipped what is inside them, which vaultform cannot express yet (\(gaps.count)):\n"
            for gap in gaps { text += "  \(gap)\n" }
            Terminal.writeError(text)
        }
    }

    /// Whether an address passes --include and --exclude.
    func wanted(_ address: Address) -> Bool {
        let text = address.description
        if !include.isEmpty, !include.contains(where: { Self.matches(text, $0) }) { return false }
        return !exclude.contains { Self.matches(text, $0) }
    }

    /// Whether the patterns leave out every object of `kind` (`--exclude 'identity-entity:*'`,
    /// or `--include` patterns none of which names the kind), so it need not be read at all: a
    /// token that may not list a kind can still export the rest.
    static func nothingWanted(of kind: ResourceKind, include: [String], exclude: [String]) -> Bool {
        let kindPart = { (pattern: String) in String(pattern.prefix { $0 != ":" }) }
        if exclude.contains(where: { kindPart($0).count < $0.count && matches(kind.rawValue, kindPart($0)) && $0.hasSuffix(":*") }) {
            return true
        }
        return !include.isEmpty && !include.contains { matches(kind.rawValue, kindPart($0)) }
    }

    /// Glob matching with `*` (any run) and `?` (one character), as fnmatch without flags.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// `text` as one shell word: as it is when it holds only safe characters, else in single quotes.
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/._-:=+@%".unicodeScalars.contains($0)
        }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import Foundation
import VaultformCore
import VaultformManifest
import VaultformRender
import VaultformServer

/// What the server holds now, as a manifest for the access commands: read as `export` reads
/// it (only the kinds that bear on access), written to a private scratch directory and
/// loaded from there, so the access model is built exactly as from a manifest.
enum LiveManifest {
    /// The kinds that make up access: principals, their policies, and the mounts and
    /// namespaces that place them.
    static let kinds: Set<ResourceKind> = [
        .namespace, .secretsEngine, .authMethod, .policy, .appRoleRole, .kubernetesRole, .userpassUser, .jwtRole, .certRole,
        .tokenRole, .identityEntity, .identityGroup,
    ]

    static func read(_ connection: ConnectionOptions) async throws -> Manifest {
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let address = server.configuration.address.value.absoluteString
        let live = try await server.whileOpen { client in
            try await ServerConnection.report(server.configuration) {
                try await connection.withinDeadline {
                    try await LiveReader(client: client).readAllWithNamespaces(skipping: Set(ResourceKind.allCases).subtracting(kinds))
                }
            }
        }
        let files = try ServerConnection.reportPlain { try ManifestExport.files(live, secrets: [], source: address) }
        let scratch = try GitRevision.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for file in files {
            let path = scratch + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Data(file.contents.utf8), to: path, permissions: 0o600)
        }
        // Loaded from the scratch directory's top, so locations read `policies/NAME.hcl:3`.
        let here = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(scratch) else { throw CommandFailure.error("cannot enter \(scratch)") }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
        let result = ManifestLoader(inputs: VariableInputs()).load(path: ".")
        guard let manifest = result.manifest, !result.diagnostics.hasErrors else {
            throw CommandFailure.error("the server's state does not load as a manifest: "
                + result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return manifest
    }
}

import Foundation

extension DevServer {
    /// Runs the vaultform binary against this server as a user does: `--address` set, the
    /// root token (or `token`) in VAULT_TOKEN, `environment` on top.
    func vaultform(
        _ arguments: [String], token: String? = nil, environment: [String: String] = [:]
    ) async throws -> StatusCommandTests.Run {
        try await StatusCommandTests.run(
            arguments + ["--address", address.absoluteString],
            environment: environment.merging(["VAULT_TOKEN": token ?? rootToken]) { given, _ in given })
    }
}

/// A new empty directory under the temporary directory, named `PREFIX-UUID`; the caller removes it.
func scratchDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

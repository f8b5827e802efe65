import Foundation
import Testing
import TestSupport
import VaultAPI

/// A bootstrap that fails never loses the root token: what can be known before initialising
/// is checked before, and once the server is initialised its root token stays in the 0600
/// keys file until a run revokes it.
@Suite("bootstrap: blockers before initialising, and a rerun after a failure resumes with the root token")
struct BootstrapResumeTests {
    static let root = ProcessRunner.repositoryRoot

    static func arguments(_ server: DevServer, keys: String, admin: String, auditLog: String) -> [String] {
        [
            "bootstrap", root.appendingPathComponent("manifests/hoodcloud").path,
            "--var-file", root.appendingPathComponent("manifests/hoodcloud/env/dev.yaml").path, "--var", "audit_log_path=\(auditLog)",
            "--address", server.address.absoluteString, "--keys-file", keys, "--key-shares", "3", "--key-threshold", "2",
            "--admin-role", "hoodcloud-admin", "--admin-credentials-dir", admin,
        ]
    }

    static func keysDocument(_ path: String) throws -> JSONValue {
        try JSONValue(decoding: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("offline blockers stop bootstrap before init; a failure after init keeps the root token in the keys file; the rerun revokes it")
    func resumesAfterAFailure() async throws {
        let server = try await DevServer.startProduction()
        let directory = try scratchDirectory("vf-bootstrap-resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ensuring({ await server.stop() }) {
            let keysDirectory = directory.appendingPathComponent("keys")
            try FileManager.default.createDirectory(at: keysDirectory, withIntermediateDirectories: true)
            let keys = keysDirectory.appendingPathComponent("vault-keys.json").path
            let admin = directory.appendingPathComponent("admin").path
            let home = ["HOME": directory.path]
            let auditLog = directory.appendingPathComponent("audit.log").path
            let arguments = Self.arguments(server, keys: keys, admin: admin, auditLog: auditLog)

            // (a) Production settings with the people-supplied secrets unset, an admin role the
            // manifest does not define, and a symlink planted where the admin's credentials go:
            // every problem said, and the server left alone.
            try FileManager.default.createSymbolicLink(atPath: admin, withDestinationPath: directory.path)
            let blocked = try await StatusCommandTests.run(
                arguments.filter { $0 != "hoodcloud-admin" }.map { $0 == "--admin-role" ? "--admin-role=nobody" : $0 }
                    + ["--var", "require_supplied_secrets=true"],
                environment: home)
            #expect(blocked.code == 1, "\(blocked.all)")
            #expect(blocked.error.contains("kv-secret:secret/hoodcloud/"), "\(blocked.all)")
            #expect(blocked.error.contains("is required and missing"), "\(blocked.all)")
            #expect(blocked.error.contains("--admin-role nobody: the manifest defines no AppRole role of that name"), "\(blocked.all)")
            #expect(blocked.error.contains("--admin-credentials-dir \(admin) is a symlink"), "\(blocked.all)")
            #expect(blocked.error.contains("The server was not initialised"), "\(blocked.all)")
            try FileManager.default.removeItem(atPath: admin)
            #expect(try await server.client().sealStatus().initialized == false, "bootstrap initialised a server it then could not provision")
            #expect(!FileManager.default.fileExists(atPath: keys))

            // (b) A failure only the server can find: the audit log's directory is a file.
            let notADirectory = directory.appendingPathComponent("not-a-directory")
            try Data("x".utf8).write(to: notADirectory)
            let watch = try DirectoryWatch(keysDirectory.path)
            let failed = try await SecretFileModeTests.run(
                umask: "022", Self.arguments(server, keys: keys, admin: admin, auditLog: notADirectory.path + "/audit.log"), environment: home)
            #expect(failed.code == 1, "\(failed.all)")
            #expect(failed.output.contains("1. initialise: done, 3 key shares (threshold 2) written to \(keys) (mode 0600)"), "\(failed.all)")
            #expect(failed.error.contains("The root token is kept in \(keys) (mode 0600): run bootstrap again to resume"), "\(failed.all)")
            #expect(SecretFileModeTests.mode(keys) == 0o600)
            let events = try watch.drain()
            let appeared = Set(events.filter { $0.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 }.map(\.name))
            #expect(!appeared.isEmpty)
            #expect(!events.contains { $0.mask & UInt32(IN_ATTRIB) != 0 && appeared.contains($0.name) }, "the keys file was chmod-ed after its creation: \(events)")
            let rootToken = try #require(try Self.keysDocument(keys)["root_token"]?.stringValue)
            #expect(!failed.all.contains(rootToken), "the root token was printed")
            _ = try await server.client().with(token: rootToken).request(.get, "auth/token/lookup-self")

            // The rerun resumes with the kept token, finishes, revokes it and removes it from the file.
            let rerun = try await StatusCommandTests.run(arguments, environment: home)
            #expect(rerun.code == 0, "\(rerun.all)")
            for line in [
                "1. initialise: skipped, the server is already initialised.", "resuming with the root token kept in \(keys)",
                "Apply complete:", "5. root token: revoked (checked: it no longer works).", "removed the root token from \(keys); it keeps the key shares.",
            ] {
                #expect(rerun.output.contains(line), "missing `\(line)`:\n\(rerun.all)")
            }
            let document = try Self.keysDocument(keys)
            #expect(document["root_token"] == nil)
            #expect(document["keys_base64"]?.arrayValue?.count == 3)
            #expect(SecretFileModeTests.mode(keys) == 0o600 && SecretFileModeTests.mode(admin) == 0o700)
            await #expect(throws: VaultError.self) { try await server.client().with(token: rootToken).request(.get, "auth/token/lookup-self") }

            // A third run has nothing to resume: as before, it needs the admin's credentials.
            let login = ["--approle-role-id-file", admin + "/role-id", "--approle-secret-id-file", admin + "/secret-id"]
            let again = try await StatusCommandTests.run(arguments + login, environment: home)
            #expect(again.code == 0, "\(again.all)")
            #expect(again.output.contains("5. root token: skipped, this run did not create one."), "\(again.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Bootstrap hands its root token to the apply step as a value: the process environment is
/// never changed, so nothing that reads the environment during apply (a `from_env` source)
/// can see the root token.
@Suite("bootstrap: the root token is passed to apply, not put in the environment")
struct BootstrapTokenTests {
    @Test("a from_env source named VAULT_TOKEN stays unset during bootstrap's apply, which still applies as root")
    func rootTokenNotInEnvironment() async throws {
        let server = try await DevServer.startProduction()
        let directory = try scratchDirectory("vf-bootstrap-token")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ensuring({ await server.stop() }) {
            let manifest = directory.appendingPathComponent("m.yaml").path
            try """
                version: 1
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas:
                  - path: secret/app
                    fields:
                      copied: { type: string, required: false, from_env: VAULT_TOKEN }
                      made: { type: string, generate: { kind: password } }
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let keys = directory.appendingPathComponent("keys.json").path
            let rootFile = directory.appendingPathComponent("root-token").path
            let run = try await StatusCommandTests.run(
                [
                    "bootstrap", manifest, "--address", server.address.absoluteString, "--keys-file", keys, "--key-shares", "1",
                    "--key-threshold", "1", "--keep-root-token", "--root-token-file", rootFile,
                ],
                environment: ["HOME": directory.path])
            #expect(run.code == 0, "\(run.all)")
            #expect(run.output.contains("Apply complete:"), "\(run.all)")

            let rootToken = try String(contentsOfFile: rootFile, encoding: .utf8)
            let stored = try await server.client().with(token: rootToken).request(.get, "secret/data/app").data?["data"]
            #expect(stored?["made"]?.stringValue?.isEmpty == false, "the apply step did not write the secret: \(run.all)")
            #expect(stored?["copied"] == nil, "the apply step saw the root token in its environment")
            #expect(!run.all.contains(rootToken), "the root token was printed")
        }
    }
}

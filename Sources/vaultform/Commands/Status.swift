import ArgumentParser
import Foundation
import VaultAPI

/// `vaultform status`: is the server there, what is it, and is it sealed.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show whether a server is reachable, its flavour, version and seal state.",
        discussion: """
            Needs no token: it reads sys/health and sys/seal-status, which every server answers. \
            The address comes from --address, else VAULT_ADDR, else BAO_ADDR. Exits 0 when the \
            server is reachable and unsealed, 1 otherwise.

            Examples:
              vaultform status --address http://127.0.0.1:8200
              VAULT_ADDR=https://vault.example.com:8200 \\
                VAULT_CACERT=vault-ca.crt vaultform status
            """
    )

    @Option(help: ArgumentHelp("The server's URL (default: VAULT_ADDR, then BAO_ADDR).", valueName: "url"))
    var address: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("A PEM file of CA certificates to trust (default: VAULT_CACERT).", valueName: "file"))
    var caCert: String?

    @Option(help: ArgumentHelp("Seconds to wait for the server.", valueName: "seconds"))
    var timeout: Int = 10

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let (text, source) = address.map { ($0, "--address") }
            ?? environment["VAULT_ADDR"].map { ($0, "VAULT_ADDR") }
            ?? environment["BAO_ADDR"].map { ($0, "BAO_ADDR") }
            ?? ("https://127.0.0.1:8200", "default")
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("\(source): `\(text)` is not an http:// or https:// URL")
        }
        var tls = TLSOptions()
        tls.caFile = caCert ?? environment["VAULT_CACERT"] ?? environment["BAO_CACERT"]
        do {
            let client = try VaultClient(address: url, tls: tls, timeout: .seconds(timeout))
            let health = try await client.health()
            let identity = try await client.identity()
            Terminal.write("""
                Address:      \(text) (from \(source))
                Server:       \(identity)
                Initialized:  \(health.initialized)
                Sealed:       \(health.sealed)
                Standby:      \(health.standby)\(health.clusterName.map { "\nCluster:      \($0)" } ?? "")

                """)
            if health.sealed || !health.initialized { throw ExitCode.failure }
        } catch let error as VaultError {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode.failure
        }
    }
}

import Foundation
import Testing
import VaultAPI

/// The manifest's `server:` block wins over the environment; when it hides a different value
/// there, a warning says so, for every setting the manifest can set.
@Suite("Connection settings: the manifest overriding the environment")
struct ConnectionOverrideTests {
    typealias Manifest = ConnectionInputs.ManifestSettings

    struct Setting: Sendable, CustomTestStringConvertible {
        var key: String
        var variable: String
        var flag: String
        var manifest: @Sendable (String) -> Manifest
        var testDescription: String { key }
    }

    static let location = "m.yaml:3:5"
    static let settings: [Setting] = [
        Setting(key: "server.address", variable: "ADDR", flag: "--address") { Manifest(address: .init($0, at: location)) },
        Setting(key: "server.namespace", variable: "NAMESPACE", flag: "--namespace") { Manifest(namespace: .init($0, at: location)) },
        Setting(key: "server.ca_cert", variable: "CACERT", flag: "--ca-cert") { Manifest(caCert: .init($0, at: location)) },
        Setting(key: "server.ca_path", variable: "CAPATH", flag: "--ca-path") { Manifest(caPath: .init($0, at: location)) },
        Setting(key: "server.tls_server_name", variable: "TLS_SERVER_NAME", flag: "--tls-server-name") {
            Manifest(tlsServerName: .init($0, at: location))
        },
    ]

    static func warnings(_ manifest: Manifest, _ environment: [String: String]) throws -> [String] {
        try ConnectionConfiguration.resolve(ConnectionInputs(manifest: manifest, environment: environment)).warnings
    }

    @Test("a different VAULT_ or BAO_ value hidden by the manifest is warned about, naming both and the flag", arguments: settings)
    func warned(setting: Setting) throws {
        let manifestValue = setting.key == "server.address" ? "https://manifest.example:8200" : "from-manifest"
        let environmentValue = setting.key == "server.address" ? "https://env.example:8200" : "from-environment"
        for prefix in ["VAULT_", "BAO_"] {
            let name = prefix + setting.variable
            let warnings = try Self.warnings(setting.manifest(manifestValue), [name: environmentValue])
            #expect(warnings == [
                "the manifest's \(setting.key) (\(Self.location)) is \(manifestValue) and wins over \(name)=\(environmentValue); pass \(setting.flag) to choose, or unset \(name)"
            ])
        }
        // The same value in both places hides nothing.
        #expect(try Self.warnings(setting.manifest(environmentValue), ["VAULT_" + setting.variable: environmentValue]).isEmpty)
        // Nothing in the environment: nothing to warn about.
        #expect(try Self.warnings(setting.manifest(manifestValue), [:]).isEmpty)
    }

    @Test("an empty manifest value (none) that hides the environment's namespace is warned about too")
    func emptyOverride() throws {
        let warnings = try Self.warnings(Manifest(namespace: .init("", at: Self.location)), ["VAULT_NAMESPACE": "team1"])
        #expect(warnings == [
            "the manifest's server.namespace (\(Self.location)) is empty (none) and wins over VAULT_NAMESPACE=team1; pass --namespace to choose, or unset VAULT_NAMESPACE"
        ])
    }

    @Test("a flag wins silently: it is what the user typed for this run")
    func flagWins() throws {
        let inputs = ConnectionInputs(
            flags: .init(address: "https://flag.example"), manifest: Manifest(address: .init("https://m.example", at: Self.location)),
            environment: ["VAULT_ADDR": "https://env.example"])
        #expect(try ConnectionConfiguration.resolve(inputs).warnings.isEmpty)
    }
}

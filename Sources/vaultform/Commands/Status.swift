import ArgumentParser
import Foundation
import VaultAPI
import VaultformManifest
import VaultformRender

/// `vaultform status`: where each connection setting came from, what the server is, whether
/// it is sealed, and whether the credentials work.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the connection settings and their sources, the server's flavour, version and seal state, and its HA cluster.",
        discussion: """
            Prints each connection setting with where it came from (flag, manifest, environment, \
            ~/.vault-token or default; the token itself is never shown), then reads sys/health \
            and sys/seal-status, which need no token. With a token it looks the token up and shows \
            its policies and TTL; on a node of an HA cluster it shows the leader's address, this \
            node's role (active, standby, performance standby) and, when the token may read \
            sys/storage/raft/configuration, the raft peers; with AppRole or JWT credentials it logs in, shows the new token's \
            policies and revokes it again (unless --keep-login-token).

            Exits 0 when the server is reachable, initialized and unsealed and any configured \
            credentials work; 1 otherwise.

            Examples:
              vaultform status --address http://127.0.0.1:8200
              export VAULT_ADDR=https://10.0.0.5:8200 VAULT_CACERT=vault-ca.crt
              export VAULT_ROLE_ID=$(cat role-id)
              VAULT_SECRET_ID_PATH=/secrets/vault-secret-id vaultform status
              vaultform status --manifest manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/prod.yaml --ca-cert vault-ca.crt
              vaultform status --jwt-role ci --jwt-file "$CI_JOB_JWT_FILE" -v
            """
    )

    @OptionGroup(title: "Connection options") var connection: ConnectionOptions

    @Option(name: .customLong("manifest"), help: ArgumentHelp("Take server: settings from this manifest (a file or directory).", valueName: "path"))
    var manifestPath: String?

    @Option(name: .customLong("var-file"), help: ArgumentHelp("A YAML file of variable values for --manifest; repeatable.", valueName: "file"))
    var varFiles: [String] = []

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a manifest variable; repeatable.", valueName: "name=value"))
    var assignments: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let server = try manifestServerSettings(environment: environment)
        let settings = try connection.resolve(manifest: server, environment: environment)
        var report = StatusReport()
        report.section("Connection", settings.summary)
        Terminal.write(report.flush())

        let client = try makeClient(settings)
        let healthy: Bool
        do {
            healthy = try await connection.withinDeadline { [connection] in
                try await Self.inspect(settings, client: client, keepLoginToken: connection.keepLoginToken)
            }
        } catch {
            let failure = error as? StatusFailure
            let hint = ((failure?.underlying ?? error) as? VaultError).flatMap { settings.hint(for: $0) }
            throw CommandFailure.error("\(failure?.message ?? "\(error)")", notes: hint.map { ["hint: \($0)"] } ?? [])
        }
        if !healthy { throw ExitCode.failure }
    }

    private func manifestServerSettings(environment: [String: String]) throws -> ServerSettings? {
        guard let manifestPath else { return nil }
        let loader = ManifestLoader(inputs: VariableInputs(environment: environment, varFiles: varFiles, assignments: assignments))
        let result = loader.load(path: manifestPath)
        guard let manifest = result.manifest, !result.diagnostics.hasErrors else {
            Terminal.writeError(DiagnosticRendering.text(result.diagnostics, color: false))
            let summary = DiagnosticRendering.summary(result.diagnostics, path: manifestPath)
            throw CommandFailure(lines: [summary], reasons: [summary])
        }
        return manifest.server
    }

    private func makeClient(_ settings: ConnectionConfiguration) throws -> VaultClient {
        try ErrorReport.mapping { try connection.client(for: settings, defaultTimeout: .seconds(10)) }
    }

    /// Reads the server's state and checks the credentials, printing each section as it is
    /// known; returns whether everything is usable.
    private static func inspect(
        _ settings: ConnectionConfiguration, client: VaultClient, keepLoginToken: Bool
    ) async throws -> Bool {
        let health = try await client.health()
        let identity = try await client.identity()
        var report = StatusReport()
        var lines = [
            ("flavour", "\(identity)"), ("initialized", "\(health.initialized)"), ("sealed", "\(health.sealed)"),
            ("standby", "\(health.standby)"),
        ]
        if let cluster = health.clusterName { lines.append(("cluster", cluster)) }
        report.section("Server", lines)
        Terminal.write(report.flush())
        guard health.initialized, !health.sealed else {
            Terminal.writeError("error: the server is \(health.initialized ? "sealed" : "not initialized"); the token was not checked\n")
            return false
        }

        // Part of an HA cluster: the leader and this node's role; the raft peers once a token is there.
        let cluster = (try? await client.leader()).flatMap { $0.haEnabled ? $0 : nil }
        let login = settings.login
        guard login != nil || settings.token != nil else {
            if let cluster {
                report.section("Cluster", ClusterLines.lines(cluster, health: health, peers: .failure(ClusterLines.NoToken())))
                Terminal.write(report.flush())
            }
            return true
        }
        let session: ConnectionSession
        do {
            session = try await ConnectionSession.open(settings, client: client, keepLoginToken: keepLoginToken, maintain: false)
        } catch {
            let subject = login.map { "\($0.name) login failed (\($0.credentialSources))" }
                ?? "the token from \(settings.token.map { "\($0.source)" } ?? "?") was not accepted"
            throw StatusFailure(message: "\(subject): \(error)", underlying: error)
        }
        if let cluster {
            let peers: Result<[RaftPeer], any Error>
            do {
                peers = .success(try await session.client().raftPeers())
            } catch {
                peers = .failure(error)
            }
            report.section("Cluster", ClusterLines.lines(cluster, health: health, peers: peers))
            Terminal.write(report.flush())
        }
        let revoked = await session.close()
        guard let details = session.details else { return true }
        var tokenLines = [
            ("display name", details.displayName), ("policies", details.policies.joined(separator: ", ")),
        ]
        if !details.identityPolicies.isEmpty {
            tokenLines.append(("identity policies", details.identityPolicies.joined(separator: ", ")))
        }
        tokenLines.append(("ttl", details.ttl == 0 ? "never expires" : TokenDetails.format(details.timeToLive)))
        tokenLines.append(("renewable", "\(details.renewable)"))
        if let type = details.type { tokenLines.append(("type", type)) }
        if let login {
            let fate = revoked ? "revoked again" : keepLoginToken ? "kept (--keep-login-token)" : "could not be revoked"
            tokenLines.append(("obtained by", "\(login.name) login at \(login.loginPath), \(fate)"))
        }
        report.section("Token", tokenLines)
        Terminal.write(report.flush())
        return true
    }
}

/// A failure already phrased for the user.
private struct StatusFailure: Error {
    let message: String
    let underlying: any Error
}

/// Aligned `name: value` lines under section titles.
private struct StatusReport {
    private var text = ""

    mutating func section(_ title: String, _ lines: [(name: String, value: String)]) {
        text += "\(title):\n"
        for (name, value) in lines {
            text += "  " + (name + ":").padding(toLength: 19, withPad: " ", startingAt: 0) + value + "\n"
        }
    }

    mutating func flush() -> String {
        defer { text = "" }
        return text
    }
}

import ArgumentParser
import Foundation
import VaultAPI
import VaultformManifest
import VaultformRender
import VaultformServer
import VaultPath

/// `vaultform credentials`: deliver an AppRole's role ID and a new secret ID to the files a
/// service mounts (step 11 of the runbook), rotate secret IDs, seed every role's files for a
/// dev compose setup, and check how long the secret IDs have left.
struct CredentialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Deliver AppRole role IDs and secret IDs to files, rotate them, and check their expiry.",
        discussion: """
            vaultform credentials ROLE writes the role's role ID and a new secret ID to the files \
            given, each atomically (a temporary file renamed into place) with the mode given \
            (default 0600; containers that run as another user may need 0644). The secret ID \
            never appears on standard output, standard error or in logs. --wrap-ttl writes a \
            response-wrapping token instead, which unwraps to the secret ID once. --rotate creates \
            the new secret ID, writes it, and only then destroys the role's older secret IDs, so \
            exactly one stays valid.

            --all --output-dir DIR writes DIR/ROLE/role-id and DIR/ROLE/secret-id for every role on \
            the mount, as the HoodCloud dev sidecar does for /vault/config/, each ROLE directory \
            created 0700 (0755 with --mode 0644) and never through a symlink. With --manifest, the \
            roles it marks `sidecar: false` (an admin role) are left out unless named with \
            --include; --exclude leaves out any other. A secret ID file readable by other users \
            (--mode 0640, 0644…) is warned about.

            --check reports secret IDs with less than 25% of their TTL left (exit 2 when any), as \
            text or as a Prometheus textfile (--format prometheus, --output FILE).

            Examples:
              vaultform credentials hoodcloud-control-plane \\
                --role-id-file /opt/hoodcloud/secrets/vault-role-id \\
                --secret-id-file /opt/hoodcloud/secrets/vault-secret-id --mode 0644
              vaultform credentials hoodcloud-admin \\
                --secret-id-file admin.secret-id --wrap-ttl 10m
              vaultform credentials hoodcloud-control-plane --secret-id-file ... --rotate
              vaultform credentials --all --output-dir /vault/config \\
                --manifest manifests/hoodcloud
              vaultform credentials --check --format prometheus \\
                --output /var/lib/node_exporter/textfile_collector/approle.prom
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, prometheus
    }

    @Argument(help: "The AppRole role (not with --all or --check).")
    var role: String?

    @OptionGroup(title: "Connection options") var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The AppRole auth method's path.", valueName: "path"))
    var mount: String = "approle"

    @Option(name: .customLong("role-id-file"), help: ArgumentHelp("Write the role ID here.", valueName: "file"))
    var roleIDFile: String?

    @Option(name: .customLong("secret-id-file"), help: ArgumentHelp("Write the new secret ID (or its wrapping token) here.", valueName: "file"))
    var secretIDFile: String?

    @Option(help: ArgumentHelp("The files' mode, in octal.", valueName: "mode"))
    var mode: String = "0600"

    @Option(name: .customLong("wrap-ttl"), help: ArgumentHelp("Write a response-wrapping token valid this long instead of the secret ID.", valueName: "duration"))
    var wrapTTL: DurationArgument?

    @Option(help: ArgumentHelp("Metadata for the new secret ID; repeatable.", valueName: "key=value"))
    var metadata: [String] = []

    @Option(help: ArgumentHelp("Where the new secret ID may be used from; repeatable.", valueName: "cidr"))
    var cidr: [String] = []

    @Flag(help: "After delivering the new secret ID, destroy the role's older ones.")
    var rotate = false

    @Flag(help: "Every role on the mount, into --output-dir/ROLE/{role-id,secret-id}.")
    var all = false

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("With --all: the directory to write into.", valueName: "dir"))
    var outputDirectory: String?

    @Option(help: ArgumentHelp("With --all: leave out the roles this manifest marks `sidecar: false`.", valueName: "path"))
    var manifest: String?

    @Option(name: .customLong("var-file"), help: ArgumentHelp("With --manifest: a YAML file of variable values; repeatable.", valueName: "file"))
    var varFiles: [String] = []

    @Option(help: ArgumentHelp("With --all: leave out this role; repeatable.", valueName: "role"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("With --all: write this role although the manifest marks it `sidecar: false`; repeatable.", valueName: "role"))
    var include: [String] = []

    @Flag(help: "Report secret IDs with less than 25% of their TTL left; exit 2 when any.")
    var check = false

    @Option(help: "With --check: text, or prometheus (a node_exporter textfile).")
    var format: Format = .text

    @Option(help: ArgumentHelp("With --check: write the report to this file (atomically).", valueName: "file"))
    var output: String?

    func validate() throws {
        let modes = [role != nil, all, check].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give a ROLE, or --all, or --check (one of them)") }
        guard Int(mode, radix: 8).map({ (0...0o777).contains($0) }) == true else {
            throw ValidationError("--mode \(mode) is not an octal file mode such as 0600 or 0644")
        }
        if role != nil, roleIDFile == nil, secretIDFile == nil {
            throw ValidationError("give --role-id-file, --secret-id-file or both: credentials are only ever written to files")
        }
        if all, outputDirectory == nil { throw ValidationError("--all needs --output-dir") }
        if !all, manifest != nil || !exclude.isEmpty || !include.isEmpty {
            throw ValidationError("--manifest, --exclude and --include choose the roles of --all")
        }
        for item in metadata where !item.contains("=") { throw ValidationError("--metadata \(item) is not key=value") }
    }

    var mountPath: String { MountPath.withSlash(mount) }
    var permissions: Int { Int(mode, radix: 8) ?? 0o600 }

    func run() async throws {
        let loaded = try manifest.map { path in
            let options = try ManifestOptions.parse([path] + varFiles.flatMap { ["--var-file", $0] })
            return try ServerConnection.loadManifest(options, color: Terminal.supportsColor(fileDescriptor: STDERR_FILENO, disabled: false))
        }
        if secretIDFile != nil || all, permissions & 0o044 != 0 {
            let who = permissions & 0o004 != 0 ? "every user of this machine" : "the file's group"
            Terminal.writeError("warning: --mode \(mode) makes the secret ID readable by \(who); 0600 keeps it to its owner\n")
        }
        // The manifest only chooses roles: the connection settings stay the flags' and the
        // environment's, as without it.
        let server = try await ServerConnection.open(connection, manifest: Manifest())
        let exitCode = try await server.whileOpen { client in
            try await ServerConnection.report(server.configuration) {
                if let role {
                    try await deliver(role: role, roleIDFile: roleIDFile, secretIDFile: secretIDFile, client: client)
                    return Int32(0)
                }
                if all {
                    return try await deliverAll(client: client, manifest: loaded)
                }
                return try await checkExpiry(client: client)
            }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Writes one role's files; with --rotate, destroys the older secret IDs afterwards.
    func deliver(role: String, roleIDFile: String?, secretIDFile: String?, client: VaultClient) async throws {
        let before = rotate ? try await SecretIDs.accessors(client: client, mount: mountPath, role: role) : []
        if let roleIDFile {
            let id = try await SecretIDs.roleID(client: client, mount: mountPath, role: role)
            try write(id, to: roleIDFile)
            Terminal.write("Wrote the role ID of \(role) to \(roleIDFile) (mode \(mode)).\n")
        }
        guard let secretIDFile else { return }
        var pairs: [String: String] = [:]
        for item in metadata {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            pairs[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let grant = try await SecretIDs.createAndDeliver(
            client: client, mount: mountPath, role: role, metadata: pairs, cidrs: cidr, wrapTTL: wrapTTL?.duration
        ) { grant in try write(grant.value, to: secretIDFile) }
        let what = grant.wrapped ? "a wrapping token for a new secret ID (valid \(wrapTTL.map { "\($0.duration)" } ?? ""), unwraps once)" : "a new secret ID"
        Terminal.write("Wrote \(what) of \(role) to \(secretIDFile) (mode \(mode))\(grant.accessor.map { "; its accessor is \($0)" } ?? "").\n")
        guard rotate else { return }
        for accessor in before {
            try await SecretIDs.destroy(client: client, mount: mountPath, role: role, accessor: accessor)
        }
        Terminal.write("Destroyed \(before.count) older secret ID\(before.count == 1 ? "" : "s") of \(role).\n")
    }

    /// The dev sidecar: every role's files under --output-dir, but for the roles the manifest
    /// keeps out of it (`sidecar: false`) and those excluded.
    func deliverAll(client: VaultClient, manifest loaded: Manifest?) async throws -> Int32 {
        guard let outputDirectory else { return 1 }
        let listed = try await client.request(.list, "auth/\(mountPath)role").data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let kept = Self.sidecarRoles(listed, manifest: loaded, mount: mountPath, exclude: exclude, include: include)
        for (role, reason) in kept.left { Terminal.write("Left out \(role): \(reason).\n") }
        if loaded == nil, exclude.isEmpty {
            Terminal.writeError("warning: without --manifest no role is marked `sidecar: false`: every role on \(mountPath) is written, an admin role too\n")
        }
        let roles = kept.roles
        for role in roles {
            let directory = URL(fileURLWithPath: outputDirectory).appendingPathComponent(role)
            try PrivateDirectory.create(directory.path, mode: PrivateDirectory.mode(forFiles: permissions))
            try await deliver(
                role: role, roleIDFile: directory.appendingPathComponent("role-id").path,
                secretIDFile: directory.appendingPathComponent("secret-id").path, client: client)
        }
        Terminal.write("Delivered credentials for \(roles.count) role\(roles.count == 1 ? "" : "s") under \(outputDirectory).\n")
        return 0
    }

    /// The roles `--all` writes, sorted, and the ones it leaves out with why. Role names are
    /// compared in lower case, as the server stores them.
    static func sidecarRoles(
        _ listed: [String], manifest: Manifest?, mount: String, exclude: [String], include: [String]
    ) -> (roles: [String], left: [(String, String)]) {
        let excluded = Set(exclude.map { $0.lowercased() }), included = Set(include.map { $0.lowercased() })
        let private_ = Set((manifest?.appRoleRoles ?? []).filter {
            $0.sidecar == false && MountPath.withSlash($0.mount.value) == mount
        }.map { $0.name.lowercased() })
        var roles: [String] = [], left: [(String, String)] = []
        for role in listed.sorted() {
            let name = role.lowercased()
            if excluded.contains(name) {
                left.append((role, "--exclude"))
            } else if private_.contains(name), !included.contains(name) {
                left.append((role, "the manifest marks it `sidecar: false` (name it with --include to write it)"))
            } else {
                roles.append(role)
            }
        }
        return (roles, left)
    }

    /// Secret IDs with less than a quarter of their TTL left; 2 when any.
    func checkExpiry(client: VaultClient) async throws -> Int32 {
        let started = Date()
        let roles = try await client.request(.list, "auth/\(mountPath)role").data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var expiring: [(role: String, status: SecretIDs.SecretIDStatus)] = []
        var total = 0
        for role in roles.sorted() {
            for accessor in try await SecretIDs.accessors(client: client, mount: mountPath, role: role) {
                total += 1
                let status: SecretIDs.SecretIDStatus
                do {
                    status = try await SecretIDs.status(client: client, mount: mountPath, role: role, accessor: accessor)
                } catch let error as VaultError where error.isNotFound {
                    // Expired between the list and the lookup.
                    expiring.append((role, SecretIDs.SecretIDStatus(accessor: accessor, ttl: 0, remaining: 0)))
                    continue
                }
                if let remaining = status.remaining, remaining == 0 || (status.ttl > 0 && remaining * 4 < status.ttl) {
                    expiring.append((role, status))
                }
            }
        }
        let report: String
        switch format {
        case .text:
            var lines = ["Checked \(total) secret ID\(total == 1 ? "" : "s") of \(roles.count) role\(roles.count == 1 ? "" : "s") on \(mountPath)."]
            for item in expiring {
                lines.append("expiring: \(item.role): secret ID \(item.status.accessor) has \(item.status.remaining ?? 0)s of \(item.status.ttl)s left")
            }
            if expiring.isEmpty { lines.append("None has less than 25% of its TTL left.") }
            report = lines.joined(separator: "\n") + "\n"
        case .prometheus:
            let mountLabel = "mount=\"\(mountPath)\""
            var lines = [
                "# HELP vaultform_approle_secret_ids Secret IDs of the mount's roles.", "# TYPE vaultform_approle_secret_ids gauge",
                "vaultform_approle_secret_ids{\(mountLabel)} \(total)",
                "# HELP vaultform_approle_secret_ids_expiring Secret IDs with less than 25% of their TTL left, by role.",
                "# TYPE vaultform_approle_secret_ids_expiring gauge",
            ]
            let counts = Dictionary(grouping: expiring, by: \.role).mapValues(\.count)
            for role in roles.sorted() { lines.append("vaultform_approle_secret_ids_expiring{\(mountLabel),role=\"\(role)\"} \(counts[role] ?? 0)") }
            lines += [
                "# HELP vaultform_approle_check_timestamp_seconds When the check ran (Unix time).",
                "# TYPE vaultform_approle_check_timestamp_seconds gauge",
                "vaultform_approle_check_timestamp_seconds{\(mountLabel)} \(String(format: "%.3f", started.timeIntervalSince1970))",
            ]
            report = lines.joined(separator: "\n") + "\n"
        }
        if let output {
            try AtomicFile.write(Data(report.utf8), to: output, permissions: 0o644)
        } else {
            Terminal.write(report)
        }
        return expiring.isEmpty ? 0 : 2
    }

    func write(_ value: String, to path: String) throws {
        do {
            try AtomicFile.write(Data(value.utf8), to: path, permissions: permissions)
        } catch {
            throw OperatorError("cannot write \(path): \(error)")
        }
    }
}

import ArgumentParser
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformServer
import VaultPath

/// `vaultform bootstrap`: a new server to production in one command — initialise, unseal,
/// apply the manifest with the root token, hand the day-to-day to the admin AppRole, revoke
/// the root token, and say what to store where (the runbook's steps 5, 7, 11 and 13).
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Initialise, unseal and provision a new server, then revoke its root token.",
        discussion: """
            Steps, each skipped (and said so) when already done, so running it again is harmless:
              1. check everything that can be known before initialising (the manifest, its \
            variables, every from_env and from_file source apply needs, the admin role, the files \
            to write) and stop with the server untouched on any problem; then initialise with \
            --key-shares and --key-threshold; the shares go to --keys-file (mode 0600; with \
            --pgp-key, one per share, each share is encrypted to its holder by the server), never \
            to the terminal unless --print-keys-to-terminal is given on one. The root token is kept \
            in the keys file until step 5 revokes it, so a run that fails later can be run again: \
            it resumes with that token and then removes it from the file;
              2. unseal with the threshold of shares (from the keys file);
              3. apply the manifest with the root token (the usual credentials on a re-run);
              4. write the admin AppRole's role ID and a new secret ID to \
            --admin-credentials-dir (mode 0600);
              5. revoke the root token, and check that it no longer works;
              6. print what to store where.

            Examples:
              vaultform bootstrap manifests/hoodcloud \\
                --var-file manifests/hoodcloud/env/prod.yaml \\
                --address https://192.0.2.5:8200 --ca-cert vault-ca.crt \\
                --keys-file /root/vault-keys.json \\
                --admin-role hoodcloud-admin --admin-credentials-dir /root/vault-admin
              vaultform bootstrap manifests/hoodcloud --key-shares 5 --key-threshold 3 \\
                --pgp-key alice.b64 --pgp-key bob.b64 --pgp-key carol.b64 \\
                --pgp-key dan.b64 --pgp-key erin.b64 --keys-file vault-keys.json
            """
    )

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup(title: "Connection options") var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Option(name: .customLong("key-shares"), help: "How many unseal key shares to make.")
    var keyShares = 5

    @Option(name: .customLong("key-threshold"), help: "How many shares unseal the server.")
    var keyThreshold = 3

    @Option(name: .customLong("keys-file"), help: ArgumentHelp("Write the key shares here (JSON, mode 0600).", valueName: "file"))
    var keysFile: String?

    @Option(name: .customLong("pgp-key"), help: ArgumentHelp("A holder's PGP public key (base64, as `gpg --export | base64`); one per share, repeatable.", valueName: "file"))
    var pgpKeys: [String] = []

    @Flag(name: .customLong("print-keys-to-terminal"), help: "Also print the key shares and root token, only when standard output is a terminal.")
    var printKeysToTerminal = false

    @Option(name: .customLong("admin-role"), help: ArgumentHelp("The AppRole role that takes over from the root token.", valueName: "role"))
    var adminRole: String?

    @Option(name: .customLong("admin-mount"), help: ArgumentHelp("The admin role's AppRole mount.", valueName: "path"))
    var adminMount = "approle"

    @Option(name: .customLong("admin-credentials-dir"), help: ArgumentHelp("Where to write the admin role's role-id and secret-id (mode 0600).", valueName: "dir"))
    var adminCredentialsDirectory: String?

    @Flag(name: .customLong("keep-root-token"), help: "Do not revoke the root token (it is then written to --root-token-file).")
    var keepRootToken = false

    @Option(name: .customLong("root-token-file"), help: ArgumentHelp("With --keep-root-token: write the root token here (mode 0600).", valueName: "file"))
    var rootTokenFile: String?

    func validate() throws {
        guard keyShares >= 1, (1...keyShares).contains(keyThreshold) else {
            throw ValidationError("--key-threshold must be between 1 and --key-shares (\(keyShares))")
        }
        if !pgpKeys.isEmpty, pgpKeys.count != keyShares {
            throw ValidationError("--pgp-key: give one per share (\(keyShares)), not \(pgpKeys.count)")
        }
        if (adminRole == nil) != (adminCredentialsDirectory == nil) {
            throw ValidationError("--admin-role and --admin-credentials-dir go together")
        }
        if keepRootToken, rootTokenFile == nil { throw ValidationError("--keep-root-token needs --root-token-file") }
    }

    func run() async throws {
        let loaded = try ServerConnection.loadManifest(manifest, color: color.useColor(forStandardError: true))
        let configuration = try connection.resolve(manifest: loaded.server, environment: ProcessInfo.processInfo.environment)
        let client = try connection.client(for: configuration)
        var checklist: [String] = []

        // 1. Initialise, once nothing that can be known beforehand stands in the way; or find
        // the root token a run that failed after initialising kept in the keys file.
        let health = try await ServerConnection.report(configuration) { try await client.health() }
        if let adminRole {
            try BootstrapAdminCheck.check(role: adminRole, mount: adminMount, manifest: loaded, refusing: !health.initialized && !keepRootToken)
        }
        var rootToken: String?
        var kept = keysFile.flatMap { BootstrapKeysFile.read($0) }
        if health.initialized {
            Terminal.write("1. initialise: skipped, the server is already initialised.\n")
            rootToken = kept?.rootToken
        } else {
            try preflight(loaded)
            rootToken = try await initialise(client: client, configuration: configuration, checklist: &checklist)
            kept = keysFile.flatMap { BootstrapKeysFile.read($0) }
        }
        let resumed = health.initialized && rootToken != nil
        do {
            try await provision(
                rootToken: &rootToken, resumed: resumed, kept: &kept, client: client, configuration: configuration, loaded: loaded, checklist: &checklist)
        } catch {
            guard rootToken != nil, let kept, kept.rootToken != nil else { throw error }
            throw ErrorReport.adding(
                ["The root token is kept in \(kept.path) (mode 0600): run bootstrap again to resume; it revokes the token at the end."], to: error)
        }
    }

    /// Steps 2 to 6, with the root token when this run made it or a failed run kept it.
    func provision(
        rootToken: inout String?, resumed: Bool, kept: inout BootstrapKeysFile?, client: VaultClient, configuration: ConnectionConfiguration,
        loaded: Manifest, checklist: inout [String]
    ) async throws {
        // 2. Unseal.
        if try await ServerConnection.report(configuration, { try await client.sealStatus() }).sealed {
            guard let keysFile else {
                throw OperatorError("the server is sealed: run vaultform unseal, or give --keys-file")
            }
            Terminal.write("2. unseal:\n")
            try await ServerConnection.report(configuration) {
                try await UnsealCommand.unseal(client: client, keys: try UnsealCommand.keys(inFile: keysFile), prompt: false)
                try await waitUntilActive(client: client)
            }
        } else {
            Terminal.write("2. unseal: skipped, the server is unsealed.\n")
        }
        if resumed, let token = rootToken, var file = kept {
            // Resuming: the token a failed run kept, if it still works.
            if try await ServerConnection.report(configuration, { try await Self.works(token, client: client) }) {
                Terminal.write("   resuming with the root token kept in \(file.path) by the run that initialised the server.\n")
            } else {
                rootToken = nil
                try file.removeRootToken()
                kept = file
                Terminal.write("   the root token kept in \(file.path) no longer works; removed it from the file.\n")
            }
        }

        // 3. Apply, with the root token when this run made it.
        Terminal.write("3. apply \(manifest.path):\n")
        try await apply(rootToken: rootToken)

        // 4. The admin AppRole's credentials.
        if let adminRole, let adminCredentialsDirectory {
            let admin = rootToken.map { client.with(token: $0) }
            try await deliverAdmin(role: adminRole, directory: adminCredentialsDirectory, rootClient: admin, configuration: configuration, manifest: loaded)
            checklist.append("The admin AppRole's role ID and secret ID (\(adminCredentialsDirectory)/role-id, secret-id): a password manager (step 13); log in with --approle-role-id-file and --approle-secret-id-file from now on.")
        } else {
            Terminal.write("4. admin credentials: skipped (no --admin-role).\n")
        }

        // 5. Revoke the root token.
        if let rootToken {
            if keepRootToken, let rootTokenFile {
                try AtomicFile.write(Data(rootToken.utf8), to: rootTokenFile, permissions: 0o600)
                Terminal.write("5. root token: kept, as asked, in \(rootTokenFile) (mode 0600).\n")
                checklist.append("The root token in \(rootTokenFile): revoke it (vault token revoke) as soon as the admin AppRole works.")
            } else {
                try await revoke(rootToken, client: client, configuration: configuration)
            }
            if var file = kept, file.rootToken != nil {
                try file.removeRootToken()
                kept = file
                Terminal.write("   removed the root token from \(file.path); it keeps the key shares.\n")
            }
        } else {
            Terminal.write("5. root token: skipped, this run did not create one.\n")
        }

        Terminal.write("\nStore these now:\n")
        for (index, item) in checklist.enumerated() { Terminal.write("  [\(index + 1)] \(item)\n") }
        if checklist.isEmpty { Terminal.write("  nothing new: every step was already done.\n") }
    }

    func initialise(client: VaultClient, configuration: ConnectionConfiguration, checklist: inout [String]) async throws -> String {
        let terminal = isatty(STDOUT_FILENO) == 1
        guard keysFile != nil || (printKeysToTerminal && terminal) else {
            throw OperatorError("refusing to initialise: the key shares would be lost; give --keys-file (or --print-keys-to-terminal on a terminal)")
        }
        let pgp = try ServerConnection.reportPlain {
            try pgpKeys.map { path -> String in
                guard let data = FileManager.default.contents(atPath: path) else { throw OperatorError("cannot read \(path)") }
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        let result = try await ServerConnection.report(configuration) {
            try await ServerOperator.initialize(client: client, shares: keyShares, threshold: keyThreshold, pgpKeys: pgp)
        }
        if let keysFile {
            // The root token too, until step 5 revokes it: a rerun after a failure resumes with it.
            try BootstrapKeysFile(path: keysFile, result: result, pgpEncrypted: !pgp.isEmpty).write()
            Terminal.write("1. initialise: done, \(result.shares) key shares (threshold \(result.threshold)) written to \(keysFile) (mode 0600)\(pgp.isEmpty ? "" : ", each encrypted to its PGP key"), with the root token until it is revoked.\n")
            checklist.append("The \(result.shares) key shares in \(keysFile): give one to each of \(result.shares) trusted people (any \(result.threshold) unseal the server), then delete the file.")
        }
        if printKeysToTerminal && terminal {
            Terminal.write("Key shares (shown once, as asked):\n")
            for (index, key) in result.keys.enumerated() { Terminal.write("  share \(index + 1): \(key)\n") }
            Terminal.write("Initial root token: \(result.rootToken)\n")
        }
        return result.rootToken
    }

    /// After unsealing, the node needs a moment to become active.
    func waitUntilActive(client: VaultClient) async throws {
        for _ in 0..<150 {
            if let health = try? await client.health(), !health.sealed, !health.standby { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw OperatorError("the server unsealed but did not become active within 30 seconds")
    }

    /// Runs `vaultform apply --auto-approve` on the manifest, with the root token as the
    /// applying token when this run has it (passed as a value: the process environment is
    /// left alone); the connection settings are otherwise the caller's.
    func apply(rootToken: String?) async throws {
        var command = try ApplyCommand.parse([manifest.path, "--auto-approve"])
        command.manifest = manifest
        command.connection = connection
        try await command.applyManifest(token: rootToken)
    }

    func deliverAdmin(
        role: String, directory: String, rootClient: VaultClient?, configuration: ConnectionConfiguration, manifest loaded: Manifest
    ) async throws {
        let write = { (client: VaultClient) in
            try PrivateDirectory.create(directory)
            let mount = MountPath.withSlash(adminMount)
            let roleID = try await SecretIDs.roleID(client: client, mount: mount, role: role)
            try AtomicFile.write(Data(roleID.utf8), to: directory + "/role-id", permissions: 0o600)
            _ = try await SecretIDs.createAndDeliver(client: client, mount: mount, role: role, metadata: ["issued-by": "vaultform bootstrap"]) { grant in
                try AtomicFile.write(Data(grant.value.utf8), to: directory + "/secret-id", permissions: 0o600)
            }
        }
        if let rootClient {
            try await ServerConnection.report(configuration) { try await write(rootClient) }
        } else {
            // A re-run: the root token is gone; the caller's own credentials do it.
            let server = try await ServerConnection.open(connection, manifest: loaded)
            try await server.whileOpen { client in try await ServerConnection.report(configuration) { try await write(client) } }
        }
        Terminal.write("4. admin credentials: the role ID and a new secret ID of \(role) written to \(directory)/ (mode 0600).\n")
    }

    /// Whether the server still accepts a token (false only when it says so: 403).
    static func works(_ token: String, client: VaultClient) async throws -> Bool {
        do {
            _ = try await client.with(token: token).request(.get, "auth/token/lookup-self")
            return true
        } catch let error as VaultError where error.status == 403 {
            return false
        }
    }

    /// Before initialising: everything that would make a later step fail and can be known
    /// now (apply's blockers on an empty server, such as an unset `from_env` variable of a
    /// required secret; an admin role the manifest does not define; files that cannot be
    /// written). After initialising, a failure leaves a server with a root token to take
    /// care of; before, it leaves the server as it was.
    func preflight(_ loaded: Manifest) throws {
        var problems = Reconciler(manifest: loaded).refusalsOnEmptyServer()
        if let adminRole {
            let mount = MountPath.withoutSlash(adminMount)
            if !loaded.appRoleRoles.contains(where: { $0.name.lowercased() == adminRole.lowercased() && $0.mount.value == mount }) {
                problems.append("--admin-role \(adminRole): the manifest defines no AppRole role of that name on \(mount)/, and a new server has no other")
            }
        }
        if let keysFile {
            if FileManager.default.fileExists(atPath: keysFile) {
                problems.append("--keys-file \(keysFile) already exists: it may hold another server's key shares; move it away first")
            }
            problems += Self.unwritable(keysFile, what: "--keys-file")
        }
        if let adminCredentialsDirectory {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: adminCredentialsDirectory)) != nil {
                problems.append("--admin-credentials-dir \(adminCredentialsDirectory) is a symlink: give the real directory (credentials are never written through one)")
            }
            problems += Self.unwritable(adminCredentialsDirectory + "/secret-id", what: "--admin-credentials-dir")
        }
        if keepRootToken, let rootTokenFile { problems += Self.unwritable(rootTokenFile, what: "--root-token-file") }
        guard !problems.isEmpty else { return }
        throw CommandFailure.error(
            problems, notes: ["The server was not initialised: fix \(problems.count == 1 ? "this" : "these") and run bootstrap again."])
    }

    /// Why a file could not be created at `path` (its nearest existing directory is not
    /// writable, or a parent is a file); empty when it can.
    static func unwritable(_ path: String, what: String) -> [String] {
        var directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        guard isDirectory.boolValue else { return ["\(what) \(path): \(directory.path) is not a directory"] }
        guard access(directory.path, W_OK | X_OK) == 0 else { return ["\(what) \(path): cannot write into \(directory.path)"] }
        return []
    }

    func revoke(_ rootToken: String, client: VaultClient, configuration: ConnectionConfiguration) async throws {
        let root = client.with(token: rootToken)
        try await ServerConnection.report(configuration) {
            _ = try await root.request(.post, "auth/token/revoke-self")
        }
        do {
            _ = try await root.with(retryPolicy: .never).request(.get, "auth/token/lookup-self")
            throw OperatorError("the root token still works after its revocation")
        } catch let error as VaultError where error.status == 403 {
            Terminal.write("5. root token: revoked (checked: it no longer works).\n")
        }
    }
}

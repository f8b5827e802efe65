import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformServer

/// What `plan`, `apply`, `drift` and `bootstrap` share, once: the manifest loaded (its
/// diagnostics printed) and resolved into a `Reconciler`, the plan options made from the
/// desired state, the server connected, and the session open while the command's body runs.
struct ReconcileRun {
    /// The open connection: its settings (for hints) and the server's identity.
    let server: ServerConnection
    /// The session's client, holding the applying token.
    let client: VaultClient
    /// The resolved manifest's reconciler.
    let reconciler: Reconciler
    /// The plan options the command made from the desired state.
    let options: PlanOptions

    /// Loads and resolves the manifest, makes the plan options, connects (with `token` when
    /// given, instead of the token the environment holds) and runs `body` with the session
    /// open; the session is closed on every path, so a login token is revoked even on failure.
    static func start<T>(
        _ manifest: ManifestOptions, connection: ConnectionOptions, color: ColorOptions, token: String? = nil,
        options makeOptions: (DesiredState) throws -> PlanOptions = { _ in PlanOptions() },
        _ body: (ReconcileRun) async throws -> T
    ) async throws -> T {
        let loaded = try ServerConnection.loadManifest(manifest, color: color.useColor(forStandardError: true))
        // The session opens (seal status, leader, token lookup or login: round trips) while
        // this task resolves the manifest and makes the options, on the machine's other core.
        async let opening = ServerConnection.open(connection, manifest: loaded, token: token)
        let prepared = Result { () throws -> (Reconciler, PlanOptions) in
            let reconciler = Reconciler(manifest: loaded)
            return (reconciler, try makeOptions(reconciler.desired))
        }
        let server: ServerConnection
        do {
            server = try await opening
        } catch {
            // A mistake in the command's options (a `--rotate` naming no secret) is the error
            // to report, as when the options were made before connecting.
            _ = try prepared.get()
            throw error
        }
        // Taken inside the session, so that a login made for it is revoked when they failed.
        return try await server.whileOpen { client in
            let (reconciler, options) = try prepared.get()
            return try await body(ReconcileRun(server: server, client: client, reconciler: reconciler, options: options))
        }
    }

    /// Reads the live state and plans (within `--deadline` when given); a server or
    /// connection error is one clear line with its hint, and exit 1.
    func plan(deadline: ConnectionOptions? = nil) async throws -> Reconciliation {
        try await ServerConnection.report(server.configuration) {
            // The session looked the token up when it opened: the plan does not ask again.
            let identity = server.session.details
            guard let deadline else { return try await reconciler.plan(client: client, options: options, identity: identity) }
            return try await deadline.withinDeadline { [reconciler, client, options] in
                try await reconciler.plan(client: client, options: options, identity: identity)
            }
        }
    }
}

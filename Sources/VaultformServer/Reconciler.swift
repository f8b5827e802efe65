import Crypto
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest

/// The pipeline's server half in one place, for every command that plans or applies:
///
///     Manifest ──resolve──▶ DesiredState                        (`init(manifest:)`)
///     server ──read──▶ LiveState, (DesiredState, LiveState) ──plan──▶ Plan   (`plan(client:options:)`)
///     saved PlanFile ──restore──▶ Plan, re-read ──▶ stale or current        (`SavedPlan`)
///     Plan ──refuse or apply──▶ requests, each read back          (`refusals`, `apply`)
///
/// The command line loads the manifest and opens the connection (its diagnostics, flags and
/// environment are its own), hands the client in, and renders what comes back. Nothing here
/// prints, reads the process environment except for `from_env` sources, or exits.
public struct Reconciler: Sendable {
    /// The state plans converge to: the manifest's resolved objects (empty for a saved plan,
    /// whose operations carry their objects).
    public let desired: DesiredState
    /// Where secret fields' `from_env` sources are read.
    public let environment: [String: String]

    /// The reconciler for a loaded manifest: its objects resolved under their addresses.
    public init(manifest: Manifest, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(desired: Pipeline.resolve(manifest), environment: environment)
    }

    /// The reconciler for a desired state already resolved.
    init(desired: DesiredState, environment: [String: String]) {
        self.desired = desired
        self.environment = environment
    }

    /// Reads, through `client`, what the desired state names or owns, and plans against it.
    /// Write-only values are read from their sources and fingerprinted under the server's
    /// fingerprint key first, so the plan can tell a changed source without holding a value.
    /// `identity` is what the session's `auth/token/lookup-self` said of the client's token,
    /// when it has it: the plan then does not ask again.
    public func plan(client: VaultClient, options: PlanOptions = PlanOptions(), identity: TokenDetails? = nil) async throws -> Reconciliation {
        var known = LiveReader(client: client, environment: environment)
        known.knownIdentity = identity
        let reader = known
        async let live = reader.read(for: desired)
        var sealed = desired
        if WriteOnlySources.any(in: desired) {
            let key = await SecretReader(client: client, environment: environment).fingerprintKey()
            let stored = try await WriteOnlySources.stored(in: desired, client: client)
            sealed = WriteOnlySources.sealed(desired, key: key, environment: environment, stored: stored)
        }
        let state = try await live
        return Reconciliation(plan: Planner.plan(desired: sealed, live: state, options: options), live: state)
    }

    /// The server's fingerprint key (which keys a saved plan's digest), or nil when it has none.
    public func fingerprintKey(client: VaultClient) async -> SymmetricKey? {
        await SecretReader(client: client, environment: environment).fingerprintKey()
    }

    /// Before secrets are written: the key plans fingerprint secret values with, made once
    /// per server; nothing when the manifest declares no secrets.
    public func prepareSecrets(client: VaultClient) async throws {
        guard !desired.schemas.isEmpty else { return }
        try await Applier.ensureFingerprintKey(client: client)
    }

    /// Reasons the plan must not run at all (blockers, destruction without leave, self-lockouts,
    /// Transit keys that do not allow deletion); empty when it may.
    public func refusals(_ reconciliation: Reconciliation, options: ApplyOptions) -> [String] {
        Applier.refusals(reconciliation.plan, live: reconciliation.live, options: options)
    }

    /// Carries out the plan through `client`, each write checked, independent objects of a kind
    /// up to `parallelism` at a time; see `Applier.apply` for the hooks. The client holds the applying token: whoever calls decides which.
    public func apply(
        _ reconciliation: Reconciliation, client: VaultClient,
        parallelism: Int = 1,
        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in },
        beforeWrite: @escaping @Sendable () async throws -> Void = {},
        afterWrites: @Sendable () -> Void = {},
        stop: StopRequest? = nil,
        beforeSelfLockout: @Sendable () async -> Void = {}
    ) async -> ApplyReport {
        await Applier(client: client, environment: environment).apply(
            reconciliation.plan, parallelism: parallelism, progress: progress, beforeWrite: beforeWrite,
            afterWrites: afterWrites, stop: stop, beforeSelfLockout: beforeSelfLockout)
    }
}

/// A plan with the live state it was made against: what `Reconciler.refusals` and
/// `Reconciler.apply` take. The plan's operations carry their desired objects.
public struct Reconciliation: Sendable {
    /// The operations, findings and blockers.
    public let plan: Plan
    /// The live objects the plan was made against (for a saved plan: those it touches, as they are now).
    public let live: LiveState

    /// The two, as one value.
    public init(plan: Plan, live: LiveState) {
        self.plan = plan
        self.live = live
    }
}

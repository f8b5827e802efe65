import Foundation
import VaultAPI
import VaultformCore

/// A plan saved by `vaultform plan -out`, restored for apply: self-contained, its operations
/// carry the objects they write. Before it runs, apply checks that the file is as
/// plan saved it (`checkDigest`) and that nothing it touches changed since (`staleness`).
public struct SavedPlan: Sendable {
    /// The file as read.
    public let file: PlanFile
    /// The operations the file describes.
    public let plan: Plan
    /// The reconciler that applies it: it needs no desired state, as every operation carries
    /// its object.
    public let reconciler: Reconciler

    /// Restores the file's plan; throws `PlanFileError` when it names an unknown object or action.
    public init(_ file: PlanFile, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.file = file
        plan = try file.restored()
        reconciler = Reconciler(desired: DesiredState(entries: []), environment: environment)
    }

    /// Checks the file's digest, keyed with the server's fingerprint key when it has one;
    /// throws when the file is not as plan saved it.
    public func checkDigest(client: VaultClient) async throws {
        try PlanDigest.check(file, key: await reconciler.fingerprintKey(client: client))
    }

    /// The refusals for the plan's self-lockouts, which need no live state: checked before
    /// the lock is taken.
    public func selfLockoutRefusals(options: ApplyOptions) -> [String] {
        Applier.selfLockoutRefusals(plan, options: options)
    }

    /// Re-reads every object the plan touches. An object whose fingerprint (a secret: whose
    /// version) differs from the one the file recorded is stale; the rest make the live state
    /// the plan is applied against.
    public func staleness(client: VaultClient) async throws -> Staleness {
        let reader = LiveReader(client: client, environment: reconciler.environment)
        var stale: [String] = [], live: [Resource] = []
        // The names IDs stand for, read once for every object that holds IDs (not once each).
        let needsNames = plan.operations.contains { $0.address.kind.definition.readsServerNames }
        let names = needsNames ? try await reader.readServerNames() : nil
        for (operation, change) in zip(plan.operations, file.changes) {
            if let write = operation.secretWrite {
                // Read in the secret's namespace (its address says which).
                let version = try await reader.sent(to: operation.address.namespace).secretVersion(write)
                if "version:\(version)" != change.liveFingerprint { stale.append(change.address) }
                continue
            }
            let (current, unchanged) = try await reader.current(
                operation.address, recorded: change.liveFingerprint, names: names, desired: operation.desired)
            if let current { live.append(current) }
            if !unchanged { stale.append(change.address) }
        }
        return Staleness(stale: stale, current: Reconciliation(plan: plan, live: LiveState(resources: live)))
    }

    /// What `staleness(client:)` found.
    public struct Staleness: Sendable {
        /// The addresses of the objects that changed since the plan was made, in plan order; empty when none did.
        public let stale: [String]
        /// The plan with the touched objects as they are now, to refuse or apply when nothing is stale.
        public let current: Reconciliation
    }
}

import Foundation
import VaultformCore
import VaultformManifest

extension Reconciler {
    /// What apply would refuse on a server that holds nothing yet, found without a server;
    /// empty when nothing.
    ///
    /// `vaultform bootstrap` asks this before it initialises: once a server is initialised its
    /// root token exists, and a failure after that point costs a recovery. Every blocker that
    /// can be known offline (a required secret whose `from_env` variable is unset or whose
    /// `from_file` file is missing, a source holding an invalid value, a required field with no
    /// source at all) is reported while the server can still be left untouched.
    public func refusalsOnEmptyServer() -> [String] {
        var secrets: [String: SecretObservation] = [:]
        for schema in desired.schemas {
            secrets[SecretPlanner.observationKey(schema)] = SecretObservation(sources: SecretSources.observe(schema, environment: environment))
        }
        let live = LiveState(secrets: secrets)
        return refusals(Reconciliation(plan: Planner.plan(desired: desired, live: live), live: live), options: ApplyOptions(allowDestroy: false))
    }
}

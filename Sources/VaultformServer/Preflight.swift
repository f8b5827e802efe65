import Foundation
import VaultformCore
import VaultformManifest

/// What apply would refuse on a server that holds nothing yet, found without a server.
///
/// `vaultform bootstrap` asks this before it initialises: once a server is initialised its
/// root token exists, and a failure after that point costs a recovery. Every blocker that
/// can be known offline (a required secret whose `from_env` variable is unset or whose
/// `from_file` file is missing, a source holding an invalid value, a required field with no
/// source at all) is reported while the server can still be left untouched.
public enum Preflight {
    /// The reasons apply would refuse the manifest on an empty server; empty when none.
    public static func refusals(_ desired: DesiredState, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var secrets: [String: SecretObservation] = [:]
        for schema in desired.schemas {
            secrets[schema.path] = SecretObservation(sources: SecretSources.observe(schema, environment: environment))
        }
        let live = LiveState(secrets: secrets)
        let plan = Planner.plan(desired: desired, live: live)
        return Applier.refusals(plan, live: live, options: ApplyOptions(allowDestroy: false))
    }
}

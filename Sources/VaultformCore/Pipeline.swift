import VaultformManifest

/// vaultform is a pipeline, each stage with a named type at its boundary and a function that
/// runs it (the commands in `Sources/vaultform/Commands` chain them):
///
///     manifest files ──load────▶ Manifest       VaultformManifest: `ManifestLoader.load` (YAML,
///                                                 shapes, variables, validation)
///     Manifest ──resolve───────▶ DesiredState   this target: `Pipeline.resolve` (addressed,
///                                                 normalised objects in dependency order)
///     server ──read────────────▶ LiveState      VaultformServer: `LiveReader.read(for:)`, through
///                                                 VaultAPI, normalised into the same form;
///                                                 secrets only as `SecretObservation`s (`SecretReader`)
///     (DesiredState, LiveState) ──plan──▶ Plan  this target: `Planner.plan` (secrets through
///                                                 `SecretPlanner`), pure: no I/O, clock or randomness
///     Plan ──render────────────▶ bytes          VaultformRender: `PlanText`, `PlanJSON`,
///                                                 `PlanMarkdown`, `DriftReport`, `ManifestExport`
///     Plan ──save / load───────▶ PlanFile       this target: `PlanFile`, sealed by `PlanDigest`
///     Plan ──apply─────────────▶ requests       VaultformServer: `Applier` and `SecretApplier`
///                                                 under `ApplyLock`, each write read back
///
/// This target does no I/O of its own: the command line reads files and VaultformServer
/// talks to the server.
public enum Pipeline {
    /// The resolve stage: the manifest's objects under their addresses, in dependency order.
    public static func resolve(_ manifest: Manifest) -> DesiredState {
        DesiredState(manifest)
    }
}

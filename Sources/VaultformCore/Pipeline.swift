import VaultformManifest

/// vaultform is a pipeline, each stage with a named type at its boundary:
///
///     manifest files ──load──▶ Manifest          (VaultformManifest: YAML, variables, validation)
///     Manifest ──resolve─────▶ DesiredState      (this target: addressed, normalised objects)
///     server ──read──────────▶ LiveState         (VaultformServer, normalised into the same form)
///     (DesiredState, LiveState) ──plan──▶ Plan   (this target: pure, no I/O)
///     Plan ──render──▶ text, JSON, Markdown      (VaultformRender)
///     Plan ──apply───▶ requests, each re-read    (VaultformServer, through VaultAPI)
///
/// This target does no I/O of its own: the command line reads files and talks to the server.
public enum Pipeline {
    /// The resolve stage: the manifest's objects under their addresses, in dependency order.
    public static func resolve(_ manifest: Manifest) -> DesiredState {
        DesiredState(manifest)
    }
}

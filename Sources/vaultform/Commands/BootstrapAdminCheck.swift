import VaultformCore
import VaultformManifest
import VaultformServer

/// Before `bootstrap` hands the server over to the admin AppRole: do the policies the
/// manifest gives that role grant what `vaultform apply` needs on its own state (the lock
/// and the fingerprint key under `vaultform-lock/`)? If not, every later apply as the admin
/// would fail with a 403 on `vaultform-lock/…`, with no root token left to fix it.
enum BootstrapAdminCheck {
    /// Checks offline, from the manifest's policy documents. Throws when `refusing` (this run
    /// would create and revoke the root token) and the role falls short; otherwise warns.
    static func check(role: String, mount: String, manifest: Manifest, refusing: Bool) throws {
        let desired = Pipeline.resolve(manifest)
        guard let shortfalls = StatePermissions.shortfalls(ofRole: role, mount: mount, in: desired) else {
            Terminal.writeError("note: the manifest does not declare the AppRole role \(role) on \(mount)/ and all its policies, so bootstrap cannot check that it may run vaultform apply (see docs/permissions.md)\n")
            return
        }
        guard !shortfalls.isEmpty else { return }
        let message = "the admin role \(role) could not run vaultform apply once the root token is gone: its policies lack "
            + shortfalls.map(\.description).joined(separator: "; ")
            + "\nhint: add to one of its policies (see docs/permissions.md):\n" + StatePermissions.blocks(for: shortfalls)
        if refusing {
            throw OperatorError("refusing to bootstrap: " + message)
        }
        Terminal.writeError("warning: " + message + "\n")
    }
}

import VaultformPolicy
import VaultPath

/// What `export` cannot express: mounts whose type holds configuration no kind in the
/// registry reads (a PKI engine's roles and issuers, an LDAP method's config). Export writes
/// the mount itself and lists these, so nothing on the server is left out without a word.
public enum ExportGaps {
    /// One mount whose contents export skipped.
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        /// The mount's address (`mount:pki/`, `auth:ldap/`).
        public var address: Address
        /// The mount's type.
        public var type: String

        /// `pki/ (a secrets engine of type pki): its configuration and objects`.
        public var description: String {
            let noun = address.kind == .authMethod ? "an auth method" : "a secrets engine"
            return "\(address.name) (\(noun) of type \(type)): its configuration and objects"
        }
    }

    /// Mount types whose contents are data rather than configuration (KV secrets: export
    /// infers their schemas on request), or that hold nothing to configure.
    static let dataOnly: Set<String> = ["kv", "generic", "cubbyhole", "identity", "system", "token", "ns_token", "ns_system", "ns_identity", "ns_cubbyhole"]

    /// The mounts among `resources` whose contents no registry kind reads, by address.
    public static func skipped(_ resources: [Resource]) -> [Skipped] {
        let holders = KindRegistry.all.filter { $0.mount != nil }
        return resources
            .filter { [.secretsEngine, .authMethod].contains($0.address.kind) }
            .compactMap { mount -> Skipped? in
                guard case .string(let type)? = mount.fields["type"], !dataOnly.contains(type) else { return nil }
                guard !holders.contains(where: { $0.mount == mount.address.kind && $0.holds(mount) }) else { return nil }
                return Skipped(address: mount.address, type: type)
            }
            .sorted { String.byteOrder($0.address.description, $1.address.description) }
    }
}

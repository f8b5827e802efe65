import VaultformAccess
import VaultformCore
import VaultformPolicy
import VaultPath

/// What the token that runs `vaultform apply` needs on vaultform's own state, besides what
/// the manifest's objects need: the apply lock (a KV v2 entry, `vaultform-lock/apply` or
/// `--lock-path`) and the fingerprint key (`vaultform-lock/fingerprint-key`). Documented in
/// docs/permissions.md; `bootstrap` checks the admin role's policies against it before it
/// hands over to that role.
public enum StatePermissions {
    /// One path and the capabilities vaultform uses there.
    public struct Requirement: Sendable, Equatable {
        /// The API path.
        public var path: String
        /// What vaultform does there.
        public var capabilities: [Capability]
        /// Why, for messages.
        public var purpose: String
    }

    /// What one requirement lacks under a set of policies.
    public struct Shortfall: Sendable, Equatable {
        /// The requirement.
        public var requirement: Requirement
        /// The capabilities the policies do not grant there.
        public var missing: [Capability]

        /// `"create", "update" on vaultform-lock/data/apply (the apply lock)`.
        public var description: String {
            "\(missing.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")) on \(requirement.path) (\(requirement.purpose))"
        }
    }

    /// The paths of the lock at `lock` and of the fingerprint key. The lock's entry is
    /// created, read and renewed (updated); its metadata is read when the entry was deleted.
    /// The fingerprint key is created once and read by every plan.
    /// With `desired`, also the records its objects need: the fingerprints of write-only
    /// values (one entry per object, checked at the entry of the first such object) and the
    /// record of applied endpoints.
    public static func requirements(lock: LockLocation = .standard, for desired: DesiredState? = nil) -> [Requirement] {
        let (mount, key) = (SecretReader.fingerprintKeyMount, SecretReader.fingerprintKeyPath)
        var all = [
            Requirement(path: lock.dataPath, capabilities: [.create, .read, .update], purpose: "the apply lock"),
            Requirement(path: lock.metadataPath, capabilities: [.read], purpose: "the apply lock's versions"),
            Requirement(path: mount + "data/" + key, capabilities: [.create, .read], purpose: "the fingerprint key"),
            Requirement(path: mount + "metadata/" + key, capabilities: [.read], purpose: "the fingerprint key's versions"),
        ]
        guard let desired else { return all }
        let writeOnly = desired.entries.first { entry in
            entry.resource.fields.values.contains { if case .writeOnly = $0 { true } else { false } }
        }
        if let writeOnly {
            all.append(Requirement(
                path: mount + "data/" + WriteOnlyRecords.key(writeOnly.address), capabilities: [.create, .read, .update],
                purpose: "the fingerprints of write-only values, one entry per object under \(mount)data/write-only/"))
        }
        if desired.managesEndpoints || !desired.endpointNamespaces.isEmpty {
            all.append(Requirement(
                path: mount + "data/" + EndpointRecords.key, capabilities: [.create, .read, .update], purpose: "the record of applied endpoints"))
        }
        return all
    }

    /// What `documents` (a token's policies, together) lack of `requirements(lock:)`.
    public static func shortfalls(of documents: [PolicyDocument], lock: LockLocation = .standard, for desired: DesiredState? = nil) -> [Shortfall] {
        requirements(lock: lock, for: desired).compactMap { requirement in
            // Decided as the server decides (VaultformAccess, checked against the server).
            let acl = ACL(documents.enumerated().map { ("policy-\($0.offset)", $0.element) })
            let granted = acl.decide(requirement.path).map { $0.capabilities.contains(.deny) ? [] : $0.capabilities } ?? []
            let missing = requirement.capabilities.filter { !granted.contains($0) }
            return missing.isEmpty ? nil : Shortfall(requirement: requirement, missing: missing)
        }
    }

    /// The shortfalls of the AppRole role `role` on `mount` as the manifest declares it, from
    /// the policies the manifest declares; nil when the manifest does not declare the role
    /// or one of its policies (then it cannot be checked offline).
    public static func shortfalls(ofRole role: String, mount: String, in desired: DesiredState, lock: LockLocation = .standard) -> [Shortfall]? {
        let mountPath = MountPath.withSlash(mount)
        guard let entry = desired.entry(Address(.appRoleRole, mountPath + role.lowercased())) else { return nil }
        let names: [String]
        switch entry.resource.fields["token_policies"] {
        case .set(let items)?, .list(let items)?: names = items
        default: names = []
        }
        var documents: [PolicyDocument] = []
        for name in names where !["default", "root"].contains(name.lowercased()) {
            guard case .policy(let document)? = desired.entry(Address(.policy, name.lowercased()))?.resource.fields["policy"] else { return nil }
            documents.append(document)
        }
        return shortfalls(of: documents, lock: lock, for: desired)
    }

    /// The policy blocks that grant what `shortfalls` lack (the capabilities vaultform needs
    /// on each path), to paste into the role's policy.
    public static func blocks(for shortfalls: [Shortfall]) -> String {
        shortfalls.map { shortfall in
            let capabilities = shortfall.requirement.capabilities.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            return "path \"\(shortfall.requirement.path)\" { capabilities = [\(capabilities)] }"
        }.joined(separator: "\n")
    }
}

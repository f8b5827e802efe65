import VaultformManifest

/// The manifest's objects under the addresses the server knows them by (paths with one
/// trailing slash, policy and role names in lower case), sorted in dependency order.
/// Later stages compare it with the live state read from the server.
public struct DesiredState: Sendable {
    /// One addressed object and where the manifest declares it.
    public struct Entry: Sendable, Equatable {
        /// The object's address.
        public var address: Address
        /// Where the manifest declares it.
        public var location: SourceLocation
    }

    /// Every managed object, in dependency order.
    public private(set) var entries: [Entry] = []

    /// Addresses the objects of a manifest.
    public init(_ manifest: Manifest) {
        var entries: [Entry] = []
        func add(_ kind: ResourceKind, _ name: String, _ location: SourceLocation) {
            entries.append(Entry(address: Address(kind, name), location: location))
        }
        for device in manifest.auditDevices { add(.auditDevice, Self.mountPath(device.path), device.location) }
        for engine in manifest.secretsEngines {
            add(.secretsEngine, Self.mountPath(engine.path), engine.location)
            if let config = engine.kvConfig { add(.kvConfig, Self.mountPath(engine.path), config.location) }
        }
        for method in manifest.authMethods { add(.authMethod, Self.mountPath(method.path), method.location) }
        for key in manifest.transitKeys { add(.transitKey, "\(Self.mountPath(key.mount.value))\(key.name)", key.location) }
        for policy in manifest.policies { add(.policy, policy.name.lowercased(), policy.location) }
        for role in manifest.appRoleRoles {
            add(.appRoleRole, "\(Self.mountPath(role.mount.value))\(role.name.lowercased())", role.location)
        }
        for schema in manifest.secretSchemas { add(.kvSecret, schema.path, schema.location) }
        self.entries = entries.sorted { $0.address < $1.address }
    }

    /// How many objects of each kind, in dependency order, leaving out kinds with none.
    public var counts: [(kind: ResourceKind, count: Int)] {
        ResourceKind.allCases.compactMap { kind in
            let count = entries.filter { $0.address.kind == kind }.count
            return count > 0 ? (kind, count) : nil
        }
    }

    /// A mount path as the server lists it: exactly one trailing slash.
    public static func mountPath(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed + "/"
    }
}

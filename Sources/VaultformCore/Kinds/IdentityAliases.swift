import VaultformManifest
import VaultformPolicy
import VaultPath
import VaultWire

/// What entity and group aliases share. The server keys an alias by its auth method's
/// accessor and its name, finding the name in any case; vaultform addresses it by the auth
/// method's mount path and the name lower-cased (`entity-alias:userpass/alice`), so a
/// re-enabled method (a new accessor) leaves the address as it was, and the accessor is
/// looked up at apply time, never stored.
enum IdentityAliases {
    /// The address name: mount path with its slash, then the alias name lower-cased.
    static func name(mount: String, alias: String) -> String { MountPath.withSlash(mount) + alias.lowercased() }

    /// The field both kinds have: the auth method's mount path, which is also part of the
    /// address. It changes only when the plan re-creates the method (a new accessor).
    static let mountField = FieldDefinition.fixed(
        "mount", nil, "the auth method's mount path, part of the address (the server holds its accessor, `mount_accessor`)",
        reason: "an alias belongs to one auth method; re-enabling the method gives it a new accessor")

    /// The listing entry's address, or nil when its auth method is gone (the accessor names
    /// no mount: an alias the server keeps after its method was disabled).
    static func address(_ entry: JSONValue, _ names: ServerNames) -> String? {
        guard let accessor = entry["mount_accessor"]?.stringValue, let mount = names.accessors[accessor],
              let alias = entry["name"]?.stringValue else { return nil }
        return name(mount: mount, alias: alias)
    }

    /// How export writes an alias: its name and its auth method's path (the address holds both).
    static func exportForm(file: String, note: String) -> ExportForm {
        ExportForm(file: file, note: note) { alias, _ in
            let (mount, name) = parts(alias)
            return ManifestEntry.fields(alias, identity: [
                .init("name", .text(name)), .init("mount", .text(MountPath.withoutSlash(mount))),
            ], skipping: ["mount"])
        }
    }

    /// The objects an alias names: its auth method, and its owner (`field` names an object of
    /// kind `owner`: an entity alias's entity, a group alias's group).
    static func references(_ alias: Resource, owner field: String, of owner: ResourceKind) -> [String: [Address]] {
        var named = ["mount": [Address(.authMethod, parts(alias).mount)]]
        if case .string(let name)? = alias.fields[field] { named[field] = [Address(owner, name)] }
        return named
    }

    /// The mount path of an alias resource (its `mount` field) and its name within it.
    static func parts(_ alias: Resource) -> (mount: String, name: String) {
        guard case .string(let mount)? = alias.fields["mount"], alias.address.name.hasBytePrefix(mount) else {
            return MountPath.split(alias.address.name)
        }
        return (mount, String(decoding: alias.address.name.utf8.dropFirst(mount.utf8.count), as: UTF8.self))
    }

    /// The auth method's accessor and the alias name for an address, from the server's auth
    /// table: the longest mount path that begins the address names the method.
    static func accessorAndName(_ address: Address, _ server: any ServerLookup) async throws -> (accessor: String, name: String)? {
        guard let table = try await server.data(.get, "sys/auth", body: nil)?.objectValue else { return nil }
        let mount = table.keys.filter { address.name.hasBytePrefix($0) && address.name.utf8.count > $0.utf8.count }.max { $0.utf8.count < $1.utf8.count }
        guard let mount, let accessor = table[mount]?["accessor"]?.stringValue else { return nil }
        return (accessor, String(decoding: address.name.utf8.dropFirst(mount.utf8.count), as: UTF8.self))
    }

    /// The body and references of an alias write: its name, its auth method's accessor and
    /// the ID of what it belongs to (`canonical_id`), all looked up when it is written.
    static func write(
        _ path: String, _ alias: Resource, owner: Address, extra: [String: JSONValue] = [:], pathIdentifier: Address? = nil
    ) -> WriteRequest {
        let (mount, name) = parts(alias)
        var body = extra
        body["name"] = .string(name)
        return .post(path, body, references: [
            "mount_accessor": .one(Address(.authMethod, mount)), "canonical_id": .one(owner),
        ], pathIdentifier: pathIdentifier)
    }
}

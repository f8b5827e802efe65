import VaultAPI
import VaultformCore
import VaultPath

extension LiveReader {
    /// Reads one object by its address, for the check after each write; nil when it does not
    /// exist. One request (and its companions' with `withCompanions`, such as a role's role
    /// ID), not a whole kind's list. A kind that names others by ID is read with `names`, or
    /// with the names read now when none are given; the fingerprints vaultform recorded of
    /// its write-only values come with it. `desired` is the object the manifest declares
    /// there, for a kind that finds its object by a name the manifest gives (a PKI CA).
    public func readOne(
        _ address: Address, withCompanions: Bool = false, names given: ServerNames? = nil, desired: Resource? = nil
    ) async throws -> Resource? {
        let (namespace, local) = address.route
        if local != address {
            // Read by a reader sent to the object's namespace (a namespace's: its parent's).
            var localDesired = desired
            localDesired?.address = local
            let reader = sent(to: namespace)
            guard var resource = try await reader.readOne(local, withCompanions: withCompanions, names: given, desired: localDesired) else { return nil }
            resource.address = address
            return resource
        }
        guard let resource = try await readOneAsServed(address, withCompanions: withCompanions, names: given, desired: desired) else {
            return nil
        }
        return try await WriteOnlyRecords(client: state.client, namespace: state.namespace).merged(resource)
    }

    /// The object as the server answers for it, without vaultform's write-only records.
    private func readOneAsServed(
        _ address: Address, withCompanions: Bool, names given: ServerNames?, desired: Resource?
    ) async throws -> Resource? {
        let definition = address.kind.definition
        var names = given ?? ServerNames()
        if definition.readsServerNames, given == nil { names = try await readServerNames() }
        switch definition.reading {
        case .table(_, nil, _):
            return try await read(definition, KindScope()).first { $0.address == address }
        case .table(_, let one?, let missing):
            // One object, not the whole table: after each of 1,000 mount creations, reading
            // the table made the checks quadratic.
            let path = Reading.path(one, name: MountPath.withoutSlash(address.name))
            do {
                let response = try await client.request(.get, path)
                return definition.live(LiveRecord(address: address, data: .object(try data(response, .get, path))))
            } catch let error as VaultError where missing.matches(error) {
                return nil
            }
        case .perMountAssembled(_, let assemble):
            return try await assemble(mountReads(address.name, desired: desired)).map {
                definition.live(LiveRecord(address: address, data: $0))
            }
        case .perMount(let template):
            return try await readIfPresent(Reading.path(template, mount: address.name)).map {
                definition.live(LiveRecord(address: address, data: $0))
            }
        case .listed(_, let item, let companions):
            let (mount, name) = ReadScope.mountAndName(address)
            guard let data = try await readIfPresent(Reading.path(item, mount: mount, name: name)) else { return nil }
            var supplied: [String: JSONValue] = [:]
            if withCompanions {
                for companion in companions {
                    supplied[companion.field] = try await readIfPresent(Reading.path(companion.path, mount: mount, name: name))
                }
            }
            return definition.live(LiveRecord(address: address, data: data, companions: supplied, names: names))
        case .keyInfo(_, let item, _):
            // Its ID found by the kind's lookup (an alias's: its method's accessor and one
            // lookup request), then one read: not the list of every object of the kind.
            guard let identifier = definition.identifier,
                  let id = try await identifier(address, ServerIdentifiers(client: client)),
                  let data = try await readIfPresent(Reading.path(item, name: id)) else { return nil }
            return definition.live(LiveRecord(address: address, data: data, names: names))
        case .declared:
            guard let data = try await readIfPresent(address.name) else { return nil }
            return Self.recorded(definition.live(LiveRecord(address: address, data: data)), try await EndpointRecords(client: state.client, namespace: state.namespace).readHere())
        case .elsewhere:
            return nil  // secrets are read with their schema: see SecretReader and secretVersion
        }
    }

    /// The object as it is now, and whether it still has the fingerprint a saved plan
    /// recorded for it. An object is read with its companions (a role's role ID), and matches
    /// when either view of it does: the plan read a companion only when the manifest managed
    /// its field, and a saved plan of an unrelated change does not say which (before, such
    /// plans were always stale for roles with a fixed role ID).
    /// `names` are those IDs stand for, read once for the whole plan; `desired` is the object
    /// the plan wants there.
    public func current(
        _ address: Address, recorded fingerprint: String, names: ServerNames? = nil, desired: Resource? = nil
    ) async throws -> (resource: Resource?, unchanged: Bool) {
        let resource = try await readOne(address, withCompanions: true, names: names, desired: desired)
        if Fingerprint.of(resource) == fingerprint { return (resource, true) }
        // A generic endpoint's write-only fingerprints were read for the plan only when the
        // manifest declared it with write-only keys (`ReadScope.writeOnlyPerObject`).
        if address.kind.definition.writeOnlyPerObject, var without = resource {
            without.fields = without.fields.filter { if case .writeOnly = $0.value { false } else { true } }
            if Fingerprint.of(without) == fingerprint { return (resource, true) }
        }
        let companions = address.kind.definition.reading.companionFields
        guard var without = resource, companions.contains(where: { without.fields[$0] != nil }) else { return (resource, false) }
        for field in companions { without.fields[field] = nil }
        return (resource, Fingerprint.of(without) == fingerprint)
    }

    /// A secret's current KV v2 version (0 when it never existed): what a saved plan's
    /// secret write was planned against.
    public func secretVersion(_ write: SecretWrite) async throws -> Int {
        try await StoredSecret.read(write.mount, write.path, client: client).version
    }
}

extension Reading.MissingAnswer {
    /// Whether `error` is how the server says the object is not there.
    func matches(_ error: VaultError) -> Bool {
        switch self {
        case .notFound:
            return error.status == 404
        case .badRequestNoMount:
            // sys/mounts/PATH answers 400 "No secret engine mount at PATH/", sys/auth/PATH
            // 400 "No auth engine at PATH/", for a missing mount.
            return error.status == 400 && error.messages.contains { $0.hasPrefix("No ") && $0.contains(" at ") }
        }
    }
}

import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultWire
import VaultPath

/// The read stage: lists and reads, from the server, only what the manifest can manage —
/// each kind listed once, each object read once, concurrently within the client's bound —
/// and normalises it into the form the desired state has. Any failed read fails the whole
/// read: a failure is never taken for "nothing there", because deletions are derived from it.
public struct LiveReader: Sendable {
    /// The client every read goes through.
    public let client: VaultClient
    /// Where secret fields' `from_env` sources are read.
    public let environment: [String: String]
    /// Where vaultform's own state is, and the namespace this reader reads in.
    let state: StateScope
    /// What `auth/token/lookup-self` said of the client's token when the session opened, if
    /// it did: the identity is taken from it instead of asking again.
    public var knownIdentity: TokenDetails?

    /// A reader over a client.
    public init(client: VaultClient, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(client: client, environment: environment, state: StateScope(client: client))
    }

    init(client: VaultClient, environment: [String: String], state: StateScope) {
        self.client = client
        self.environment = environment
        self.state = state
    }

    /// A reader over the same connection sent to `namespace` (relative to this reader's),
    /// keeping vaultform's state where it is.
    func sent(to namespace: String) -> LiveReader {
        LiveReader(client: client.within(namespace), environment: environment, state: state.below(namespace))
    }

    /// Reads what `desired` names or owns. A manifest that declares namespaces has the
    /// server's tree of them read first, then every namespace it places objects in that
    /// exists is read concurrently with the connection's own, by a reader sent there.
    ///
    /// The reads run on the transport's thread where it offers one (`taskExecutor`): each
    /// read mostly waits for its response, and resumes there without a thread hand-over.
    public func read(for desired: DesiredState) async throws -> LiveState {
        try await withTaskExecutorPreference(client.taskExecutor) { try await readAll(for: desired) }
    }

    private func readAll(for desired: DesiredState) async throws -> LiveState {
        guard desired.readsNamespaces || !desired.namespacesWithContents.isEmpty else {
            return try await read(scope: ReadScope(desired), schemas: desired.schemas)
        }
        async let own = read(scope: ReadScope(desired.part("")), schemas: desired.part("").schemas)
        let namespaces = try await readNamespaces(for: desired)
        let existing = Set(namespaces.map { MountPath.withoutSlash($0.address.name) })
        let inside = try await concurrently(desired.namespacesWithContents.filter(existing.contains), window: 8) { namespace in
            let reader = self.sent(to: namespace)
            let part = desired.part(namespace)
            let state = try await reader.read(scope: ReadScope(part), schemas: part.schemas, identity: false)
            let resources = state.resources.values.map { resource in
                var resource = resource
                resource.address = resource.address.inside(namespace)
                return resource
            }
            // Secrets as the whole manifest keys them (`NAMESPACE::PATH`).
            let secrets = state.secrets.map { ("\(namespace)::\($0.key)", $0.value) }
            return (resources, secrets)
        }
        var state = try await own
        for resource in namespaces + inside.flatMap(\.0) { state.resources[resource.address] = resource }
        for (key, observation) in inside.flatMap(\.1) { state.secrets[key] = observation }
        // A secret in a namespace not made yet is absent; its sources are read all the same.
        for schema in desired.schemas where !schema.namespace.isEmpty && !existing.contains(schema.namespace) {
            state.secrets[SecretPlanner.observationKey(schema)] = SecretObservation(sources: SecretSources.observe(schema, environment: environment))
        }
        state.held = try await held(byOwned: namespaces, desired: desired)
        return state
    }

    /// What each namespace an ownership rule may delete (one the manifest does not declare,
    /// under an owned prefix) holds: its mounts, auth methods and policies other than the
    /// built-ins, three reads each, so the plan lists what its deletion destroys.
    func held(byOwned namespaces: [Resource], desired: DesiredState) async throws -> [Address: [String]] {
        let declared = Set(desired.entries.map(\.address))
        let owned = namespaces.map(\.address).filter { address in
            !declared.contains(address) && desired.ownership.contains { Planner.owns($0, address) }
        }
        let lists = try await concurrently(owned, window: 8) { address -> [String] in
            let reader = self.sent(to: MountPath.withoutSlash(address.name))
            async let mounts = reader.readIfPresent("sys/mounts")
            async let methods = reader.readIfPresent("sys/auth")
            async let policies = reader.list("sys/policies/acl")
            var held = (try await mounts)?.objectValue?.keys.map { Address(.secretsEngine, $0) } ?? []
            held += (try await methods)?.objectValue?.keys.map { Address(.authMethod, $0) } ?? []
            held += try await policies.map { Address(.policy, $0) }
            return held.filter { !Planner.isBuiltin($0) }.sorted().map(\.description)
        }
        return Dictionary(zip(owned, lists), uniquingKeysWith: { first, _ in first })
    }

    /// The namespaces below `roots` (paths from the connection's namespace; `""` is the
    /// connection's own), by their paths from the connection's (`namespace:a/b/`): one LIST
    /// per namespace, each level's concurrently; only the roots' children unless `recursive`.
    /// A root that does not exist has none.
    func readNamespaces(below roots: [String] = [""], recursive: Bool = true) async throws -> [Resource] {
        var found: [Resource] = []
        var level = roots
        while !level.isEmpty {
            let children: [Resource] = try await concurrently(level, window: 8) { parent -> [Resource] in
                let reader = self.sent(to: parent)
                return try await reader.keyInfo("sys/namespaces").map { key, entry in
                    let path = parent.isEmpty ? key : parent + "/" + key
                    return NamespaceKindReading.live(Address(.namespace, MountPath.withSlash(path)), entry)
                }
            }.flatMap { $0 }
            found += children
            level = recursive ? children.map { MountPath.withoutSlash($0.address.name) } : []
        }
        return found
    }

    /// The namespaces `desired` declares or owns, as the server has them: the children of
    /// each declared namespace's parent (one LIST each), and the whole tree below the
    /// namespace each ownership prefix lies in. Namespaces elsewhere are not read.
    func readNamespaces(for desired: DesiredState) async throws -> [Resource] {
        let parent = { (path: String) -> String in path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "" }
        let declared = desired.entries.filter { $0.address.kind == .namespace }.map { MountPath.withoutSlash($0.address.name) }
        let owned = Set(desired.ownership.filter { $0.kind == .namespace }.map { $0.prefix.map(parent) ?? "" })
        // A parent inside an owned tree is listed by the walk already.
        let parents = Set(declared.map(parent)).filter { path in
            !owned.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
        }
        async let walked = readNamespaces(below: owned.sorted())
        let listed = try await readNamespaces(below: parents.sorted(), recursive: false)
        var unique: [Address: Resource] = [:]
        for resource in try await walked + listed { unique[resource.address] = resource }
        return unique.values.sorted { $0.address < $1.address }
    }

    /// Reads what `scope` names, and the secrets `schemas` describe. `alreadyRead` holds
    /// objects read before (export's mount tables), kept as they are.
    func read(scope: ReadScope, schemas: [SecretSchema], alreadyRead: [Resource] = [], identity readsIdentity: Bool = true) async throws -> LiveState {
        // Everything starts at once, so the transport's connections stay busy: every kind's
        // reads, the secrets and the identity. Reads of objects on a mount do not wait for
        // the mount tables: they treat "no such mount" as absent, and are kept below only if
        // their mount is there.
        async let secrets = SecretReader(client: client, environment: environment, state: state).read(schemas)
        async let identity = readIdentity(when: readsIdentity)
        // Group members and aliases hold IDs and accessors: read the names they stand for
        // once (three requests), before the kinds that need them.
        let needsNames = scope.kinds.keys.contains { $0.definition.readsServerNames }
        let names = needsNames ? try await readServerNames() : ServerNames()
        let read = try await withThrowingTaskGroup(of: [Resource].self) { group in
            // Namespaces are read by walking their tree (`readNamespaces`).
            for definition in KindRegistry.all where definition.kind != .namespace {
                guard let kindScope = scope.kinds[definition.kind] else { continue }
                group.addTask { try await self.read(definition, kindScope, names: names) }
            }
            var all = alreadyRead
            for try await resources in group { all += resources }
            return all
        }
        let present = Set(read.map(\.address))
        let kept = read.filter { resource in
            guard let mountKind = resource.address.kind.definition.mount else { return true }
            return present.contains(Address(mountKind, resource.address.mountAndName.mount))
        }
        let resources = try await withWriteOnlyRecords(kept, perObject: scope.writeOnlyPerObject)
        var state = LiveState(resources: resources, secrets: try await secrets)
        state.identity = try await identity
        return state
    }

    /// The objects with the fingerprints vaultform recorded of their write-only values, read
    /// concurrently (one request per object of a kind that has write-only fields). Of a kind
    /// whose objects name their own write-only fields (generic endpoints), only those in
    /// `perObject` (declared with some) are: the others have nothing to compare.
    func withWriteOnlyRecords(_ resources: [Resource], perObject: Set<Address> = []) async throws -> [Resource] {
        let records = WriteOnlyRecords(client: state.client, namespace: state.namespace)
        let needsRecord = { (resource: Resource) -> Bool in
            let definition = resource.address.kind.definition
            return definition.writeOnlyPerObject ? perObject.contains(resource.address) : definition.hasWriteOnlyFields
        }
        let (plain, recorded) = (resources.filter { !needsRecord($0) }, resources.filter(needsRecord))
        guard !recorded.isEmpty else { return resources }
        return try await plain + concurrently(recorded) { try await records.merged($0) }
    }

    /// The objects of one kind that `scope` names, read as the kind's definition says.
    func read(_ definition: KindDefinition, _ scope: KindScope, names serverNames: ServerNames = ServerNames()) async throws -> [Resource] {
        switch definition.reading {
        case .table(let path, _, _):
            // One request lists every object with its fields.
            let table = try objects(try await client.request(.get, path), .get, path)
            return table.map { name, object in
                definition.live(LiveRecord(address: Address(definition.kind, MountPath.withSlash(name)), data: object))
            }
        case .perMount(let template):
            let objects = try await concurrently(scope.mounts.keys.sorted()) { mount -> Resource? in
                guard let data = try await readIfPresent(Reading.path(template, mount: mount)) else { return nil }
                return definition.live(LiveRecord(address: Address(definition.kind, mount), data: data))
            }
            return objects.compactMap { $0 }
        case .perMountAssembled(_, let assemble):
            let objects = try await concurrently(scope.mounts.keys.sorted()) { mount -> Resource? in
                let address = Address(definition.kind, mount)
                guard let data = try await assemble(mountReads(mount, desired: scope.desired[address])) else { return nil }
                return definition.live(LiveRecord(address: address, data: data))
            }
            return objects.compactMap { $0 }
        case .listed(let list, let item, let companions):
            let perMount = try await concurrently(scope.mounts.keys.sorted()) { mount -> [Resource] in
                // The list says what exists (one request, also on a server that holds none);
                // only the names the manifest declares, or all of an owned mount, are read.
                let wanted = scope.mounts[mount] ?? [:]
                let owned = scope.owned.contains(mount)
                // A kind whose names the server finds in any case is addressed lower-cased.
                let address: @Sendable (String) -> Address = { name in
                    Address(definition.kind, mount + (definition.lowercasesNames ? name.lowercased() : name))
                }
                let names = try await self.list(Reading.path(list, mount: mount)).filter { name in
                    owned || wanted[address(name)] != nil
                }
                let objects = try await concurrently(names) { name -> Resource? in
                    let address = address(name)
                    guard let data = try await readIfPresent(Reading.path(item, mount: mount, name: name)) else { return nil }
                    var supplied: [String: JSONValue] = [:]
                    for companion in companions where scope.allCompanions || wanted[address]?.contains(companion.field) == true {
                        supplied[companion.field] = try await readIfPresent(Reading.path(companion.path, mount: mount, name: name))
                    }
                    return definition.live(LiveRecord(address: address, data: data, companions: supplied, names: serverNames))
                }
                return objects.compactMap { $0 }
            }
            return perMount.flatMap { $0 }
        case .keyInfo(let list, _, let address):
            // One LIST answers every object with its fields; only what the scope names or owns is kept.
            let wanted = scope.mounts[""] ?? [:]
            let owned = scope.owned.contains("")
            return try await keyInfo(list).compactMap { id, entry in
                guard let name = address(entry, serverNames) else { return nil }
                let at = Address(definition.kind, name)
                guard owned || wanted[at] != nil else { return nil }
                var data = entry.objectValue ?? [:]
                data["id"] = .string(id)
                return definition.live(LiveRecord(address: at, data: .object(data), names: serverNames))
            }
        case .declared:
            // The declared objects, and those vaultform recorded applying (to delete them).
            let recorded = try await EndpointRecords(client: state.client, namespace: state.namespace).readHere()
            let declared = (scope.mounts[""] ?? [:]).keys.map(\.name)
            let names = Set(declared).union(recorded.keys).sorted()
            let objects = try await concurrently(names) { name -> Resource? in
                guard let data = try await readIfPresent(name) else { return nil }
                return Self.recorded(definition.live(LiveRecord(address: Address(definition.kind, name), data: data)), recorded)
            }
            return objects.compactMap { $0 }
        case .elsewhere:
            return []
        }
    }

    /// An endpoint with the delete recipe vaultform recorded for it, if any.
    static func recorded(_ resource: Resource, _ records: [String: String]) -> Resource {
        guard let recipe = records[resource.address.name] else { return resource }
        var resource = resource
        resource.fields[EndpointKind.deleteField] = .string(recipe)
        return resource
    }

    // MARK: Helpers

    /// A LIST's `key_info`: each ID with its entry (empty when the list is).
    func keyInfo(_ path: String) async throws -> [(id: String, entry: JSONValue)] {
        guard let data = try await readIfPresent(path, method: .list) else { return [] }
        guard let info = data["key_info"]?.objectValue else { throw shapeError(.list, path, "the answer has no `key_info` object") }
        return info.keys.sorted().compactMap { id in info[id].map { (id, $0) } }
    }

    /// LIST, with the server's 404 for an empty list (or a mount that is not there) read as empty.
    func list(_ path: String) async throws -> [String] {
        guard let data = try await readIfPresent(path, method: .list) else { return [] }
        guard let keys = data["keys"]?.arrayValue else { throw shapeError(.list, path, "the answer has no list of keys") }
        let names = keys.compactMap(\.stringValue)
        guard names.count == keys.count else { throw shapeError(.list, path, "the list of keys holds something other than names") }
        return names
    }

    /// The reads a kind assembled per mount is given, for `mount`.
    func mountReads(_ mount: String, desired: Resource?) -> MountReads {
        MountReads(
            mount: mount, desired: desired, get: { try await self.readIfPresent($0) },
            list: { try await self.readIfPresent($0, method: .list) })
    }

    /// A read whose 404 means "not there" (an object, or the route of a mount that does not
    /// exist). Every other failure is an error, never taken for absence.
    func readIfPresent(_ path: String, method: HTTPMethod = .get) async throws -> JSONValue? {
        let response: VaultResponse
        do {
            response = try await client.request(method, path)
        } catch let error as VaultError where error.status == 404 {
            return nil
        }
        return .object(try data(response, method, path))
    }

    /// The answer's `data` object; anything else (a proxy's page, an empty or truncated body,
    /// `null`, a list) is an error naming the request, never taken for "nothing there".
    func data(_ response: VaultResponse, _ method: HTTPMethod, _ path: String) throws -> [String: JSONValue] {
        guard case .object(let object)? = response.data else {
            throw shapeError(method, path, "the answer has no `data` object (is this a Vault or OpenBao server?)")
        }
        return object
    }

    /// A `data` object whose every member is itself an object (mount and device listings).
    func objects(_ response: VaultResponse, _ method: HTTPMethod, _ path: String) throws -> [String: JSONValue] {
        let members = try data(response, method, path)
        for (name, value) in members where value.objectValue == nil {
            throw shapeError(method, path, "`\(name)` is not described by an object")
        }
        return members
    }

    func shapeError(_ method: HTTPMethod, _ path: String, _ message: String) -> VaultError {
        VaultError(code: .invalidResponse, method: method, path: path, messages: [message], address: client.address.absoluteString)
    }

    /// Runs `body` for every item concurrently and returns the results in the items' order.
    /// At most `window` items are in progress at once: enough to keep the transport's
    /// connections busy, while 20,000 objects do not mean 20,000 tasks and their buffers
    /// alive at the same time (peak memory at N = 10,000 fell from 282 MB).
    func concurrently<Item: Sendable, Result: Sendable>(
        _ items: [Item], window: Int = 32, _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var pending = items.enumerated().makeIterator()
            for _ in 0..<window {
                guard let (index, item) = pending.next() else { break }
                group.addTask { (index, try await body(item)) }
            }
            var results = [Result?](repeating: nil, count: items.count)
            while let (index, result) = try await group.next() {
                results[index] = result
                if let (next, item) = pending.next() { group.addTask { (next, try await body(item)) } }
            }
            return results.compactMap { $0 }
        }
    }
}

/// What the manifest names or owns, by kind: the reader reads nothing else.
struct ReadScope {
    /// The kinds to read, each with what of it.
    var kinds: [ResourceKind: KindScope] = [:]
    /// The objects of kinds whose objects name their own write-only fields (generic
    /// endpoints) that the manifest declares with some: only their fingerprints are read.
    var writeOnlyPerObject: Set<Address> = []

    /// A scope that reads nothing; fill it in.
    init() {}

    /// What `desired` names or owns. Objects on a mount bring their mount's kind along: they
    /// count only while their mount is there.
    init(_ desired: DesiredState) {
        for entry in desired.entries {
            let definition = entry.address.kind.definition
            if case .elsewhere = definition.reading { continue }
            let (mount, _) = Self.mountAndName(entry.address)
            let companions = definition.reading.companionFields.filter { entry.resource.fields[$0] != nil }
            kinds[definition.kind, default: KindScope()].mounts[mount, default: [:]][entry.address] = Set(companions)
            if case .perMountAssembled = definition.reading { kinds[definition.kind]?.desired[entry.address] = entry.resource }
            if definition.writeOnlyPerObject, entry.resource.fields.values.contains(where: { if case .writeOnly = $0 { true } else { false } }) {
                writeOnlyPerObject.insert(entry.address)
            }
            if let mountKind = definition.mount { include(mountKind) }
        }
        // Endpoints are read while the manifest has the section, an empty one included: the
        // record names those to delete.
        if desired.managesEndpoints { kinds[.endpoint, default: KindScope()].mounts[""] = kinds[.endpoint]?.mounts[""] ?? [:] }
        for rule in desired.ownership {
            guard let definition = KindRegistry.definition(owning: rule.kind) else { continue }
            var scope = kinds[definition.kind, default: KindScope()]
            var owned = [""]
            if let mountKind = definition.mount {
                include(mountKind)
                // A rule without a mount owns on the mounts the manifest declares objects on.
                owned = rule.mount.map { [MountPath.withSlash($0)] } ?? Array(scope.mounts.keys)
            }
            for mount in owned {
                scope.owned.insert(mount)
                if scope.mounts[mount] == nil { scope.mounts[mount] = [:] }
            }
            kinds[definition.kind] = scope
        }
    }

    /// Reads `kind` (a mount kind, whose table is read whole), keeping what is already asked of it.
    private mutating func include(_ kind: ResourceKind) {
        if kinds[kind] == nil { kinds[kind] = KindScope() }
    }

    /// An object's mount (`transit/`) and name (`k`); for a top-level kind, no mount.
    static func mountAndName(_ address: Address) -> (mount: String, name: String) {
        address.kind.definition.mount == nil ? ("", address.name) : address.mountAndName
    }
}

/// What to read of one kind: by mount (`""` for a top-level kind), the objects the manifest
/// declares with the companion fields it manages; the mounts whose every object is owned.
struct KindScope {
    var mounts: [String: [Address: Set<String>]] = [:]
    var owned: Set<String> = []
    /// The objects the manifest declares, for kinds that find an object by a name it gives.
    var desired: [Address: Resource] = [:]
    /// Read every companion of every object (export).
    var allCompanions = false
}

extension Reading {
    /// The fields companion reads supply.
    var companionFields: [String] {
        if case .listed(_, _, let companions) = self { return companions.map(\.field) }
        return []
    }
}

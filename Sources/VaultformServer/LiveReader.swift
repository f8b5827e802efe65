import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
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

    /// A reader over a client.
    public init(client: VaultClient, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.client = client
        self.environment = environment
    }

    /// Reads what `desired` names or owns.
    public func read(for desired: DesiredState) async throws -> LiveState {
        try await read(scope: ReadScope(desired), schemas: desired.schemas)
    }

    /// Reads what `scope` names, and the secrets `schemas` describe.
    func read(scope: ReadScope, schemas: [SecretSchema]) async throws -> LiveState {
        // Everything starts at once, so the transport's connections stay busy: the kind lists,
        // and the per-mount lists with the reads that follow them. Reads that depend on a
        // mount existing treat "no such mount" as absent rather than waiting for sys/mounts.
        async let audit = scope.audit ? readAuditDevices() : []
        async let mounts = scope.mounts ? readMounts() : []
        async let auth = scope.auth ? readAuthMethods() : []
        async let policies = readPolicies(scope)
        async let kvConfigs = readKVConfigs(scope.kvConfigMounts)
        async let keys = readTransitKeys(scope)
        async let roles = readAppRoleRoles(scope)
        async let secrets = SecretReader(client: client, environment: environment).read(schemas)
        async let identity = readIdentity()
        let (mountList, authList) = try await (mounts, auth)
        let (policyResources, policyTexts) = try await policies
        var resources = try await audit + mountList + authList + policyResources
        // A mount's config, keys and roles count only if the mount itself is there.
        let liveMounts = Set(mountList.map(\.address.name)), liveAuth = Set(authList.map(\.address.name))
        resources += try await kvConfigs.filter { liveMounts.contains($0.address.name) }
        resources += try await keys.filter { liveMounts.contains(ReadScope.split($0.address.name).0) }
        resources += try await roles.filter { liveAuth.contains(ReadScope.split($0.address.name).0) }
        var state = LiveState(resources: resources, secrets: try await secrets)
        state.policyTexts = policyTexts
        state.identity = try await identity
        return state
    }

    // MARK: Kinds listed in one request

    func readAuditDevices() async throws -> [Resource] {
        let devices = try objects(try await client.request(.get, "sys/audit"), .get, "sys/audit")
        return devices.map { path, device in LiveAuditDevice.resource(path: path, device) }
    }

    func readMounts() async throws -> [Resource] {
        let mounts = try objects(try await client.request(.get, "sys/mounts"), .get, "sys/mounts")
        return mounts.map { path, mount in LiveMount.resource(.secretsEngine, path: path, mount) }
    }

    func readAuthMethods() async throws -> [Resource] {
        let methods = try objects(try await client.request(.get, "sys/auth"), .get, "sys/auth")
        return methods.map { path, mount in LiveMount.resource(.authMethod, path: path, mount) }
    }

    // MARK: Kinds listed, then read one by one

    /// The policies in scope, and their text as the server holds it (for export).
    func readPolicies(_ scope: ReadScope) async throws -> ([Resource], [String: String]) {
        guard scope.policiesWanted || scope.policiesOwned else { return ([], [:]) }
        let names = try await list("sys/policies/acl")
        let toRead = names.filter { scope.policyNames.contains($0) }
        let unread = scope.policiesOwned ? names.filter { !scope.policyNames.contains($0) } : []
        // An owned policy the manifest does not name only needs to exist to be deleted.
        let read = try await concurrently(toRead) { name in
            let path = "sys/policies/acl/\(name)"
            guard let text = try data(try await client.request(.get, path), .get, path)["policy"]?.stringValue else {
                throw shapeError(.get, path, "the answer has no policy text")
            }
            return (LivePolicy.resource(name: name, .object(["policy": .string(text)])), text)
        }
        var texts: [String: String] = [:]
        for (resource, text) in read { texts[resource.address.name] = text }
        return (read.map(\.0) + unread.map { Resource(Address(.policy, $0)) }, texts)
    }

    func readKVConfigs(_ mounts: [String]) async throws -> [Resource] {
        let configs = try await concurrently(mounts) { mount -> Resource? in
            guard let data = try await readIfPresent("\(mount)config") else { return nil }
            return LiveKVConfig.resource(mount: mount, data)
        }
        return configs.compactMap { $0 }
    }

    func readTransitKeys(_ scope: ReadScope) async throws -> [Resource] {
        let perMount = try await concurrently(scope.transitMounts.keys.sorted()) { mount -> [Resource] in
            let names = scope.transitOwned.contains(mount) ? try await list("\(mount)keys") : (scope.transitMounts[mount] ?? [])
            let keys = try await concurrently(names) { name -> Resource? in
                guard let data = try await readIfPresent("\(mount)keys/\(name)") else { return nil }
                return LiveTransitKey.resource(mount: mount, name: name, data)
            }
            return keys.compactMap { $0 }
        }
        return perMount.flatMap { $0 }
    }

    func readAppRoleRoles(_ scope: ReadScope) async throws -> [Resource] {
        let perMount = try await concurrently(scope.roleMounts.keys.sorted()) { mount -> [Resource] in
            let wanted = scope.roleMounts[mount] ?? [:]
            let owned = scope.rolesOwned.contains(mount)
            let names = try await list("auth/\(mount)role").filter { wanted[$0] != nil || owned }
            return try await concurrently(names) { name in
                let path = "auth/\(mount)role/\(name)"
                let response = VaultResponse(status: 200, json: ["data": .object(try data(try await client.request(.get, path), .get, path))])
                var roleID: String?
                if wanted[name] == true || scope.allRoleIDs {
                    roleID = try await client.request(.get, "auth/\(mount)role/\(name)/role-id").data?["role_id"]?.stringValue
                }
                return LiveAppRoleRole.resource(mount: mount, name: name, response.data, roleID: roleID)
            }
        }
        return perMount.flatMap { $0 }
    }

    // MARK: Helpers

    /// LIST, with the server's 404 for an empty list (or a mount that is not there) read as empty.
    func list(_ path: String) async throws -> [String] {
        guard let data = try await readIfPresent(path, method: .list) else { return [] }
        guard let keys = data["keys"]?.arrayValue else { throw shapeError(.list, path, "the answer has no list of keys") }
        let names = keys.compactMap(\.stringValue)
        guard names.count == keys.count else { throw shapeError(.list, path, "the list of keys holds something other than names") }
        return names
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
    var audit = false, mounts = false, auth = false
    var policyNames: Set<String> = []
    var policiesOwned = false
    var policiesWanted: Bool { !policyNames.isEmpty }
    var kvConfigMounts: [String] = []
    /// Transit mount → key names the manifest declares.
    var transitMounts: [String: [String]] = [:]
    var transitOwned: Set<String> = []
    /// AppRole mount → role name → whether the manifest fixes its role ID.
    var roleMounts: [String: [String: Bool]] = [:]
    var rolesOwned: Set<String> = []
    /// Read every role's role ID, fixed in the manifest or not (export).
    var allRoleIDs = false

    /// A scope that reads nothing; fill it in.
    init() {}

    init(_ desired: DesiredState) {
        for entry in desired.entries {
            let name = entry.address.name
            switch entry.address.kind {
            case .auditDevice: audit = true
            case .secretsEngine: mounts = true
            case .authMethod: auth = true
            case .kvConfig: kvConfigMounts.append(name); mounts = true
            case .transitKey:
                let (mount, key) = Self.split(name)
                transitMounts[mount, default: []].append(key)
                mounts = true
            case .policy: policyNames.insert(name)
            case .appRoleRole:
                let (mount, role) = Self.split(name)
                roleMounts[mount, default: [:]][role] = entry.resource.fields["role_id"] != nil
                auth = true
            case .kvSecret: break
            }
        }
        for rule in desired.ownership {
            switch rule.kind {
            case .auditDevice: audit = true
            case .secretsEngine: mounts = true
            case .authMethod: auth = true
            case .policy: policiesOwned = true
            case .transitKey:
                mounts = true
                let owned = rule.mount.map { [MountPath.withSlash($0)] } ?? Array(transitMounts.keys)
                for mount in owned { transitOwned.insert(mount); transitMounts[mount, default: []] += [] }
            case .appRoleRole:
                auth = true
                let owned = rule.mount.map { [MountPath.withSlash($0)] } ?? Array(roleMounts.keys)
                for mount in owned { rolesOwned.insert(mount); roleMounts[mount, default: [:]].merge([:]) { a, _ in a } }
            }
        }
    }

    /// `transit/k` → (`transit/`, `k`): the mount path keeps its slash; the name is the last segment.
    static func split(_ name: String) -> (String, String) {
        guard let slash = name.lastIndex(of: "/") else { return ("", name) }
        return (String(name[...slash]), String(name[name.index(after: slash)...]))
    }
}

import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets
import VaultPath

extension LiveReader {
    /// Everything vaultform can manage on the server, built-in objects left out: every object
    /// of every kind in the registry (a mount's objects on every mount of the type that holds
    /// them), with companions (role IDs) and policies' text as the server holds it. For `export`.
    /// Kinds in `skipping` are not read (export's `--exclude`); mounts are always read, as
    /// the objects on them count only while they are there.
    public func readAll(skipping: Set<ResourceKind> = [], identity: Bool = true) async throws -> LiveState {
        // The tables first (mounts, auth methods, audit devices): which mounts hold which kinds.
        // A skipped table is read only when other kinds live on its objects (mounts).
        let tables = KindRegistry.all.filter { definition in
            guard case .table = definition.reading else { return false }
            return !skipping.contains(definition.kind) || KindRegistry.all.contains { $0.mount == definition.kind }
        }
        let tableObjects = try await concurrently(tables) { try await read($0, KindScope()) }.flatMap { $0 }
        let mounts = tableObjects.filter { !Planner.builtins.contains($0.address) }
        var scope = ReadScope()
        for definition in KindRegistry.all {
            switch definition.reading {
            // Nothing lists generic endpoints: export cannot find them (and says so).
            case .table, .elsewhere, .declared: continue
            case .perMount, .perMountAssembled, .listed, .keyInfo: if skipping.contains(definition.kind) { continue }
            }
            var kindScope = KindScope(allCompanions: true)
            if let mountKind = definition.mount {
                for mount in mounts where mount.address.kind == mountKind && definition.holds(mount) {
                    kindScope.mounts[mount.address.name] = [:]
                    kindScope.owned.insert(mount.address.name)
                }
            } else {
                kindScope.mounts[""] = [:]
                kindScope.owned.insert("")
            }
            scope.kinds[definition.kind] = kindScope
        }
        var state = try await read(scope: scope, schemas: [], alreadyRead: tableObjects, identity: identity)
        state.resources = state.resources.filter { !Planner.builtins.contains($0.key) }
        return state
    }

    /// What `readAll` reads, in the connection's namespace and in every namespace below it
    /// (each read concurrently by a reader sent there, its objects addressed inside it), and
    /// the namespaces themselves. A server that serves no namespaces has none.
    public func readAllWithNamespaces(skipping: Set<ResourceKind> = []) async throws -> LiveState {
        // Audit devices and quotas live in the root namespace only (refused elsewhere).
        let rootOnly: Set<ResourceKind> = [.auditDevice, .rateLimitQuota]
        let inRoot = MountPath.withoutSlash(client.namespace ?? "").isEmpty
        async let own = readAll(skipping: inRoot ? skipping : skipping.union(rootOnly))
        var namespaces: [Resource] = []
        if !skipping.contains(.namespace) {
            do {
                namespaces = try await readNamespaces()
            } catch let error as VaultError where [400, 404, 405].contains(error.status) {
                namespaces = []  // a server without namespaces (Vault's community edition)
            }
        }
        let inside = try await concurrently(namespaces.map { MountPath.withoutSlash($0.address.name) }, window: 8) { namespace in
            let reader = self.sent(to: namespace)
            return try await reader.readAll(skipping: skipping.union(rootOnly), identity: false).resources.values.map { resource in
                var resource = resource
                resource.address = resource.address.inside(namespace)
                return resource
            }
        }
        var state = try await own
        for resource in namespaces + inside.flatMap({ $0 }) { state.resources[resource.address] = resource }
        return state
    }

    /// The secrets of every KV v2 mount described by field name and inferred type, never by
    /// value: what `export --with-secret-schemas` writes as schemas for a person to review.
    public func inferSecretSchemas(mounts: [String]) async throws -> [InferredSecret] {
        let perMount = try await concurrently(mounts.sorted()) { mount -> [InferredSecret] in
            let paths = try await secretPaths(mount: mount, prefix: "")
            let secrets = try await concurrently(paths) { path -> InferredSecret? in
                let stored = try await StoredSecret.read(mount, path, client: client)
                guard stored.exists else { return nil }
                let fields = stored.data.keys.sorted().map { name in InferredField(name: name, inference: SecretInference.infer(stored.data[name] ?? .null)) }
                return InferredSecret(mount: mount, path: path, fields: fields)
            }
            return secrets.compactMap { $0 }
        }
        return perMount.flatMap { $0 }
    }

    /// Every secret path under `prefix` (LIST on the metadata, folders followed).
    func secretPaths(mount: String, prefix: String) async throws -> [String] {
        let keys = try await list("\(mount)metadata/\(prefix)")
        var paths: [String] = []
        for key in keys.sorted() {
            if key.hasSuffix("/") {
                paths += try await secretPaths(mount: mount, prefix: prefix + key)
            } else {
                paths.append(prefix + key)
            }
        }
        return paths
    }
}

extension SecretInference {
    /// The most specific type the value satisfies: PEM private key, public key, certificate,
    /// JSON object or array (also when stored as a string), integer, boolean, url, email,
    /// base64 of 16 bytes or more, else string.
    public static func infer(_ value: JSONValue) -> SecretInference {
        // Valid as it is; a value that would need coercion (JSON stored as a string) is not
        // that type on the server, so it stays a string and plans as no change.
        func fits(_ type: SecretFieldType, keyType: String? = nil) -> Bool {
            let field = SecretField(
                name: "x", type: type, keyType: keyType, location: SourceLocation(file: "(export)", line: 0, column: 0))
            return SecretValues.check(value, against: field) == .valid
        }
        if fits(.pemPrivateKey) {
            if fits(.pemPrivateKey, keyType: "rsa") { return SecretInference(type: .pemPrivateKey, keyType: "rsa") }
            if fits(.pemPrivateKey, keyType: "ec") { return SecretInference(type: .pemPrivateKey, keyType: "ec") }
            return SecretInference(type: .pemPrivateKey)
        }
        for type in [SecretFieldType.pemPublicKey, .pemCertificate, .jsonObject, .jsonArray] where fits(type) {
            return SecretInference(type: type)
        }
        switch value {
        case .number: return SecretInference(type: .integer)
        case .bool: return SecretInference(type: .boolean)
        default: break
        }
        if fits(.url) { return SecretInference(type: .url) }
        if fits(.email) { return SecretInference(type: .email) }
        // Base64 only when it is unmistakable: a key-sized length and base64's own characters
        // (a password of letters and digits is often valid base64 too).
        if case .string(let text) = value, text.contains(where: { "+/=".contains($0) }), fits(.base64),
           let decoded = SecretValues.base64DecodedCount(text), [16, 24, 32, 48, 64].contains(decoded) {
            return SecretInference(type: .base64, bytes: decoded)
        }
        return SecretInference(type: .string)
    }
}

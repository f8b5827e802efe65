import Crypto
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets
import VaultPath

/// Reads the secrets the schemas describe and hands over only what may be shown: each
/// field's shape, its verdict against the schema and a keyed fingerprint; each pair's
/// verdict; the version for check-and-set; the rotation markers; and whether each source
/// has a usable value now. The values themselves stay in this function's locals.
public struct SecretReader: Sendable {
    /// The client every read goes through.
    public let client: VaultClient
    /// Where `from_env` sources are read.
    public let environment: [String: String]

    /// Where the fingerprint key is (the connection's namespace), and the namespace the
    /// secrets are in, whose full addresses bind their fingerprints.
    let state: StateScope

    /// A reader.
    public init(client: VaultClient, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(client: client, environment: environment, state: StateScope(client: client))
    }

    init(client: VaultClient, environment: [String: String], state: StateScope) {
        self.client = client
        self.environment = environment
        self.state = state
    }

    /// The KV v2 entry holding the key that fingerprints are made with, next to the apply
    /// lock. Apply creates it; without it (or without permission to read it) plans show no
    /// fingerprints.
    public static let fingerprintKeyMount = "vaultform-lock/"
    public static let fingerprintKeyPath = "fingerprint-key"

    /// Observes every schema's secret, concurrently.
    public func read(_ schemas: [SecretSchema]) async throws -> [String: SecretObservation] {
        guard !schemas.isEmpty else { return [:] }
        let key = await fingerprintKey()
        let observations = try await withThrowingTaskGroup(of: (String, SecretObservation).self) { group in
            for schema in schemas {
                group.addTask { (schema.path, try await observe(schema, key: key)) }
            }
            return try await group.reduce(into: [String: SecretObservation]()) { $0[$1.0] = $1.1 }
        }
        return observations
    }

    /// The fingerprint key, or nil when there is none (or it may not be read).
    public func fingerprintKey() async -> SymmetricKey? {
        guard let stored = try? await StoredSecret.read(Self.fingerprintKeyMount, Self.fingerprintKeyPath, client: state.client),
              case .string(let text)? = stored.data["key"], let bytes = Data(base64Encoded: text), bytes.count >= 32
        else { return nil }
        return SymmetricKey(data: bytes)
    }

    func observe(_ schema: SecretSchema, key: SymmetricKey?) async throws -> SecretObservation {
        let stored = try await StoredSecret.read(MountPath.withSlash(schema.mount), schema.secretPath, client: client)
        var observation = SecretObservation(
            version: stored.version, exists: stored.exists, markers: stored.markers,
            sources: SecretSources.observe(schema, environment: environment))
        let missing = Set(schema.fields.map(\.name)).subtracting(stored.data.keys)
        if !missing.isEmpty, stored.version > (stored.exists ? 1 : 0) {
            let history = try await StoredSecret.history(
                MountPath.withSlash(schema.mount), schema.secretPath, fields: missing, before: stored.version, client: client)
            observation.heldEarlier = history.heldEarlier
            observation.currentDeleted = !stored.exists && history.currentDeleted
        }
        let address = state.full(SecretPlanner.address(schema))
        let declared = Dictionary(schema.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, value) in stored.data {
            var verdict = ValueVerdict.valid
            if let field = declared[name] {
                switch SecretValues.check(value, against: field) {
                case .valid: verdict = .valid
                case .coercible(let reason): verdict = .coercible(reason)
                case .invalid(let reason): verdict = .invalid(reason)
                }
            }
            observation.fields[name] = ObservedField(
                shape: SecretValues.shape(value), verdict: verdict, fingerprint: key.map { SecretValues.fingerprint(value, key: $0, at: "\(address).\(name)") })
        }
        for pair in schema.pairs {
            guard let privateValue = stored.data[pair.privateField.value], let publicValue = stored.data[pair.publicField.value] else { continue }
            let verdict: ValueVerdict
            switch SecretPairs.check(kind: pair.kind, privateValue: privateValue, publicValue: publicValue) {
            case .matches: verdict = .valid
            case .mismatch: verdict = .invalid("it is not the public key of that private key")
            case .unreadable(let reason): verdict = .invalid(reason)
            }
            observation.pairs[SecretObservation.pairKey(pair.privateField.value, pair.publicField.value)] = verdict
        }
        return observation
    }
}

/// One KV v2 secret as stored: its current version's data (values: keep them local), the
/// version to check-and-set against, and its custom metadata.
struct StoredSecret {
    /// The current version; 0 when the secret never existed.
    var version: Int
    /// False when absent, or when the current version is deleted or destroyed.
    var exists: Bool
    var data: [String: JSONValue]
    var customMetadata: [String: String]

    /// vaultform's rotation markers, by field.
    var markers: [String: String] {
        let prefix = SecretObservation.markerKey("")
        var markers: [String: String] = [:]
        for (key, value) in customMetadata where key.hasPrefix(prefix) { markers[String(key.dropFirst(prefix.count))] = value }
        return markers
    }

    /// Reads `MOUNT/data/PATH`; on a 404 (absent, deleted or destroyed, or no such mount yet)
    /// the metadata, for the version a write must check-and-set against. A current version
    /// the metadata shows neither deleted nor destroyed was written between the two reads: the
    /// data is read again, so "absent at version N" never stands for a secret that exists
    /// (a check-and-set on N would then overwrite what was just written).
    static func read(_ mount: String, _ path: String, client: VaultClient, attempts: Int = 3) async throws -> StoredSecret {
        do {
            let response = try await client.request(.get, "\(mount)data/\(path)")
            guard let data = response.data?["data"]?.objectValue, let version = response.data?["metadata"]?["version"]?.intValue else {
                throw VaultError(
                    code: .invalidResponse, method: .get, path: "\(mount)data/\(path)",
                    messages: ["the answer is not a KV version 2 secret (no data object and version)"], address: client.address.absoluteString)
            }
            return StoredSecret(
                version: version, exists: true, data: data, customMetadata: strings(response.data?["metadata"]?["custom_metadata"]))
        } catch let error as VaultError where error.isNotFound {
            do {
                let metadata = try await client.request(.get, "\(mount)metadata/\(path)").data
                let current = metadata?["current_version"]?.intValue ?? 0
                if current > 0, attempts > 1, let entry = metadata?["versions"]?[String(current)],
                   entry["deletion_time"]?.stringValue?.isEmpty == true, entry["destroyed"]?.boolValue == false {
                    return try await read(mount, path, client: client, attempts: attempts - 1)
                }
                return StoredSecret(
                    version: metadata?["current_version"]?.intValue ?? 0, exists: false, data: [:],
                    customMetadata: strings(metadata?["custom_metadata"]))
            } catch let error as VaultError where error.isNotFound {
                return StoredSecret(version: 0, exists: false, data: [:], customMetadata: [:])
            }
        }
    }

    /// What earlier versions say of `fields`, which the current version lacks: for each, the
    /// newest earlier version holding it; and whether the current version is deleted but not
    /// destroyed. Reads the metadata, then earlier versions newest first (at most
    /// `historyLimit`), stopping once every field is placed. Only key names leave this function.
    static func history(
        _ mount: String, _ path: String, fields: Set<String>, before current: Int, client: VaultClient
    ) async throws -> (heldEarlier: [String: Int], currentDeleted: Bool) {
        let metadata: JSONValue?
        do {
            metadata = try await client.request(.get, "\(mount)metadata/\(path)").data
        } catch let error as VaultError where error.isNotFound {
            return ([:], false)
        }
        let versions = metadata?["versions"]?.objectValue ?? [:]
        func readable(_ version: Int) -> Bool {
            guard let entry = versions[String(version)] else { return false }
            return entry["destroyed"]?.boolValue != true && (entry["deletion_time"]?.stringValue ?? "").isEmpty
        }
        let currentEntry = versions[String(current)]
        let currentDeleted = currentEntry != nil && currentEntry?["destroyed"]?.boolValue != true
            && !(currentEntry?["deletion_time"]?.stringValue ?? "").isEmpty
        let oldest = max(1, metadata?["oldest_version"]?.intValue ?? 1, current - historyLimit)
        var unplaced = fields
        var heldEarlier: [String: Int] = [:]
        var version = current - 1
        while version >= oldest, !unplaced.isEmpty {
            defer { version -= 1 }
            guard readable(version) else { continue }
            let response: VaultResponse
            do {
                response = try await client.request(.get, "\(mount)data/\(path)", query: ["version": String(version)])
            } catch let error as VaultError where error.isNotFound {
                continue
            }
            let keys = response.data?["data"]?.objectValue?.keys.map { $0 } ?? []
            for key in keys where unplaced.contains(key) {
                heldEarlier[key] = version
                unplaced.remove(key)
            }
        }
        return (heldEarlier, currentDeleted)
    }

    /// How many earlier versions a plan reads at most to find a lost field.
    static let historyLimit = 50

    static func strings(_ value: JSONValue?) -> [String: String] {
        (value?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}

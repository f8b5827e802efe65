import VaultAPI
import VaultformCore
import VaultWire

/// vaultform's record of the generic endpoints it applied: one KV v2 entry next to the apply
/// lock (`vaultform-lock/applied-endpoints`) mapping each path to its delete recipe (`DELETE
/// PATH`, `POST PATH`, `never`). Nothing lists endpoints, so this is how one the manifest no
/// longer declares is found and deleted; like `WriteOnlyRecords`, it holds no value.
struct EndpointRecords: Sendable {
    /// The entry's path inside the lock's mount.
    static let key = "applied-endpoints"
    /// The entry's API path.
    static var path: String { "\(WriteOnlyRecords.mount)data/\(key)" }

    /// The client of the connection's namespace, where the record is.
    let client: VaultClient
    /// The namespace (relative to the connection's) whose endpoints this reads and records:
    /// one inside a namespace is recorded as `NAMESPACE::PATH` (an endpoint path holds no `::`).
    var namespace: String = ""

    /// This namespace's endpoints: path → recorded recipe.
    func readHere() async throws -> [String: String] {
        let all = try await read()
        guard !namespace.isEmpty else { return all.filter { !$0.key.contains("::") } }
        let prefix = namespace + "::"
        return Dictionary(uniqueKeysWithValues: all.compactMap { key, recipe in
            key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), recipe) : nil
        })
    }

    /// Records `recipe` for the endpoint at `path` in this namespace (nil: forgets it).
    func setHere(_ path: String, recipe: String?) async throws {
        try await set(namespace.isEmpty ? path : "\(namespace)::\(path)", recipe: recipe)
    }

    /// Every record, each namespace's included: key → recorded recipe; empty when nothing
    /// was recorded (or the mount is not there yet). Any other failure is an error: a record that cannot be read must not be taken
    /// for "nothing applied", which would leave dropped endpoints behind unsaid.
    func read() async throws -> [String: String] {
        let response: VaultResponse
        do {
            response = try await client.request(.get, Self.path)
        } catch let error as VaultError where error.status == 404 {
            return [:]
        }
        guard let data = response.data?["data"]?.objectValue else {
            throw VaultError(
                code: .invalidResponse, method: .get, path: Self.path,
                messages: ["the answer is not a KV version 2 secret (no data object)"], address: client.address.absoluteString)
        }
        return data.compactMapValues(\.stringValue)
    }

    /// Records `recipe` for `path` (nil: forgets it), keeping every other entry; written only
    /// when it changes.
    func set(_ path: String, recipe: String?) async throws {
        var all = try await read()
        guard all[path] != recipe else { return }
        all[path] = recipe
        _ = try await client.request(.post, Self.path, body: ["data": .object(all.mapValues(JSONValue.string))])
    }
}

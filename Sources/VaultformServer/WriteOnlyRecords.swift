import Crypto
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets
import VaultPath
import VaultWire

/// vaultform's record of the write-only values it wrote: for each object with write-only
/// fields, a KV v2 entry next to the apply lock (`vaultform-lock/write-only/KIND/NAME`)
/// holding, per field, the keyed fingerprint of the last value written. Never the value: the
/// fingerprint is an HMAC under the server's fingerprint key, bound to the object's address
/// and field, so the record tells a changed source from an unchanged one and nothing more.
struct WriteOnlyRecords: Sendable {
    /// The mount the records live on, beside the fingerprint key.
    static let mount = SecretReader.fingerprintKeyMount

    /// The client of the connection's namespace, where the records are.
    let client: VaultClient
    /// The namespace (relative to the connection's) of the objects this reads and writes
    /// records for: an object's record is under its full address.
    var namespace: String = ""

    /// The record's path inside the mount: `write-only/KIND/NAME`, or for an object inside a
    /// namespace `write-only/namespaces/NAMESPACE/KIND/NAME` (no kind is named `namespaces`).
    static func key(_ address: Address) -> String {
        // A per-mount object's name is its mount (`k8s/`); KV refuses a path ending in `/`.
        let object = "\(address.kind.rawValue)/\(MountPath.withoutSlash(address.name))"
        return address.namespace.isEmpty ? "write-only/\(object)" : "write-only/namespaces/\(address.namespace)/\(object)"
    }

    /// Where the fingerprint of `field` of the object at `address` (its full address) is
    /// computed from, so equal values of two objects or fields never show equal fingerprints.
    static func place(_ address: Address, _ field: String) -> String {
        "\(address).\(field)"
    }

    /// The API path of the record of the object at `address` (local to `namespace`).
    private func path(_ address: Address) -> String { "\(Self.mount)data/\(Self.key(address.inside(namespace)))" }

    /// The recorded fingerprints by field; empty when nothing was recorded (or the mount is
    /// not there yet). Any failure other than "not there" is an error: a record that cannot
    /// be read must not be taken for "never written", which would plan a needless write.
    func read(_ address: Address) async throws -> [String: String] {
        let path = path(address)
        let response: VaultResponse
        do {
            response = try await client.request(.get, path)
        } catch let error as VaultError where error.status == 404 {
            return [:]
        }
        guard let data = response.data?["data"]?.objectValue else {
            throw VaultError(
                code: .invalidResponse, method: .get, path: path,
                messages: ["the answer is not a KV version 2 secret (no data object)"], address: client.address.absoluteString)
        }
        return data.compactMapValues(\.stringValue)
    }

    /// `resource` with the recorded fingerprints of its kind's write-only fields.
    func merged(_ resource: Resource) async throws -> Resource {
        guard resource.address.kind.definition.hasWriteOnlyFields else { return resource }
        var resource = resource
        for (field, fingerprint) in try await read(resource.address) where resource.address.kind.definition.isWriteOnly(field) {
            resource.fields[field] = .writeOnly(.recorded(fingerprint))
        }
        return resource
    }

    /// Records the fingerprints of the values just written, keeping those of fields not
    /// written this time.
    func record(_ address: Address, _ fingerprints: [String: String]) async throws {
        guard !fingerprints.isEmpty else { return }
        var all = try await read(address)
        all.merge(fingerprints) { _, new in new }
        _ = try await client.request(
            .post, path(address), body: ["data": .object(all.mapValues(JSONValue.string))])
    }

    /// Empties the record of a deleted object, so one made again under its name is written
    /// afresh. An empty version rather than a delete: it needs only the `update` that
    /// recording needs, not `delete` on the metadata (docs/permissions.md).
    func forget(_ address: Address) async throws {
        guard !(try await read(address)).isEmpty else { return }
        _ = try await client.request(.post, path(address), body: ["data": .object([:])])
    }
}

/// Reading write-only values from their sources, and their fingerprints.
enum WriteOnlySources {
    /// The value of a source now: an environment variable's, or a file's text without one
    /// trailing newline. Failures say what is missing and never repeat a value.
    /// A generated value's store and field: `namespace|mount|path|field` (the store is in
    /// the object's namespace), for `stored` maps.
    static func storeKey(_ generator: WriteOnlyGenerator, field: String, namespace: String = "") -> String {
        "\(namespace)|\(generator.mount)|\(generator.path)|\(field)"
    }

    /// The value of a source now, for the field `field`; a generated value is what its store
    /// holds (`stored`, by `storeKey`), or `.success(nil)` when it holds none yet.
    static func value(
        _ source: WriteOnlySource, field: String, environment: [String: String], stored: [String: String] = [:],
        namespace: String = ""
    ) -> Result<String?, SecretSources.Problem> {
        switch source {
        case .environment(let name):
            return SourceText.environment(name, environment).map { $0 }
        case .file(let path, let resolved):
            return SourceText.file(path, resolved: resolved, keepTrailingNewline: false).map { $0 }
        case .generated(let generator):
            return .success(stored[storeKey(generator, field: field, namespace: namespace)])
        }
    }

    /// The stores of the generated write-only values in `desired`, as `storeKey` → the value
    /// they hold (absent when none), read concurrently.
    static func stored(in desired: DesiredState, client: VaultClient) async throws -> [String: String] {
        var wanted: [String: (WriteOnlyGenerator, String, String)] = [:]
        for entry in desired.entries {
            for (field, value) in entry.resource.fields {
                guard case .writeOnly(let writeOnly) = value, case .generated(let generator)? = writeOnly.source else { continue }
                let namespace = entry.address.namespace
                wanted[storeKey(generator, field: field, namespace: namespace)] = (generator, field, namespace)
            }
        }
        var values: [String: String] = [:]
        for (key, (generator, field, namespace)) in wanted {
            let store = try await StoredSecret.read(generator.mount, generator.path, client: client.within(namespace))
            if case .string(let text)? = store.data[field] { values[key] = text }
        }
        return values
    }

    /// `desired` with each write-only value's fingerprint (under `key`, when the server has
    /// one) or the reason its source gave nothing, for the planner. A generated value whose
    /// store holds none yet has no fingerprint: apply generates it.
    static func sealed(
        _ desired: DesiredState, key: SymmetricKey?, environment: [String: String], stored: [String: String] = [:]
    ) -> DesiredState {
        desired.withFields { address, fields in
            var fields = fields
            for (field, value) in fields {
                guard case .writeOnly(var writeOnly) = value, let source = writeOnly.source else { continue }
                switch Self.value(source, field: field, environment: environment, stored: stored, namespace: address.namespace) {
                case .success(let text?):
                    writeOnly.fingerprint = key.map { SecretValues.fingerprint(.string(text), key: $0, at: WriteOnlyRecords.place(address, field)) }
                case .success(nil):
                    writeOnly.status = "a new value will be generated"
                case .failure(let problem):
                    writeOnly.unavailable = problem.message
                }
                fields[field] = .writeOnly(writeOnly)
            }
            return fields
        }
    }

    /// Whether the desired state holds any write-only value.
    static func any(in desired: DesiredState) -> Bool {
        desired.entries.contains { entry in
            entry.resource.fields.values.contains { if case .writeOnly = $0 { true } else { false } }
        }
    }
}

/// Text from an environment variable or a file, as sources give it.
enum SourceText {
    /// A set, non-empty environment variable.
    static func environment(_ name: String, _ environment: [String: String]) -> Result<String, SecretSources.Problem> {
        guard let text = environment[name], !text.isEmpty else { return .failure(.unavailable("\(name) is not set")) }
        return .success(text)
    }

    /// A file's UTF-8 text; `echo value > file` adds a newline that is not part of the value,
    /// so one trailing newline (and a carriage return before it) goes unless
    /// `keepTrailingNewline` (a PEM keeps its own).
    static func file(_ path: String, resolved: String, keepTrailingNewline: Bool) -> Result<String, SecretSources.Problem> {
        guard FileManager.default.fileExists(atPath: resolved) else { return .failure(.unavailable("\(path) does not exist")) }
        guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
            return .failure(.invalid("\(path) cannot be read as UTF-8 text"))
        }
        let trimmed = !keepTrailingNewline && text.hasSuffix("\n")
            ? String(text.dropLast()).replacingOccurrences(of: "\r$", with: "", options: .regularExpression) : text
        guard !trimmed.isEmpty else { return .failure(.unavailable("\(path) is empty")) }
        return .success(trimmed)
    }
}

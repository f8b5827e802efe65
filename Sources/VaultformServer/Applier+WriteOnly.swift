import Crypto
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets
import VaultWire

/// The write-only values of one operation, read from their sources for its writes.
struct WriteOnlyWrite: Sendable {
    /// Field → the value read from its source, sent in place of the plan's stand-in.
    var values: [String: String] = [:]
    /// Field → the keyed fingerprint of that value, recorded once the write is done.
    var fingerprints: [String: String] = [:]

    /// The values, for the client to keep out of every message.
    var redactions: [String] { Array(values.values) }

    /// `fields` with each write-only value in place of its stand-in.
    func filled(_ fields: [String: FieldValue]) -> [String: FieldValue] {
        var fields = fields
        for (field, value) in values where fields[field] != nil { fields[field] = .string(value) }
        return fields
    }

    /// The object with each write-only value in place of its stand-in.
    func filled(_ resource: Resource) -> Resource {
        var resource = resource
        resource.fields = filled(resource.fields)
        return resource
    }
}

extension Applier {
    /// The write-only values among `fields`, read from their sources now, each checked
    /// against the fingerprint the plan made of it: a source whose value changed since the
    /// plan makes the plan stale, and the apply stops before writing anything.
    func writeOnlyValues(
        _ fields: [String: FieldValue], of address: Address, beforeWrite: () async throws -> Void
    ) async throws -> WriteOnlyWrite {
        let pending = fields.compactMap { field, value -> (String, WriteOnlyValue)? in
            guard case .writeOnly(let writeOnly) = value, writeOnly.source != nil else { return nil }
            return (field, writeOnly)
        }
        guard !pending.isEmpty else { return WriteOnlyWrite() }
        let key = try await fingerprintKey.key {
            try await SecretApplier.ensureFingerprintKey(client: state.client)
            guard let key = await SecretReader(client: state.client, environment: environment).fingerprintKey() else {
                throw ApplyError("the fingerprint key (\(SecretReader.fingerprintKeyMount)\(SecretReader.fingerprintKeyPath)) cannot be read, so a write-only value's fingerprint cannot be recorded")
            }
            return key
        }
        var write = WriteOnlyWrite()
        for (field, planned) in pending {
            guard let source = planned.source else { continue }
            var stored: [String: String] = [:]
            if case .generated(let generator) = source {
                stored[WriteOnlySources.storeKey(generator, field: field)] = try await generatedValue(generator, field: field, beforeWrite: beforeWrite)
            }
            switch WriteOnlySources.value(source, field: field, environment: environment, stored: stored) {
            case .success(nil):
                throw ApplyError("`\(field)` (\(source)) has no value")
            case .success(let text?):
                let fingerprint = SecretValues.fingerprint(.string(text), key: key, at: WriteOnlyRecords.place(state.full(address), field))
                if let expected = planned.fingerprint, expected != fingerprint {
                    throw ApplyError("`\(field)` (\(source)) holds another value than when the plan was made; plan again")
                }
                write.values[field] = text
                write.fingerprints[field] = fingerprint
            case .failure(let problem):
                throw ApplyError("`\(field)` is write-only and its source gave nothing: \(problem.message)")
            }
        }
        return write
    }

    /// The value a generated write-only field's store keeps; when it keeps none, a new one,
    /// generated and stored first (check-and-set on the version read, every other field
    /// kept), so a value is never written to the object without being kept.
    func generatedValue(_ generator: WriteOnlyGenerator, field: String, beforeWrite: () async throws -> Void) async throws -> String {
        let stored = try await StoredSecret.read(generator.mount, generator.path, client: client)
        if case .string(let text)? = stored.data[field] { return text }
        let spec = SecretGenerator(
            kind: generator.kind, length: generator.length, classes: generator.classes, bytes: generator.bytes,
            location: SourceLocation(file: "(plan)", line: 0, column: 0))
        let declaration = SecretField(name: field, type: .string, location: SourceLocation(file: "(plan)", line: 0, column: 0))
        let generated: [String: JSONValue]
        do {
            generated = try SecretGeneration.generate(spec, for: declaration)
        } catch {
            throw ApplyError("`\(field)` cannot be generated: \(error)")
        }
        guard case .string(let text)? = generated[field] else { throw ApplyError("`\(field)`: the generator made no value") }
        var client = client
        client.redactions.append(text)
        var data = stored.exists ? stored.data : [:]
        data[field] = .string(text)
        try await beforeWrite()
        _ = try await client.request(
            .post, "\(generator.mount)data/\(generator.path)",
            body: ["data": .object(data), "options": ["cas": .number(Double(stored.version))]])
        return text
    }
}

/// The server's fingerprint key as one apply uses it: made (if missing) and read by the first
/// write-only value, then kept, so an apply of N users makes two requests for it, not 2N.
/// Callers that ask while it is being loaded wait for that load (an actor alone would let
/// each of them load it again while the first awaits the server).
actor FingerprintKeyCache {
    private var loading: Task<SymmetricKey, any Error>?

    /// The key, from `load` the first time; a failed load is tried again by the next caller.
    func key(_ load: @escaping @Sendable () async throws -> SymmetricKey) async throws -> SymmetricKey {
        if let loading { return try await loading.value }
        let task = Task { try await load() }
        loading = task
        do {
            return try await task.value
        } catch {
            loading = nil
            throw error
        }
    }
}

import VaultAPI
import VaultformCore
import VaultformSecrets

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
        Resource(resource.address, fields: filled(resource.fields))
    }
}

extension Applier {
    /// The write-only values among `fields`, read from their sources now, each checked
    /// against the fingerprint the plan made of it: a source whose value changed since the
    /// plan makes the plan stale, and the apply stops before writing anything.
    func writeOnlyValues(_ fields: [String: FieldValue], of address: Address) async throws -> WriteOnlyWrite {
        let pending = fields.compactMap { field, value -> (String, WriteOnlyValue)? in
            guard case .writeOnly(let writeOnly) = value, writeOnly.source != nil else { return nil }
            return (field, writeOnly)
        }
        guard !pending.isEmpty else { return WriteOnlyWrite() }
        try await SecretApplier.ensureFingerprintKey(client: client)
        guard let key = await SecretReader(client: client, environment: environment).fingerprintKey() else {
            throw ApplyError("the fingerprint key (\(SecretReader.fingerprintKeyMount)\(SecretReader.fingerprintKeyPath)) cannot be read, so a write-only value's fingerprint cannot be recorded")
        }
        var write = WriteOnlyWrite()
        for (field, planned) in pending {
            guard let source = planned.source else { continue }
            switch WriteOnlySources.value(source, environment: environment) {
            case .success(let text):
                let fingerprint = SecretValues.fingerprint(.string(text), key: key, at: WriteOnlyRecords.place(address, field))
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
}

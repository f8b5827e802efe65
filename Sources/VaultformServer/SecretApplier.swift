import Crypto
import Foundation
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformSecrets

/// Writes one secret's planned fills. The whole current version is read, the fills are added
/// to it (no field is ever dropped; an existing value is replaced only by a fill that says
/// so), and the result is written with check-and-set on the version the plan read, so a
/// write by anyone else since is refused by the server rather than overwritten. Values live
/// only in this function's locals; every error is scrubbed of them.
struct SecretApplier {
    let client: VaultClient
    let environment: [String: String]

    func apply(_ write: SecretWrite, beforeWrite: () async throws -> Void) async throws {
        let stored = try await StoredSecret.read(write.mount, write.path, client: client)
        guard stored.version == write.version else {
            throw ApplyError(
                "it changed since it was planned (now version \(stored.version), planned against version \(write.version)); "
                    + "nothing of it was written: run plan again")
        }
        var data = stored.data
        for fill in write.fills {
            let values = try value(for: fill, current: data)
            for (field, value) in values {
                let replacing = fill.replacesValue || { if case .coerce = fill.origin { return true } else { return false } }()
                guard replacing || data[field] == nil else {
                    throw ApplyError("`\(field)` has a value the plan did not expect; nothing of it was written: run plan again")
                }
                data[field] = value
            }
        }
        // Every field that was there is still there: nothing is dropped.
        guard Set(stored.data.keys).isSubset(of: data.keys) else { throw ApplyError("internal error: a field would have been dropped") }

        let secrets = data.values.flatMap(Self.strings) + stored.data.values.flatMap(Self.strings)
        var client = client
        client.redactions += secrets
        try await beforeWrite()
        do {
            _ = try await client.request(
                .post, "\(write.mount)data/\(write.path)",
                body: ["data": .object(data), "options": ["cas": .number(Double(write.version))]])
        } catch let error as VaultError where error.status == 400 && error.messages.contains(where: { $0.contains("check-and-set") }) {
            throw ApplyError(
                "someone wrote it since it was read (the server refused the check-and-set on version \(write.version)); "
                    + "nothing was overwritten: run plan again")
        }
        guard !write.markers.isEmpty else { return }
        var metadata = stored.customMetadata
        for (field, marker) in write.markers { metadata[SecretObservation.markerKey(field)] = marker }
        try await beforeWrite()
        _ = try await client.request(
            .post, "\(write.mount)metadata/\(write.path)", body: ["custom_metadata": .object(metadata.mapValues(JSONValue.string))],
            idempotent: true)
    }

    /// The new value(s) of one fill: the field's, and for a generated key pair its public field's.
    func value(for fill: SecretFill, current: [String: JSONValue]) throws -> [String: JSONValue] {
        switch fill.origin {
        case .generate(let spec):
            let field = SecretField(fill.declaration, source: .generate(SecretGenerator(spec)))
            do {
                return try SecretGeneration.generate(SecretGenerator(spec), for: field)
            } catch {
                throw ApplyError("`\(fill.field)`: the \(spec.kind) generator failed: \(error)")
            }
        case .derive(let kind, let from):
            guard let privateValue = current[from], let publicValue = SecretPairs.derivePublic(kind: kind, privateValue: privateValue) else {
                throw ApplyError("`\(fill.field)`: the public key cannot be derived, as `\(from)` is not a readable \(kind) private key")
            }
            return [fill.field: publicValue]
        case .environment(let name):
            let field = SecretField(fill.declaration, source: .environment(name))
            return [fill.field: try sourced(field)]
        case .file(let path):
            let field = SecretField(fill.declaration, source: .file(path: path, resolvedPath: path))
            return [fill.field: try sourced(field)]
        case .coerce:
            let type = SecretFieldType(rawValue: fill.declaration.type) ?? .string
            guard let value = current[fill.field], let coerced = SecretValues.coerced(value, to: type) else {
                throw ApplyError("`\(fill.field)` can no longer be rewritten as a \(type.rawValue); run plan again")
            }
            return [fill.field: coerced]
        }
    }

    private func sourced(_ field: SecretField) throws -> JSONValue {
        switch SecretSources.value(for: field, environment: environment) {
        case .success(let value): return value
        case .failure(let problem): throw ApplyError("`\(field.name)`: \(problem.message)")
        }
    }

    /// Every string inside a value (the value itself for a string), for redaction.
    static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(strings)
        case .object(let members): return members.values.flatMap(strings)
        case .number, .bool, .null: return []
        }
    }

    /// Creates the fingerprint key when the server has none: 32 random bytes, written with
    /// check-and-set 0 so that two applies never replace each other's.
    static func ensureFingerprintKey(client: VaultClient) async throws {
        let stored = try await StoredSecret.read(SecretReader.fingerprintKeyMount, SecretReader.fingerprintKeyPath, client: client)
        guard !stored.exists else { return }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        var client = client
        client.redactions.append(key)
        do {
            _ = try await client.request(
                .post, "\(SecretReader.fingerprintKeyMount)data/\(SecretReader.fingerprintKeyPath)",
                body: ["data": ["key": .string(key)], "options": ["cas": .number(Double(stored.version))]])
        } catch let error as VaultError where error.status == 400 {
            return  // another apply created it in between
        }
    }
}

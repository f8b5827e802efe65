import Crypto
import Foundation
import VaultWire

/// A saved plan (`vaultform plan -out FILE`): what was planned, against which server and
/// desired state, and the fingerprint of every object it touches as it was when planned.
/// It holds no secret value: sensitive fields are stored only as keyed fingerprints.
///
/// The file carries a digest of everything apply acts on (`PlanDigest`), checked before
/// apply writes anything, so an edited plan file is refused rather than applied as edited.
public struct PlanFile: Codable, Sendable, Equatable {
    /// The only format this build writes and reads. `digest` was added within format 1 (new
    /// members may be); apply refuses a file without one, as it cannot be checked.
    public static let currentFormatVersion = 1

    /// The server a plan was made against.
    public struct Server: Codable, Sendable, Equatable {
        public var address: String
        public var namespace: String?
        public var flavour: String
        public var version: String

        /// Describes a server.
        public init(address: String, namespace: String?, flavour: String, version: String) {
            self.address = address
            self.namespace = namespace
            self.flavour = flavour
            self.version = version
        }
    }

    /// One planned operation and the live fingerprint it was planned against.
    public struct Change: Codable, Sendable, Equatable {
        public var address: String
        public var action: String
        public var liveFingerprint: String
        public var fields: [Field]
        /// For a create, a replacement or an update, the object as it should be (every
        /// managed field, `Operation.desired`), so it can be created and read back from the
        /// plan alone. Absent for a delete and a secret, and for an update in files saved
        /// before it was recorded (whose read-back then checks nothing).
        public var desired: [String: FieldValue]?
        /// For a secret: the fields to fill and how (never a value), and the version read.
        public var secret: SecretWrite?
        /// Why it would take the planning identity's own access away (absent in older files).
        public var selfLockout: String?
        /// What the object writes beside its fields (`Resource.payload`: a generic endpoint's
        /// data); absent for every other kind.
        public var payload: JSONValue?
    }

    /// One field's planned change.
    public struct Field: Codable, Sendable, Equatable {
        public var name: String
        public var before: FieldValue?
        public var after: FieldValue?
        public var forcesReplacement: String?
    }

    public var formatVersion: Int
    public var vaultformVersion: String
    public var manifestPath: String
    public var desiredDigest: String
    public var server: Server
    public var changes: [Change]
    /// `hmac-sha256:HEX` (keyed with the server's fingerprint key) or `sha256:HEX` (no key) of
    /// the rest of the file; see `PlanDigest`. Nil only in a file saved before digests were
    /// recorded, which apply refuses.
    public var digest: String?

    /// Builds the file for a plan. `live` gives each touched object's state for its fingerprint;
    /// `desired` (the whole desired state) only its digest, as each operation carries its object.
    /// `key` is the server's fingerprint key, which keys the file's digest; without it the
    /// digest is a plain SHA-256, which detects an edit but not one whose author recomputed it.
    public init(
        plan: Plan, live: LiveState, desired: DesiredState, manifestPath: String, server: Server, vaultformVersion: String,
        key: SymmetricKey? = nil
    ) {
        formatVersion = Self.currentFormatVersion
        self.vaultformVersion = vaultformVersion
        self.manifestPath = manifestPath
        desiredDigest = Fingerprint.of(desired)
        self.server = server
        changes = plan.operations.map { operation in
            Change(
                address: operation.address.description, action: operation.action.name,
                liveFingerprint: operation.secretWrite.map { "version:\($0.version)" }
                    ?? Fingerprint.of(live.resources[operation.address]),
                fields: operation.changes.map {
                    Field(name: $0.field, before: $0.before, after: $0.after, forcesReplacement: $0.forcesReplacement)
                },
                desired: operation.desired?.fields,
                secret: operation.secretWrite, selfLockout: operation.selfLockout, payload: operation.desired?.payload)
        }
        digest = nil
        digest = PlanDigest.of(self, key: key)
    }

    /// The plan the file describes, rebuilt for apply: each operation with the object it
    /// acts on, so apply needs nothing else.
    public func restored() throws -> Plan {
        var operations: [Operation] = []
        for change in changes {
            guard let address = Address(parsing: change.address),
                  let action = Action.allCases.first(where: { $0.name == change.action })
            else { throw PlanFileError("the plan file names an unknown object or action: \(change.action) \(change.address)") }
            var operation = Operation(
                address: address, action: action,
                changes: change.fields.map {
                    FieldChange(field: $0.name, before: $0.before, after: $0.after, forcesReplacement: $0.forcesReplacement)
                })
            operation.secretWrite = change.secret
            operation.selfLockout = change.selfLockout
            operation.desired = change.desired.map { Resource(address, fields: $0, payload: change.payload) }
            guard address.kind != .kvSecret || change.secret != nil else {
                throw PlanFileError("the plan file's \(change.address) says nothing of what to write")
            }
            guard address.kind == .kvSecret || operation.desired != nil || (action != .create && action != .replace) else {
                throw PlanFileError("the plan file's \(change.action) of \(change.address) says nothing of what to create")
            }
            operations.append(operation)
        }
        return Plan(operations: operations, unchanged: [])
    }

    /// The file's bytes: JSON with sorted keys, so the same plan always writes the same file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a plan file, refusing other format versions with a clear message.
    public static func decode(_ data: Data) throws -> PlanFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        struct Header: Decodable { var formatVersion: Int? }
        let header = try? decoder.decode(Header.self, from: data)
        guard let version = header?.formatVersion else { throw PlanFileError("not a vaultform plan file (no format_version)") }
        guard version == currentFormatVersion else {
            throw PlanFileError("plan file format \(version) is not supported; this vaultform reads format \(currentFormatVersion)")
        }
        do {
            return try decoder.decode(PlanFile.self, from: data)
        } catch {
            throw PlanFileError("the plan file is damaged: \(error)")
        }
    }
}

/// Why a plan file could not be used.
public struct PlanFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

import VaultformManifest

// Value-free descriptions of KV secrets. The read stage looks at the values and hands over
// only these: shapes, verdicts, keyed fingerprints and where a missing value would come
// from. Plans, plan files and renderers are built from them, so no secret value can reach
// any of them.

/// A secret value, described but never held: its shape, a keyed fingerprint, or where the
/// value that apply will write comes from.
public struct SensitiveValue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What the stored value looks like: `string, 44 characters`, `JSON object (3 keys)`.
    public var shape: String?
    /// `hmac:0123456789abcdef`, keyed with the server's fingerprint key (nil without one).
    public var fingerprint: String?
    /// For a value apply will write: `generated: password, 32 characters`, `from environment X`.
    public var origin: String?

    /// Describes a value.
    public init(shape: String? = nil, fingerprint: String? = nil, origin: String? = nil) {
        self.shape = shape
        self.fingerprint = fingerprint
        self.origin = origin
    }

    /// `(string, 44 characters, hmac:…)` or `(generated: password, 32 characters)`.
    public var description: String {
        "(" + [origin, shape, fingerprint].compactMap { $0 }.joined(separator: ", ") + ")"
    }
}

/// The verdict on a value against its field's declaration; the text never holds the value.
public enum ValueVerdict: Sendable, Equatable, Codable {
    case valid
    /// Right content, wrong JSON type, and `coerce` can rewrite it (`a JSON object stored as a string`).
    case coercible(String)
    /// Wrong, and only a person (or a rotation) can fix it (`decodes to 16 bytes, not 32`).
    case invalid(String)
}

/// One field of a live secret.
public struct ObservedField: Sendable, Equatable {
    /// What the value looks like (never the value).
    public var shape: String
    /// The verdict against the schema; `.valid` for fields the schema does not describe.
    public var verdict: ValueVerdict
    /// The keyed fingerprint, when the server has a fingerprint key.
    public var fingerprint: String?

    /// Describes a field.
    public init(shape: String, verdict: ValueVerdict, fingerprint: String?) {
        self.shape = shape
        self.verdict = verdict
        self.fingerprint = fingerprint
    }

    /// The field as a plan shows it.
    public var sensitive: SensitiveValue { SensitiveValue(shape: shape, fingerprint: fingerprint) }
}

/// Whether a value is available from a field's `from_env` or `from_file` source now.
public enum SourceObservation: Sendable, Equatable {
    /// Set, and valid for the field (the shape says what it looks like).
    case available(shape: String)
    /// Not set: `CLERK_SECRET_KEY is not set`, `/run/x does not exist`.
    case unavailable(String)
    /// Set but not valid for the field: `CLERK_SECRET_KEY does not match the pattern ^sk_`.
    case invalid(String)
}

/// What the read stage found of one secret a schema describes.
public struct SecretObservation: Sendable, Equatable {
    /// The secret's current KV v2 version: the check-and-set value for the next write
    /// (0 when it never existed).
    public var version: Int
    /// False when absent, or when its current version is deleted or destroyed.
    public var exists: Bool
    /// Every field of the current version, by name.
    public var fields: [String: ObservedField]
    /// Each declared pair's verdict, by `private/public` field names; only when both are present.
    public var pairs: [String: ValueVerdict]
    /// Rotation markers recorded in the secret's custom metadata, by field.
    public var markers: [String: String]
    /// For each field with `from_env` or `from_file`: whether a value is available now.
    public var sources: [String: SourceObservation]
    /// For each declared field the current version lacks: the newest earlier version that
    /// still holds it (a value someone lost, which filling anew would replace for good).
    public var heldEarlier: [String: Int]
    /// True when the current version is deleted but not destroyed: `undelete` brings it back.
    public var currentDeleted: Bool

    /// An observation.
    public init(
        version: Int = 0, exists: Bool = false, fields: [String: ObservedField] = [:], pairs: [String: ValueVerdict] = [:],
        markers: [String: String] = [:], sources: [String: SourceObservation] = [:], heldEarlier: [String: Int] = [:],
        currentDeleted: Bool = false
    ) {
        self.version = version
        self.exists = exists
        self.fields = fields
        self.pairs = pairs
        self.markers = markers
        self.sources = sources
        self.heldEarlier = heldEarlier
        self.currentDeleted = currentDeleted
    }

    /// The key of `pairs` for a pair of fields.
    public static func pairKey(_ privateField: String, _ publicField: String) -> String { "\(privateField)/\(publicField)" }

    /// The name of the custom-metadata key that records a field's rotation marker.
    public static func markerKey(_ field: String) -> String { "vaultform-rotate-\(field)" }
}

/// A generator's settings, as a plan file carries them.
public struct GeneratorSpec: Sendable, Equatable, Codable {
    public var kind: String
    public var length: Int?
    public var classes: [String]?
    public var bytes: Int?
    public var bits: Int?
    public var publicField: String?

    /// From the manifest's generator.
    public init(_ generator: SecretGenerator) {
        kind = generator.kind
        length = generator.length
        classes = generator.classes
        bytes = generator.bytes
        bits = generator.bits
        publicField = generator.publicField?.value
    }

    /// `password, 32 characters`, `rsa, 2048 bits, with jwt_public_key`.
    public var description: String {
        var parts = [kind]
        switch kind {
        case "password":
            parts.append("\(length ?? 32) characters")
            if let classes { parts.append(classes.joined(separator: "+")) }
        case "random_bytes": parts.append("\(bytes ?? 32) bytes")
        case "rsa": parts.append("\(bits ?? 2048) bits")
        default: break
        }
        if let publicField { parts.append("with \(publicField)") }
        return parts.joined(separator: ", ")
    }
}

/// A field's type and constraints, as a plan file carries them, so apply can check a value
/// from a source before writing it.
public struct FieldDeclaration: Sendable, Equatable, Codable {
    public var name: String
    public var type: String
    public var pattern: String?
    public var minLength: Int?
    public var bytes: Int?
    public var keyType: String?
    public var minBits: Int?

    /// From the manifest's field.
    public init(_ field: SecretField) {
        name = field.name
        type = field.type.rawValue
        pattern = field.pattern
        minLength = field.minLength
        bytes = field.bytes
        keyType = field.keyType
        minBits = field.minBits
    }
}

/// How one field gets its new value at apply time; never the value itself.
public struct SecretFill: Sendable, Equatable, Codable {
    /// Where the value comes from.
    public enum Origin: Sendable, Equatable, Codable {
        /// Generated (for key pairs, the public field too).
        case generate(GeneratorSpec)
        /// The public half of the named private-key field, derived from its stored value.
        case derive(kind: String, from: String)
        /// An environment variable read when apply runs.
        case environment(String)
        /// A file read when apply runs (an absolute path).
        case file(String)
        /// The stored value, rewritten into the field's type.
        case coerce
    }

    public var field: String
    public var origin: Origin
    /// True when an existing value is replaced (a rotation): destructive, and said so.
    public var replacesValue: Bool
    /// The field's type and constraints.
    public var declaration: FieldDeclaration

    /// A fill.
    public init(field: String, origin: Origin, replacesValue: Bool, declaration: FieldDeclaration) {
        self.field = field
        self.origin = origin
        self.replacesValue = replacesValue
        self.declaration = declaration
    }

    /// For plans: `generated: password, 32 characters`, `from environment CLERK_SECRET_KEY`.
    public var summary: String {
        let verb = replacesValue ? "regenerated" : "generated"
        switch origin {
        case .generate(let spec): return "\(verb): \(spec.description)"
        case .derive(let kind, let from): return "derived from \(from) (\(kind) public key)"
        case .environment(let name): return "from environment \(name)"
        case .file(let path): return "from file \(path)"
        case .coerce: return "the stored value as a \(declaration.type)"
        }
    }
}

/// What apply writes to one secret: the fills, checked-and-set against the version the plan
/// read, so a write by anyone else in between is detected and nothing is lost.
public struct SecretWrite: Sendable, Equatable, Codable {
    /// The KV v2 mount, with one trailing slash.
    public var mount: String
    /// The secret's path inside the mount.
    public var path: String
    /// The version the plan read (0: absent): the write's check-and-set value.
    public var version: Int
    /// The fields to fill, in order.
    public var fills: [SecretFill]
    /// Rotation markers to record in the custom metadata after the write, by field.
    public var markers: [String: String]

    /// A write.
    public init(mount: String, path: String, version: Int, fills: [SecretFill], markers: [String: String]) {
        self.mount = mount
        self.path = path
        self.version = version
        self.fills = fills
        self.markers = markers
    }
}

/// Something a plan found that is not a change: a blocker stops apply; a warning is shown.
public struct Finding: Sendable, Equatable, Codable {
    /// How serious it is.
    public enum Severity: String, Sendable, Codable {
        /// Apply refuses the plan until it is resolved.
        case blocker
        /// Shown; apply goes ahead.
        case warning
    }

    public var severity: Severity
    /// The object.
    public var address: Address
    /// The field, when it concerns one.
    public var field: String?
    /// What is wrong, phrased for a person; never a secret value.
    public var message: String
    /// How to resolve it.
    public var hint: String?

    /// A finding.
    public init(_ severity: Severity, _ address: Address, field: String? = nil, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.address = address
        self.field = field
        self.message = message
        self.hint = hint
    }
}

import VaultformManifest
import VaultformPolicy

/// A value the server takes and never reads back (a userpass password, an OIDC client
/// secret, a Kubernetes token reviewer JWT). vaultform never holds it in a plan: the desired
/// side carries where the value comes from and a keyed fingerprint of it, the live side the
/// fingerprint vaultform recorded (next to its other state on the server) when it last wrote
/// the value. Two are the same only when both fingerprints are known and equal, so a changed
/// source is a change, and so is a value vaultform never wrote.
public struct WriteOnlyValue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The manifest's source; nil on the live side.
    public var source: WriteOnlySource?
    /// `hmac:…` of the value under the server's fingerprint key and the object's address; nil
    /// when it could not be computed (the source gave nothing, or the server has no key yet).
    public var fingerprint: String?
    /// Why the source gave no value when the plan was made (`ALICE_PASSWORD is not set`).
    public var unavailable: String?
    /// What the plan says of it: `source changed`, `not recorded`.
    public var status: String?

    /// A value as the manifest declares it, before its source is read.
    public init(source: WriteOnlySource?, fingerprint: String? = nil, unavailable: String? = nil, status: String? = nil) {
        self.source = source
        self.fingerprint = fingerprint
        self.unavailable = unavailable
        self.status = status
    }

    /// The live side: the fingerprint vaultform recorded when it last wrote the value.
    public static func recorded(_ fingerprint: String) -> WriteOnlyValue {
        WriteOnlyValue(source: nil, fingerprint: fingerprint)
    }

    /// Known and equal fingerprints; anything unknown differs.
    public static func == (lhs: WriteOnlyValue, rhs: WriteOnlyValue) -> Bool {
        guard let left = lhs.fingerprint, let right = rhs.fingerprint else { return false }
        return left.hasSameBytes(as: right)
    }

    /// `(write-only, from environment X, source changed)`; never the value.
    public var description: String {
        guard let source else { return "(write-only, as vaultform last wrote it)" }
        return "(" + ["write-only", source.description, status].compactMap { $0 }.joined(separator: ", ") + ")"
    }
}

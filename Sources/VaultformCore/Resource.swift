import VaultformManifest
import VaultformPolicy
import VaultWire

/// One object in normalised form: its address and the fields vaultform compares. On the
/// desired side only the fields the manifest sets are present (an unset field is not
/// managed); on the live side every field that was read.
public struct Resource: Sendable, Equatable {
    /// The object's address.
    public var address: Address
    /// Field name (as the server's API spells it) → value.
    public var fields: [String: FieldValue]
    /// What a kind writes beside its fields, never compared nor shown as a change: a generic
    /// endpoint's whole `data`, its write-only keys and what it is written after. Nil for
    /// every kind whose fields are all it writes. Saved plans carry it.
    public var payload: JSONValue?

    /// Creates a resource.
    public init(_ address: Address, fields: [String: FieldValue] = [:], payload: JSONValue? = nil) {
        self.address = address
        self.fields = fields
        self.payload = payload
    }
}

import VaultformManifest
import VaultformPolicy

/// One object in normalised form: its address and the fields vaultform compares. On the
/// desired side only the fields the manifest sets are present (an unset field is not
/// managed); on the live side every field that was read.
public struct Resource: Sendable, Equatable {
    /// The object's address.
    public var address: Address
    /// Field name (as the server's API spells it) → value.
    public var fields: [String: FieldValue]

    /// Creates a resource.
    public init(_ address: Address, fields: [String: FieldValue] = [:]) {
        self.address = address
        self.fields = fields
    }
}

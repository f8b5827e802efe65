/// A key of a TOTP secrets engine (`MOUNT/keys/NAME`): either generated inside the engine
/// (`generate: true`; the engine's answer, which carries the secret, is never asked for) or
/// a shared secret the manifest gives from a source (`key`, write-only). The engine never
/// reads the secret back, and rewriting a key replaces it whole.
public struct TOTPKey: Sendable, Equatable {
    /// The key's name.
    public var name: String
    /// The TOTP engine's path.
    public var mount: Located<String>
    /// The base32 shared secret's source; nil when the engine generates the key.
    public var key: WriteOnlySource?
    /// The engine generates the key (never exported: vaultform asks for no URL or barcode).
    public var generate: Bool?
    /// The issuer an authenticator shows; required with `generate`.
    public var issuer: String?
    /// The account an authenticator shows; required with `generate`.
    public var accountName: String?
    /// `SHA1` (default), `SHA256` or `SHA512`.
    public var algorithm: String?
    /// 6 (default) or 8.
    public var digits: Int?
    /// How long a code is valid; default 30s.
    public var period: TimeSpan?
    public var location: SourceLocation
}

/// A Vault token. Wrapped so that printing, dumping or interpolating a client, a request or
/// an error can never show it: its description and mirror are redacted, and only `value`
/// (read when the header is written) holds the secret.
public struct VaultToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only to send it.
    public let value: String

    /// Wraps a token string.
    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted token>" }
    public var debugDescription: String { "<redacted token>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

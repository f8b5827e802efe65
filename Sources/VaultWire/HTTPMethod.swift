import Foundation

/// An HTTP method. A struct rather than an enum because Vault adds a verb HTTP lacks (`LIST`)
/// and the transport must send whatever the caller names.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The verb as sent on the wire, upper-case.
    public let rawValue: String

    /// Creates a method from its wire spelling, upper-cased so `list` and `LIST` are one method.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    /// Reads an object.
    public static let get = HTTPMethod(rawValue: "GET")
    /// Reads only the headers.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// Writes; Vault treats it like PUT, and logins use it.
    public static let post = HTTPMethod(rawValue: "POST")
    /// Creates or replaces an object.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// Merges into an object (KV v2 needs `application/merge-patch+json`).
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// Deletes an object.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// Vault's listing verb; the server treats it as a read.
    public static let list = HTTPMethod(rawValue: "LIST")

    /// Whether HTTP (RFC 9110) calls the method idempotent. Vault treats PUT like POST, so the
    /// client's retries do not rely on this: reads retry, writes only when marked idempotent
    /// (see `RetryPolicy`).
    public var isIdempotent: Bool {
        [.get, .head, .put, .delete, .list].contains(self)
    }

    public var description: String { rawValue }
}

import Foundation
import VaultAPI

/// Delivering AppRole credentials: the role ID, a new secret ID (or a wrapping token for
/// one), and the bookkeeping that rotation and expiry checks need. Secret IDs are redacted
/// from every error.
public enum SecretIDs {
    /// A new secret ID, or the single-use token that unwraps it.
    public struct Grant: Sendable {
        /// The secret ID, or with wrapping the wrapping token.
        public var value: String
        /// The secret ID's accessor (nil when wrapped: the server does not say).
        public var accessor: String?
        /// True when `value` is a wrapping token.
        public var wrapped: Bool
    }

    /// One secret ID's lifetime, looked up by accessor.
    public struct SecretIDStatus: Sendable, Equatable {
        public var accessor: String
        /// Total lifetime in seconds; 0 for one that never expires.
        public var ttl: Int
        /// Seconds left; nil for one that never expires.
        public var remaining: Int?

        /// A status.
        public init(accessor: String, ttl: Int, remaining: Int?) {
            self.accessor = accessor
            self.ttl = ttl
            self.remaining = remaining
        }
    }

    public static func roleID(client: VaultClient, mount: String, role: String) async throws -> String {
        guard let id = try await client.request(.get, "auth/\(mount)role/\(role)/role-id").data?["role_id"]?.stringValue else {
            throw OperatorError("auth/\(mount)role/\(role)/role-id answered without a role_id")
        }
        return id
    }

    /// Creates a secret ID, with metadata and CIDR bounds of its own, wrapped when `wrapTTL` is set.
    public static func createSecretID(
        client: VaultClient, mount: String, role: String, metadata: [String: String] = [:], cidrs: [String] = [],
        wrapTTL: Duration? = nil
    ) async throws -> Grant {
        var body: [String: JSONValue] = [:]
        if !metadata.isEmpty, let text = String(data: try JSONValue.object(metadata.mapValues(JSONValue.string)).encoded(), encoding: .utf8) {
            body["metadata"] = .string(text)
        }
        if !cidrs.isEmpty { body["cidr_list"] = .array(cidrs.map(JSONValue.string)) }
        var writer = client
        writer.wrapTTL = wrapTTL
        let response = try await writer.request(.post, "auth/\(mount)role/\(role)/secret-id", body: .object(body))
        if wrapTTL != nil {
            guard let token = response.json?["wrap_info"]?["token"]?.stringValue else {
                throw OperatorError("the server did not wrap the secret ID")
            }
            return Grant(value: token, accessor: nil, wrapped: true)
        }
        guard let secretID = response.data?["secret_id"]?.stringValue else {
            throw OperatorError("auth/\(mount)role/\(role)/secret-id answered without a secret_id")
        }
        return Grant(value: secretID, accessor: response.data?["secret_id_accessor"]?.stringValue, wrapped: false)
    }

    /// The accessors of the role's current secret IDs.
    public static func accessors(client: VaultClient, mount: String, role: String) async throws -> [String] {
        do {
            return try await client.request(.list, "auth/\(mount)role/\(role)/secret-id").data?["keys"]?.arrayValue?
                .compactMap(\.stringValue) ?? []
        } catch let error as VaultError where error.isNotFound {
            return []
        }
    }

    /// Destroys a secret ID by its accessor.
    public static func destroy(client: VaultClient, mount: String, role: String, accessor: String) async throws {
        _ = try await client.request(
            .post, "auth/\(mount)role/\(role)/secret-id-accessor/destroy", body: ["secret_id_accessor": .string(accessor)],
            idempotent: true)
    }

    /// A secret ID's lifetime, by accessor.
    public static func status(client: VaultClient, mount: String, role: String, accessor: String, now: Date = Date()) async throws -> SecretIDStatus {
        guard let data = try await client.request(
            .post, "auth/\(mount)role/\(role)/secret-id-accessor/lookup", body: ["secret_id_accessor": .string(accessor)],
            idempotent: true).data
        else {
            // An expired secret ID is still listed until the role is tidied, but its lookup
            // answers with nothing: it has no time left.
            return SecretIDStatus(accessor: accessor, ttl: 0, remaining: 0)
        }
        let ttl = data["secret_id_ttl"]?.intValue ?? 0
        var remaining: Int?
        if ttl > 0, let text = data["expiration_time"]?.stringValue, let expiry = parseTime(text) {
            remaining = max(0, Int(expiry.timeIntervalSince(now)))
        }
        return SecretIDStatus(accessor: accessor, ttl: ttl, remaining: remaining)
    }

    /// RFC 3339 with or without fractional seconds, as the server writes times.
    /// The server writes nanoseconds (`2026-11-29T06:40:01.123456789Z`), which Foundation's
    /// ISO 8601 parser refuses; the fraction is dropped (a second is precise enough here).
    static func parseTime(_ text: String) -> Date? {
        let whole = text.replacingOccurrences(of: #"\.[0-9]+"#, with: "", options: .regularExpression)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: whole)
    }
}

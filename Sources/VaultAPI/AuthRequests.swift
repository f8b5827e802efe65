import Foundation

/// A token the server just issued or renewed (the `auth` member of a login or renew-self
/// response). The token itself is wrapped, so printing a grant never shows it.
public struct TokenGrant: Sendable, Equatable {
    /// The token.
    public var token: VaultToken
    /// The token's accessor: it names the token in audit logs without being able to use it.
    public var accessor: String?
    /// The token's policies, as the server resolved them.
    public var policies: [String]
    /// How long the token lives from now; zero for a token that never expires.
    public var leaseDuration: Duration
    /// Whether `renew-self` can extend it.
    public var renewable: Bool

    /// Creates a grant; fakes in tests build these directly.
    public init(token: VaultToken, accessor: String? = nil, policies: [String] = [], leaseDuration: Duration, renewable: Bool) {
        self.token = token
        self.accessor = accessor
        self.policies = policies
        self.leaseDuration = leaseDuration
        self.renewable = renewable
    }

    init(auth: JSONValue?, method: HTTPMethod, path: String) throws {
        guard let auth, let token = auth["client_token"]?.stringValue, !token.isEmpty else {
            throw VaultError(
                code: .invalidResponse, method: method, path: path, messages: ["the response has no auth.client_token"])
        }
        self.token = VaultToken(token)
        accessor = auth["accessor"]?.stringValue
        policies = auth["policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        leaseDuration = .seconds(auth["lease_duration"]?.intValue ?? 0)
        renewable = auth["renewable"]?.boolValue ?? false
    }
}

/// What `auth/token/lookup-self` says about the token in use, without the token itself (the
/// response's `id` is deliberately not decoded).
public struct TokenDetails: Sendable, Equatable, Decodable {
    /// The name the token was created with (`approle`, `jwt-ci`, `root`, `token`).
    public let displayName: String
    /// The token's policies (`identity_policies` are listed separately by the server and not
    /// merged here).
    public let policies: [String]
    /// Policies granted through the token's identity entity and groups.
    public let identityPolicies: [String]
    /// Seconds left; zero for a token that never expires.
    public let ttl: Int
    /// Whether `renew-self` can extend it.
    public let renewable: Bool
    /// `service` or `batch`.
    public let type: String?
    /// When the token expires, as the server wrote it (RFC 3339), if it expires.
    public let expireTime: String?
    /// The accessor, which names the token in audit logs without being able to use it.
    public let accessor: String?
    /// The path the token was created at (`auth/approle/login`, `auth/token/root`).
    public var path: String = ""
    /// The login's metadata (`role_name` for AppRole, `role` for JWT); string values only.
    public var meta: [String: String] = [:]
    /// The namespace the token belongs to, from the root, without slashes at the ends ("" for
    /// the root namespace, and on a server without namespaces): its policies are there.
    public var namespacePath: String = ""

    private enum CodingKeys: String, CodingKey {
        case policies, ttl, renewable, type, accessor, path, meta
        case namespacePath = "namespace_path"
        case displayName = "display_name"
        case identityPolicies = "identity_policies"
        case expireTime = "expire_time"
    }

    /// Creates details; fakes in tests build these directly.
    public init(
        displayName: String, policies: [String], identityPolicies: [String] = [], ttl: Int, renewable: Bool,
        type: String? = "service", expireTime: String? = nil, accessor: String? = nil
    ) {
        self.displayName = displayName
        self.policies = policies
        self.identityPolicies = identityPolicies
        self.ttl = ttl
        self.renewable = renewable
        self.type = type
        self.expireTime = expireTime
        self.accessor = accessor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? ""
        policies = try container.decodeIfPresent([String].self, forKey: .policies) ?? []
        identityPolicies = try container.decodeIfPresent([String].self, forKey: .identityPolicies) ?? []
        ttl = try container.decodeIfPresent(Int.self, forKey: .ttl) ?? 0
        renewable = try container.decodeIfPresent(Bool.self, forKey: .renewable) ?? false
        type = try container.decodeIfPresent(String.self, forKey: .type)
        expireTime = try container.decodeIfPresent(String.self, forKey: .expireTime)
        accessor = try container.decodeIfPresent(String.self, forKey: .accessor)
        path = (try? container.decodeIfPresent(String.self, forKey: .path)) ?? ""
        let rawMeta = (try? container.decodeIfPresent([String: String?].self, forKey: .meta)) ?? nil
        meta = rawMeta?.compactMapValues { $0 } ?? [:]
        let namespace = (try? container.decodeIfPresent(String.self, forKey: .namespacePath)) ?? nil
        namespacePath = (namespace ?? "").split(separator: "/").joined(separator: "/")
    }

    /// The remaining lifetime, zero for a token that never expires.
    public var timeToLive: Duration { .seconds(ttl) }

    /// One line for `-v` and `vaultform status`: name, policies, TTL.
    public var summary: String {
        let all = policies + identityPolicies.filter { !policies.contains($0) }
        let ttlText = ttl == 0 ? "never expires" : "\(TokenDetails.format(.seconds(ttl))) left\(renewable ? ", renewable" : ", not renewable")"
        return "\(displayName.isEmpty ? "(no display name)" : displayName), policies [\(all.joined(separator: ", "))], \(ttlText)"
    }

    /// A duration the way Vault prints TTLs: `1h2m3s`, `45s`.
    public static func format(_ duration: Duration) -> String {
        var seconds = Int(duration.components.seconds)
        guard seconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }
}

extension VaultClient {
    /// Logs in and returns the new token. Credential files are read now. On failure the
    /// `VaultError` names the login path and the server's reason, with any credential the
    /// server might echo removed from its messages.
    public func logIn(
        _ method: LoginMethod, readFile: @Sendable (String) throws -> String = CredentialSource.readFromDisk
    ) async throws -> TokenGrant {
        let (body, secrets) = try method.body(readFile: readFile)
        let login = self.with(token: nil)
        do {
            let response = try await login.request(.post, method.loginPath, body: body)
            return try TokenGrant(auth: response.json?["auth"], method: .post, path: method.loginPath)
        } catch let error as VaultError {
            throw VaultError(
                code: error.code, method: error.method, path: error.path, namespace: error.namespace,
                status: error.status, messages: error.messages.map(Self.withoutFormattingNoise), address: error.address,
                redacting: secrets)
        }
    }

    /// OpenBao 2.x formats some login errors with a nil Go error (`…on the role: %!w(<nil>)`);
    /// the noise is dropped so the message reads as the server meant it.
    static func withoutFormattingNoise(_ message: String) -> String {
        message.replacingOccurrences(of: ": %!w(<nil>)", with: "").replacingOccurrences(of: "%!w(<nil>)", with: "")
    }

    /// Looks up the token this client holds (`auth/token/lookup-self`).
    public func lookUpSelf() async throws -> TokenDetails {
        let response = try await request(.get, "auth/token/lookup-self")
        do {
            return try (response.data ?? .null).decode(as: TokenDetails.self)
        } catch {
            throw VaultError(
                code: .invalidResponse, method: .get, path: "auth/token/lookup-self", namespace: namespace,
                status: response.status, messages: [VaultError.summary(of: error)])
        }
    }

    /// Renews the token this client holds (`auth/token/renew-self`) and returns its new lease.
    public func renewSelf() async throws -> TokenGrant {
        let response = try await request(.post, "auth/token/renew-self", body: .object([:]))
        return try TokenGrant(auth: response.json?["auth"], method: .post, path: "auth/token/renew-self")
    }

    /// Revokes the token this client holds (`auth/token/revoke-self`), with its children.
    public func revokeSelf() async throws {
        _ = try await request(.post, "auth/token/revoke-self", body: .object([:]))
    }
}

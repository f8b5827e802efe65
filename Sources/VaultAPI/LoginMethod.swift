/// A way to obtain a token by logging in, for runs that hold credentials rather than a token
/// (the seed's services log in with AppRole; CI systems hand out OIDC JWTs). Holding the
/// method, not just the first token, is what lets a long run log in again when its token can
/// no longer be renewed.
public enum LoginMethod: Sendable, Hashable, CustomStringConvertible {
    /// AppRole: a role ID, and a secret ID unless the role is bound by CIDR alone.
    case appRole(AppRoleCredentials)
    /// JWT: a role name and a signed token from the CI system.
    case jwt(JWTCredentials)

    /// The auth method's mount path, without slashes (`approle`).
    public var mount: Sourced<String> {
        switch self {
        case .appRole(let credentials): credentials.mount
        case .jwt(let credentials): credentials.mount
        }
    }

    /// The API path logins are sent to (`auth/approle/login`).
    public var loginPath: String { "auth/\(mount.value)/login" }

    /// The method's name as people know it.
    public var name: String {
        switch self {
        case .appRole: "AppRole"
        case .jwt: "JWT"
        }
    }

    /// Where each part comes from, for `vaultform status` and error messages; never a value.
    public var description: String {
        switch self {
        case .appRole: "AppRole login at \(loginPath) (\(credentialSources))"
        case .jwt(let credentials): "JWT login at \(loginPath) as role \(credentials.role.value) (\(credentialSources))"
        }
    }

    /// Where the credentials come from (`role ID from environment VAULT_ROLE_ID, secret ID
    /// from file /secrets/vault-secret-id (environment VAULT_SECRET_ID_PATH)`).
    public var credentialSources: String {
        switch self {
        case .appRole(let credentials):
            let secret = credentials.secretID.map { "secret ID from \($0)" } ?? "no secret ID"
            return "role ID from \(credentials.roleID), \(secret)"
        case .jwt(let credentials):
            return "JWT from \(credentials.jwt)"
        }
    }

    /// The request body, with the credentials read now (files are re-read at every login),
    /// and the secrets an error message must never repeat.
    func body(readFile: @Sendable (String) throws -> String) throws -> (body: JSONValue, secrets: [String]) {
        switch self {
        case .appRole(let credentials):
            let roleID = try credentials.roleID.read("role ID", using: readFile)
            var body: [String: JSONValue] = ["role_id": .string(roleID.value)]
            var secrets = [roleID.value]
            if let source = credentials.secretID {
                let secretID = try source.read("secret ID", using: readFile)
                body["secret_id"] = .string(secretID.value)
                secrets.append(secretID.value)
            }
            return (.object(body), secrets)
        case .jwt(let credentials):
            let jwt = try credentials.jwt.read("JWT", using: readFile)
            return (.object(["role": .string(credentials.role.value), "jwt": .string(jwt.value)]), [jwt.value])
        }
    }
}

/// AppRole login credentials, as configured (files are read at login time).
public struct AppRoleCredentials: Sendable, Hashable {
    /// The AppRole mount (default `approle`).
    public var mount: Sourced<String>
    /// The role ID.
    public var roleID: CredentialSource
    /// The secret ID; nil for a role with `bind_secret_id = false`.
    public var secretID: CredentialSource?

    /// Creates credentials.
    public init(mount: Sourced<String>, roleID: CredentialSource, secretID: CredentialSource?) {
        self.mount = mount
        self.roleID = roleID
        self.secretID = secretID
    }
}

/// JWT login credentials, as configured.
public struct JWTCredentials: Sendable, Hashable {
    /// The JWT auth mount (default `jwt`).
    public var mount: Sourced<String>
    /// The role to log in as.
    public var role: Sourced<String>
    /// The signed JWT.
    public var jwt: CredentialSource

    /// Creates credentials.
    public init(mount: Sourced<String>, role: Sourced<String>, jwt: CredentialSource) {
        self.mount = mount
        self.role = role
        self.jwt = jwt
    }
}

/// How requests will be authenticated, after the precedence rules: login credentials win over
/// a token, because they are only ever set on purpose while a token may be ambient (a
/// `~/.vault-token` left by an earlier `vault login`).
public enum Authentication: Sendable, Hashable {
    /// No token and no login: only unauthenticated endpoints (health, seal status) work.
    case none
    /// A token given directly.
    case token(Sourced<VaultToken>)
    /// A login to perform at start, and again when the token cannot be renewed.
    case login(LoginMethod)
}

import Foundation
import VaultformPolicy
import VaultPath

/// Who runs the apply, as `auth/token/lookup-self` describes the token: its policies and the
/// login it came from. Never the token itself. The read stage fills it in; the planner uses
/// it to mark the operations that would take the identity's own access away mid-apply.
public struct ApplyingIdentity: Sendable, Equatable, Codable {
    /// Every policy the token carries: its own and those from its identity entity and groups.
    public var policies: [String]
    /// The path the token was created at (`auth/approle/login`, `auth/jwt/login`,
    /// `auth/token/create`, `auth/token/root`).
    public var loginPath: String
    /// The role the token logged in with (`meta.role_name` for AppRole, `meta.role` for JWT),
    /// when the login names one.
    public var roleName: String?
    /// The token's display name (`approle`, `jwt-ci`, `root`), for messages.
    public var displayName: String

    /// An identity.
    public init(policies: [String], loginPath: String = "", roleName: String? = nil, displayName: String = "") {
        self.policies = policies
        self.loginPath = loginPath
        self.roleName = roleName
        self.displayName = displayName
    }

    /// Whether the token carries `policy` (names compare without case, as the server's do).
    public func holds(policy: String) -> Bool {
        policies.contains { $0.lowercased() == policy.lowercased() }
    }

    /// Whether the token logged in through the auth method mounted at `mount` (`approle/`).
    public func loggedIn(through mount: String) -> Bool {
        let mount = MountPath.withSlash(mount)
        return mount != "token/" && MountPath.relative(loginPath, to: "auth/" + mount) != nil
    }
}

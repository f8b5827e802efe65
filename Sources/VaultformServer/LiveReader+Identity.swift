import VaultAPI
import VaultformCore
import VaultPath

extension LiveReader {
    /// Who the token belongs to (`auth/token/lookup-self`): its policies and the login it came
    /// from, never the token. Nil when the token may not look itself up (a token without the
    /// `default` policy gets 403) or the server has no such endpoint: then nothing is marked
    /// as a self-lockout. Any other failure fails the read, as every read's does.
    /// The session's own lookup, when it gave one, is used instead of asking again.
    func readIdentity() async throws -> ApplyingIdentity? {
        if let knownIdentity { return Self.identity(knownIdentity) }
        do {
            return Self.identity(try await client.lookUpSelf())
        } catch let error as VaultError where error.isPermissionDenied || error.isNotFound || error.status == 405 {
            return nil
        }
    }

    static func identity(_ details: TokenDetails) -> ApplyingIdentity {
        let policies = details.policies + details.identityPolicies.filter { !details.policies.contains($0) }
        return ApplyingIdentity(
            policies: policies, loginPath: details.path, roleName: details.meta["role_name"] ?? details.meta["role"],
            displayName: details.displayName)
    }
}

extension LiveReader {
    /// The names the server's identity IDs and auth accessors stand for: one LIST of entities,
    /// one of groups (their `key_info` holds each name) and the auth method table.
    func readServerNames() async throws -> ServerNames {
        async let entities = keyInfo("identity/entity/id")
        async let groups = keyInfo("identity/group/id")
        async let auth = client.request(.get, "sys/auth")
        var names = ServerNames()
        for (id, entry) in try await entities { if let name = entry["name"]?.stringValue { names.entities[id] = name.lowercased() } }
        for (id, entry) in try await groups { if let name = entry["name"]?.stringValue { names.groups[id] = name.lowercased() } }
        for (path, entry) in try objects(try await auth, .get, "sys/auth") {
            if let accessor = entry["accessor"]?.stringValue { names.accessors[accessor] = MountPath.withSlash(path) }
        }
        return names
    }
}

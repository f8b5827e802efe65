import VaultAPI
import VaultformCore

extension LiveReader {
    /// Who the token belongs to (`auth/token/lookup-self`): its policies and the login it came
    /// from, never the token. Nil when the token may not look itself up (a token without the
    /// `default` policy gets 403) or the server has no such endpoint: then nothing is marked
    /// as a self-lockout. Any other failure fails the read, as every read's does.
    func readIdentity() async throws -> ApplyingIdentity? {
        do {
            let details = try await client.lookUpSelf()
            let policies = details.policies + details.identityPolicies.filter { !details.policies.contains($0) }
            return ApplyingIdentity(
                policies: policies, loginPath: details.path, roleName: details.meta["role_name"] ?? details.meta["role"],
                displayName: details.displayName)
        } catch let error as VaultError where error.isPermissionDenied || error.isNotFound || error.status == 405 {
            return nil
        }
    }
}

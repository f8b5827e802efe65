import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
import VaultAPI

/// AppRole logins against the shared dev server, each test on its own AppRole mount: the
/// seed's way (role ID in the environment, secret ID in a file), a role bound to CIDRs that
/// exclude loopback, renewal, revocation, and no credential in any output.
@Suite("AppRole login")
struct AuthAppRoleTests {
    /// A fresh AppRole mount with a policy and roles, made with the root token.
    struct Fixture {
        let server: DevServer
        let mount: String
        let policy: String
        let directory: URL

        init(server: DevServer) async throws {
            self.server = server
            let id = UUID().uuidString.prefix(8).lowercased()
            mount = "approle-\(id)"
            policy = "reader-\(id)"
            directory = server.directory.appendingPathComponent("approle-\(id)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let root = try server.client()
            _ = try await root.request(.post, "sys/auth/\(mount)", body: .object(["type": .string("approle")]))
            _ = try await root.request(
                .put, "sys/policies/acl/\(policy)",
                body: .object(["policy": .string("path \"secret/data/\(id)/*\" { capabilities = [\"read\"] }")]))
        }

        /// Creates a role and returns its role ID and a fresh secret ID.
        func role(_ name: String, fields: [String: JSONValue] = [:]) async throws -> (roleID: String, secretID: String) {
            let root = try server.client()
            var body: [String: JSONValue] = ["token_policies": .array([.string(policy)]), "token_ttl": .string("10m")]
            body.merge(fields) { $1 }
            _ = try await root.request(.post, "auth/\(mount)/role/\(name)", body: .object(body))
            let roleID = try await root.request(.get, "auth/\(mount)/role/\(name)/role-id").data?["role_id"]?.stringValue
            let secretID = try await root.request(.post, "auth/\(mount)/role/\(name)/secret-id", body: .object([:]))
                .data?["secret_id"]?.stringValue
            return (try #require(roleID), try #require(secretID))
        }

        /// Writes a file beside the server and returns its path.
        func file(_ name: String, _ content: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try (content + "\n").write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        /// How many live tokens the role has, by the role name in their metadata.
        func liveTokens(role: String) async throws -> Int {
            let root = try server.client()
            let accessors = try await root.request(.list, "auth/token/accessors").data?["keys"]?.arrayValue ?? []
            var count = 0
            for accessor in accessors.compactMap(\.stringValue) {
                let details = try? await root.request(.post, "auth/token/lookup-accessor", body: .object(["accessor": .string(accessor)]))
                if details?.data?["meta"]?["role_name"]?.stringValue == role,
                    details?.data?["path"]?.stringValue?.hasPrefix("auth/\(mount)/") == true
                {
                    count += 1
                }
            }
            return count
        }
    }

    @Test("login with the role ID from the environment and the secret ID from a file; the token has the role's policies and is revoked at the end")
    func seedStyleLogin() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let (roleID, secretID) = try await fixture.role("control-plane")
        let secretFile = try fixture.file("vault-secret-id", secretID)
        let configuration = try ConnectionConfiguration.resolve(ConnectionInputs(
            flags: .init(address: server.address.absoluteString, appRoleMount: fixture.mount),
            environment: ["VAULT_ROLE_ID": roleID, "VAULT_SECRET_ID_PATH": secretFile]))
        let log = LogCapture()
        let client = try configuration.client(logger: log.logger)
        let lifecycle = TokenLifecycle(
            authority: ServerTokenAuthority(client: client, login: configuration.login), logger: log.logger)

        let details = try #require(try await lifecycle.start(with: nil))
        #expect(details.policies.contains(fixture.policy))
        #expect(details.displayName.hasPrefix("approle"))
        #expect(details.ttl > 500 && details.ttl <= 600)
        #expect(await lifecycle.origin == .login)
        let token = try await lifecycle.token()
        #expect(try await client.with(token: token.value).lookUpSelf().policies.contains(fixture.policy))

        #expect(await lifecycle.finish())
        let revoked = try await #require(throws: VaultError.self) { try await client.with(token: token.value).lookUpSelf() }
        #expect(revoked.isPermissionDenied)
        for secret in [secretID, roleID, token.value] {
            #expect(!log.text.contains(secret), "a credential reached the log")
        }
        #expect(log.text.contains("token: approle"))
    }

    @Test("a role whose secret_id_bound_cidrs exclude loopback: refused, the message names the login path")
    func cidrBound() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let (roleID, secretID) = try await fixture.role(
            "remote-only", fields: ["secret_id_bound_cidrs": .array([.string("10.99.0.0/16")])])
        let login = LoginMethod.appRole(AppRoleCredentials(
            mount: Sourced(fixture.mount, from: .flag("--approle-mount")),
            roleID: .value(SecretText(roleID), .environment("VAULT_ROLE_ID")),
            secretID: .value(SecretText(secretID), .environment("VAULT_SECRET_ID"))))
        let client = try server.client().with(token: nil)
        let error = try await #require(throws: VaultError.self) { try await client.logIn(login) }
        #expect(error.description.hasPrefix("POST auth/\(fixture.mount)/login: HTTP 400: "), "\(error)")
        #expect(error.description.contains("127.0.0.1"))
        #expect(error.description.contains("CIDR"))
        #expect(!error.description.contains("%!w"))
        #expect(!error.description.contains(secretID) && !error.description.contains(roleID))

        // The command line says which credentials it used, and never shows them.
        let secretFile = try fixture.file("remote-secret-id", secretID)
        let run = try await StatusCommandTests.run(
            ["status", "--address", server.address.absoluteString, "--approle-mount", fixture.mount],
            environment: ["VAULT_ROLE_ID": roleID, "VAULT_SECRET_ID_PATH": secretFile])
        #expect(run.code == 1)
        #expect(run.error.contains("error: AppRole login failed (role ID from environment VAULT_ROLE_ID, secret ID from file \(secretFile) (environment VAULT_SECRET_ID_PATH)): POST auth/\(fixture.mount)/login: HTTP 400"))
        #expect(!run.all.contains(secretID) && !run.all.contains(roleID))
    }

    @Test("a wrong secret ID: refused with the server's reason")
    func wrongSecret() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let (roleID, _) = try await fixture.role("ci")
        let wrong = UUID().uuidString.lowercased()
        let login = LoginMethod.appRole(AppRoleCredentials(
            mount: Sourced(fixture.mount, from: .flag("--approle-mount")),
            roleID: .value(SecretText(roleID), .environment("VAULT_ROLE_ID")),
            secretID: .value(SecretText(wrong), .environment("VAULT_SECRET_ID"))))
        let error = try await #require(throws: VaultError.self) { try await server.client().logIn(login) }
        #expect(error.path == "auth/\(fixture.mount)/login")
        #expect(error.status == 400)
        #expect(!error.description.contains(wrong))
    }

    @Test("against the real server: renewed at 75% of a short TTL, then a new login once the max TTL stops renewals")
    func renewalAndRelogin() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let (roleID, secretID) = try await fixture.role(
            "short", fields: ["token_ttl": .string("20s"), "token_max_ttl": .string("40s")])
        let login = LoginMethod.appRole(AppRoleCredentials(
            mount: Sourced(fixture.mount, from: .flag("--approle-mount")),
            roleID: .value(SecretText(roleID), .environment("VAULT_ROLE_ID")),
            secretID: .value(SecretText(secretID), .environment("VAULT_SECRET_ID"))))
        let client = try VaultClient(address: server.address)
        let authority = RecordingAuthority(ServerTokenAuthority(client: client, login: login))
        let lifecycle = TokenLifecycle(authority: authority, logger: LogCapture().logger)
        try await lifecycle.start(with: nil)
        let first = try await lifecycle.token()

        // The exact order (renew at 75%, then log in again) is proven with an injected clock in
        // TokenScheduleTests; here, on a machine whose sleeps can overshoot under load, the real
        // server must only ever hand out a working token and end with a fresh login. The TTLs
        // are long enough that a loaded CI machine's late wake-ups stay inside them.
        // (10 s and 20 s let the token expire once on CI beside builds: now 20 s and 40 s.)
        try await Task.sleep(for: .seconds(16))
        let second = try await lifecycle.token()
        #expect(["renew", "login"].contains(authority.calls.dropFirst(2).first ?? ""), "\(authority.calls)")
        #expect(try await client.with(token: second.value).lookUpSelf().policies.contains(fixture.policy))

        var current = first
        let clock = ContinuousClock(), end = clock.now + .seconds(60)
        while current == first, clock.now < end {
            try await Task.sleep(for: .milliseconds(200))
            current = try await lifecycle.token()
        }
        #expect(current != first, "no new login before the max TTL")
        #expect(authority.calls.filter { $0 == "login" }.count >= 2, "\(authority.calls)")
        #expect(authority.calls.contains("revoke"), "\(authority.calls)")
        await #expect(throws: VaultError.self) { try await client.with(token: first.value).lookUpSelf() }
        #expect(try await client.with(token: current.value).lookUpSelf().policies.contains(fixture.policy))
        #expect(await lifecycle.finish())
    }

    @Test("vaultform status logs in, shows the policies, revokes the token (or keeps it when asked); no credential printed")
    func statusEndToEnd() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let role = "admin-\(UUID().uuidString.prefix(6).lowercased())"
        let (roleID, secretID) = try await fixture.role(role)
        let roleFile = try fixture.file("role-id", roleID)
        let secretFile = try fixture.file("secret-id", secretID)
        let arguments = [
            "status", "--address", server.address.absoluteString, "--approle-mount", fixture.mount,
            "--approle-role-id-file", roleFile, "--approle-secret-id-file", secretFile, "-v",
        ]
        let run = try await StatusCommandTests.run(arguments, environment: ["VAULT_TOKEN": server.rootToken])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("login:             AppRole login at auth/\(fixture.mount)/login (role ID from file \(roleFile) (flag --approle-role-id-file), secret ID from file \(secretFile) (flag --approle-secret-id-file))"))
        #expect(run.output.contains("token:             set (from environment VAULT_TOKEN) but not used: login wins"))
        #expect(run.output.contains("policies:          default, \(fixture.policy)"))
        #expect(run.output.contains("obtained by:       AppRole login at auth/\(fixture.mount)/login, revoked again"))
        #expect(run.error.contains("POST auth/\(fixture.mount)/login → 200"), "-v shows the requests")
        #expect(try await fixture.liveTokens(role: role) == 0)

        let kept = try await StatusCommandTests.run(arguments + ["--keep-login-token"])
        #expect(kept.code == 0, "\(kept.error)")
        #expect(kept.output.contains("kept (--keep-login-token)"))
        #expect(try await fixture.liveTokens(role: role) == 1)
        for output in [run.all, kept.all] {
            for secret in [secretID, roleID, server.rootToken] { #expect(!output.contains(secret), "a credential was printed") }
        }
    }
}

/// A token authority that records which calls it passed on.
final class RecordingAuthority: TokenAuthority {
    private let inner: any TokenAuthority
    private let log = Mutex<[String]>([])
    init(_ inner: any TokenAuthority) { self.inner = inner }

    var calls: [String] { log.withLock { $0 } }
    var canLogIn: Bool { inner.canLogIn }
    private func note(_ call: String) { log.withLock { $0.append(call) } }

    func lookUp(_ token: VaultToken) async throws -> TokenDetails {
        note("lookup")
        return try await inner.lookUp(token)
    }
    func renew(_ token: VaultToken) async throws -> TokenGrant {
        note("renew")
        return try await inner.renew(token)
    }
    func logIn() async throws -> TokenGrant {
        note("login")
        return try await inner.logIn()
    }
    func revoke(_ token: VaultToken) async throws {
        note("revoke")
        try await inner.revoke(token)
    }
}


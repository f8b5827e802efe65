import Foundation
import Testing
import VaultAPI

/// Which login the settings ask for, where its credentials come from, and that none of them
/// is ever shown.
@Suite("Connection settings: login credentials")
struct ConnectionLoginTests {
    static func resolve(
        flags: ConnectionInputs.Flags = .init(), environment: [String: String] = [:], tokenFile: String? = nil
    ) throws -> ConnectionConfiguration {
        try ConnectionConfiguration.resolve(
            ConnectionInputs(flags: flags, environment: environment, tokenFile: { tokenFile }))
    }

    static func problems(flags: ConnectionInputs.Flags = .init(), environment: [String: String] = [:]) -> [String] {
        do {
            _ = try ConnectionConfiguration.resolve(ConnectionInputs(flags: flags, environment: environment))
            return []
        } catch {
            return error.problems
        }
    }

    @Test("the seed's services: VAULT_ROLE_ID and VAULT_SECRET_ID_PATH")
    func seedAppRole() throws {
        let configuration = try Self.resolve(environment: [
            "VAULT_ADDR": "https://10.0.0.5:8200", "VAULT_ROLE_ID": "role-1234",
            "VAULT_SECRET_ID_PATH": "/secrets/vault-secret-id",
        ])
        let expected = LoginMethod.appRole(AppRoleCredentials(
            mount: Sourced("approle", from: .default),
            roleID: .value(SecretText("role-1234"), .environment("VAULT_ROLE_ID")),
            secretID: .file(path: "/secrets/vault-secret-id", .environment("VAULT_SECRET_ID_PATH"))))
        #expect(configuration.login == expected)
        #expect(configuration.authentication == .login(expected))
        #expect(expected.loginPath == "auth/approle/login")
        #expect(expected.description == "AppRole login at auth/approle/login (role ID from environment VAULT_ROLE_ID, secret ID from file /secrets/vault-secret-id (environment VAULT_SECRET_ID_PATH))")
        #expect(!"\(configuration)".contains("role-1234"))
    }

    @Test("flags name files and win over the environment; _FILE works like _PATH")
    func appRoleFlags() throws {
        let configuration = try Self.resolve(
            flags: .init(appRoleSecretIDFile: "/run/secret-id", appRoleMount: "/approle-ci/"),
            environment: ["VAULT_ROLE_ID_FILE": "/run/role-id", "VAULT_SECRET_ID": "inline-secret"])
        guard case .appRole(let credentials) = configuration.login else {
            Issue.record("expected an AppRole login")
            return
        }
        #expect(credentials.mount == Sourced("approle-ci", from: .flag("--approle-mount")))
        #expect(credentials.roleID == .file(path: "/run/role-id", .environment("VAULT_ROLE_ID_FILE")))
        #expect(credentials.secretID == .file(path: "/run/secret-id", .flag("--approle-secret-id-file")))
    }

    @Test("a role ID alone is a login (roles with bind_secret_id = false)")
    func roleIDOnly() throws {
        let configuration = try Self.resolve(environment: ["VAULT_ROLE_ID": "r"])
        guard case .appRole(let credentials) = configuration.login else {
            Issue.record("expected an AppRole login")
            return
        }
        #expect(credentials.secretID == nil)
    }

    @Test("a secret ID without a role ID is an error naming what to set")
    func secretWithoutRole() {
        #expect(Self.problems(environment: ["VAULT_SECRET_ID_PATH": "/s"]) == [
            "a secret ID is set (environment VAULT_SECRET_ID_PATH) but no role ID: set VAULT_ROLE_ID, VAULT_ROLE_ID_PATH or --approle-role-id-file"
        ])
    }

    @Test("JWT login: role flag, JWT from VAULT_JWT or --jwt-file")
    func jwt() throws {
        let fromEnvironment = try Self.resolve(flags: .init(jwtRole: "ci"), environment: ["VAULT_JWT": "eyJ.x.y"])
        #expect(fromEnvironment.login == .jwt(JWTCredentials(
            mount: Sourced("jwt", from: .default), role: Sourced("ci", from: .flag("--jwt-role")),
            jwt: .value(SecretText("eyJ.x.y"), .environment("VAULT_JWT")))))
        #expect(fromEnvironment.login?.description == "JWT login at auth/jwt/login as role ci (JWT from environment VAULT_JWT)")
        let fromFile = try Self.resolve(
            flags: .init(jwtRole: "ci", jwtFile: "/ci/id-token", jwtMount: "gitlab"), environment: ["VAULT_JWT": "eyJ.x.y"])
        #expect(fromFile.login?.loginPath == "auth/gitlab/login")
        #expect(Self.problems(flags: .init(jwtRole: "ci")) == ["--jwt-role needs a JWT: set VAULT_JWT or pass --jwt-file"])
        #expect(Self.problems(flags: .init(jwtFile: "/t")) == ["--jwt-file needs --jwt-role, the role to log in as"])
        let ambient = try Self.resolve(environment: ["VAULT_JWT": "eyJ.x.y"])
        #expect(ambient.login == nil)
        #expect(ambient.warnings.contains { $0.contains("VAULT_JWT is set but --jwt-role is not") })
    }

    @Test("two logins: flags choose, and two from flags are an error")
    func twoLogins() throws {
        let configuration = try Self.resolve(
            flags: .init(jwtRole: "ci"), environment: ["VAULT_JWT": "j", "VAULT_ROLE_ID": "r"])
        #expect(configuration.login?.name == "JWT")
        #expect(configuration.warnings.contains { $0.contains("AppRole credentials in the environment are not used") })
        let both = Self.problems(
            flags: .init(appRoleRoleIDFile: "/r", jwtRole: "ci"), environment: ["VAULT_JWT": "j"])
        #expect(both.count == 1)
        #expect(both.first?.hasPrefix("both an AppRole login") == true)
    }

    @Test("a login wins over a token, which is then reported as unused")
    func loginOverToken() throws {
        let configuration = try Self.resolve(environment: ["VAULT_ROLE_ID": "r", "VAULT_TOKEN": "hvs.ambient"])
        #expect(configuration.token?.source == .environment("VAULT_TOKEN"))
        guard case .login = configuration.authentication else {
            Issue.record("expected the login to win")
            return
        }
        #expect(configuration.warnings == ["the token from environment VAULT_TOKEN is not used: a login is configured"])
        let summary = configuration.summary.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        #expect(summary.contains("token: set (from environment VAULT_TOKEN) but not used: login wins"))
        #expect(!summary.contains("hvs.ambient"))
    }

    @Test("credential files: read fresh, trimmed; a missing or empty file names the file, never the content")
    func credentialFiles() throws {
        let source = CredentialSource.file(path: "/secrets/vault-secret-id", .environment("VAULT_SECRET_ID_PATH"))
        let secret = try source.read("secret ID", using: { _ in "  s3cr3t-value\n" })
        #expect(secret.value == "s3cr3t-value")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!"\(source)".contains("s3cr3t"))

        let empty = #expect(throws: ConnectionSettingsError.self) { try source.read("secret ID", using: { _ in "\n" }) }
        #expect(empty?.description == "the secret ID file /secrets/vault-secret-id (environment VAULT_SECRET_ID_PATH) is empty")
        let missing = CredentialSource.file(path: "/nonexistent/\(UUID().uuidString)", .flag("--approle-secret-id-file"))
        let error = #expect(throws: ConnectionSettingsError.self) { try missing.read("secret ID") }
        #expect(error?.description.contains("cannot read the secret ID from /nonexistent/") == true)
        #expect(error?.description.hasSuffix("(flag --approle-secret-id-file): no such file") == true)
    }

    @Test("a dump of the whole configuration shows no credential")
    func noSecretsInDumps() throws {
        let configuration = try Self.resolve(
            flags: .init(jwtRole: "ci"),
            environment: ["VAULT_JWT": "eyJhbGciOi.secret-jwt.sig", "VAULT_TOKEN": "hvs.secret-token"])
        var dump = ""
        Swift.dump(configuration, to: &dump)
        let text = dump + "\(configuration)" + String(reflecting: configuration)
        #expect(!text.contains("secret-jwt"))
        #expect(!text.contains("secret-token"))
    }
}

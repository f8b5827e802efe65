import Foundation
import Testing
import TestSupport
import VaultAPI

/// JWT logins, as CI systems that issue OIDC tokens make them: a JWT auth method on the shared
/// dev server (its own mount per test) trusts a public key made in the test, and the test signs
/// its JWTs with the private key through `openssl dgst`.
@Suite("JWT login")
struct AuthJWTTests {
    /// An RSA key pair and a JWT auth mount that trusts its public key.
    struct Fixture {
        let server: DevServer
        let mount: String
        let policy: String
        let privateKey: String
        let audience = "vaultform-tests"

        init(server: DevServer) async throws {
            self.server = server
            let id = UUID().uuidString.prefix(8).lowercased()
            mount = "jwt-\(id)"
            policy = "ci-\(id)"
            let directory = server.directory.appendingPathComponent(mount, isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            privateKey = directory.appendingPathComponent("signing.pem").path
            try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privateKey])
            let publicKey = String(decoding: try await OpenSSL.run(["pkey", "-in", privateKey, "-pubout"]), as: UTF8.self)

            let root = try server.client()
            _ = try await root.request(.post, "sys/auth/\(mount)", body: .object(["type": .string("jwt")]))
            _ = try await root.request(
                .post, "auth/\(mount)/config", body: .object(["jwt_validation_pubkeys": .array([.string(publicKey)])]))
            _ = try await root.request(
                .put, "sys/policies/acl/\(policy)",
                body: .object(["policy": .string("path \"secret/data/ci/*\" { capabilities = [\"read\"] }")]))
            _ = try await root.request(
                .post, "auth/\(mount)/role/ci",
                body: .object([
                    "role_type": .string("jwt"), "bound_audiences": .array([.string(audience)]),
                    "user_claim": .string("sub"), "token_policies": .array([.string(policy)]),
                    "token_ttl": .string("10m"),
                ]))
        }

        /// A JWT signed with the fixture's key, RS256.
        func jwt(audience: String? = nil, subject: String = "ci-job-42", lifetime: TimeInterval = 300) async throws -> String {
            let now = Int(Date().timeIntervalSince1970)
            let claims: [String: Any] = [
                "iss": "https://ci.example", "sub": subject, "aud": audience ?? self.audience,
                "iat": now, "nbf": now - 5, "exp": now + Int(lifetime),
            ]
            let header = try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT"], options: .sortedKeys)
            let payload = try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys)
            let signingInput = Self.base64URL(header) + "." + Self.base64URL(payload)
            let signature = try await OpenSSL.run(["dgst", "-sha256", "-sign", privateKey], input: Data(signingInput.utf8))
            return signingInput + "." + Self.base64URL(signature)
        }

        static func base64URL(_ data: Data) -> String {
            data.base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        func login(_ jwt: String, role: String = "ci") -> LoginMethod {
            .jwt(JWTCredentials(
                mount: Sourced(mount, from: .flag("--jwt-mount")), role: Sourced(role, from: .flag("--jwt-role")),
                jwt: .value(SecretText(jwt), .environment("VAULT_JWT"))))
        }
    }

    @Test("a JWT signed with the trusted key logs in; the token has the role's policies")
    func login() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let jwt = try await fixture.jwt()
        let log = LogCapture()
        let client = try VaultClient(address: server.address, logger: log.logger)

        let grant = try await client.logIn(fixture.login(jwt))
        #expect(grant.policies.contains(fixture.policy))
        #expect(grant.leaseDuration == .seconds(600))
        #expect(grant.renewable)
        let details = try await client.with(token: grant.token.value).lookUpSelf()
        #expect(details.policies.contains(fixture.policy))
        #expect(details.displayName.hasPrefix(fixture.mount) || details.displayName.contains("ci-job-42"))
        #expect("\(grant)".contains("<redacted token>") && !"\(grant)".contains(grant.token.value))

        // Renewal works on a login token, then revocation.
        let renewed = try await client.with(token: grant.token.value).renewSelf()
        #expect(renewed.leaseDuration > .zero)
        try await client.with(token: grant.token.value).revokeSelf()
        await #expect(throws: VaultError.self) { try await client.with(token: grant.token.value).lookUpSelf() }
        #expect(!log.text.contains(jwt) && !log.text.contains(grant.token.value))
    }

    @Test("a JWT for another audience, or signed by another key: refused, naming the login path, never echoing the JWT")
    func refused() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let client = try VaultClient(address: server.address)

        let wrongAudience = try await fixture.jwt(audience: "someone-else")
        let error = try await #require(throws: VaultError.self) { try await client.logIn(fixture.login(wrongAudience)) }
        #expect(error.description.hasPrefix("POST auth/\(fixture.mount)/login: HTTP 400: "), "\(error)")
        #expect(error.description.contains("aud"))
        #expect(!error.description.contains(wrongAudience))

        let stranger = try await Fixture(server: server)
        let foreign = try await stranger.jwt()
        let unsigned = try await #require(throws: VaultError.self) { try await client.logIn(fixture.login(foreign)) }
        #expect(unsigned.path == "auth/\(fixture.mount)/login")
        #expect(!unsigned.description.contains(foreign))
    }

    @Test("vaultform status with --jwt-role and --jwt-file: logged in, policies shown, token revoked, JWT never printed")
    func statusEndToEnd() async throws {
        let server = try await DevServer.shared()
        let fixture = try await Fixture(server: server)
        let jwt = try await fixture.jwt()
        let file = server.directory.appendingPathComponent("\(fixture.mount)/id-token").path
        try jwt.write(toFile: file, atomically: true, encoding: .utf8)

        let run = try await StatusCommandTests.run([
            "status", "--address", server.address.absoluteString, "--jwt-mount", fixture.mount, "--jwt-role", "ci",
            "--jwt-file", file, "-v",
        ])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("login:             JWT login at auth/\(fixture.mount)/login as role ci (JWT from file \(file) (flag --jwt-file))"))
        let policies = run.output.split(separator: "\n").first { $0.hasPrefix("  policies:") } ?? ""
        #expect(policies.contains(fixture.policy) && policies.contains("default"), "\(policies)")
        #expect(run.output.contains("obtained by:       JWT login at auth/\(fixture.mount)/login, revoked again"))
        #expect(run.error.contains("token: "), "-v reports the token's policies and TTL")

        let fromEnvironment = try await StatusCommandTests.run(
            ["status", "--address", server.address.absoluteString, "--jwt-mount", fixture.mount, "--jwt-role", "ci"],
            environment: ["VAULT_JWT": jwt])
        #expect(fromEnvironment.code == 0, "\(fromEnvironment.error)")
        #expect(fromEnvironment.output.contains("(JWT from environment VAULT_JWT)"))

        let expired = try await fixture.jwt(lifetime: -120)
        let refused = try await StatusCommandTests.run(
            ["status", "--address", server.address.absoluteString, "--jwt-mount", fixture.mount, "--jwt-role", "ci"],
            environment: ["VAULT_JWT": expired])
        #expect(refused.code == 1)
        #expect(refused.error.contains("error: JWT login failed (JWT from environment VAULT_JWT): POST auth/\(fixture.mount)/login: HTTP 400"))
        for output in [run.all, fromEnvironment.all, refused.all] {
            #expect(!output.contains(jwt) && !output.contains(expired), "a JWT was printed")
            // Not even one of its three parts.
            for part in (jwt.split(separator: ".") + expired.split(separator: ".")) where part.count > 20 {
                #expect(!output.contains(part))
            }
        }
    }
}

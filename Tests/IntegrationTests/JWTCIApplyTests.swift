import Foundation
import Testing
import TestSupport

/// The CI story end to end, as GitHub Actions or GitLab run it: an admin (the root token here)
/// applies, with vaultform, a manifest that declares a JWT auth method, its config trusting
/// the CI system's key and the CI role; then the pipeline, holding only a JWT signed by that
/// key, logs in through vaultform's own `--jwt-role` login and applies its manifest.
@Suite("JWT login for CI: the auth vaultform declared lets a pipeline apply")
struct JWTCIApplyTests {
    @Test("root applies the JWT method, config and role; a signed JWT then logs in with --jwt-role and applies")
    func pipelineApplies() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-jwt-ci")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("ci-jwt"), app = PlanExactnessTests.unique("ci-app")
        let privateKey = directory.appendingPathComponent("signing.pem").path
        try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privateKey])
        let publicKey = String(decoding: try await OpenSSL.run(["pkey", "-in", privateKey, "-pubout"]), as: UTF8.self)

        let adminDirectory = directory.appendingPathComponent("admin", isDirectory: true)
        try FileManager.default.createDirectory(at: adminDirectory, withIntermediateDirectories: true)
        let admin = try SecretSchemaTests.write("""
            auth_methods:
              - { path: \(mount), type: jwt }
            jwt_configs:
              - mount: \(mount)
                bound_issuer: https://ci.example
                jwt_validation_pubkeys:
            \(JWTAuthKindTests.yamlKey(publicKey.trimmingCharacters(in: .whitespacesAndNewlines), indent: 6))
            policies:
              - name: \(mount)-deployer
                hcl: |
                  path "sys/policies/acl/\(app)*" { capabilities = ["create", "read", "update", "delete", "list"] }
                  path "sys/policies/acl" { capabilities = ["list"] }
                  path "vaultform-lock/*" { capabilities = ["create", "read", "update", "delete", "list"] }
            jwt_roles:
              - name: deployer
                mount: \(mount)
                role_type: jwt
                user_claim: sub
                bound_audiences: [vault]
                bound_claims: { ref: refs/heads/main, repository: org/infra }
                token_policies: [\(mount)-deployer]
                token_ttl: 10m
            """, in: adminDirectory)
        let bootstrap = try await server.vaultform(["apply", admin, "--auto-approve"])
        #expect(bootstrap.code == 0, "\(bootstrap.all)")

        let pipelineDirectory = directory.appendingPathComponent("pipeline", isDirectory: true)
        try FileManager.default.createDirectory(at: pipelineDirectory, withIntermediateDirectories: true)
        let pipeline = try SecretSchemaTests.write("""
            policies:
              - name: \(app)-reader
                hcl: |
                  path "secret/data/app/*" { capabilities = ["read"] }
            """, in: pipelineDirectory)
        let jwt = try await Self.jwt(
            ["iss": "https://ci.example", "sub": "repo:org/infra:ref:refs/heads/main", "aud": "vault",
             "ref": "refs/heads/main", "repository": "org/infra"], key: privateKey)
        let token = directory.appendingPathComponent("id-token").path
        try jwt.write(toFile: token, atomically: true, encoding: .utf8)
        let login = ["--address", server.address.absoluteString, "--jwt-mount", mount, "--jwt-role", "deployer", "--jwt-file", token]

        let applied = try await StatusCommandTests.run(["apply", pipeline, "--auto-approve"] + login)
        #expect(applied.code == 0, "\(applied.all)")
        let policy = try await BaoCommand(server: server).run(["policy", "read", "\(app)-reader"])
        #expect(policy.contains("secret/data/app/*"))
        let again = try await StatusCommandTests.run(["plan", pipeline, "--detailed-exitcode"] + login)
        #expect(again.code == 0, "\(again.all)")

        // A JWT from another branch matches no bound claim: refused, and nothing applied.
        let branch = try await Self.jwt(
            ["iss": "https://ci.example", "sub": "repo:org/infra:ref:refs/heads/dev", "aud": "vault",
             "ref": "refs/heads/dev", "repository": "org/infra"], key: privateKey)
        try branch.write(toFile: token, atomically: true, encoding: .utf8)
        let refused = try await StatusCommandTests.run(["apply", pipeline, "--auto-approve"] + login)
        #expect(refused.code != 0 && refused.error.contains("claim \"ref\" does not match"), "\(refused.all)")
        for output in [applied.all, again.all, refused.all] {
            for part in (jwt.split(separator: ".") + branch.split(separator: ".")) where part.count > 20 {
                #expect(!output.contains(part), "a JWT was printed")
            }
        }
    }

    /// A JWT of `claims` (with fresh times) signed RS256 by `key`.
    static func jwt(_ claims: [String: Any], key: String) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let all = claims.merging(["iat": now, "nbf": now - 5, "exp": now + 300]) { $1 }
        let header = try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT"], options: .sortedKeys)
        let payload = try JSONSerialization.data(withJSONObject: all, options: .sortedKeys)
        let input = AuthJWTTests.Fixture.base64URL(header) + "." + AuthJWTTests.Fixture.base64URL(payload)
        let signature = try await OpenSSL.run(["dgst", "-sha256", "-sign", key], input: Data(input.utf8))
        return input + "." + AuthJWTTests.Fixture.base64URL(signature)
    }
}

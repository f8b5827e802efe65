import Foundation
import Testing
import TestSupport
import VaultAPI

/// The OIDC client secret of a JWT/OIDC config: write-only, from its source. The server
/// checks an OIDC discovery URL on every config write, so a loopback stand-in for the
/// provider answers the discovery document (nothing leaves the machine).
@Suite("OIDC client secret against a dev server")
struct JWTClientSecretTests {
    /// A stand-in OIDC provider: its discovery document names itself as issuer, from the
    /// Host header the server sent.
    static func provider() throws -> LoopbackHTTPResponder {
        try LoopbackHTTPResponder(name: "oidc-provider") { request in
            let base = "http://\(request.headers["host"] ?? "127.0.0.1")"
            let body: [String: Any]
            if request.target.hasSuffix("/.well-known/openid-configuration") {
                body = [
                    "issuer": base, "jwks_uri": base + "/keys", "authorization_endpoint": base + "/authorize",
                    "token_endpoint": base + "/token", "response_types_supported": ["code"],
                    "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                ]
            } else {
                body = ["keys": [Any]()]
            }
            let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
            return .init(status: 200, reason: "OK", headers: [("Content-Type", "application/json")], body: data)
        }
    }

    @Test("oidc_client_secret: written with the config, rewritten when its source changes, sent with every update; never shown")
    func clientSecretFollowsItsSource() async throws {
        let server = try await DevServer.shared()
        let provider = try Self.provider()
        defer { provider.close() }
        let directory = try scratchDirectory("vf-oidc-secret")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("oidc")
        func manifest(role: String) throws -> String {
            try SecretSchemaTests.write("""
                auth_methods: [{ path: \(mount), type: oidc }]
                jwt_configs:
                  - mount: \(mount)
                    oidc_discovery_url: http://127.0.0.1:\(provider.port)
                    oidc_client_id: vaultform-test
                    oidc_client_secret: { from_env: OIDC_CLIENT_SECRET }
                    default_role: \(role)
                """, in: directory)
        }
        let first = ["OIDC_CLIENT_SECRET": "canary-oidc-\(UUID().uuidString)-one"]
        let second = ["OIDC_CLIENT_SECRET": "canary-oidc-\(UUID().uuidString)-two"]
        let client = try server.client()
        let record = "vaultform-lock/data/write-only/jwt-config/\(mount)"
        func recorded() async throws -> String? {
            try await client.request(.get, record).data?["data"]?["oidc_client_secret"]?.stringValue
        }

        let created = try await server.vaultform(["apply", try manifest(role: "a"), "--auto-approve"], environment: first)
        #expect(created.code == 0, "\(created.all)")
        let afterCreate = try await recorded()
        #expect(afterCreate?.hasPrefix("hmac:") == true)
        #expect(try await server.vaultform(["plan", try manifest(role: "a"), "--detailed-exitcode"], environment: first).code == 0)

        // Another field: the whole config is written, the secret with it (same fingerprint).
        let updated = try await server.vaultform(["apply", try manifest(role: "b"), "--auto-approve"], environment: first)
        #expect(updated.code == 0, "\(updated.all)")
        #expect(try await recorded() == afterCreate)

        // The source changes: that field alone, then applied and recorded anew.
        let plan = try await server.vaultform(["plan", try manifest(role: "b"), "--format", "json"], environment: second)
        #expect(try BothWays.changed(plan.output) == ["jwt-config:\(mount)/ oidc_client_secret"], "\(plan.output)")
        let rewritten = try await server.vaultform(["apply", try manifest(role: "b"), "--auto-approve"], environment: second)
        #expect(rewritten.code == 0, "\(rewritten.all)")
        #expect(try await recorded() != afterCreate)
        #expect(try await server.vaultform(["plan", try manifest(role: "b"), "--detailed-exitcode"], environment: second).code == 0)

        // Without the source an update of the config is refused: it would clear the secret.
        let blocked = try await server.vaultform(["apply", try manifest(role: "c"), "--auto-approve"])
        #expect(blocked.code != 0 && blocked.all.contains("which would clear it: OIDC_CLIENT_SECRET is not set"), "\(blocked.all)")
        for run in [created, updated, plan, rewritten, blocked] {
            #expect(!run.all.contains(first["OIDC_CLIENT_SECRET"] ?? "-") && !run.all.contains(second["OIDC_CLIENT_SECRET"] ?? "-"))
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// A Kubernetes login end to end, with no cluster: vaultform applies a manifest that declares
/// the kubernetes auth method, its config and a role; a loopback responder in the test stands
/// in for the Kubernetes API (it answers `POST /apis/authentication.k8s.io/v1/tokenreviews`
/// as the API server does for a live service account); a service-account-shaped JWT, signed
/// with a key the config's `pem_keys` trusts, logs in and gets the role's policies.
@Suite("Kubernetes login against a dev server")
struct KubernetesLoginTests {
    /// The service account the stand-in API vouches for.
    static let namespace = "payments", account = "app", uid = "2f3c0e55-6a2b-4c1e-9d7a-0b5e4c3d2a10"

    /// The Kubernetes API's TokenReview endpoint, as far as the auth method uses it: a review
    /// of any token it is sent authenticates the service account above. Other requests get 404.
    static func tokenReviewAPI() throws -> LoopbackHTTPResponder {
        try LoopbackHTTPResponder(name: "kubernetes-api") { request in
            guard request.method == "POST", request.target == "/apis/authentication.k8s.io/v1/tokenreviews",
                  let review = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                  let spec = review["spec"] as? [String: Any], spec["token"] is String
            else { return .init(status: 404, reason: "Not Found") }
            let answer: [String: Any] = [
                "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                "spec": spec,
                "status": [
                    "authenticated": true,
                    "user": ["username": "system:serviceaccount:\(namespace):\(account)", "uid": uid],
                    "audiences": spec["audiences"] ?? [],
                ],
            ]
            let body = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data()
            return .init(status: 201, reason: "Created", headers: [("Content-Type", "application/json")], body: body)
        }
    }

    /// A service account's JWT as Kubernetes issues one (the legacy secret-based claims),
    /// RS256-signed with `key`.
    static func serviceAccountJWT(name: String, key: String) async throws -> String {
        let claims: [String: Any] = [
            "iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:\(namespace):\(name)",
            "kubernetes.io/serviceaccount/namespace": namespace,
            "kubernetes.io/serviceaccount/service-account.name": name,
            "kubernetes.io/serviceaccount/service-account.uid": uid,
            "kubernetes.io/serviceaccount/secret.name": "\(name)-token",
        ]
        let header = try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT"], options: .sortedKeys)
        let payload = try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys)
        let signingInput = AuthJWTTests.Fixture.base64URL(header) + "." + AuthJWTTests.Fixture.base64URL(payload)
        let signature = try await OpenSSL.run(["dgst", "-sha256", "-sign", key], input: Data(signingInput.utf8))
        return signingInput + "." + AuthJWTTests.Fixture.base64URL(signature)
    }

    @Test("a manifest's mount, config and role let a service account log in with the role's policies; another account is refused")
    func login() async throws {
        let server = try await DevServer.shared()
        let material = try await KubernetesConfigTests.Material()
        defer { material.pki.remove() }
        let api = try Self.tokenReviewAPI()
        defer { api.close() }
        let directory = try scratchDirectory("vf-k8s-login")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: material.pki.caCertificate, toPath: directory.appendingPathComponent("ca.pem").path)
        try FileManager.default.copyItem(atPath: material.publicKey, toPath: directory.appendingPathComponent("sa.pub").path)
        let mount = PlanExactnessTests.unique("k8sl"), policy = PlanExactnessTests.unique("payments-read")
        let key = try material.text(material.publicKey).trimmingCharacters(in: .newlines)
        let manifest = try SecretSchemaTests.write("""
            policies:
              - { name: \(policy), hcl: 'path "secret/data/payments/*" { capabilities = ["read"] }' }
            auth_methods:
              - { path: \(mount), type: kubernetes }
            kubernetes_configs:
              - mount: \(mount)
                kubernetes_host: http://127.0.0.1:\(api.port)
                kubernetes_ca_cert_file: ca.pem
                disable_local_ca_jwt: true
                pem_keys:
                  - |
            \(key.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
            kubernetes_roles:
              - name: payments-app
                mount: \(mount)
                bound_service_account_names: [\(Self.account)]
                bound_service_account_namespaces: [\(Self.namespace)]
                token_policies: [\(policy)]
                token_ttl: 10m
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")

        let jwt = try await Self.serviceAccountJWT(name: Self.account, key: material.signingKey)
        let jwtFile = directory.appendingPathComponent("jwt").path
        try jwt.write(toFile: jwtFile, atomically: true, encoding: .utf8)
        let bao = BaoCommand(server: server)
        let output = try await bao.run(["write", "-format=json", "auth/\(mount)/login", "role=payments-app", "jwt=@\(jwtFile)"])
        let answer = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let auth = answer?["auth"] as? [String: Any]
        #expect((auth?["token_policies"] as? [String])?.contains(policy) == true, "\(output)")
        #expect(auth?["lease_duration"] as? Int == 600)
        let metadata = auth?["metadata"] as? [String: Any]
        #expect(metadata?["service_account_name"] as? String == Self.account)
        // With no token_reviewer_jwt the plugin reviews the client's JWT with that JWT itself.
        let reviews = api.requests.filter { $0.target == "/apis/authentication.k8s.io/v1/tokenreviews" }
        #expect(reviews.count == 1 && reviews.first?.headers["authorization"] == "Bearer \(jwt)")

        // A JWT of another service account is refused before any review.
        let other = try await Self.serviceAccountJWT(name: "intruder", key: material.signingKey)
        try other.write(toFile: jwtFile, atomically: true, encoding: .utf8)
        await #expect(throws: BaoCommandError.self) {
            try await bao.run(["write", "-format=json", "auth/\(mount)/login", "role=payments-app", "jwt=@\(jwtFile)"])
        }
        #expect(api.requests.count == 1)
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// The config of a Kubernetes auth method against a real server, both ways: PEM spelled
/// differently (CRLF, blank lines, a key given as a certificate of it) and defaults written
/// out are no change; a real out-of-band change of any field, omitted ones included, is drift
/// that apply repairs. A write replaces the whole config, so each out-of-band write below
/// states every field, and apply sends every field.
@Suite("Kubernetes auth config against a dev server")
struct KubernetesConfigTests {
    /// Certificates and a JWT signing key made with openssl in a temporary directory.
    struct Material {
        let pki: TestPKI
        /// An RSA key whose public half verifies service-account JWTs.
        var signingKey: String { pki.path("sa.key") }
        var publicKey: String { pki.path("sa.pub") }
        /// A certificate of the same key: the server reads the key out of it.
        var keyCertificate: String { pki.path("sa.pem") }
        /// A second CA and a second key, for real changes.
        var otherCA: String { pki.path("other-ca.pem") }
        var otherPublicKey: String { pki.path("other.pub") }

        init() async throws {
            pki = try await TestPKI()
            try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pki.path("sa.key")])
            try await OpenSSL.run(["pkey", "-in", pki.path("sa.key"), "-pubout", "-out", pki.path("sa.pub")])
            try await OpenSSL.run(["req", "-x509", "-key", pki.path("sa.key"), "-out", pki.path("sa.pem"), "-days", "2", "-subj", "/CN=sa"])
            try await OpenSSL.run([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pki.path("other-ca.key"),
                "-out", pki.path("other-ca.pem"), "-days", "2", "-subj", "/CN=other CA",
            ])
            try await OpenSSL.run(["pkey", "-in", pki.path("other-ca.key"), "-pubout", "-out", pki.path("other.pub")])
        }

        func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

        /// A copy of `path` with CRLF line endings and blank lines around the block.
        func respelled(_ path: String) throws -> String {
            let copy = path + ".crlf"
            try ("\r\n\r\n" + text(path).replacingOccurrences(of: "\n", with: "\r\n") + "\r\n").write(
                toFile: copy, atomically: true, encoding: .utf8)
            return copy
        }
    }

    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let material = try await Material()
        defer { material.pki.remove() }
        let directory = try scratchDirectory("vf-k8s-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: material.pki.caCertificate, toPath: directory.appendingPathComponent("ca.pem").path)
        let full = PlanExactnessTests.unique("k8sc"), bare = PlanExactnessTests.unique("k8sb")
        let key = try material.text(material.publicKey).trimmingCharacters(in: .newlines)
        let manifest = try SecretSchemaTests.write("""
            auth_methods:
              - { path: \(full), type: kubernetes }
              - { path: \(bare), type: kubernetes }
            kubernetes_configs:
              - mount: \(full)
                kubernetes_host: https://10.0.0.1:6443
                kubernetes_ca_cert_file: ca.pem
                pem_keys:
                  - |
            \(key.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
                issuer: https://kubernetes.default.svc
                disable_iss_validation: false
                disable_local_ca_jwt: true
              - { mount: \(bare), kubernetes_host: "https://k8s.example:443", kubernetes_ca_cert_file: ca.pem, disable_local_ca_jwt: true }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        let ca = material.pki.caCertificate
        /// A whole config of the full mount, as the manifest has it but for `changes`.
        func fullWrite(_ changes: [String: String] = [:]) -> [String] {
            var fields = [
                "kubernetes_host": "https://10.0.0.1:6443", "kubernetes_ca_cert": "@\(ca)", "pem_keys": "@\(material.publicKey)",
                "issuer": "https://kubernetes.default.svc", "disable_iss_validation": "false", "disable_local_ca_jwt": "true",
            ]
            fields.merge(changes) { _, new in new }
            return ["write", "auth/\(full)/config"] + fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }
        }
        func bareWrite(_ extra: [String] = []) -> [String] {
            ["write", "auth/\(bare)/config", "kubernetes_host=https://k8s.example:443", "kubernetes_ca_cert=@\(ca)", "disable_local_ca_jwt=true"]
                + extra
        }
        try await BothWays.spellingsAreNoChange([
            fullWrite(["kubernetes_ca_cert": "@\(try material.respelled(ca))"]),
            // The server keeps the certificate as sent and reads the key out of it.
            fullWrite(["pem_keys": "@\(material.keyCertificate)"]),
            bareWrite(["disable_iss_validation=true", "issuer="]),
        ], manifest: manifest, server: server)

        let config = "kubernetes-config:\(full)/", omitted = "kubernetes-config:\(bare)/"
        try await BothWays.driftsAreRepaired([
            .init(fullWrite(["kubernetes_host": "https://10.0.0.2:6443"]), config, "kubernetes_host"),
            .init(fullWrite(["kubernetes_ca_cert": "@\(material.otherCA)"]), config, "kubernetes_ca_cert"),
            .init(fullWrite(["pem_keys": "@\(material.otherPublicKey)"]), config, "pem_keys"),
            .init(fullWrite(["issuer": "https://other.issuer"]), config, "issuer"),
            .init(fullWrite(["disable_iss_validation": "true"]), config, "disable_iss_validation"),
            .init(fullWrite(["disable_local_ca_jwt": "false"]), config, "disable_local_ca_jwt"),
            .init(bareWrite(["pem_keys=@\(material.publicKey)"]), omitted, "pem_keys"),
            .init(bareWrite(["issuer=https://other.issuer"]), omitted, "issuer"),
            .init(bareWrite(["disable_iss_validation=false"]), omitted, "disable_iss_validation"),
        ], manifest: manifest, server: server)
        // A config is written whole: the repair of the bare mount's last drift restored its
        // other fields too, and the full one has every field the manifest gives.
        let read = try await server.client().request(.get, "auth/\(full)/config").data
        #expect(read?["issuer"]?.stringValue == "https://kubernetes.default.svc")
        #expect(read?["pem_keys"]?.arrayValue?.count == 1)
        #expect(read?["disable_iss_validation"]?.boolValue == false)
    }

    /// A manifest of one Kubernetes auth method and its config: `host`, the CA `ca` inline,
    /// and one `extra` line of the config.
    static func configManifest(mount: String, host: String, ca: String, extra: String, in directory: URL) throws -> String {
        try SecretSchemaTests.write("""
            auth_methods: [{ path: \(mount), type: kubernetes }]
            kubernetes_configs:
              - mount: \(mount)
                kubernetes_host: \(host)
                \(extra)
                kubernetes_ca_cert: |
            \(ca.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
            """, in: directory)
    }

    @Test("a config write replaces the whole config: a token_reviewer_jwt set out of band while the manifest gives none is drift, and apply clears it")
    func reviewerTokenIsClearedByAnUpdate() async throws {
        let server = try await DevServer.shared()
        let material = try await Material()
        defer { material.pki.remove() }
        let directory = try scratchDirectory("vf-k8s-reviewer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("k8sr")
        let ca = try material.text(material.pki.caCertificate)
        func manifest(host: String) throws -> String {
            try Self.configManifest(mount: mount, host: host, ca: ca, extra: "disable_local_ca_jwt: true", in: directory)
        }
        #expect(try await server.vaultform(["apply", try manifest(host: "https://a.example"), "--auto-approve"]).code == 0)
        let client = try server.client()
        var body = try #require(try await client.request(.get, "auth/\(mount)/config").data?.objectValue)
        body["token_reviewer_jwt"] = "reviewer.jwt.value"
        _ = try await client.request(.post, "auth/\(mount)/config", body: .object(body))
        #expect(try await client.request(.get, "auth/\(mount)/config").data?["token_reviewer_jwt_set"]?.boolValue == true)
        // Left out of the manifest means none: one set out of band is drift (the server
        // reports that one is set), and any write of the config clears it.
        let drifted = try await server.vaultform(["plan", try manifest(host: "https://a.example"), "--format", "json"])
        #expect(try BothWays.changed(drifted.output) == ["kubernetes-config:\(mount)/ token_reviewer_jwt_set"], "\(drifted.output)")
        let changed = try manifest(host: "https://b.example")
        #expect(try await server.vaultform(["apply", changed, "--auto-approve"]).code == 0)
        let after = try await client.request(.get, "auth/\(mount)/config").data
        #expect(after?["kubernetes_host"]?.stringValue == "https://b.example")
        #expect(after?["token_reviewer_jwt_set"]?.boolValue == false)
        #expect(try await server.vaultform(["plan", changed, "--detailed-exitcode"]).code == 0)
    }

    @Test("token_reviewer_jwt from its source: written, sent again with every update, rewritten when the source changes; an update without it is a blocker")
    func reviewerTokenFromItsSource() async throws {
        let server = try await DevServer.shared()
        let material = try await Material()
        defer { material.pki.remove() }
        let directory = try scratchDirectory("vf-k8s-reviewer-source")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = PlanExactnessTests.unique("k8sw")
        let ca = try material.text(material.pki.caCertificate)
        func manifest(host: String) throws -> String {
            try Self.configManifest(mount: mount, host: host, ca: ca, extra: "token_reviewer_jwt: { from_env: REVIEWER_JWT }", in: directory)
        }
        let client = try server.client()
        func isSet() async throws -> Bool? {
            try await client.request(.get, "auth/\(mount)/config").data?["token_reviewer_jwt_set"]?.boolValue
        }
        let first = ["REVIEWER_JWT": "canary.reviewer-\(UUID().uuidString).one"]
        let second = ["REVIEWER_JWT": "canary.reviewer-\(UUID().uuidString).two"]
        let applied = try await server.vaultform(["apply", try manifest(host: "https://a.example"), "--auto-approve"], environment: first)
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await isSet() == true)
        #expect(try await server.vaultform(["plan", try manifest(host: "https://a.example"), "--detailed-exitcode"], environment: first).code == 0)

        // Another field changes: the whole config is written, the reviewer JWT with it.
        let moved = try await server.vaultform(["apply", try manifest(host: "https://b.example"), "--auto-approve"], environment: first)
        #expect(moved.code == 0, "\(moved.all)")
        #expect(try await isSet() == true, "the update sent the reviewer JWT again")
        #expect(try await server.vaultform(["plan", try manifest(host: "https://b.example"), "--detailed-exitcode"], environment: first).code == 0)

        // The source changes: a change of that field alone, applied.
        let changed = try await server.vaultform(["plan", try manifest(host: "https://b.example"), "--format", "json"], environment: second)
        #expect(try BothWays.changed(changed.output) == ["kubernetes-config:\(mount)/ token_reviewer_jwt"], "\(changed.output)")
        let rewritten = try await server.vaultform(["apply", try manifest(host: "https://b.example"), "--auto-approve"], environment: second)
        #expect(rewritten.code == 0, "\(rewritten.all)")
        for run in [applied, moved, changed, rewritten] {
            #expect(!run.all.contains(first["REVIEWER_JWT"] ?? "-") && !run.all.contains(second["REVIEWER_JWT"] ?? "-"))
        }

        // Cleared out of band: drift, and apply writes it again from its source.
        var body = try #require(try await client.request(.get, "auth/\(mount)/config").data?.objectValue)
        body["token_reviewer_jwt_set"] = nil
        _ = try await client.request(.post, "auth/\(mount)/config", body: .object(body))
        #expect(try await isSet() == false)
        let cleared = try await server.vaultform(["plan", try manifest(host: "https://b.example"), "--format", "json"], environment: second)
        #expect(try BothWays.changed(cleared.output) == ["kubernetes-config:\(mount)/ token_reviewer_jwt_set"], "\(cleared.output)")
        #expect(try await server.vaultform(["apply", try manifest(host: "https://b.example"), "--auto-approve"], environment: second).code == 0)
        #expect(try await isSet() == true)

        // Without the source: no change is fine (a warning), but an update would clear it: a blocker.
        let unset = try await server.vaultform(["plan", try manifest(host: "https://b.example"), "--detailed-exitcode"])
        #expect(unset.code == 0 && unset.all.contains("write-only, not compared: REVIEWER_JWT is not set"), "\(unset.all)")
        let blocked = try await server.vaultform(["apply", try manifest(host: "https://c.example"), "--auto-approve"])
        #expect(blocked.code != 0, "\(blocked.all)")
        #expect(blocked.all.contains("the update rewrites the whole Kubernetes auth config, which would clear it"), "\(blocked.all)")
        #expect(try await isSet() == true)
    }

    @Test("export writes the configs back, the CA as the server holds it, and the round trip plans no change")
    func export() async throws {
        try await DevServer.with { server in
            let material = try await Material()
            defer { material.pki.remove() }
            let directory = try scratchDirectory("vf-k8s-config-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.post, "sys/auth/kubernetes", body: ["type": "kubernetes"])
            _ = try await client.request(.post, "sys/auth/k8s-two", body: ["type": "kubernetes"])
            let ca = try material.text(material.pki.caCertificate)
            _ = try await client.request(.post, "auth/kubernetes/config", body: [
                "kubernetes_host": "https://10.0.0.1:6443", "kubernetes_ca_cert": .string(ca.replacingOccurrences(of: "\n", with: "\r\n")),
                "disable_local_ca_jwt": true, "pem_keys": .array([.string(try material.text(material.publicKey))]), "issuer": "iss",
            ])
            let exported = directory.appendingPathComponent("exported")
            let run = try await server.vaultform(["export", "--output", exported.path])
            #expect(run.code == 0, "\(run.all)")
            let text = try String(contentsOf: exported.appendingPathComponent("kubernetes_configs.yaml"), encoding: .utf8)
            #expect(text.contains("mount: kubernetes") && text.contains("kubernetes_host: https://10.0.0.1:6443"), "\(text)")
            #expect(text.contains("issuer: iss") && !text.contains("k8s-two"), "a mount with no config has none: \(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformCore
import VaultformManifest
import VaultformServer

/// Secret schemas against a real server: generated values that real tools accept, values
/// never overwritten without a rotation, check-and-set against concurrent writers, coercion
/// of JSON stored as a string, and no secret value anywhere in what vaultform prints or saves.
@Suite("secret schemas against a dev server")
struct SecretSchemaTests {
    static func vaultform(
        _ arguments: [String], _ server: DevServer, environment: [String: String] = [:]
    ) async throws -> StatusCommandTests.Run {
        try await server.vaultform(arguments, environment: environment)
    }

    static func scratch() throws -> URL { try scratchDirectory("vf-secrets") }

    static func write(_ yaml: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("m.yaml").path
        try ("version: 1\n" + yaml).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The stored fields of a secret (values stay in the test; they are never printed).
    static func fields(_ path: String, _ server: DevServer) async throws -> [String: JSONValue] {
        let (mount, rest) = (path.split(separator: "/", maxSplits: 1).map(String.init)[0], path.split(separator: "/", maxSplits: 1).map(String.init)[1])
        return try await server.client().request(.get, "\(mount)/data/\(rest)").data?["data"]?.objectValue ?? [:]
    }

    /// Runs a program with `input` on stdin; returns its stdout. Secret material goes through
    /// stdin or files, never argv, and the programs print only verdicts or public keys.
    static func tool(_ arguments: [String], input: String) async throws -> ProcessOutput {
        try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), arguments, environment: ProcessInfo.processInfo.environment, input: Data(input.utf8))
    }

    static let keys = """
        secrets_engines: [{ path: secret, type: kv-v2 }]
        secret_schemas:
          - path: secret/keys
            fields:
              jwt_private_key: { type: pem-private-key, key_type: rsa, min_bits: 2048, generate: { kind: rsa, bits: 2048, public_field: jwt_public_key } }
              jwt_public_key: { type: pem-public-key }
              box_private: { type: base64, bytes: 32, generate: { kind: x25519, public_field: box_public } }
              box_public: { type: base64, bytes: 32 }
              ec_private: { type: pem-private-key, key_type: ec, generate: { kind: ecdsa_p256, public_field: ec_public } }
              ec_public: { type: pem-public-key }
              master: { type: base64, bytes: 32, generate: { kind: random_bytes, bytes: 32 } }
              password: { type: string, generate: { kind: password, length: 40, classes: [lower, upper, digit] } }
            pairs:
              - { private: jwt_private_key, public: jwt_public_key, kind: rsa }
              - { private: box_private, public: box_public, kind: x25519 }
              - { private: ec_private, public: ec_public, kind: ecdsa_p256 }
        """

    @Test("generated keys pass openssl and Python's cryptography; a second apply changes nothing; --rotate replaces only what it names")
    func generatedValues() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try Self.write(Self.keys, in: directory)
            let apply = try await Self.vaultform(["apply", manifest, "--auto-approve"], server)
            #expect(apply.code == 0, "\(apply.all)")
            #expect(apply.output.contains("(generated: rsa, 2048 bits, with jwt_public_key)"))
            let stored = try await Self.fields("secret/keys", server)
            #expect(Set(stored.keys) == ["jwt_private_key", "jwt_public_key", "box_private", "box_public", "ec_private", "ec_public", "master", "password"])

            let rsa = try #require(stored["jwt_private_key"]?.stringValue)
            #expect(rsa.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            #expect(try await Self.tool(["openssl", "rsa", "-check", "-noout"], input: rsa).standardOutput.contains("RSA key ok"))
            let derived = try await Self.tool(["openssl", "rsa", "-pubout"], input: rsa).standardOutput
            #expect(derived == stored["jwt_public_key"]?.stringValue, "jwt_public_key is not openssl rsa -pubout of the private key")
            #expect(try await Self.tool(["openssl", "rsa", "-text", "-noout"], input: rsa).standardOutput.contains("Private-Key: (2048 bit"))

            let ec = try #require(stored["ec_private"]?.stringValue)
            #expect(try await Self.tool(["openssl", "ec", "-check", "-noout"], input: ec).standardError.contains("EC Key valid"))
            #expect(try await Self.tool(["openssl", "pkey", "-pubout"], input: ec).standardOutput == stored["ec_public"]?.stringValue)

            let script = """
                import base64, sys
                from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
                from cryptography.hazmat.primitives import serialization
                private, public = sys.stdin.read().split()
                key = X25519PrivateKey.from_private_bytes(base64.b64decode(private))
                raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
                print("ok" if raw == base64.b64decode(public) else "mismatch")
                """
            let box = "\(stored["box_private"]?.stringValue ?? "") \(stored["box_public"]?.stringValue ?? "")"
            #expect(try await Self.tool(["python3", "-c", script], input: box).standardOutput == "ok\n")
            #expect(Data(base64Encoded: stored["master"]?.stringValue ?? "")?.count == 32)
            let password = stored["password"]?.stringValue ?? ""
            #expect(password.count == 40 && password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })

            // Nothing printed any of it.
            let leaked = stored.values.compactMap(\.stringValue).filter { $0.count > 8 }.contains { value in
                apply.all.contains(value) || apply.all.contains(value.replacingOccurrences(of: "\n", with: "\\n"))
            }
            #expect(!leaked, "a generated value appeared in apply's output")

            // Applied again: nothing to do, every value as it was.
            let again = try await Self.vaultform(["apply", manifest, "--auto-approve"], server)
            #expect(again.output == "No changes. The server matches the manifest.\n", "\(again.all)")
            #expect(try await Self.fields("secret/keys", server) == stored)

            // --rotate replaces exactly the named field (and the public key of a rotated private key).
            let plan = try await Self.vaultform(["plan", manifest, "--rotate", "kv-secret:secret/keys.password", "--rotate", "secret/keys.box_private"], server)
            #expect(plan.output.contains("(replaces secret values)"), "\(plan.output)")
            #expect(plan.output.contains("# forces replacement: rotation replaces the current value"))
            // The first apply made the server's fingerprint key: values show as shape and fingerprint.
            #expect(plan.output.contains("~ password    = (string, 40 characters, hmac:"), "\(plan.output)")
            let rotated = try await Self.vaultform(["apply", manifest, "--auto-approve", "--rotate", "secret/keys.password", "--rotate", "secret/keys.box_private"], server)
            #expect(rotated.code == 0, "\(rotated.all)")
            let after = try await Self.fields("secret/keys", server)
            for name in ["password", "box_private", "box_public"] { #expect(after[name] != stored[name], "\(name) was not rotated") }
            for name in ["jwt_private_key", "jwt_public_key", "ec_private", "ec_public", "master"] { #expect(after[name] == stored[name], "\(name) changed") }
            // A lost private key that an earlier version still holds: a blocker, never a silent
            // new key; asked for with --rotate, the pair is made anew, the stale public key
            // replaced (and said so).
            var lost = after
            lost["jwt_private_key"] = nil
            _ = try await server.client().request(.post, "secret/data/keys", body: ["data": .object(lost)])
            let blocked = try await Self.vaultform(["apply", manifest, "--auto-approve"], server)
            #expect(blocked.code == 1, "\(blocked.all)")
            let current = try await server.client().request(.get, "secret/metadata/keys").data?["current_version"]?.intValue ?? 0
            #expect(blocked.all.contains("`jwt_private_key` is missing from the current version (\(current)) but version \(current - 1) holds it"), "\(blocked.all)")
            let regenerated = try await Self.vaultform(["apply", manifest, "--auto-approve", "--rotate", "secret/keys.jwt_private_key"], server)
            #expect(regenerated.code == 0, "\(regenerated.all)")
            #expect(regenerated.output.contains("(replaces secret values)"))
            let repaired = try await Self.fields("secret/keys", server)
            #expect(repaired["jwt_public_key"] != after["jwt_public_key"])
            let newKey = try #require(repaired["jwt_private_key"]?.stringValue)
            #expect(try await Self.tool(["openssl", "rsa", "-pubout"], input: newKey).standardOutput == repaired["jwt_public_key"]?.stringValue)

            let bad = try await Self.vaultform(["plan", manifest, "--rotate", "secret/keys.box_public"], server)
            #expect(bad.code != 0)
            #expect(bad.error.contains("box_public is generated with box_private; rotate secret/keys.box_private"), "\(bad.error)")
        }
    }

    @Test("a value written by hand is kept; missing fields are added around it with check-and-set; a write in between is refused, not overwritten")
    func neverOverwritten() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            let manifest = try Self.write("""
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas:
                  - path: secret/app
                    allow_unexpected: true
                    fields:
                      db_password: { type: string, generate: { kind: password, length: 32 } }
                      api_key: { type: string, from_env: APP_API_KEY }
                """, in: directory)
            _ = try await Self.vaultform(["apply", manifest, "--auto-approve", "--target", "mount:secret"], server)
            try await bao("kv", "put", "-mount=secret", "app", "db_password=hand-written-password-1", "extra=kept")

            // Plan, then someone writes: the saved plan is stale and refused.
            let planFile = directory.appendingPathComponent("p.plan").path
            let planned = try await Self.vaultform(["plan", manifest, "-out", planFile], server, environment: ["APP_API_KEY": "key-from-env-0001"])
            #expect(planned.code == 0, "\(planned.all)")
            #expect(planned.output.contains("+ api_key = (from environment APP_API_KEY)"), "\(planned.output)")
            try await bao("kv", "patch", "-mount=secret", "app", "extra=changed")
            let stale = try await Self.vaultform(["apply", planFile], server, environment: ["APP_API_KEY": "key-from-env-0001"])
            #expect(stale.code == 1)
            #expect(stale.error.contains("kv-secret:secret/app"), "\(stale.error)")

            // A write between apply's read and its write: the server refuses the check-and-set.
            let desired = try Self.desired(manifest)
            let client = try server.client()
            let live = try await LiveReader(client: client, environment: ["APP_API_KEY": "key-from-env-0001"]).read(for: desired)
            let plan = Planner.plan(desired: desired, live: live)
            let intruder = URL(fileURLWithPath: BaoCommand.bao)
            let report = await Applier(client: client, environment: ["APP_API_KEY": "key-from-env-0001"]).apply(plan, beforeWrite: {
                // Runs just before the write, after apply read the secret.
                let process = Process()
                process.executableURL = intruder
                process.arguments = ["kv", "patch", "-mount=secret", "app", "extra=raced"]
                process.environment = ["BAO_ADDR": server.address.absoluteString, "BAO_TOKEN": server.rootToken, "HOME": directory.path]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.start()
                // Synchronous here (the hook is not async); bounded, and the end is read from the kernel.
                for _ in 0..<3000 where process.isAlive { usleep(10_000) }
            })
            let failure = try #require(report.failure)
            #expect(failure.reason.contains("someone wrote it since it was read"), "\(failure)")
            var stored = try await Self.fields("secret/app", server)
            #expect(stored["extra"] == "raced")
            #expect(stored["api_key"] == nil)

            // Apply for real: the hand-written value and the extra field stay; api_key is added.
            let apply = try await Self.vaultform(["apply", manifest, "--auto-approve"], server, environment: ["APP_API_KEY": "key-from-env-0001"])
            #expect(apply.code == 0, "\(apply.all)")
            stored = try await Self.fields("secret/app", server)
            #expect(stored == ["db_password": "hand-written-password-1", "extra": "raced", "api_key": "key-from-env-0001"])
            let metadata = try await client.request(.get, "secret/metadata/app").data
            #expect(metadata?["current_version"]?.intValue == 4)
        }
    }

    static func desired(_ path: String) throws -> DesiredState {
        let result = ManifestLoader().load(path: path)
        return Pipeline.resolve(try #require(result.manifest, "\(result.diagnostics)"))
    }

    @Test("terraform_env_vars written as a JSON string: plan names it; with coerce, apply stores an object (jq says object)")
    func coercion() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            let yaml = """
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas:
                  - path: secret/hoodcloud/app-credentials
                    fields:
                      terraform_env_vars: { type: json-object, COERCE }
                """
            let mount = try await Self.vaultform(
                ["apply", try Self.write(yaml.replacingOccurrences(of: ", COERCE", with: ""), in: directory), "--auto-approve", "--target", "mount:secret"], server)
            #expect(mount.code == 0, "\(mount.all)")
            try await bao("kv", "put", "-mount=secret", "hoodcloud/app-credentials",
                          #"terraform_env_vars={"HCLOUD_TOKEN":"your-token","OVH_ENDPOINT":"ovh-eu"}"#)

            let strict = try Self.write(yaml.replacingOccurrences(of: ", COERCE", with: ""), in: directory)
            let warned = try await Self.vaultform(["plan", strict, "--detailed-exitcode"], server)
            #expect(warned.code == 0, "\(warned.all)")
            #expect(warned.output.contains("Warning: kv-secret:secret/hoodcloud/app-credentials: `terraform_env_vars` is a JSON object stored as a string"), "\(warned.output)")
            #expect(!warned.all.contains("your-token"))

            let coercing = try Self.write(yaml.replacingOccurrences(of: "COERCE", with: "coerce: true"), in: directory)
            let plan = try await Self.vaultform(["plan", coercing, "--detailed-exitcode"], server)
            #expect(plan.code == 2)
            // (The shared dev server has a fingerprint key once any test has applied on it.)
            #expect(plan.output.range(
                of: #"~ terraform_env_vars = \(JSON object stored as a string \(2 keys\)(, hmac:[0-9a-f]{16})?\) → \(rewritten as a json-object\)"#,
                options: .regularExpression) != nil, "\(plan.output)")
            let apply = try await Self.vaultform(["apply", coercing, "--auto-approve"], server)
            #expect(apply.code == 0, "\(apply.all)")
            let json = try await bao("kv", "get", "-format=json", "-mount=secret", "hoodcloud/app-credentials")
            let type = try await ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/env"), ["jq", "-r", ".data.data.terraform_env_vars | type"],
                environment: ProcessInfo.processInfo.environment, input: Data(json.utf8))
            #expect(type.standardOutput == "object\n")
            #expect(try await Self.vaultform(["plan", coercing, "--detailed-exitcode"], server).code == 0)
        }
    }

    @Test("no leaks: canaries from the environment and from the server appear in no output and no plan file")
    func noLeaks() async throws {
        try await DevServer.with { server in
            let directory = try Self.scratch()
            defer { try? FileManager.default.removeItem(at: directory) }
            let envCanary = "canary-env-\(UUID().uuidString)"
            let serverCanary = "canary-server-\(UUID().uuidString)"
            let writeOnlyCanary = "canary-write-only-\(UUID().uuidString)"
            let clientSecretCanary = "canary-client-secret-\(UUID().uuidString)"
            let reviewerCanary = "canary.reviewer-\(UUID().uuidString).jwt"
            // Every write-only field: a userpass password, an OIDC client secret, a Kubernetes reviewer
            // JWT, a database root password, a TOTP key and a generic endpoint's write-only key.
            let provider = try JWTClientSecretTests.provider()
            defer { provider.close() }
            let pki = try await TestPKI()
            defer { pki.remove() }
            let databaseCanary = "canary-database-root-\(UUID().uuidString)"
            // A TOTP key's secret (base32, as the engine takes it) and a generic endpoint's
            // write-only key.
            let totpCanary = "CANARY" + String((0..<26).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".randomElement() ?? "A" })
            let endpointCanary = "canary-endpoint-\(UUID().uuidString)"
            // And a database connection's root password (not checked against a database:
            // verify_connection is off).
            let manifest = try Self.write("""
                auth_methods:
                  - { path: userpass, type: userpass }
                  - { path: oidc, type: oidc }
                  - { path: kubernetes, type: kubernetes }
                userpass_users:
                  - { name: alice, password: { from_env: ALICE_PASSWORD } }
                jwt_configs:
                  - mount: oidc
                    oidc_discovery_url: http://127.0.0.1:\(provider.port)
                    oidc_client_id: app
                    oidc_client_secret: { from_env: OIDC_CLIENT_SECRET }
                kubernetes_configs:
                  - mount: kubernetes
                    kubernetes_host: https://k8s.example
                    kubernetes_ca_cert_file: \(pki.caCertificate)
                    token_reviewer_jwt: { from_env: REVIEWER_JWT }
                secrets_engines: [{ path: secret, type: kv-v2 }, { path: database, type: database }, { path: totp, type: totp }]
                totp_keys:
                  - { name: login, mount: totp, key: { from_env: TOTP_KEY }, issuer: Example, account_name: alice }
                endpoints:
                  - path: sys/config/ui/headers/X-Canary
                    write_only: { values: { from_env: UI_HEADER } }
                database_connections:
                  - name: pg
                    plugin_name: postgresql-database-plugin
                    connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres"
                    username: postgres
                    password: { from_env: DB_ROOT_PASSWORD }
                    verify_connection: false
                secret_schemas:
                  - path: secret/app
                    fields:
                      api_key: { type: string, from_env: APP_API_KEY }
                      existing: { type: string, min_length: 200 }
                      token: { type: string, generate: { kind: password } }
                """, in: directory)
            _ = try await Self.vaultform(["apply", manifest, "--auto-approve", "--target", "mount:secret"], server)
            try await BaoCommand(server: server)("kv", "put", "-mount=secret", "app", "existing=\(serverCanary)")
            let environment = [
                "APP_API_KEY": envCanary, "ALICE_PASSWORD": writeOnlyCanary, "OIDC_CLIENT_SECRET": clientSecretCanary,
                "REVIEWER_JWT": reviewerCanary, "DB_ROOT_PASSWORD": databaseCanary, "TOTP_KEY": totpCanary, "UI_HEADER": endpointCanary,
            ]
            let planFile = directory.appendingPathComponent("p.plan").path
            var outputs: [String] = []
            for arguments in [
                ["validate", manifest], ["plan", manifest], ["plan", manifest, "--format", "json"], ["plan", manifest, "-v"],
                ["plan", manifest, "-out", planFile], ["apply", manifest, "--auto-approve", "-v"],
            ] {
                let run = try await Self.vaultform(arguments, server, environment: environment)
                #expect(run.code == 0 || arguments[0] == "validate", "\(arguments): \(run.all)")
                outputs.append(run.all)
            }
            // A failing apply: the pattern rejects the canary from the environment.
            let failing = try Self.write("""
                secrets_engines: [{ path: secret, type: kv-v2 }]
                secret_schemas:
                  - path: secret/other
                    fields:
                      api_key: { type: string, pattern: '^sk_', from_env: APP_API_KEY }
                """, in: directory)
            let failed = try await Self.vaultform(["apply", failing, "--auto-approve", "-v"], server, environment: environment)
            #expect(failed.code == 1)
            #expect(failed.all.contains("the value of APP_API_KEY is not a valid string for `api_key`: does not match the pattern"), "\(failed.all)")
            outputs.append(failed.all)
            outputs.append((try? String(contentsOfFile: planFile, encoding: .utf8)) ?? "")
            #expect(outputs.last?.isEmpty == false, "the plan file was written")
            for (index, text) in outputs.enumerated() {
                #expect(!text.contains(envCanary), "output \(index) holds the environment canary")
                #expect(!text.contains(serverCanary), "output \(index) holds the server canary")
                #expect(!text.contains(writeOnlyCanary), "output \(index) holds the write-only canary")
                #expect(!text.contains(clientSecretCanary), "output \(index) holds the OIDC client secret canary")
                #expect(!text.contains(reviewerCanary), "output \(index) holds the reviewer JWT canary")
                #expect(!text.contains(databaseCanary), "output \(index) holds the database root password canary")
                #expect(!text.contains(totpCanary), "output \(index) holds the TOTP key canary")
                #expect(!text.contains(endpointCanary), "output \(index) holds the endpoint's write-only canary")
            }
            #expect(outputs[1].contains("Warning: kv-secret:secret/app: `existing` is not a valid string: shorter than 200 characters"), "\(outputs[1])")
        }
    }
}

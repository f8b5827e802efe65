import Foundation
import Testing
import TestSupport
import VaultAPI

/// From an uninitialised server (not dev mode: file storage, sealed) to production with
/// `vaultform bootstrap`, then credential delivery with `vaultform credentials`; no key
/// share, token or secret ID in any output.
@Suite("bootstrap and credentials against a production-mode server")
struct BootstrapTests {
    static let root = ProcessRunner.repositoryRoot

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("bootstrap: initialised, unsealed, provisioned, admin AppRole delivered, root token revoked; a re-run is harmless")
    func bootstrap() async throws {
        let server = try await DevServer.startProduction()
        let directory = try scratchDirectory("vf-bootstrap")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let keys = directory.appendingPathComponent("keys.json").path
            let admin = directory.appendingPathComponent("admin").path
            let home = ["HOME": directory.path]
            let arguments = [
                "bootstrap", Self.root.appendingPathComponent("manifests/hoodcloud").path,
                "--var-file", Self.root.appendingPathComponent("manifests/hoodcloud/env/dev.yaml").path,
                "--var", "audit_log_path=\(directory.appendingPathComponent("audit.log").path)",
                "--address", server.address.absoluteString, "--keys-file", keys, "--key-shares", "3", "--key-threshold", "2",
                "--admin-role", "hoodcloud-admin", "--admin-credentials-dir", admin,
            ]
            // Without anywhere to put the shares, nothing happens.
            let refused = try await StatusCommandTests.run(Array(arguments.prefix(8)), environment: home)
            #expect(refused.code == 1)
            #expect(refused.error.contains("refusing to initialise: the key shares would be lost"), "\(refused.all)")
            #expect(try await server.client().sealStatus().initialized == false)

            let first = try await StatusCommandTests.run(arguments, environment: home)
            #expect(first.code == 0, "\(first.all)")
            for line in ["1. initialise: done, 3 key shares (threshold 2) written to \(keys) (mode 0600)", "unseal: 1/2", "Unsealed.",
                         "Apply complete:", "4. admin credentials: the role ID and a new secret ID of hoodcloud-admin written to \(admin)/",
                         "5. root token: revoked (checked: it no longer works).", "Store these now:"] {
                #expect(first.output.contains(line), "missing `\(line)`:\n\(first.all)")
            }
            #expect(try Self.mode(keys) == 0o600)
            #expect(try Self.mode(admin + "/role-id") == 0o600 && Self.mode(admin + "/secret-id") == 0o600)
            let shares = try JSONValue(decoding: Data(contentsOf: URL(fileURLWithPath: keys)))["keys_base64"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(shares.count == 3)
            let secretID = try String(contentsOfFile: admin + "/secret-id", encoding: .utf8)
            #expect(!(shares + [secretID]).contains { first.all.contains($0) }, "a key share or the secret ID was printed")

            // The admin AppRole works; the root token is gone (bootstrap checked it with the server).
            let login = ["--approle-role-id-file", admin + "/role-id", "--approle-secret-id-file", admin + "/secret-id"]
            let status = try await StatusCommandTests.run(["status", "--address", server.address.absoluteString] + login, environment: home)
            #expect(status.code == 0, "\(status.all)")
            #expect(status.output.contains("hoodcloud-admin"))

            // Again, as the admin: every step skipped or a no-op.
            let again = try await StatusCommandTests.run(arguments + login, environment: home)
            #expect(again.code == 0, "\(again.all)")
            #expect(again.output.contains("1. initialise: skipped, the server is already initialised."))
            #expect(again.output.contains("2. unseal: skipped, the server is unsealed."))
            #expect(again.output.contains("No changes. The server matches the manifest."))
            #expect(again.output.contains("5. root token: skipped, this run did not create one."))
            #expect(!again.all.contains(secretID))

            // Sealed again: unseal from the keys file, 2 of 3.
            let adminClient = try await Self.adminClient(server, admin: admin)
            _ = try? await adminClient.request(.put, "sys/seal")
            if try await server.client().sealStatus().sealed {
                let unseal = try await StatusCommandTests.run(["unseal", "--address", server.address.absoluteString, "--key-file", keys], environment: home)
                #expect(unseal.code == 0, "\(unseal.all)")
                #expect(unseal.output == "unseal: 1/2\nUnsealed.\n")
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func adminClient(_ server: DevServer, admin: String) async throws -> VaultClient {
        let roleID = try String(contentsOfFile: admin + "/role-id", encoding: .utf8)
        let secretID = try String(contentsOfFile: admin + "/secret-id", encoding: .utf8)
        let client = try server.client()
        let login = try await client.with(token: nil).request(.post, "auth/approle/login", body: ["role_id": .string(roleID), "secret_id": .string(secretID)])
        return client.with(token: login.json?["auth"]?["client_token"]?.stringValue)
    }

    @Test("credentials: files with the asked modes, a wrapped secret ID that unwraps once, rotation leaving exactly one, the dev sidecar, expiry checks")
    func credentials() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-credentials")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try? await client.request(.post, "sys/auth/approle", body: ["type": "approle"])
            _ = try await client.request(.post, "auth/approle/role/svc", body: ["token_ttl": "1h", "secret_id_ttl": "40s"])
            _ = try await client.request(.post, "auth/approle/role/other", body: ["token_ttl": "1h"])
            let roleIDFile = directory.appendingPathComponent("role-id").path, secretIDFile = directory.appendingPathComponent("secret-id").path

            let plain = try await server.vaultform(["credentials", "svc", "--role-id-file", roleIDFile, "--secret-id-file", secretIDFile, "--mode", "0644"])
            #expect(plain.code == 0, "\(plain.all)")
            #expect(try Self.mode(roleIDFile) == 0o644 && Self.mode(secretIDFile) == 0o644)
            let secretID = try String(contentsOfFile: secretIDFile, encoding: .utf8)
            #expect(!plain.all.contains(secretID))
            let roleID = try String(contentsOfFile: roleIDFile, encoding: .utf8)
            _ = try await client.with(token: nil).request(.post, "auth/approle/login", body: ["role_id": .string(roleID), "secret_id": .string(secretID)])

            // Wrapped: the file holds a wrapping token that unwraps to a working secret ID, once.
            let wrapped = try await server.vaultform(["credentials", "other", "--secret-id-file", secretIDFile, "--wrap-ttl", "5m"])
            #expect(wrapped.code == 0, "\(wrapped.all)")
            #expect(try Self.mode(secretIDFile) == 0o600)
            let wrapping = try String(contentsOfFile: secretIDFile, encoding: .utf8)
            let unwrapped = try await client.with(token: wrapping).request(.post, "sys/wrapping/unwrap").data?["secret_id"]?.stringValue
            #expect(unwrapped?.isEmpty == false)
            await #expect(throws: VaultError.self) { try await client.with(token: wrapping).request(.post, "sys/wrapping/unwrap") }

            // Rotation: three secret IDs exist; afterwards exactly one, the delivered one.
            for _ in 0..<2 { _ = try await client.request(.post, "auth/approle/role/other/secret-id") }
            let rotated = try await server.vaultform(["credentials", "other", "--secret-id-file", secretIDFile, "--rotate", "--metadata", "host=ci-7"])
            #expect(rotated.code == 0, "\(rotated.all)")
            #expect(rotated.output.contains("Destroyed 3 older secret IDs of other."), "\(rotated.output)")
            let remaining = try await client.request(.list, "auth/approle/role/other/secret-id").data?["keys"]?.arrayValue ?? []
            #expect(remaining.count == 1)
            let current = try String(contentsOfFile: secretIDFile, encoding: .utf8)
            let lookup = try await client.request(.post, "auth/approle/role/other/secret-id/lookup", body: ["secret_id": .string(current)])
            #expect(lookup.data?["metadata"]?["host"] == "ci-7")

            // The dev sidecar: every role's files.
            let sidecar = directory.appendingPathComponent("config").path
            let all = try await server.vaultform(["credentials", "--all", "--output-dir", sidecar, "--mode", "0644"])
            #expect(all.code == 0, "\(all.all)")
            for role in ["svc", "other"] {
                #expect(try Self.mode("\(sidecar)/\(role)/role-id") == 0o644 && Self.mode("\(sidecar)/\(role)/secret-id") == 0o644)
            }

            // Expiry: svc's secret IDs live 40 s; 32 s after the last was made they have under
            // 25% left, with 8 s to spare before they expire (and vanish from the list) for a
            // loaded machine's delays (10 s and 8 s left none: CI ran it beside builds).
            try await Task.sleep(for: .seconds(32))
            let check = try await server.vaultform(["credentials", "--check"])
            #expect(check.code == 2, "\(check.all)")
            #expect(check.output.contains("expiring: svc: secret ID "), "\(check.output)")
            let prom = try await server.vaultform(["credentials", "--check", "--format", "prometheus"])
            #expect(prom.output.contains("vaultform_approle_secret_ids_expiring{mount=\"approle/\",role=\"svc\"} "))
            #expect(prom.output.contains("vaultform_approle_secret_ids_expiring{mount=\"approle/\",role=\"other\"} 0"))
        }
    }
}

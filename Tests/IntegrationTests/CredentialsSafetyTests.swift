import Foundation
import Testing
import TestSupport
import VaultAPI
import VaultformManifest

/// `vaultform credentials` never hands out more than asked: the admin role stays out of the
/// shared sidecar directory, a world-readable secret ID file is warned about, and a secret ID
/// whose file could not be written does not stay behind on the server, unknown to anyone.
@Suite("credentials: the sidecar's roles, file modes, and no orphan secret ID")
struct CredentialsSafetyTests {
    /// A new AppRole mount with roles `svc`, `boss` (marked `sidecar: false`) and `extra`,
    /// applied from a manifest written to `directory`; returns the mount and the manifest's path.
    static func applyRoles(_ server: DevServer, in directory: URL) async throws -> (mount: String, manifest: String) {
        let mount = "approle-safe-\(UUID().uuidString.prefix(8).lowercased())"
        let manifest = directory.appendingPathComponent("roles.yaml")
        try """
            version: 1
            auth_methods:
              - { path: \(mount), type: approle }
            approle_roles:
              - { name: svc, mount: \(mount), token_ttl: 1h }
              - { name: boss, mount: \(mount), token_ttl: 1h, sidecar: false }
              - { name: extra, mount: \(mount), token_ttl: 1h }
            """.write(to: manifest, atomically: true, encoding: .utf8)
        let apply = try await server.vaultform(["apply", manifest.path, "--auto-approve"])
        #expect(apply.code == 0, "\(apply.all)")
        // `sidecar` is vaultform's own: nothing of it reaches the server, so a plan has nothing to do.
        let plan = try await server.vaultform(["plan", manifest.path, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
        return (mount, manifest.path)
    }

    static func accessors(_ client: VaultClient, _ mount: String, _ role: String) async -> [String] {
        let listed = try? await client.request(.list, "auth/\(mount)/role/\(role)/secret-id")
        return listed?.data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test("--all leaves out roles marked sidecar: false unless --include names them, and --exclude any other")
    func sidecarLeavesOutTheAdminRole() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-sidecar")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (mount, manifest) = try await Self.applyRoles(server, in: directory)
        let client = try server.client()
        let written = { (output: URL) in
            ((try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []).sorted()
        }

        let first = directory.appendingPathComponent("first")
        let all = try await server.vaultform(["credentials", "--all", "--mount", mount, "--output-dir", first.path, "--manifest", manifest])
        #expect(all.code == 0, "\(all.all)")
        #expect(written(first) == ["extra", "svc"])
        #expect(all.output.contains("Left out boss: the manifest marks it `sidecar: false`"), "\(all.output)")
        #expect(await Self.accessors(client, mount, "boss").isEmpty, "a secret ID was made for the admin role")

        let second = directory.appendingPathComponent("second")
        let some = try await server.vaultform([
            "credentials", "--all", "--mount", mount, "--output-dir", second.path, "--manifest", manifest, "--exclude", "extra", "--include", "boss",
        ])
        #expect(some.code == 0, "\(some.all)")
        #expect(written(second) == ["boss", "svc"])
        #expect(some.output.contains("Left out extra: --exclude"))

        // Without a manifest nothing is marked: said on standard error.
        let third = directory.appendingPathComponent("third")
        let unmarked = try await server.vaultform(["credentials", "--all", "--mount", mount, "--output-dir", third.path])
        #expect(unmarked.code == 0, "\(unmarked.all)")
        #expect(written(third) == ["boss", "extra", "svc"])
        #expect(unmarked.error.contains("warning: without --manifest no role is marked `sidecar: false`"), "\(unmarked.all)")

        let refused = try await server.vaultform(["credentials", "svc", "--secret-id-file", directory.appendingPathComponent("x").path, "--exclude", "svc"])
        #expect(refused.code != 0)
    }

    @Test("the HoodCloud manifest keeps its admin role out of the sidecar")
    func hoodCloudMarksItsAdminRole() throws {
        let loaded = ManifestLoader(inputs: VariableInputs(environment: [:], varFiles: [], assignments: []))
            .load(path: ProcessRunner.repositoryRoot.appendingPathComponent("manifests/hoodcloud").path)
        let roles = try #require(loaded.manifest?.appRoleRoles)
        #expect(roles.filter { $0.sidecar == false }.map(\.name) == ["hoodcloud-admin"])
    }

    @Test("a secret ID file readable by others is warned about; 0600 is not", arguments: [("0644", "every user of this machine"), ("0640", "the file's group"), ("0600", nil)])
    func warnsAboutReadableModes(mode: String, who: String?) async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-cred-mode")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (mount, _) = try await Self.applyRoles(server, in: directory)
        let file = directory.appendingPathComponent("secret-id").path
        let run = try await server.vaultform(["credentials", "svc", "--mount", mount, "--secret-id-file", file, "--mode", mode])
        #expect(run.code == 0, "\(run.all)")
        if let who {
            #expect(run.error.contains("warning: --mode \(mode) makes the secret ID readable by \(who)"), "\(run.all)")
        } else {
            #expect(!run.error.contains("warning"), "\(run.all)")
        }
    }

    @Test("a secret ID whose file cannot be written is destroyed again, plain or wrapped", arguments: [false, true])
    func failedWriteLeavesNoSecretID(wrapped: Bool) async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-cred-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (mount, _) = try await Self.applyRoles(server, in: directory)
        let client = try server.client()
        let file = directory.appendingPathComponent("missing/secret-id").path
        let run = try await server.vaultform(
            ["credentials", "svc", "--mount", mount, "--secret-id-file", file] + (wrapped ? ["--wrap-ttl", "5m"] : []))
        #expect(run.code == 1, "\(run.all)")
        #expect(run.error.contains("cannot write \(file)"), "\(run.all)")
        #expect(run.error.contains("the new secret ID of svc was destroyed again"), "\(run.all)")
        #expect(await Self.accessors(client, mount, "svc").isEmpty, "a secret ID nobody received is still valid on the server")
    }

    @Test("when the destroy fails too, the error names the accessor of the secret ID left behind")
    func failedDestroyNamesTheAccessor() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-cred-fail2")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (mount, _) = try await Self.applyRoles(server, in: directory)
        let client = try server.client()
        // A token that may create secret IDs but not destroy them.
        let policy = "deliver-only-\(mount)"
        _ = try await client.request(.put, "sys/policies/acl/\(policy)", body: [
            "policy": .string("path \"auth/\(mount)/role/svc/secret-id\" { capabilities = [\"update\"] }"),
        ])
        let created = try await client.request(.post, "auth/token/create", body: ["policies": [.string(policy)], "ttl": "10m"])
        let token = try #require(created.json?["auth"]?["client_token"]?.stringValue)
        let file = directory.appendingPathComponent("missing/secret-id").path
        let run = try await server.vaultform(["credentials", "svc", "--mount", mount, "--secret-id-file", file], token: token)
        #expect(run.code == 1, "\(run.all)")
        let left = await Self.accessors(client, mount, "svc")
        #expect(left.count == 1)
        if let accessor = left.first {
            #expect(run.error.contains("destroying the new secret ID of svc failed too"), "\(run.all)")
            #expect(run.error.contains("its accessor is \(accessor)"), "\(run.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport

/// `access map`, `access diff` and `lint` as users run them.
@Suite struct AccessReportCommandTests {
    static let prodVariables = ["--var-file", "manifests/hoodcloud/env/prod.yaml"]

    @Test("the README's HoodCloud access map is what access map --format markdown prints")
    func readmeMap() async throws {
        let result = try await runVaultform(["access", "map", "--manifest", "manifests/hoodcloud", "--format", "markdown"] + Self.prodVariables)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- access-map:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- access-map:end -->"))
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == result.standardOutput, "README.md's access map is out of date: regenerate it")
        #expect(result.standardOutput.contains("```mermaid"))
    }

    @Test("access diff against a git revision shows the gain when hoodcloud-payment-service is widened; --detailed-exitcode exits 2")
    func diffAgainstRevision() async throws {
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("vf-access-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: repository) }
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("manifests/hoodcloud"), to: repository.appendingPathComponent("manifests/hoodcloud"))
        let environment = ["HOME": repository.path, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"]
        func git(_ arguments: [String]) async throws {
            let run = try await ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/env"), ["git"] + arguments,
                environment: ProcessRunner.cleanEnvironment.merging(environment) { $1 }, currentDirectory: repository)
            #expect(run.exitCode == 0, "git \(arguments): \(run.standardError)")
        }
        try await git(["init", "-q"])
        try await git(["add", "."])
        try await git(["commit", "-q", "-m", "hoodcloud"])
        let policy = repository.appendingPathComponent("manifests/hoodcloud/policies/hoodcloud-payment-service.hcl")
        try (try String(contentsOf: policy, encoding: .utf8) + "\npath \"secret/data/hoodcloud/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n")
            .write(to: policy, atomically: true, encoding: .utf8)

        func diff(_ format: String) async throws -> ProcessOutput {
            try await ProcessRunner.run(
                ProcessRunner.vaultform,
                ["access", "diff", "HEAD:manifests/hoodcloud", "manifests/hoodcloud", "--var-file", "manifests/hoodcloud/env/prod.yaml",
                 "--format", format, "--detailed-exitcode"],
                environment: ProcessRunner.cleanEnvironment.merging(environment) { $1 }, currentDirectory: repository)
        }
        let json = try await diff("json")
        #expect(json.exitCode == 2, "\(json.standardError)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let principals = try #require(parsed["principals"] as? [[String: Any]])
        #expect(principals.map { $0["principal"] as? String } == ["approle-role:approle/hoodcloud-payment-service"])
        let change = try #require((principals.first?["changes"] as? [[String: Any]])?.first)
        #expect(change["path"] as? String == "secret/data/hoodcloud/*")
        #expect(change["gained"] as? [String] == ["list", "read"] && change["lost"] as? [String] == [])
        let decided = try #require(change["decided_by"] as? [String: Any])
        #expect((decided["location"] as? String)?.hasPrefix("manifests/hoodcloud/policies/hoodcloud-payment-service.hcl:") == true, "\(decided)")
        let markdown = try await diff("markdown")
        #expect(markdown.standardOutput.contains("**1 principal gains access, 0 lose access.**"), "\(markdown.standardOutput)")
        #expect(markdown.standardOutput.contains("```mermaid"))

        // Unchanged: exit 0 and says so; a revision that does not exist: exit 1, named.
        try await git(["checkout", "-q", "--", "."])
        let same = try await diff("text")
        #expect(same.exitCode == 0 && same.standardOutput == "No principal gains or loses access.\n", "\(same.all)")
        let missing = try await ProcessRunner.run(
            ProcessRunner.vaultform, ["access", "diff", "no-such-rev:manifests/hoodcloud", "manifests/hoodcloud"],
            environment: ProcessRunner.cleanEnvironment.merging(environment) { $1 }, currentDirectory: repository)
        #expect(missing.exitCode != 0 && missing.standardError.contains("no-such-rev"), "\(missing.all)")
        let traversal = try await runVaultform(["access", "diff", "HEAD:../etc", "manifests/hoodcloud"])
        #expect(traversal.exitCode != 0 && traversal.standardError.contains("without empty, . or .. segments"), "\(traversal.standardError)")
    }

    @Test("lint: exit 0 when every finding is accepted, 2 on one that is not, 0 with --fail-on error for a warning; validate warns")
    func lintExitCodes() async throws {
        let accepted = try await runVaultform(["lint", "manifests/hoodcloud"] + Self.prodVariables)
        #expect(accepted.exitCode == 0, "\(accepted.standardOutput)\(accepted.standardError)")
        #expect(accepted.standardOutput.contains("[escalation:approle-role:approle/hoodcloud-admin]"))
        #expect(accepted.standardOutput.contains("    accepted: the admin role is HoodCloud's policy administrator"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("m.yaml")
        try """
            version: 1
            auth_methods: [{ path: approle, type: approle }]
            approle_roles:
              - { name: app, secret_id_ttl: 1h }
            """.write(to: manifest, atomically: true, encoding: .utf8)
        let open = try await runVaultform(["lint", manifest.path, "--format", "json"])
        #expect(open.exitCode == 2)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(open.standardOutput.utf8)) as? [String: Any])
        let finding = try #require((parsed["findings"] as? [[String: Any]])?.first)
        #expect(finding["id"] as? String == "approle-no-cidr:approle-role:approle/app")
        #expect(finding["severity"] as? String == "warning" && finding["accepted"] as? Bool == false)
        #expect(finding["location"] as? String == "\(manifest.path):4:5")
        let errorsOnly = try await runVaultform(["lint", manifest.path, "--fail-on", "error"])
        #expect(errorsOnly.exitCode == 0)
        let validate = try await runVaultform(["validate", manifest.path])
        #expect(validate.exitCode == 0)
        #expect(validate.standardError.contains("warning: approle-role:approle/app binds neither"), "\(validate.standardError)")
    }
}

import Foundation
import Testing

@Suite struct CommandTests {
    @Test func validatePassesTheHoodCloudManifestInEveryEnvironment() async throws {
        for extra in [[], ["--var-file", "manifests/hoodcloud/env/dev.yaml"], ["--var-file", "manifests/hoodcloud/env/prod.yaml"]] {
            let result = try await runVaultform(["validate", "manifests/hoodcloud"] + extra)
            #expect(result.exitCode == 0, "\(extra): \(result.standardError)")
            #expect(result.standardOutput.contains("manifests/hoodcloud is valid: "))
            #expect(result.standardOutput.contains("4 AppRole roles"))
        }
    }

    @Test func validateFailsWithLocatedErrors() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vf-bad-\(UUID().uuidString).yaml")
        try "version: 1\napprole_roles:\n  - name: r\n    token_tl: 1h\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await runVaultform(["validate", file.path])
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("\(file.path):4:5: error: unknown key `token_tl` in an AppRole role"))
        #expect(result.standardError.contains("hint: did you mean `token_ttl`?"))
        #expect(result.standardError.contains("error") && !result.standardError.contains("\u{1B}["))

        let json = try await runVaultform(["validate", file.path, "--format", "json"])
        #expect(json.exitCode == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let unknownKey = try #require(diagnostics.first { ($0["message"] as? String)?.contains("token_tl") == true })
        #expect(unknownKey["line"] as? Int == 4)
        #expect(unknownKey["column"] as? Int == 5)
    }

    @Test func variablesComeFromTheEnvironmentAndFlags() async throws {
        let bad = try await runVaultform(["validate", "manifests/hoodcloud"], environment: ["VAULTFORM_VAR_admin_cidrs": "[10.0.0.0/33]"])
        #expect(bad.exitCode == 1)
        #expect(bad.standardError.contains("10.0.0.0/33"))
        #expect(bad.standardError.contains("environment variable VAULTFORM_VAR_admin_cidrs"))
        let undeclared = try await runVaultform(["validate", "manifests/hoodcloud", "--var", "no_such_variable=1"])
        #expect(undeclared.exitCode == 1)
        #expect(undeclared.standardError.contains("undeclared variable"))
    }

    @Test func missingPathIsAnErrorNotACrash() async throws {
        let result = try await runVaultform(["validate", "/nonexistent/manifest"])
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("/nonexistent/manifest: no such file or directory"))
    }

    @Test func schemaCommandPrintsTheCommittedSchema() async throws {
        let result = try await runVaultform(["schema"])
        #expect(result.exitCode == 0)
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("schema/vaultform.schema.json"), encoding: .utf8)
        #expect(result.standardOutput == committed, "run `vaultform schema --output schema/vaultform.schema.json`")
    }

    @Test func versionAndHelpWithExamples() async throws {
        let version = try await runVaultform(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.standardOutput.hasPrefix("0."))
        for command in [[], ["validate"], ["schema"], ["status"]] {
            let help = try await runVaultform(command + ["--help"])
            #expect(help.exitCode == 0)
            #expect(help.standardOutput.contains("Examples:"), "\(command) --help has no worked example")
        }
    }

    /// Every command's help, at the 80 columns a pipe or CI log gets: examples are copied
    /// line by line, so each must fit on one line (`swift-argument-parser` wraps a long one
    /// mid-command) and start with the command or a comment.
    @Test("every command's --help has examples, each on one unwrapped line starting with vaultform")
    func examplesAreCopyable() async throws {
        var pending: [[String]] = [[]], checked = 0
        while let command = pending.popLast() {
            let help = try await runVaultform(command + ["--help"], environment: ["COLUMNS": "80"])
            #expect(help.exitCode == 0, "\(command): \(help.standardError)")
            let lines = help.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let start = lines.firstIndex(of: "Examples:") {
                var continued = false
                for line in lines[(start + 1)...].prefix(while: { !$0.isEmpty }) {
                    let text = line.drop { $0 == " " }
                    // A continuation the author wrote follows a trailing backslash, indented
                    // further; a wrapped line follows none (and starts in column 0).
                    let starts = ["vaultform ", "#", "VAULT_", "BAO_", "VAULTFORM_", "export "].contains { text.hasPrefix($0) }
                    #expect(line.hasPrefix("  ") && (starts || (continued && line.hasPrefix("    "))),
                            "\(command) --help: example line is wrapped or not a command: \(line)")
                    #expect(line.count <= 80, "\(command) --help: example line over 80 columns: \(line)")
                    continued = line.hasSuffix(" \\")
                }
            } else {
                #expect(Bool(false), "\(command) --help has no worked example")
            }
            // Subcommands are listed two spaces in, their abstract from column 26.
            if let start = lines.firstIndex(of: "SUBCOMMANDS:") {
                for line in lines[(start + 1)...].prefix(while: { !$0.isEmpty }) where line.hasPrefix("  ") && !line.hasPrefix("   ") {
                    if let name = line.split(separator: " ").first { pending.append(command + [String(name)]) }
                }
            }
            checked += 1
        }
        #expect(checked >= 19, "\(checked) commands checked")
    }

    /// The JSON Schema must accept every manifest we ship, or editors would flag valid files.
    @Test func committedManifestsPassTheJSONSchema() async throws {
        let python = URL(fileURLWithPath: "/usr/bin/env")
        let script = """
            import json, sys, glob, yaml, jsonschema
            schema = json.load(open("schema/vaultform.schema.json"))
            jsonschema.Draft7Validator.check_schema(schema)
            files = sorted(glob.glob("manifests/hoodcloud/*.yaml") + glob.glob("examples/*.yaml"))
            bad = 0
            for f in files:
                for e in jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(open(f))):
                    bad += 1; print(f, list(e.path), e.message)
            print("checked", len(files))
            sys.exit(1 if bad else 0)
            """
        let result = try await runProcess(python, ["python3", "-c", script])
        #expect(result.exitCode == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("checked"))
    }

    @Test func completionScriptsCoverEveryCommand() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await runVaultform(["--generate-completion-script", shell])
            #expect(result.exitCode == 0, "\(shell): \(result.standardError)")
            for word in ["drift", "force-unlock", "notify-webhook", "rotate", "auto-approve", "lint", "who-can", "fail-on"] {
                #expect(result.standardOutput.contains(word), "\(shell) completion lacks \(word)")
            }
        }
    }
}

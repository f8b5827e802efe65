import Foundation
import Testing
import TestSupport

/// The pipelines under examples/ci are only useful if they run: every vaultform command in
/// them must parse, and every manifest they point at must validate with its var file.
@Suite("examples/ci")
struct CIExamplesTests {
    static let root = ProcessRunner.repositoryRoot
    static let files = [
        "examples/ci/github/vaultform-plan.yml", "examples/ci/github/vaultform-apply.yml",
        "examples/ci/github/vaultform-drift.yml", "examples/ci/gitlab/.gitlab-ci.yml",
        "examples/ci/systemd/vaultform-drift.service", "examples/ci/systemd/vaultform-drift.cron",
    ]

    /// The vaultform command lines of a file, continuation lines joined, with the file's own
    /// variables and the deployment paths mapped onto this repository.
    /// Webhook URLs and other `$VARIABLES` become `sink`: a loopback address nothing listens
    /// on, so a test never contacts a real host.
    static func commands(in file: String, sink: String) throws -> [[String]] {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            .replacingOccurrences(of: "\\\n", with: " ")
        var commands: [[String]] = []
        for line in text.split(separator: "\n") {
            // A command, not prose such as systemd's Description=vaultform drift check…
            guard let range = line.range(of: #"(^|[\s/])vaultform (validate|plan|apply|drift|lint|fmt|access) "#, options: .regularExpression) else { continue }
            var command = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
            if command.hasPrefix("/") { command = String(command[command.range(of: "vaultform ")!.lowerBound...]) }
            for end in [" >", " ||", " &&"] { if let cut = command.range(of: end) { command = String(command[..<cut.lowerBound]) } }
            command = command
                .replacingOccurrences(of: "\"$MANIFEST\"", with: "manifests/hoodcloud")
                .replacingOccurrences(of: "\"$VAR_FILE\"", with: "manifests/hoodcloud/env/prod.yaml")
                .replacingOccurrences(of: "/etc/vaultform/hoodcloud", with: "manifests/hoodcloud")
                .replacingOccurrences(of: #"\$\{\{[^}]*\}\}"#, with: sink, options: .regularExpression)
                .replacingOccurrences(of: #"\$[A-Z_]+"#, with: sink, options: .regularExpression)
            commands.append(command.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }.filter { !$0.isEmpty })
        }
        return commands
    }

    /// The repository's top-level entries, to catch a test writing a file there.
    static func repositoryEntries() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
    }

    /// action.yml runs vaultform through shell variables, so its commands are checked by their
    /// words: each subcommand exists and takes every option the action passes it.
    @Test("the GitHub Action and the pre-commit hooks call subcommands and options that exist")
    func actionAndHooks() async throws {
        var checked = 0
        for file in ["action.yml", ".pre-commit-hooks.yaml"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                guard let range = line.range(of: #"vaultform (plan|show|drift|validate|lint|fmt|graph|access diff)( |$)"#, options: .regularExpression) else { continue }
                let words = line[range.lowerBound...].split(separator: " ").map(String.init)
                let command = words[1] == "access" ? ["access", "diff"] : [words[1]]
                let help = try await StatusCommandTests.run(command + ["--help"])
                #expect(help.code == 0, "\(file): vaultform \(command.joined(separator: " ")) --help: \(help.error)")
                for option in words where option.hasPrefix("-") && option.count > 1 && !option.hasPrefix("--var-file") {
                    #expect(help.output.contains(option + " ") || help.output.contains(option + "\n") || help.output.contains(option + ","),
                            "\(file): vaultform \(command.joined(separator: " ")) has no option \(option)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 6, "\(checked) options checked")
    }

    @Test("every vaultform command in the examples parses, and the manifests they name validate", arguments: files)
    func examples(file: String) async throws {
        let closedPort = try Listener.closed()
        // Closed until the test ends (Swift may otherwise release it after its last use).
        defer { withExtendedLifetime(closedPort) {} }
        let closed = closedPort.port
        let commands = try Self.commands(in: file, sink: "http://127.0.0.1:\(closed)/x")
        #expect(!commands.isEmpty, "no vaultform command found in \(file)")
        let before = try Self.repositoryEntries()
        defer { #expect((try? Self.repositoryEntries()) == before, "\(file): a command wrote into the repository") }
        for command in commands {
            // (access diff's first operand is a git revision, not an address.)
            for (index, argument) in command.enumerated() where argument.contains("://") && !(command.count > 3 && command[1] == "access" && index == 3) {
                #expect(argument.hasPrefix("http://127.0.0.1:"), "\(file): `\(argument)` would leave the machine")
            }
            // Paths of this repository made absolute: the test may run from anywhere.
            var arguments = command.dropFirst().map { $0.hasPrefix("manifests/") ? Self.root.appendingPathComponent($0).path : $0 }
            // access diff BASE:PATH PATH: the base branch is this checkout (the diff is empty),
            // and PATH is the manifest to validate.
            if arguments.first == "access", arguments.count > 3, arguments[1] == "diff" {
                arguments[2] = arguments[3]
                arguments.remove(at: 1)
                arguments[0] = "access diff"
            }
            // Against a closed port with short timeouts: anything but a usage error (64) is fine.
            let offline = ["validate", "lint", "fmt", "access diff"].contains(arguments.first ?? "")
            let connection = offline ? [] : ["--address", "http://127.0.0.1:\(closed)", "--request-timeout", "1s", "--deadline", "3s"]
            if arguments.first == "access diff" { arguments = ["access", "diff"] + arguments.dropFirst() }
            let run = try await StatusCommandTests.run(
                arguments + connection,
                environment: ["HOME": FileManager.default.temporaryDirectory.path])
            #expect(run.code != 64, "\(file): `\(command.joined(separator: " "))` does not parse:\n\(run.error)")
            #expect(!run.error.contains("Unknown option"), "\(file): \(run.error)")
            // fmt --check: the repository's manifests are formatted, so the step passes.
            if arguments.first == "fmt" {
                #expect(run.code == 0, "\(file): `\(command.joined(separator: " "))`: \(run.all)")
                continue
            }

            guard let manifest = arguments.dropFirst(arguments.first == "access" ? 2 : 1).first, manifest.hasPrefix(Self.root.appendingPathComponent("manifests/").path) else {
                Issue.record("\(file): `\(command.joined(separator: " "))` names no manifest of this repository")
                continue
            }
            var validate = ["validate", manifest]
            if let index = arguments.firstIndex(of: "--var-file"), index + 1 < arguments.count { validate += ["--var-file", arguments[index + 1]] }
            let valid = try await StatusCommandTests.run(validate)
            #expect(valid.code == 0, "\(file): \(validate.joined(separator: " ")): \(valid.all)")
        }
    }
}

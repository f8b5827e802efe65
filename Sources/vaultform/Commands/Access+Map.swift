import ArgumentParser
import Foundation
import VaultformAccess
import VaultformManifest
import VaultformRender
import VaultWire

/// Output formats of the access map and diff: text for a terminal, Markdown for a pull
/// request, JSON for machines.
enum AccessReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json
}

extension AccessCommand {
    /// `access map`: every principal's paths and capabilities, with the deciding rules.
    struct Map: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every principal the manifest declares, the paths its token may use, and the rules that say so.",
            discussion: """
                The Markdown form has a Mermaid diagram of principals, policies and path groups, \
                for a README or a pull request.

                Examples:
                  vaultform access map --manifest manifests/hoodcloud --format markdown
                  vaultform access map --live --format json
                """)

        @OptionGroup var options: AccessManifestOptions
        @Option(help: "Output format: text, markdown or json.")
        var format: AccessReportFormat = .text

        func run() async throws {
            let map = AccessMap(try await AccessCommand.model(options))
            switch format {
            case .markdown:
                Terminal.write(AccessMarkdown.map(map, source: options.source))
            case .json:
                try AccessCommand.write(.object([
                    "principals": .array(map.principals.map { access in
                        .object([
                            "principal": .string(access.principal.address),
                            "policies": .array(access.principal.policies.map(JSONValue.string)),
                            "unknown_policies": .array(access.unknownPolicies.map(JSONValue.string)),
                            "location": AccessCommand.json(access.principal.location),
                            "grants": .array(access.entries.map { entry in
                                .object([
                                    "path": .string(entry.pattern), "capabilities": .array(entry.capabilities.map(JSONValue.string)),
                                    "policies": .array(entry.policies.map(JSONValue.string)), "location": AccessCommand.json(entry.location),
                                    "group": .string(entry.group),
                                ])
                            }),
                        ])
                    }),
                ]))
            case .text:
                for access in map.principals {
                    Terminal.write("\(access.principal.address) (\(access.principal.policies.joined(separator: ", ")))\n")
                    for entry in access.entries where entry.policies != ["default"] {
                        let place = entry.location.map { "\($0.file):\($0.line)" } ?? "built in"
                        Terminal.write("  \(entry.pattern): \(entry.capabilities.joined(separator: ", ")) [\(entry.policies.joined(separator: ", ")), \(place)]\n")
                    }
                    if !access.unknownPolicies.isEmpty {
                        Terminal.write("  not evaluated (not in the manifest): \(access.unknownPolicies.joined(separator: ", "))\n")
                    }
                }
            }
        }
    }

    /// `access diff OLD NEW`: what each principal gains and loses.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What each principal gains and loses between two manifests.",
            discussion: """
                OLD and NEW are manifest paths, or REVISION:PATH for a path as a git revision has \
                it (PATH from the repository's top). The same variables apply to both. For a \
                pull request, post the Markdown next to the plan.

                Examples:
                  vaultform access diff main:manifests/hoodcloud manifests/hoodcloud \\
                    --var-file manifests/hoodcloud/env/prod.yaml --format markdown
                  vaultform access diff old.yaml new.yaml --format json
                """)

        @Argument(help: "The manifest before: a path, or REVISION:PATH.")
        var old: String
        @Argument(help: "The manifest after: a path, or REVISION:PATH.")
        var new: String
        @Option(name: .customLong("var-file"), help: ArgumentHelp("A YAML file of variable values; repeatable, later files win.", valueName: "file"))
        var varFiles: [String] = []
        @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable; repeatable, wins over var files.", valueName: "name=value"))
        var assignments: [String] = []
        @Option(help: "Output format: text, markdown or json.")
        var format: AccessReportFormat = .markdown
        @Flag(help: "Exit 2 when some principal gains access (0 otherwise), so CI can ask for a second review.")
        var detailedExitcode = false

        func run() throws {
            let scratch = try GitRevision.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let oldModel = try load(old, scratch: scratch + "/old")
            let newModel = try load(new, scratch: scratch + "/new")
            let diff = AccessDiff(old: oldModel, new: newModel)
            switch format {
            case .markdown:
                Terminal.write(AccessMarkdown.diff(diff, old: old, new: new))
            case .json:
                try AccessCommand.write(.object([
                    "old": .string(old), "new": .string(new),
                    "principals": .array(diff.principals.map { principal in
                        .object([
                            "principal": .string(principal.address), "status": .string(principal.status.rawValue),
                            "policies_added": .array(principal.policiesAdded.map(JSONValue.string)),
                            "policies_removed": .array(principal.policiesRemoved.map(JSONValue.string)),
                            "changes": .array(principal.changes.map { change in
                                .object([
                                    "path": .string(change.pattern), "before": .array(change.before.map(JSONValue.string)),
                                    "after": .array(change.after.map(JSONValue.string)), "gained": .array(change.gained.map(JSONValue.string)),
                                    "lost": .array(change.lost.map(JSONValue.string)),
                                    "decided_by": AccessCommand.decision(change.decidedBy),
                                ])
                            }),
                        ])
                    }),
                ]))
            case .text:
                if diff.isEmpty { Terminal.write("No principal gains or loses access.\n") }
                for principal in diff.principals {
                    Terminal.write("\(principal.address) (\(principal.status.rawValue))\n")
                    if !principal.policiesAdded.isEmpty { Terminal.write("  + policies \(principal.policiesAdded.joined(separator: ", "))\n") }
                    if !principal.policiesRemoved.isEmpty { Terminal.write("  - policies \(principal.policiesRemoved.joined(separator: ", "))\n") }
                    for change in principal.changes {
                        let delta = (change.gained.map { "+" + $0 } + change.lost.map { "-" + $0 }).joined(separator: " ")
                        Terminal.write("  \(change.pattern): \(delta)\n")
                    }
                }
            }
            if detailedExitcode && diff.principals.contains(where: \.gains) { throw ExitCode(2) }
        }

        /// The access model of a manifest path, or of REVISION:PATH extracted under `scratch`
        /// (loaded from the extracted tree's top, so its locations read as PATH's do).
        func load(_ argument: String, scratch: String) throws -> AccessModel {
            if FileManager.default.fileExists(atPath: argument) {
                return try AccessCommand.model(path: argument, varFiles: varFiles, assignments: assignments)
            }
            guard let colon = argument.firstIndex(of: ":") else {
                throw ValidationError("\(argument) is neither a manifest path nor REVISION:PATH")
            }
            let revision = String(argument[..<colon])
            let path = String(argument[argument.index(after: colon)...])
            let tree = try GitRevision.extract(revision: revision, path: path, into: scratch)
            let here = FileManager.default.currentDirectoryPath
            let absolute = varFiles.map { $0.hasPrefix("/") ? $0 : here + "/" + $0 }
            guard FileManager.default.changeCurrentDirectoryPath(tree) else { throw CommandFailure.error("cannot enter \(tree)") }
            defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
            return try AccessCommand.model(path: path, varFiles: absolute, assignments: assignments)
        }
    }
}

extension AccessCommand {
    static func json(_ location: SourceLocation?) -> JSONValue {
        location.map { .string("\($0.file):\($0.line):\($0.column)") } ?? .null
    }
}

/// A manifest path as a git revision has it, extracted to a private scratch directory.
enum GitRevision {
    /// A new directory only this user may read, for extracted trees.
    static func scratchDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/vaultform-access-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CommandFailure.error("cannot create a scratch directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Extracts `path` at `revision` of the repository the working directory is in; returns
    /// the extracted path.
    static func extract(revision: String, path: String, into directory: String) throws -> String {
        guard !revision.isEmpty, !revision.hasPrefix("-"), !revision.contains(where: { $0.isNewline || $0 == " " }) else {
            throw ValidationError("\(revision) is not a git revision")
        }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard !path.hasPrefix("/"), !trimmed.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else {
            throw ValidationError("\(path) must be a path from the repository's top, without empty, . or .. segments")
        }
        guard mkdir(directory, 0o700) == 0 else {
            throw CommandFailure.error("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let top = try run(["git", "rev-parse", "--show-toplevel"], in: directory).trimmingCharacters(in: .newlines)
        let archive = directory + "/tree.tar"
        _ = try run(["git", "-C", top, "archive", "--format=tar", "-o", archive, revision, "--", trimmed], in: directory)
        let tree = directory + "/tree"
        guard mkdir(tree, 0o700) == 0 else { throw CommandFailure.error("cannot create \(tree): \(String(cString: strerror(errno)))") }
        _ = try run(["tar", "-x", "--no-same-owner", "--no-same-permissions", "-f", archive, "-C", tree], in: directory)
        guard FileManager.default.fileExists(atPath: tree + "/" + trimmed) else {
            throw CommandFailure.error("\(revision):\(path) holds no manifest")
        }
        return tree
    }

    /// Runs a tool found on PATH with a 60 s limit, its output going to files in `directory`
    /// (private); what it printed, or an error with its message.
    static func run(_ arguments: [String], in directory: String) throws -> String {
        let what = arguments.joined(separator: " ")
        let outputPath = directory + "/stdout"
        let errorPath = directory + "/stderr"
        for path in [outputPath, errorPath] {
            _ = unlink(path)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CommandFailure.error("cannot create \(path): \(String(cString: strerror(errno)))") }
            close(descriptor)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch { throw CommandFailure.error("cannot run \(what): \(error.localizedDescription)") }
        if done.wait(timeout: .now() + 60) == .timedOut {
            process.terminate()
            throw CommandFailure.error("\(what) ran past 60 s")
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let message = ((try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw CommandFailure.error("\(what) failed (exit \(process.terminationStatus)): \(message)")
        }
        return output
    }
}

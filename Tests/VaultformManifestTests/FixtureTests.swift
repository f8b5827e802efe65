import Foundation
import Testing
import VaultformManifest

// The fixture corpus: Fixtures/invalid holds broken manifests, each with the diagnostics it must
// produce; Fixtures/valid holds awkward-but-valid manifests that must load cleanly.
//
// A fixture is `NN-slug.yaml` (one file) or `NN-slug/` (a directory of .yaml files merged as one
// manifest). Directories ending in `.vars` hold var files and are not fixtures.
//
// Header lines, written as YAML comments in a single-file fixture, or in `NN-slug/expect.txt`:
//
//     # expect: LINE:COL: SEVERITY: TEXT        a diagnostic at LINE:COL of the fixture file whose
//                                              message contains TEXT (SEVERITY: error | warning)
//     # expect: FILE:LINE:COL: SEVERITY: TEXT   the same in FILE (relative to the fixture's folder:
//                                              `Fixtures/invalid` for a single file, the fixture
//                                              directory itself for a directory fixture)
//     # expect: -: SEVERITY: TEXT               a diagnostic with no location (a flag, the environment)
//     # hint: TEXT                             the preceding expectation's hint contains TEXT
//     # note: [FILE:]LINE:COL: TEXT            the preceding expectation has a related note there
//     # args: --var-file PATH --var NAME=VALUE  variable inputs (PATH relative like FILE above)
//     # env: VAULTFORM_VAR_NAME=VALUE           an environment entry (the real environment is never read)
//
// Every expectation must be met exactly (file, line, column, severity); other diagnostics may appear.

/// Where the fixtures are, found from this source file so no resource bundle is needed.
enum FixtureCorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The fixture names in `Fixtures/FOLDER`, sorted.
    static func names(in folder: String) -> [String] {
        let directory = root.appendingPathComponent(folder)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { name in
            guard name.first?.isNumber == true else { return false }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path,
                                                 isDirectory: &isDirectory) else { return false }
            if isDirectory.boolValue { return !name.hasSuffix(".vars") }
            return name.hasSuffix(".yaml") || name.hasSuffix(".yml")
        }.sorted()
    }

    static let invalid = names(in: "invalid")
    static let valid = names(in: "valid")
}

/// A place named by a header line: a file (absolute, standardized) or none, and a line and column.
struct ExpectedLocation: Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int

    var description: String { "\(FixtureCorpus.shortPath(file)):\(line):\(column)" }

    func matches(_ location: VaultformManifest.SourceLocation) -> Bool {
        location.line == line && location.column == column && FixtureCorpus.standardized(location.file) == file
    }
}

/// What one fixture's header asks for.
struct FixtureSpec {
    struct Note {
        var location: ExpectedLocation
        var text: String
    }

    struct Expectation: CustomStringConvertible {
        var location: ExpectedLocation?
        var severity: Diagnostic.Severity
        var text: String
        var hint: String?
        var notes: [Note] = []

        var description: String {
            var text = "\(location.map(\.description) ?? "-"): \(severity.rawValue): \(self.text)"
            if let hint { text += "\n    hint: \(hint)" }
            for note in notes { text += "\n    \(note.location): note: \(note.text)" }
            return text
        }
    }

    /// The manifest path handed to the loader (a file or a directory).
    var manifestPath: String
    /// The folder relative paths in the header are resolved against.
    var baseDirectory: String
    /// The file that `LINE:COL` without a file refers to (nil for a directory fixture).
    var defaultFile: String?
    var expectations: [Expectation] = []
    var environment: [String: String] = [:]
    var varFiles: [String] = []
    var assignments: [String] = []
    /// Header lines that could not be read; a fixture with any fails.
    var problems: [String] = []

    init(folder: String, name: String) {
        let path = FixtureCorpus.root.appendingPathComponent(folder).appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        manifestPath = path
        let headerFile: String
        if isDirectory.boolValue {
            baseDirectory = path
            defaultFile = nil
            headerFile = (path as NSString).appendingPathComponent("expect.txt")
        } else {
            baseDirectory = (path as NSString).deletingLastPathComponent
            defaultFile = FixtureCorpus.standardized(path)
            headerFile = path
        }
        guard let data = FileManager.default.contents(atPath: headerFile), let text = String(data: data, encoding: .utf8) else {
            // A valid directory fixture needs no expect.txt; an invalid one will fail for want of expectations.
            return
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            parse(String(rawLine).trimmingCharacters(in: .whitespaces), lineNumber: index + 1)
        }
    }

    private mutating func parse(_ line: String, lineNumber: Int) {
        func value(after prefix: String) -> String? {
            line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) : nil
        }
        if let rest = value(after: "# expect:") {
            if let expectation = expectation(rest) {
                expectations.append(expectation)
            } else {
                problems.append("header line \(lineNumber): cannot read `\(line)`; write `# expect: [FILE:]LINE:COL: error: TEXT`")
            }
        } else if let rest = value(after: "# hint:") {
            guard !expectations.isEmpty else {
                problems.append("header line \(lineNumber): `# hint:` must follow an `# expect:` line")
                return
            }
            expectations[expectations.count - 1].hint = rest
        } else if let rest = value(after: "# note:") {
            guard !expectations.isEmpty else {
                problems.append("header line \(lineNumber): `# note:` must follow an `# expect:` line")
                return
            }
            guard let separator = rest.range(of: ": "), let location = location(String(rest[..<separator.lowerBound])) else {
                problems.append("header line \(lineNumber): cannot read `\(line)`; write `# note: [FILE:]LINE:COL: TEXT`")
                return
            }
            expectations[expectations.count - 1].notes.append(Note(location: location, text: String(rest[separator.upperBound...])))
        } else if let rest = value(after: "# args:") {
            var words = rest.split(separator: " ").map(String.init)[...]
            while let flag = words.popFirst() {
                guard let argument = words.popFirst() else {
                    problems.append("header line \(lineNumber): `\(flag)` needs a value")
                    return
                }
                switch flag {
                case "--var-file": varFiles.append(resolve(argument))
                case "--var": assignments.append(argument)
                default: problems.append("header line \(lineNumber): unknown argument `\(flag)`; use --var-file or --var")
                }
            }
        } else if let rest = value(after: "# env:") {
            guard let equals = rest.firstIndex(of: "=") else {
                problems.append("header line \(lineNumber): write `# env: NAME=VALUE`")
                return
            }
            environment[String(rest[..<equals])] = String(rest[rest.index(after: equals)...])
        }
    }

    /// `[FILE:]LINE:COL: SEVERITY: TEXT` or `-: SEVERITY: TEXT`.
    private func expectation(_ text: String) -> Expectation? {
        let parts = text.components(separatedBy: ": ")
        guard parts.count >= 3, let severity = Diagnostic.Severity(rawValue: parts[1]) else { return nil }
        let message = parts[2...].joined(separator: ": ")
        guard !message.isEmpty else { return nil }
        if parts[0] == "-" { return Expectation(location: nil, severity: severity, text: message) }
        guard let location = location(parts[0]) else { return nil }
        return Expectation(location: location, severity: severity, text: message)
    }

    /// `[FILE:]LINE:COL`, the file relative to the base directory.
    private func location(_ text: String) -> ExpectedLocation? {
        var pieces = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count >= 2, let column = Int(pieces.removeLast()), let line = Int(pieces.removeLast()),
              line >= 1, column >= 1 else { return nil }
        let file: String
        if pieces.isEmpty {
            guard let defaultFile else { return nil }  // a directory fixture must name the file
            file = defaultFile
        } else {
            file = FixtureCorpus.standardized(resolve(pieces.joined(separator: ":")))
        }
        return ExpectedLocation(file: file, line: line, column: column)
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }

    /// Loads the fixture the way `vaultform validate` would, with only the header's inputs.
    func load() -> ManifestLoader.Result {
        ManifestLoader(inputs: VariableInputs(environment: environment, varFiles: varFiles, assignments: assignments))
            .load(path: manifestPath)
    }
}

extension FixtureCorpus {
    static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// A path relative to the Fixtures folder, so failure messages stay short.
    static func shortPath(_ path: String) -> String {
        let base = standardized(root.path) + "/"
        let full = standardized(path)
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : path
    }

    /// The diagnostics as `validate` prints them, with short paths, for failure messages.
    static func render(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "  (no diagnostics)" }
        return diagnostics.map { diagnostic in
            var text = "  \(diagnostic.location.map { "\(shortPath($0.file)):\($0.line):\($0.column)" } ?? "-"): "
            text += "\(diagnostic.severity.rawValue): \(diagnostic.message)"
            if let hint = diagnostic.hint { text += "\n      hint: \(hint)" }
            for related in diagnostic.related {
                text += "\n      \(shortPath(related.location.file)):\(related.location.line):\(related.location.column): note: \(related.message)"
            }
            return text
        }.joined(separator: "\n")
    }
}

extension FixtureSpec.Expectation {
    /// Whether `diagnostic` is this expectation: same place and severity, message, hint and notes.
    func isMet(by diagnostic: Diagnostic) -> Bool {
        guard diagnostic.severity == severity, diagnostic.message.contains(text) else { return false }
        switch (location, diagnostic.location) {
        case (nil, nil): break
        case let (expected?, actual?): guard expected.matches(actual) else { return false }
        default: return false
        }
        if let hint, !(diagnostic.hint ?? "").contains(hint) { return false }
        return notes.allSatisfy { note in
            diagnostic.related.contains { note.location.matches($0.location) && $0.message.contains(note.text) }
        }
    }

    /// Whether a related note of some diagnostic is this expectation (for `# expect: …: note: …`).
    func isMet(byRelatedOf diagnostic: Diagnostic) -> Bool {
        guard severity == .note, let location else { return false }
        return diagnostic.related.contains { location.matches($0.location) && $0.message.contains(text) }
    }
}

@Suite("Fixture corpus")
struct FixtureTests {
    @Test("the corpus is large enough")
    func corpusSize() {
        #expect(FixtureCorpus.invalid.count >= 45, "only \(FixtureCorpus.invalid.count) invalid fixtures")
        #expect(FixtureCorpus.valid.count >= 3, "only \(FixtureCorpus.valid.count) valid fixtures")
    }

    @Test("an invalid manifest fails with the expected diagnostics", arguments: FixtureCorpus.invalid)
    func invalidFixture(_ name: String) {
        let spec = FixtureSpec(folder: "invalid", name: name)
        for problem in spec.problems { Issue.record("\(name): \(problem)") }
        #expect(!spec.expectations.isEmpty, "\(name) declares no `# expect:` line")

        let result = spec.load()
        let actual = FixtureCorpus.render(result.diagnostics)
        let failed = result.manifest == nil
        #expect(failed, "\(name) loaded without errors; diagnostics:\n\(actual)")

        for expectation in spec.expectations {
            let met = result.diagnostics.contains { expectation.isMet(by: $0) || expectation.isMet(byRelatedOf: $0) }
            if !met {
                Issue.record("""
                    \(name): expected diagnostic not found:
                      \(expectation)
                    actual diagnostics:
                    \(actual)
                    """)
            }
        }
    }

    @Test(
        "a manifest with CRLF or CR line ends gets the diagnostics it gets with LF, at the same places",
        arguments: FixtureCorpus.invalid.filter { $0.hasSuffix(".yaml") })
    func crlfFixture(_ name: String) throws {
        let spec = FixtureSpec(folder: "invalid", name: name)
        let text = try String(contentsOfFile: spec.manifestPath, encoding: .utf8)
        // Only the files with lines to end differently; a fixture already in CRLF stays as it is.
        guard !text.contains("\r"), text.contains("\n") else { return }
        let loader = ManifestLoader(
            inputs: VariableInputs(environment: spec.environment, varFiles: spec.varFiles, assignments: spec.assignments))
        let lf = loader.load(sources: [(spec.manifestPath, text)])
        for lineEnd in ["\r\n", "\r"] {
            let other = loader.load(sources: [(spec.manifestPath, text.replacingOccurrences(of: "\n", with: lineEnd))])
            #expect(FixtureCorpus.render(other.diagnostics) == FixtureCorpus.render(lf.diagnostics), "\(lineEnd.debugDescription)")
        }
    }

    @Test("an awkward but valid manifest loads without errors", arguments: FixtureCorpus.valid)
    func validFixture(_ name: String) {
        let spec = FixtureSpec(folder: "valid", name: name)
        for problem in spec.problems { Issue.record("\(name): \(problem)") }
        let result = spec.load()
        let loaded = result.manifest != nil && !result.diagnostics.hasErrors
        #expect(loaded, "\(name) should be valid; diagnostics:\n\(FixtureCorpus.render(result.diagnostics))")
    }

    // The valid fixtures also pin down what awkward input means, not only that it is accepted.

    @Test("durations and CIDRs are read as written")
    func durationsAndCIDRs() throws {
        let result = FixtureSpec(folder: "valid", name: "01-durations-and-cidrs.yaml").load()
        let manifest = try #require(result.manifest, "\(FixtureCorpus.render(result.diagnostics))")
        let method = try #require(manifest.authMethods.first)
        #expect(method.tuning?.defaultLeaseTTL?.seconds == 3600)
        #expect(method.tuning?.maxLeaseTTL?.seconds == 5400)
        let role = try #require(manifest.appRoleRoles.first)
        #expect(role.roleID == "0123")
        #expect(role.token.tokenTTL?.seconds == 5400)
        #expect(role.token.tokenMaxTTL?.seconds == 7200)
        #expect(role.token.tokenPeriod?.seconds == 0)
        #expect(role.secretIDTTL?.seconds == 7 * 86400)
        let cidrs = try #require(role.secretIDBoundCIDRs)
        #expect(cidrs.prefix(4).map(\.description) == ["10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32", "::1/128"])
        #expect(cidrs.count == 5 && cidrs[4].family == .ipv6 && cidrs[4].isHost)
        #expect(cidrs[1].isHost && !cidrs[1].prefixWritten)
        #expect(role.token.tokenBoundCIDRs?.map(\.description) == ["fd00::/8", "0.0.0.0/0"])
    }

    @Test("variables fill typed fields whole and text inside strings; $${ escapes")
    func variables() throws {
        let result = FixtureSpec(folder: "valid", name: "02-variables.yaml").load()
        let manifest = try #require(result.manifest, "\(FixtureCorpus.render(result.diagnostics))")
        let engine = try #require(manifest.secretsEngines.first)
        #expect(engine.type == "kv")
        #expect(engine.options["version"] == "2")
        #expect(engine.description == "staging secrets, templated as ${var.not_a_reference}")
        #expect(engine.kvConfig?.maxVersions == 20)
        #expect(engine.kvConfig?.casRequired == true)
        #expect(engine.kvConfig?.deleteVersionAfter?.seconds == 2700)
        #expect(manifest.authMethods.first?.description == "yes")
        let role = try #require(manifest.appRoleRoles.first)
        #expect(role.name == "app-staging")
        #expect(role.token.tokenTTL?.seconds == 2700)
        #expect(role.secretIDBoundCIDRs?.map(\.description) == ["10.0.0.0/8", "2001:db8::/48"])
        #expect(role.token.tokenBoundCIDRs?.count == 2)
    }

    @Test("a policy file is read relative to the manifest file")
    func policyFile() throws {
        let result = FixtureSpec(folder: "valid", name: "03-policy-file").load()
        let manifest = try #require(result.manifest, "\(FixtureCorpus.render(result.diagnostics))")
        let reader = try #require(manifest.policies.first { $0.name == "reader" })
        guard case .file(let path, _, let text) = reader.source else {
            Issue.record("`reader` should come from its file, not \(reader.source)")
            return
        }
        #expect(path == "policies/reader.hcl")
        #expect(text.contains(#"path "secret/data/app/*""#))
    }
}

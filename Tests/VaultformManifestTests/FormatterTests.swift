import Foundation
import Testing
import VaultformCore
import VaultformManifest

/// `vaultform fmt`'s layout: canonical, idempotent, every comment kept, meaning unchanged.
@Suite struct FormatterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func format(_ text: String) throws -> String {
        try ManifestFormatter.format(text, file: "m.yaml").get()
    }

    /// Every comment of a text: what follows a `#` that starts a line or follows a space,
    /// trimmed (a rough scanner, enough for the repository's files).
    static func comments(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("#") { return String(trimmed) }
            guard let range = line.range(of: " #") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }.sorted()
    }

    /// Equal in meaning: a write-only value (never equal without a fingerprint, by design)
    /// by its source.
    static func sameMeaning(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        if case .writeOnly(let x)? = a, case .writeOnly(let y)? = b { return x.source == y.source }
        return a == b
    }

    @Test("keys go in the documented order, block collections indent by two, comments move with their entries, scalars stay as written")
    func layout() throws {
        let text = """
            # header comment   
            policies:
                # the admin policy
                - hcl: |
                    path "secret/*" {
                      capabilities = ["read"]
                    }
                  name: admin     # trailing comment
                - { hcl: 'path "x" { capabilities = ["list"] }', name: flow }
            version: 1


            secrets_engines:
            - type: kv-v2
              # where secrets live
              path: "secret"
              kv_config:
                  max_versions: 5
            approle_roles:
              - token_ttl: 1h
                name: app
                token_bound_cidrs: ["10.0.0.0/8"]
                token_policies: [admin]

            """
        let formatted = try Self.format(text)
        #expect(formatted == """
            # header comment
            version: 1

            secrets_engines:
              # where secrets live
              - path: "secret"
                type: kv-v2
                kv_config:
                  max_versions: 5
            policies:
              # the admin policy
              - name: admin     # trailing comment
                hcl: |
                  path "secret/*" {
                    capabilities = ["read"]
                  }
              - { hcl: 'path "x" { capabilities = ["list"] }', name: flow }
            approle_roles:
              - name: app
                token_policies: [admin]
                token_ttl: 1h
                token_bound_cidrs: ["10.0.0.0/8"]

            """)
        #expect(try Self.format(formatted) == formatted)
    }

    @Test("a layout that would change the document is refused, and nothing is returned to write")
    func refusesUnsafe() throws {
        // Reordering would put the alias before its anchor.
        let text = """
            version: 1
            auth_methods: [{ path: approle, type: approle }]
            approle_roles:
              - name: r
                token_bound_cidrs: &cidrs ["10.0.0.0/8"]
                secret_id_bound_cidrs: *cidrs

            """
        let result = ManifestFormatter.format(text, file: "m.yaml")
        guard case .failure(let diagnostic) = result else {
            Issue.record("formatted: \(result)")
            return
        }
        #expect(diagnostic.message.contains("cannot lay this file out without changing it"), "\(diagnostic.message)")
        // Block scalars keep their content exactly, trailing spaces and inner blank lines too.
        let literal = "version: 1\npolicies:\n  - name: p\n    hcl: |+\n      path \"a\" {  \n\n\n        capabilities = [\"read\"]\n      }\n\n"
        let kept = try Self.format(literal)
        #expect(kept.contains("path \"a\" {  \n\n\n        capabilities"), "\(kept)")
    }

    @Test("a CRLF, CR or NEL file is laid out as its LF twin is, with LF line ends; an LS file is refused, never crashed on (CRLF and CR crashed: the lines were split on the Character \"\\n\")")
    func crlf() throws {
        let lf = "version: 1\npolicies:\n    - hcl: |\n        path \"a\" { capabilities = [\"read\"] }\n      name: p\n"
        for lineEnd in ["\r\n", "\r", "\u{85}"] {
            #expect(try Self.format(lf.replacingOccurrences(of: "\n", with: lineEnd))
                == "version: 1\npolicies:\n  - name: p\n    hcl: |\n      path \"a\" { capabilities = [\"read\"] }\n", "\(lineEnd.debugDescription)")
        }
        // libyaml breaks lines at LS too, but keeps it inside a block scalar: LF there would
        // change the policy's text, so the file is left as it is.
        let result = ManifestFormatter.format(lf.replacingOccurrences(of: "\n", with: "\u{2028}"), file: "m.yaml")
        guard case .failure(let diagnostic) = result else {
            Issue.record("formatted: \(result)")
            return
        }
        #expect(diagnostic.message.contains("cannot lay this file out without changing it"), "\(diagnostic.message)")
    }

    /// The repository's manifests as they were before `vaultform fmt` was run on them.
    static let unformatted = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/unformatted")

    @Test("every manifest in the repository is formatted: fmt changes nothing")
    func repositoryIsFormatted() throws {
        var checked = 0
        for directory in ["examples", "manifests/hoodcloud", "manifests/hoodcloud/env", "manifests/ci-auth"] {
            let folder = Self.root.appendingPathComponent(directory)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
                let path = folder.appendingPathComponent(name).path
                let text = try String(contentsOfFile: path, encoding: .utf8)
                #expect(try ManifestFormatter.format(text, file: path).get() == text, "\(path) is not formatted: run vaultform fmt \(directory)")
                checked += 1
            }
        }
        #expect(checked >= 15)
    }

    @Test("the repository's manifests as written before fmt: formatting gives the committed files, keeps every comment, and plans exactly the same")
    func repositoryManifests() throws {
        var sources: [(directory: String, files: [String])] = []
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        sources += examples.map { ("examples", [$0]) }
        for directory in ["manifests/hoodcloud", "manifests/ci-auth"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(directory).path)
                .filter { $0.hasSuffix(".yaml") }.sorted()
            sources.append((directory, files))
        }
        let varFile = Self.root.appendingPathComponent("manifests/hoodcloud/env/prod.yaml").path
        var reformatted = 0
        for source in sources {
            // `before` holds each file as written before fmt (the fixture, where fmt changed
            // it), `after` what fmt makes of it; both beside the manifest's other files.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vf-fmt-\(UUID().uuidString)")
            let (before, after) = (scratch.appendingPathComponent("before"), scratch.appendingPathComponent("after"))
            defer { try? FileManager.default.removeItem(at: scratch) }
            for side in [before, after] {
                try FileManager.default.createDirectory(at: side, withIntermediateDirectories: true)
                for extra in ["policies", "files"] {
                    let from = Self.root.appendingPathComponent(source.directory).appendingPathComponent(extra)
                    if FileManager.default.fileExists(atPath: from.path) {
                        try FileManager.default.copyItem(at: from, to: side.appendingPathComponent(extra))
                    }
                }
            }
            for name in source.files {
                let committedPath = Self.root.appendingPathComponent(source.directory).appendingPathComponent(name).path
                let committed = try String(contentsOfFile: committedPath, encoding: .utf8)
                let fixture = Self.unformatted.appendingPathComponent(source.directory).appendingPathComponent(name).path
                let text = FileManager.default.fileExists(atPath: fixture) ? try String(contentsOfFile: fixture, encoding: .utf8) : committed
                let formatted = try ManifestFormatter.format(text, file: committedPath).get()
                #expect(formatted == committed, "\(committedPath): fmt of the file as written differs from the committed file")
                #expect(try ManifestFormatter.format(formatted, file: committedPath).get() == formatted, "\(committedPath): not idempotent")
                for lineEnd in ["\r\n", "\r"] {
                    let other = text.replacingOccurrences(of: "\n", with: lineEnd)
                    #expect(try ManifestFormatter.format(other, file: committedPath).get() == formatted, "\(committedPath) with \(lineEnd.debugDescription) line ends")
                }
                #expect(Self.comments(formatted) == Self.comments(text), "\(committedPath): a comment was lost or changed")
                if formatted != text { reformatted += 1 }
                try text.write(to: before.appendingPathComponent(name), atomically: true, encoding: .utf8)
                try formatted.write(to: after.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            let inputs = VariableInputs(environment: [:], varFiles: source.directory == "manifests/hoodcloud" ? [varFile] : [], assignments: [])
            let paths = source.files.count == 1
                ? (before.appendingPathComponent(source.files[0]).path, after.appendingPathComponent(source.files[0]).path)
                : (before.path, after.path)
            let old = ManifestLoader(inputs: inputs).load(path: paths.0)
            let new = ManifestLoader(inputs: inputs).load(path: paths.1)
            let oldManifest = try #require(old.manifest, "\(source): \(old.diagnostics.map(\.message))")
            let newManifest = try #require(new.manifest, "\(source): \(new.diagnostics.map(\.message))")
            let (oldState, newState) = (DesiredState(oldManifest), DesiredState(newManifest))
            let newByAddress = Dictionary(newState.entries.map { ($0.address, $0.resource) }, uniquingKeysWith: { a, _ in a })
            for entry in oldState.entries {
                let other = newByAddress[entry.address]
                let fields = Set(entry.resource.fields.keys).union(other?.fields.keys ?? [:].keys)
                    .filter { !Self.sameMeaning(entry.resource.fields[$0], other?.fields[$0]) }
                #expect(fields.isEmpty, "\(source.directory): \(entry.address) differs in \(fields.sorted())")
            }
            #expect(oldState.entries.map(\.address) == newState.entries.map(\.address), "\(source.directory): the formatted manifest plans differently")
            let unplaced = { (fields: [SecretField]) in fields.map { field -> SecretField in
                var field = field
                field.location = SourceLocation(file: "", line: 0, column: 0)
                // Where a generator is written, and a file source resolved, is not meaning.
                switch field.source {
                case .generate(var generator)?:
                    generator.location = field.location
                    generator.publicField = generator.publicField.map { Located($0.value, at: field.location) }
                    field.source = .generate(generator)
                case .file(let path, _)?: field.source = .file(path: path, resolvedPath: "")
                default: break
                }
                return field
            } }
            #expect(oldState.schemas.map(\.path) == newState.schemas.map(\.path)
                    && oldState.schemas.map { unplaced($0.fields) } == newState.schemas.map { unplaced($0.fields) },
                    "\(source.directory): secret schemas differ")
            #expect(oldState.entries.count > 0 || oldState.schemas.count > 0, "\(source.directory): nothing compared")
        }
        #expect(sources.count >= 9)
        #expect(reformatted >= 9, "\(reformatted) files changed: the meaning check exercised too little")
    }
}

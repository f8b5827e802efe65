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

    @Test("every manifest in the repository: formatting is idempotent, keeps every comment, and plans exactly like the original")
    func repositoryManifests() throws {
        var sources: [(directory: String, files: [String])] = []
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        sources += examples.map { ("examples", [$0]) }
        let hood = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("manifests/hoodcloud").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        sources.append(("manifests/hoodcloud", hood))
        let varFile = Self.root.appendingPathComponent("manifests/hoodcloud/env/prod.yaml").path
        var formattedFiles = 0
        for source in sources {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vf-fmt-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            for name in source.files {
                let path = Self.root.appendingPathComponent(source.directory).appendingPathComponent(name).path
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let formatted = try ManifestFormatter.format(text, file: path).get()
                #expect(try ManifestFormatter.format(formatted, file: path).get() == formatted, "\(path): not idempotent")
                #expect(Self.comments(formatted) == Self.comments(text), "\(path): a comment was lost or changed")
                if formatted != text { formattedFiles += 1 }
                try formatted.write(to: scratch.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            // Policies given as files (`file: policies/x.hcl`) resolve next to the manifest.
            for extra in ["policies", "files"] {
                let from = Self.root.appendingPathComponent(source.directory).appendingPathComponent(extra)
                if FileManager.default.fileExists(atPath: from.path) {
                    try FileManager.default.copyItem(at: from, to: scratch.appendingPathComponent(extra))
                }
            }
            let inputs = VariableInputs(environment: [:], varFiles: source.directory == "manifests/hoodcloud" ? [varFile] : [], assignments: [])
            let originalPath = source.files.count == 1
                ? Self.root.appendingPathComponent(source.directory).appendingPathComponent(source.files[0]).path
                : Self.root.appendingPathComponent(source.directory).path
            let formattedPath = source.files.count == 1 ? scratch.appendingPathComponent(source.files[0]).path : scratch.path
            let before = ManifestLoader(inputs: inputs).load(path: originalPath)
            let after = ManifestLoader(inputs: inputs).load(path: formattedPath)
            let old = try #require(before.manifest, "\(originalPath): \(before.diagnostics.map(\.message))")
            let new = try #require(after.manifest, "\(formattedPath): \(after.diagnostics.map(\.message))")
            let (oldState, newState) = (DesiredState(old), DesiredState(new))
            let newByAddress = Dictionary(newState.entries.map { ($0.address, $0.resource) }, uniquingKeysWith: { a, _ in a })
            for entry in oldState.entries {
                let other = newByAddress[entry.address]
                let fields = Set(entry.resource.fields.keys).union(other?.fields.keys ?? [:].keys)
                    .filter { !Self.sameMeaning(entry.resource.fields[$0], other?.fields[$0]) }
                #expect(fields.isEmpty, "\(originalPath): \(entry.address) differs in \(fields.sorted())")
            }
            #expect(oldState.entries.map(\.address) == newState.entries.map(\.address), "\(originalPath): the formatted manifest plans differently")
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
                    "\(originalPath): secret schemas differ")
            #expect(oldState.entries.count > 0 || oldState.schemas.count > 0, "\(originalPath): nothing compared")
        }
        #expect(sources.count >= 8)
        #expect(formattedFiles >= 3, "\(formattedFiles) files changed: the meaning check exercised too little")
    }
}

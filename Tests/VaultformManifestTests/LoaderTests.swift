import Foundation
import Testing
@testable import VaultformManifest

/// The repository's root, found from this file, so tests read the committed manifests.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func load(_ text: String, file: String = "m.yaml", inputs: VariableInputs = VariableInputs()) -> ManifestLoader.Result {
    ManifestLoader(inputs: inputs).load(sources: [(file, text)])
}

@Suite struct LoaderTests {
    @Test("a character YAML refuses is placed at the same line and column whatever the line ends")
    func readerErrorPlace() throws {
        // Yams gives the place as a count of Characters: "é" is two bytes, "\r\n" one Character.
        let lf = "version: 1\npolicies:\n  - name: \u{E9}\u{1}\n    hcl: x\n"
        var places: [String] = []
        for lineEnd in ["\n", "\r\n", "\r"] {
            let diagnostics = load(lf.replacingOccurrences(of: "\n", with: lineEnd)).diagnostics
            let first = try #require(diagnostics.first, "\(lineEnd.debugDescription)")
            places.append("\(first.location?.line ?? 0):\(first.location?.column ?? 0)")
        }
        #expect(places == ["3:12", "3:12", "3:12"], "\(places)")
    }

    @Test func hoodcloudManifestIsValidInEveryEnvironment() throws {
        let path = repositoryRoot.appendingPathComponent("manifests/hoodcloud").path
        for varFile in [nil, "env/dev.yaml", "env/prod.yaml"] {
            let inputs = VariableInputs(varFiles: varFile.map { [path + "/" + $0] } ?? [])
            let result = ManifestLoader(inputs: inputs).load(path: path)
            #expect(!result.diagnostics.hasErrors, "\(varFile ?? "defaults"): \(result.diagnostics)")
            let manifest = try #require(result.manifest)
            #expect(Set(manifest.appRoleRoles.map(\.name)) == [
                "hoodcloud-control-plane", "hoodcloud-auth-server", "hoodcloud-payment-service", "hoodcloud-admin",
            ])
            #expect(manifest.transitKeys.map(\.name) == ["hoodcloud-master"])
            #expect(manifest.auditDevices.first?.options["file_path"] == "/vault/logs/audit.log")
            #expect(manifest.secretSchemas.contains { $0.path == "secret/hoodcloud/app-credentials" && $0.mount == "secret" })
        }
    }

    @Test func prodAndDevBindDifferentCIDRs() throws {
        let path = repositoryRoot.appendingPathComponent("manifests/hoodcloud").path
        func cidrs(_ env: String) throws -> [String] {
            let result = ManifestLoader(inputs: VariableInputs(varFiles: ["\(path)/env/\(env).yaml"])).load(path: path)
            let role = try #require(result.manifest?.appRoleRoles.first { $0.name == "hoodcloud-control-plane" })
            return (role.secretIDBoundCIDRs ?? []).map(\.description)
        }
        #expect(try cidrs("dev") != cidrs("prod"))
        #expect(try !cidrs("prod").isEmpty)
    }

    @Test func everyExampleIsValid() throws {
        let examples = repositoryRoot.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 3)
        for file in files {
            let result = ManifestLoader().load(path: examples.appendingPathComponent(file).path)
            #expect(!result.diagnostics.hasErrors, "\(file): \(result.diagnostics)")
        }
    }

    @Test func reportsEveryProblemAtOnce() {
        let result = load("""
            version: 1
            policies:
              - name: a
                rules: [{ path: "x/*", capabilities: [reed] }]
            approle_roles:
              - name: r
                token_tl: 1h
                token_bound_cidrs: [10.0.0.300/33]
            """)
        #expect(result.manifest == nil)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map { "\($0.location!.line):\($0.location!.column)" }.contains("4:43"))
        #expect(!errors.contains { $0.message.contains("grants no capability") }, "a bad item must not cascade")
        #expect(errors.contains { $0.location?.line == 7 && $0.hint == "did you mean `token_ttl`?" })
        #expect(errors.contains { $0.location?.line == 8 && $0.message.contains("10.0.0.300/33") })
        #expect(errors.contains { $0.message.contains("auth method `approle`") })
    }

    @Test func stringFieldsKeepWhatWasWritten() throws {
        let result = load("""
            version: 1
            auth_methods:
              - { path: approle, type: approle, description: yes }
            approle_roles:
              - name: r
                role_id: 0123
                token_ttl: "3600"
                token_max_ttl: 2h
            """)
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.authMethods[0].description == "yes")
        #expect(manifest.appRoleRoles[0].roleID == "0123")
        #expect(manifest.appRoleRoles[0].token.tokenTTL?.seconds == 3600)
    }

    @Test func variablesTakePrecedenceInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-vars-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.yaml")
        let second = directory.appendingPathComponent("b.yaml")
        try "cidrs: [10.1.0.0/16]\nttl: 2h\n".write(to: first, atomically: true, encoding: .utf8)
        try "ttl: 3h\n".write(to: second, atomically: true, encoding: .utf8)
        let text = """
            version: 1
            variables:
              cidrs: { type: list, default: [127.0.0.1/32] }
              ttl: { default: 1h }
              uses: { type: integer, default: 5 }
            auth_methods: [{ path: approle, type: approle, description: "ttl is ${var.ttl}, literal $${x}" }]
            approle_roles:
              - name: r
                token_bound_cidrs: ${var.cidrs}
                token_ttl: ${var.ttl}
                token_num_uses: ${var.uses}
            """
        func role(_ inputs: VariableInputs) throws -> AppRoleRole {
            let result = load(text, inputs: inputs)
            return try #require(result.manifest?.appRoleRoles.first, "\(result.diagnostics)")
        }
        #expect(try role(VariableInputs()).token.tokenBoundCIDRs?.map(\.description) == ["127.0.0.1/32"])
        #expect(try role(VariableInputs()).token.tokenNumUses == 5)
        let fromEnvironment = VariableInputs(environment: ["VAULTFORM_VAR_cidrs": "[10.9.0.0/16, 10.8.0.0/16]"])
        #expect(try role(fromEnvironment).token.tokenBoundCIDRs?.map(\.description) == ["10.9.0.0/16", "10.8.0.0/16"])
        let fromFiles = VariableInputs(environment: ["VAULTFORM_VAR_ttl": "9h"], varFiles: [first.path, second.path])
        #expect(try role(fromFiles).token.tokenTTL?.seconds == 3 * 3600)
        #expect(try role(fromFiles).token.tokenBoundCIDRs?.map(\.description) == ["10.1.0.0/16"])
        let fromFlag = VariableInputs(varFiles: [first.path], assignments: ["ttl=4h"])
        #expect(try role(fromFlag).token.tokenTTL?.seconds == 4 * 3600)
        let manifest = try #require(load(text).manifest)
        #expect(manifest.authMethods[0].description == "ttl is 1h, literal ${x}")
    }

    @Test func aBadValueFromAVariableNamesTheVariable() throws {
        let result = load("""
            version: 1
            variables:
              cidrs: { type: list, default: [10.0.0.0/33] }
            auth_methods: [{ path: approle, type: approle }]
            approle_roles:
              - { name: r, token_bound_cidrs: "${var.cidrs}" }
            """)
        let error = try #require(result.diagnostics.first { $0.message.contains("10.0.0.0/33") })
        #expect(error.location?.line == 6)
        #expect(error.related.first?.message.contains("variable `cidrs`") == true)
    }

    @Test func kvV2ShorthandBecomesTheServersForm() throws {
        let manifest = try #require(load("""
            version: 1
            secrets_engines:
              - { path: secret, type: kv-v2, kv_config: { max_versions: 5 } }
            secret_schemas:
              - path: secret/app/config
                fields: { password: { type: string, generate: { kind: password, length: 24 } } }
            """).manifest)
        #expect(manifest.secretsEngines[0].type == "kv")
        #expect(manifest.secretsEngines[0].options == ["version": "2"])
        #expect(manifest.secretSchemas[0].secretPath == "app/config")
    }

    @Test func duplicatesAcrossFilesNameBothPlaces() throws {
        let result = ManifestLoader().load(sources: [
            ("a.yaml", "version: 1\npolicies:\n  - { name: Reader, hcl: 'path \"x\" { capabilities = [\"read\"] }' }\n"),
            ("b.yaml", "version: 1\n\npolicies:\n  - { name: reader, hcl: 'path \"y\" { capabilities = [\"read\"] }' }\n"),
        ])
        let error = try #require(result.diagnostics.first { $0.message.contains("declared twice") })
        #expect(error.location == SourceLocation(file: "b.yaml", line: 4, column: 5))
        #expect(error.related.first?.location == SourceLocation(file: "a.yaml", line: 3, column: 5))
    }
}

@Suite struct NameCaseTests {
    @Test func capitalisedNamesWarnButLoad() throws {
        let result = load("""
            version: 1
            policies: [{ name: Team-Reader, hcl: 'path "x" { capabilities = ["read"] }' }]
            auth_methods: [{ path: approle, type: approle }]
            approle_roles: [{ name: CI, token_policies: [Team-Reader] }]
            """)
        #expect(result.manifest != nil)
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.hint) == ["write `team-reader`", "write `ci`"])
        #expect(warnings.first?.location?.line == 2)
    }
}

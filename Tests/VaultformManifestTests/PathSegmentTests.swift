import Foundation
import Testing
import VaultPath
@testable import VaultformManifest

/// Every manifest value that becomes a segment of an API path goes through one check, so
/// no kind can let `..`, an empty segment or an encoded dot reach another endpoint.
@Suite("Path segments in manifests")
struct PathSegmentTests {
    /// A manifest with one hostile value per path field; `@@` marks where the value goes.
    static let fields: [(field: String, text: String)] = [
        ("audit device path", "audit_devices:\n  - path: @@\n    type: file\n"),
        ("secrets engine path", "secrets_engines:\n  - path: @@\n    type: kv-v2\n"),
        ("auth method path", "auth_methods:\n  - path: @@\n    type: approle\n"),
        ("secret schema path", "secrets_engines:\n  - { path: kv, type: kv-v2 }\nsecret_schemas:\n  - path: @@\n    fields: { a: { type: string } }\n"),
        ("Transit key mount", "transit_keys:\n  - mount: @@\n    name: k\n"),
        ("Transit key name", "secrets_engines:\n  - { path: transit, type: transit }\ntransit_keys:\n  - mount: transit\n    name: @@\n"),
        ("policy name", "policies:\n  - name: @@\n    hcl: 'path \"x\" { capabilities = [\"read\"] }'\n"),
        ("AppRole role name", "auth_methods:\n  - { path: approle, type: approle }\napprole_roles:\n  - name: @@\n"),
        ("AppRole role mount", "approle_roles:\n  - name: r\n    mount: @@\n"),
        ("engine type", "secrets_engines:\n  - path: kv\n    type: @@\n"),
        ("ownership mount", "ownership:\n  - kind: approle_role\n    mount: @@\n"),
    ]

    /// Values no path field may hold, whether a path (several segments) or a name (one).
    static let hostile = ["'..'", "'.'", "'%2e%2e'", "'a%2Fb'", "'a\\\\b'", "'a?b'", "'a#b'", "\"a\\u0001b\"", "'a%b'"]
    /// Only paths have segments to climb out of.
    static let hostilePaths = ["team-a/../../seal", "x/./y", "'%2e%2e/sys'", "'a/%2E%2e/b'"]

    static func line(of text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("@@") }.map { $0 + 2 } ?? 0
    }

    @Test("each path field refuses each hostile value with a located error", arguments: fields)
    func refused(field: String, text: String) {
        let isPath = field.hasSuffix("path") || field.hasSuffix("mount")
        for value in Self.hostile + (isPath ? Self.hostilePaths : []) {
            let manifest = "version: 1\n" + text.replacingOccurrences(of: "@@", with: value)
            let result = load(manifest)
            #expect(result.manifest == nil, "\(field) = \(value) was accepted")
            let line = Self.line(of: text)
            let column = (text.split(separator: "\n").first { $0.contains("@@") }?.firstRange(of: "@@")?.lowerBound.utf16Offset(in: text.split(separator: "\n").first { $0.contains("@@") }!)).map { $0 + 1 } ?? 0
            #expect(result.diagnostics.contains { $0.severity == .error && $0.location == SourceLocation(file: "m.yaml", line: line, column: column) },
                    "\(field) = \(value): \(result.diagnostics)")
        }
    }

    @Test("a name that comes from a variable goes through the same check, located at the reference")
    func fromVariable() {
        let manifest = """
            version: 1
            variables:
              engine: { type: string }
            secrets_engines:
              - path: ${var.engine}
                type: kv-v2
            """
        let result = load(manifest, inputs: VariableInputs(assignments: ["engine=team-a/../../seal"]))
        let error = result.diagnostics.first { $0.severity == .error }
        #expect(error?.location == SourceLocation(file: "m.yaml", line: 5, column: 11), "\(result.diagnostics)")
        #expect(error?.message.contains("`..` segment") == true, "\(result.diagnostics)")
        #expect(error?.related.contains { $0.message.contains("variable `engine`") } == true)
    }

    @Test("ordinary names with dots, dashes and underscores still load")
    func ordinaryNamesLoad() {
        let manifest = """
            version: 1
            secrets_engines:
              - { path: team-a/kv.v2, type: kv-v2 }
              - { path: transit_1, type: transit }
            transit_keys:
              - { mount: transit_1, name: key.v1-a }
            policies:
              - { name: app.reader-1, hcl: 'path "x" { capabilities = ["read"] }' }
            secret_schemas:
              - path: team-a/kv.v2/app/...config
                fields: { a: { type: string } }
            """
        let result = load(manifest)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
    }

    @Test("the shared check: the client's addressing problems and the manifest's stricter ones")
    func sharedCheck() {
        for segment in ["", ".", "..", "%2e", "%2E%2e", "%252e%252e", "a\\b", "a\u{0}b", "a\u{85}b", "%2f"] {
            #expect(PathSegment.addressingProblem(Substring(segment)) != nil, "\(segment)")
        }
        for segment in ["a", "...", "a.b", "a b", "ü", "a%b", "a?b"] {
            #expect(PathSegment.addressingProblem(Substring(segment)) == nil, "\(segment)")
        }
        for segment in ["a%b", "a?b", "a#b"] { #expect(PathSegment.problem(Substring(segment)) != nil, "\(segment)") }
        #expect(PathSegment.problem(inPath: "sys/mounts/kv/") == nil)
        #expect(PathSegment.problem(inPath: "sys/mounts/kv/", trailingSlash: false) != nil)
        #expect(PathSegment.problem(inPath: "a//b") != nil)
    }
}

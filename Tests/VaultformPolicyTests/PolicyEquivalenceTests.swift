import Testing
import VaultformPolicy

/// Comparison by meaning: what vaultform wrote and what the server holds must compare equal
/// whenever the server would enforce the same thing.
@Suite struct PolicyEquivalenceTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        var name: String
        var lhs: String
        var rhs: String
        var testDescription: String { name }
    }

    static let equivalent: [Pair] = [
        Pair(
            name: "whitespace, comments and CRLF",
            lhs: #"path "a" { capabilities = ["read"] }"#,
            rhs: "# header\r\npath   \"a\"\r\n{\r\n  // note\r\n  capabilities = [ \"read\" , ] /* trailing */\r\n}\r\n"
        ),
        Pair(
            name: "capability order and duplicates",
            lhs: #"path "a" { capabilities = ["list", "read", "read"] }"#,
            rhs: #"path "a" { capabilities = ["read", "list"] }"#
        ),
        Pair(
            name: "rule order",
            lhs: "path \"a\" { capabilities = [\"read\"] }\npath \"b\" { capabilities = [\"list\"] }",
            rhs: "path \"b\" { capabilities = [\"list\"] }\npath \"a\" { capabilities = [\"read\"] }"
        ),
        Pair(
            name: "same path in two blocks merges",
            lhs: "path \"a\" { capabilities = [\"read\"] }\npath \"a\" { capabilities = [\"list\"] }",
            rhs: #"path "a" { capabilities = ["read", "list"] }"#
        ),
        Pair(
            name: "capabilities repeated inside one block unite, as on the server",
            lhs: #"path "a" { capabilities = ["read"] capabilities = ["list"] }"#,
            rhs: #"path "a" { capabilities = ["read", "list"] }"#
        ),
        Pair(
            name: "merged parameters: an empty list (any value) wins",
            lhs: """
                path "a" { capabilities = ["update"] allowed_parameters = { "x" = ["1"] "y" = ["2"] } }
                path "a" { allowed_parameters = { "x" = [] "y" = ["3"] } required_parameters = ["x"] }
                """,
            rhs: #"path "a" { capabilities = ["update"] required_parameters = ["x"] allowed_parameters = { "x" = [] "y" = ["2", "3"] } }"#
        ),
        Pair(
            name: "merged wrapping TTLs: the smaller wins",
            lhs: """
                path "a" { capabilities = ["read"] min_wrapping_ttl = "5m" max_wrapping_ttl = "2h" }
                path "a" { min_wrapping_ttl = 60 max_wrapping_ttl = "1h" }
                """,
            rhs: #"path "a" { capabilities = ["read"] min_wrapping_ttl = "1m" max_wrapping_ttl = "1h" }"#
        ),
        Pair(
            name: "duration spellings",
            lhs: #"path "a" { capabilities = ["read"] min_wrapping_ttl = "1h30m" max_wrapping_ttl = "1d" }"#,
            rhs: #"path "a" { capabilities = ["read"] min_wrapping_ttl = 5400 max_wrapping_ttl = "86400" }"#
        ),
        Pair(
            name: "zero and empty TTLs mean none",
            lhs: #"path "a" { capabilities = ["read"] min_wrapping_ttl = 0 max_wrapping_ttl = "" }"#,
            rhs: #"path "a" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "parameter names are case-insensitive on the server",
            lhs: #"path "a" { capabilities = ["update"] allowed_parameters = { "Name" = ["b", "a", "a"] } }"#,
            rhs: #"path "a" { capabilities = ["update"] allowed_parameters = { name = ["a", "b"] } }"#
        ),
        Pair(
            name: "allowed_parameters written as a block",
            lhs: #"path "a" { capabilities = ["update"] allowed_parameters { "n" = [] } }"#,
            rhs: #"path "a" { capabilities = ["update"] allowed_parameters = { "n" = [] } }"#
        ),
        Pair(
            name: "leading slash is stripped by the server",
            lhs: #"path "/secret/a" { capabilities = ["read"] }"#,
            rhs: #"path "secret/a" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "unquoted path and commas between attributes",
            lhs: #"path secret { capabilities = ["read"], max_wrapping_ttl = "1h", }"#,
            rhs: #"path "secret" { capabilities = ["read"] max_wrapping_ttl = 3600 }"#
        ),
        Pair(
            name: "legacy policy = \"write\"",
            lhs: #"path "a" { policy = "write" }"#,
            rhs: #"path "a" { capabilities = ["create", "read", "update", "delete", "list"] }"#
        ),
        Pair(
            name: "empty block and empty capabilities",
            lhs: #"path "a" {}"#,
            rhs: #"path "a" { capabilities = [] }"#
        ),
        Pair(
            name: "ignored name and comment attributes",
            lhs: "name = \"x\"\npath \"a\" { comment = \"why\" capabilities = [\"read\"] }",
            rhs: #"path "a" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "JSON equals HCL",
            lhs: PolicyFixtures.controlPlane,
            rhs: """
                {
                  "path": {
                    "sys/policies/acl/*": { "capabilities": ["deny"] },
                    "secret/data/app/config": {
                      "capabilities": ["read", "create", "update", "patch"],
                      "required_parameters": ["version"],
                      "allowed_parameters": { "data": ["*"], "version": [] },
                      "denied_parameters": { "admin": [] }
                    },
                    "secret/data/app/*": { "capabilities": ["list", "read"] },
                    "auth/approle/role/app/secret-id": {
                      "capabilities": ["update"], "min_wrapping_ttl": 60, "max_wrapping_ttl": "1h",
                    },
                  }
                }
                """
        ),
        Pair(
            name: "JSON with path as a list of objects",
            lhs: #"{"path": [{"a": {"capabilities": ["read"]}}, {"a": {"capabilities": ["list"]}}]}"#,
            rhs: #"path "a" { capabilities = ["read", "list"] }"#
        ),
        Pair(
            name: "string escapes",
            lhs: #"path "secret/\u00e9t\u00E9\t\"q\"" { capabilities = ["read"] }"#,
            rhs: "path \"secret/été\\t\\\"q\\\"\" { capabilities = [\"read\"] }"
        ),
        Pair(
            name: "heredoc comment is ignored",
            lhs: "path \"a\" {\n  comment = <<EOT\n  anything \"here\"\n  EOT\n  capabilities = [\"read\"]\n}",
            rhs: #"path "a" { capabilities = ["read"] }"#
        ),
    ]

    @Test(arguments: equivalent)
    func samePolicyByMeaning(_ pair: Pair) throws {
        let lhs = try PolicyParser.parse(pair.lhs).get()
        let rhs = try PolicyParser.parse(pair.rhs).get()
        #expect(lhs == rhs)
        #expect(lhs.renderHCL() == rhs.renderHCL())
    }

    static let different: [Pair] = [
        Pair(
            name: "different capability",
            lhs: #"path "a" { capabilities = ["read"] }"#,
            rhs: #"path "a" { capabilities = ["list"] }"#
        ),
        Pair(
            name: "extra capability",
            lhs: #"path "a" { capabilities = ["read"] }"#,
            rhs: #"path "a" { capabilities = ["read", "list"] }"#
        ),
        Pair(
            name: "deny kept next to other capabilities",
            lhs: #"path "a" { capabilities = ["deny"] }"#,
            rhs: #"path "a" { capabilities = ["read", "deny"] }"#
        ),
        Pair(
            name: "different path",
            lhs: #"path "a/*" { capabilities = ["read"] }"#,
            rhs: #"path "a/" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "empty rule still shadows globs",
            lhs: "path \"a/*\" { capabilities = [\"read\"] }\npath \"a/b\" {}",
            rhs: #"path "a/*" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "parameter value",
            lhs: #"path "a" { capabilities = ["update"] allowed_parameters = { "x" = ["1"] } }"#,
            rhs: #"path "a" { capabilities = ["update"] allowed_parameters = { "x" = [] } }"#
        ),
        Pair(
            name: "allowed versus denied",
            lhs: #"path "a" { capabilities = ["update"] allowed_parameters = { "x" = [] } }"#,
            rhs: #"path "a" { capabilities = ["update"] denied_parameters = { "x" = [] } }"#
        ),
        Pair(
            name: "wrapping TTL",
            lhs: #"path "a" { capabilities = ["read"] max_wrapping_ttl = "1h" }"#,
            rhs: #"path "a" { capabilities = ["read"] max_wrapping_ttl = "2h" }"#
        ),
        Pair(
            name: "path case matters",
            lhs: #"path "Secret" { capabilities = ["read"] }"#,
            rhs: #"path "secret" { capabilities = ["read"] }"#
        ),
        Pair(
            name: "blocks with different expirations stay apart",
            lhs: """
                path "a" { capabilities = ["read"] expiration = "2030-01-01T00:00:00Z" }
                path "a" { capabilities = ["list"] }
                """,
            rhs: #"path "a" { capabilities = ["read", "list"] expiration = "2030-01-01T00:00:00Z" }"#
        ),
    ]

    @Test(arguments: different)
    func differentPolicies(_ pair: Pair) throws {
        let lhs = try PolicyParser.parse(pair.lhs).get()
        let rhs = try PolicyParser.parse(pair.rhs).get()
        #expect(lhs != rhs)
        #expect(lhs.renderHCL() != rhs.renderHCL())
    }

    @Test func hclFixtureMatchesStructuredRules() throws {
        #expect(try PolicyParser.parse(PolicyFixtures.controlPlane).get() == PolicyFixtures.controlPlaneDocument)
    }

    @Test func equalityIgnoresRulesEditedOutOfOrder() {
        var edited = PolicyFixtures.controlPlaneDocument
        edited.rules.reverse()
        #expect(edited == PolicyFixtures.controlPlaneDocument)
        #expect(edited.normalized().rules == PolicyFixtures.controlPlaneDocument.rules)
    }

    @Test func capabilitiesSortInDeclarationOrder() {
        #expect(Capability.allCases.shuffled().sorted() == Capability.allCases)
        #expect(Capability.allCases.map(\.rawValue) == [
            "create", "read", "update", "patch", "delete", "list", "scan", "sudo", "deny",
        ])
    }

    /// HCL v1 keeps `${…}` verbatim: quotes and escapes inside it are not decoded, as on the
    /// server. JSON has no such sections.
    @Test(arguments: [
        (#"path "a${"}" {}"#, #"a${"}"#),
        (#"path "a${\"}" {}"#, #"a${\"}"#),
        ("path \"a${\n{}}\" {}", "a${\n{}}"),
        (#"path "a\u0024{" {}"#, "a${"),
        (#"{"path": {"a${": {}}}"#, "a${"),
        (#"{"path": {"a\u00e9\x41\101\v": {}}}"#, "aéAA\u{0B}"),
    ])
    func interpolationSectionsStayVerbatim(_ text: String, _ path: String) throws {
        #expect(try PolicyParser.parse(text).get().rules.map(\.path) == [path])
    }

    @Test func commentOnlyPolicyHasNoRules() throws {
        #expect(try PolicyParser.parse("# nothing yet\n").get().rules.isEmpty)
        #expect(try PolicyParser.parse("{}").get().rules.isEmpty)
    }
}

import Testing
import VaultformPolicy

/// Every refusal names the problem in words a person can act on, at the 1-based line and
/// column inside the policy text where the problem is.
@Suite struct PolicyErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(
            text: "path \"a\" {\n  capabilities = [\"reed\"]\n}\n", line: 2, column: 19,
            message: "unknown capability \"reed\" (expected one of create, read, update, patch, delete, list, "
                + "scan, sudo, deny); did you mean \"read\"?"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"Read\"]\n}\n", line: 2, column: 19,
            message: "unknown capability \"Read\" (expected one of create, read, update, patch, delete, list, "
                + "scan, sudo, deny); did you mean \"read\"?"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"subscribe\"]\n}\n", line: 2, column: 19,
            message: "unknown capability \"subscribe\" (expected one of create, read, update, patch, delete, list, "
                + "scan, sudo, deny)"
        ),
        Case(
            text: "path \"a\" {\n  capabilities [\"read\"]\n}\n", line: 2, column: 16,
            message: "expected \"=\" after capabilities, found \"[\""
        ),
        Case(
            text: "path \"a {\n  capabilities = [\"read\"]\n}\n", line: 1, column: 6,
            message: "unterminated string: add a closing \" on the same line"
        ),
        Case(
            text: "# reader\n\npath \"a\" {\n  capabilities = [\"read\"]\n", line: 5, column: 1,
            message: "expected \"}\" to close path block opened at 3:1, found end of text"
        ),
        Case(
            text: "path \"a\" {\r\n  capabilities = [\"read\"]\r\n\r\npath \"b\" {\r\n  capabilities = [\"list\"]\r\n}\r\n",
            line: 7, column: 1,
            message: "expected \"}\" to close path block opened at 1:1, found end of text"
        ),
        Case(
            text: "path \"a\" {\n  capabilitie = [\"read\"]\n}\n", line: 2, column: 3,
            message: "unknown attribute \"capabilitie\" in path \"a\" (expected one of capabilities, "
                + "required_parameters, allowed_parameters, denied_parameters, min_wrapping_ttl, max_wrapping_ttl, "
                + "mfa_methods, pagination_limit, list_scan_response_keys_filter_path, expiration, policy, comment); "
                + "did you mean \"capabilities\"?"
        ),
        Case(
            text: "paths \"a\" {\n  capabilities = [\"read\"]\n}\n", line: 1, column: 1,
            message: "unknown top-level key \"paths\" (expected path or name); did you mean \"path\"?"
        ),
        Case(
            text: "path \"a\" = {\n  capabilities = [\"read\"]\n}\n", line: 1, column: 10,
            message: "unexpected \"=\" after path \"a\": write path \"a\" { … } without \"=\""
        ),
        Case(
            text: "path {\n  capabilities = [\"read\"]\n}\n", line: 1, column: 1,
            message: "path needs the path it governs: write path \"secret/*\" { capabilities = [\"read\"] }"
        ),
        Case(
            text: "path \"a\" \"b\" {\n  capabilities = [\"read\"]\n}\n", line: 1, column: 10,
            message: "unexpected \"b\" after path \"a\": a path block takes exactly one path"
        ),
        Case(
            text: "path \"a\"\npath \"b\" {\n  capabilities = [\"read\"]\n}\n", line: 2, column: 1,
            message: "expected \"{\" after path \"a\", found \"path\""
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"\n}\n", line: 3, column: 1,
            message: "expected \"]\" to close capabilities list opened at 2:18, found \"}\""
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\" \"list\"]\n}\n", line: 2, column: 26,
            message: "expected \",\" or \"]\" in capabilities list, found string \"list\""
        ),
        Case(
            text: "path \"a\" {\n  capabilities = \"read\"\n}\n", line: 2, column: 18,
            message: "capabilities must be a list such as [\"read\", \"list\"], found a string"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [true]\n}\n", line: 2, column: 19,
            message: "each capability must be a quoted name such as \"read\", found a boolean"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  min_wrapping_ttl = \"1H\"\n}\n", line: 3, column: 22,
            message: "min_wrapping_ttl: \"1H\" has unknown unit \"H\"; use ns, us, ms, s, m or h"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  max_wrapping_ttl = \"1h\"\n  min_wrapping_ttl = \"2h\"\n}\n",
            line: 3, column: 3,
            message: "max_wrapping_ttl (1h) cannot be less than min_wrapping_ttl (2h)"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  max_wrapping_ttl = \"-1h\"\n}\n", line: 3, column: 22,
            message: "max_wrapping_ttl: \"-1h\" is negative; a wrapping TTL must be zero or more"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  max_wrapping_ttl = 1h\n}\n", line: 3, column: 22,
            message: "max_wrapping_ttl: 1h is not a number"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  max_wrapping_ttl = \"1500ms\"\n}\n", line: 3, column: 22,
            message: "max_wrapping_ttl: \"1500ms\" is not a whole number of seconds"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  min_wrapping_ttl = \"1m\"\n  min_wrapping_ttl = \"2m\"\n}\n",
            line: 4, column: 3,
            message: "min_wrapping_ttl is set twice in path \"a\" (first at 3:3)"
        ),
        Case(
            text: "path \"a\" { capabilities = [\"read\"] } /* unfinished\n", line: 1, column: 38,
            message: "unterminated comment: \"/*\" has no closing \"*/\""
        ),
        Case(
            text: "path \"a\\q\" { capabilities = [\"read\"] }", line: 1, column: 8,
            message: "invalid escape sequence \"\\q\" in string"
        ),
        Case(
            text: "path 'a' { capabilities = ['read'] }", line: 1, column: 6,
            message: "strings use double quotes (\"), not single quotes"
        ),
        Case(
            text: "path \"a\" { capabilities = [\"read\"]; }", line: 1, column: 35,
            message: "unexpected \";\": attributes need no terminator"
        ),
        Case(
            text: "\u{FEFF}path \"a\" { capabilities = [\"read\"] }", line: 1, column: 1,
            message: "unexpected character U+FEFF"
        ),
        Case(
            text: "path \"a\" { capabilities = [\"read\"] }\n}\n", line: 2, column: 1,
            message: "unexpected \"}\": no block is open here"
        ),
        Case(
            text: "path \"a/+*\" { capabilities = [\"read\"] }", line: 1, column: 6,
            message: "path \"a/+*\" combines wildcards as \"+*\", which the server forbids"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n\npath \"b\" {\n  capabilities = [\"list\"]\n}\n}\n",
            line: 4, column: 1,
            message: "unknown attribute \"path\" in path \"a\" (expected one of capabilities, required_parameters, "
                + "allowed_parameters, denied_parameters, min_wrapping_ttl, max_wrapping_ttl, mfa_methods, "
                + "pagination_limit, list_scan_response_keys_filter_path, expiration, policy, comment); "
                + "is a \"}\" missing before it?"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  control_group = { ttl = \"1h\" }\n}\n", line: 3, column: 3,
            message: "control_group is not supported by vaultform (it needs Vault Enterprise)"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"update\"]\n  allowed_parameters = { \"x\" = \"y\" }\n}\n",
            line: 3, column: 32,
            message: "allowed_parameters \"x\" must be a list such as [\"name\"], found a string"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"update\"]\n  allowed_parameters = { \"x\" = [{ \"y\" = 1 }] }\n}\n",
            line: 3, column: 33,
            message: "each entry of allowed_parameters \"x\" must be a string, found an object"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  list_scan_response_keys_filter_path = \"{{ .key }}\"\n}\n",
            line: 3, column: 3,
            message: "list_scan_response_keys_filter_path needs the list capability on path \"a\""
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  expiration = \"soon\"\n}\n", line: 3, column: 16,
            message: "expiration must be an RFC 3339 time such as \"2030-01-31T12:00:00Z\" or Unix seconds"
        ),
        Case(
            text: "path \"a\" { policy = \"admin\" }", line: 1, column: 21,
            message: "unknown policy \"admin\" (expected one of deny, read, write, sudo; better, use capabilities)"
        ),
        Case(
            text: "path \"a\" {\n  capabilities = \n}\n", line: 3, column: 1,
            message: "expected a value after capabilities =, found \"}\""
        ),
        Case(
            text: "[\"a\"]", line: 1, column: 1,
            message: "expected a block such as path \"secret/*\" { … }, found \"[\""
        ),
        Case(
            text: "path \"a\" {\n  capabilities = [\"read\"]\n  comment = <<EOT\n  text\n}\n", line: 3, column: 13,
            message: "unterminated heredoc: no line reads EOT"
        ),
        Case(
            text: "path \"a\" { capabilities = " + String(repeating: "[", count: 100), line: 1, column: 58,
            message: "lists and blocks nest more than 32 levels deep" // the path block is the first
        ),
        Case(
            text: "# a\u{0}b\npath \"a\" {}", line: 1, column: 4,
            message: "unexpected character U+0000"
        ),
        Case(
            text: "path \"a${\" { capabilities = [\"read\"] }\n", line: 1, column: 6,
            message: "unterminated string: add a closing \" on the same line"
        ),
        Case(
            text: "path \"\\uD83D\" {}", line: 1, column: 7,
            message: "invalid escape sequence \"\\uD83D\" in string"
        ),
        // JSON
        Case(
            text: "{\"path\": /* rules */ {}}", line: 1, column: 10,
            message: "unexpected \"/*\": JSON policies allow only # and // comments"
        ),
        Case(
            text: "{\"path\": {\"a\\/b\": {}}}", line: 1, column: 13,
            message: "invalid escape sequence \"\\/\" in string"
        ),
        Case(
            text: "{\"path\": {\"\\ud83d\\ude00\": {}}}", line: 1, column: 12,
            message: "invalid escape sequence \"\\ud83d\" in string"
        ),
        Case(
            text: "{\n  \"path\": {\n    \"a\": { \"capabilities\": [\"read\", \"bogus\"] }\n  }\n}\n", line: 3, column: 37,
            message: "unknown capability \"bogus\" (expected one of create, read, update, patch, delete, list, "
                + "scan, sudo, deny)"
        ),
        Case(
            text: "{\"path\": {\"a\": {\"capabilities\": [\"read\"]}}", line: 1, column: 43,
            message: "expected \"}\" to close object opened at 1:1, found end of text"
        ),
        Case(
            text: "{\"path\": {\"a\": {capabilities: [\"read\"]}}}", line: 1, column: 17,
            message: "JSON keys must be quoted: write \"capabilities\""
        ),
        Case(
            text: "{\"path\": {\"a\": {\"capabilities\" [\"read\"]}}}", line: 1, column: 32,
            message: "expected \":\" after \"capabilities\", found \"[\""
        ),
        Case(
            text: "{\"path\": {\"a\": {\"capabilities\": [\"read\"]}}} {}", line: 1, column: 45,
            message: "unexpected \"{\" after the end of the JSON document"
        ),
        Case(
            text: "{\"path\": \"a\"}", line: 1, column: 10,
            message: "\"path\" must map each path to its rules, as in {\"secret/*\": {…}}; found a string"
        ),
        Case(
            text: "{\"path\": {\"a\": [{\"capabilities\": [\"read\"]}]}}", line: 1, column: 16,
            message: "the rules for path \"a\" must be an object, found a list"
        ),
        Case(
            text: "{\"path\": {\"a\": {\"b\": {\"capabilities\": [\"read\"]}}}}", line: 1, column: 17,
            message: "unknown attribute \"b\" in path \"a\" (expected one of capabilities, required_parameters, "
                + "allowed_parameters, denied_parameters, min_wrapping_ttl, max_wrapping_ttl, mfa_methods, "
                + "pagination_limit, list_scan_response_keys_filter_path, expiration, policy, comment)"
        ),
    ]

    @Test(arguments: cases)
    func reportsErrorAtLocation(_ testCase: Case) {
        let result = PolicyParser.parse(testCase.text)
        #expect(result == .failure(PolicySyntaxError(line: testCase.line, column: testCase.column, message: testCase.message)))
    }

    @Test func describesAsLineColumnMessage() {
        let error = PolicySyntaxError(line: 3, column: 7, message: "unterminated string")
        #expect(error.description == "3:7: unterminated string")
    }
}

// Vault/OpenBao ACL policies: text → tokens → syntax tree → rules → normalised document.
//
//   PolicyLexer        String          → [Token]        (HCL v1 or JSON, comments dropped)
//   HCLSyntaxParser /
//   JSONSyntaxParser   [Token]         → [SyntaxItem]   (one tree shape for both notations)
//   PolicyDecoder      [SyntaxItem]    → [PathRule]     (the server's checks, with locations)
//   PolicyDocument     [PathRule]      → PolicyDocument (merged per path, sorted)
//   renderHCL          PolicyDocument  → String         (canonical HCL)
//
// What the server accepts, checked against OpenBao 2.7.2 (`bao server -dev`, PUT
// sys/policies/acl/…) and its source (vault/policy.go, vault/acl.go):
// - Capabilities: create read update patch delete list scan sudo deny. `subscribe`, `root`
//   and any other spelling or case (`Read`) are refused with "invalid capability".
// - The same path in two blocks is accepted; the ACL merges them: capabilities and
//   parameters united (an empty value list, meaning any value, wins), the smaller wrapping
//   TTLs and pagination limit win. `capabilities` repeated inside one block is united too.
// - `deny` wins over everything on its path: the server keeps only `deny` and ignores the
//   block's other capabilities and parameters. We keep what was written (see `PathRule`).
// - JSON is accepted: {"path": {"x": {"capabilities": ["read"]}}}, also with "path" as a
//   list of such objects, with trailing commas and with comments.
// - `path "x" {}` and `capabilities = []` are accepted (a rule granting nothing, which still
//   shadows wider glob rules); an empty text is refused by the API, `# only a comment` is not.
// - Also accepted in a path block: `policy = "read|write|deny|sudo"` (legacy), `comment`
//   (ignored), `mfa_methods`, `pagination_limit`, `expiration`,
//   `list_scan_response_keys_filter_path` (needs `list`). Top level: `name` (ignored).
// - Wrapping TTLs: integers are seconds; strings are seconds, "<n>d", or Go durations
//   ("1h30m", "1.5h", "1500ms"); max below min is refused.
// - Refused: unknown keys at both levels, `path "x" = { … }`, single quotes, `;`, a byte
//   order mark, "+*" in a path. A leading `/` is stripped from paths.
// - Parameter values may be strings, numbers or booleans; we keep their text, so `1` and
//   "1" compare equal.
//
// Where vaultform is deliberately stricter than the server (each gets a clear error), because
// each of these is far likelier a mistake than an intent:
// - `path "x" "y" { … }` (the server ignores "y"), `path { … }` (the server makes a rule for
//   the literal path "path"), and JSON nested one level deeper than path → attributes.
// - JSON with a missing final "}" or with text after the document (the server takes both).
// - Negative or sub-second wrapping TTLs (the server ignores or truncates them).
// - `control_group` (Vault Enterprise), non-scalar parameter values, a scalar attribute set
//   twice in one block, invalid capabilities listed after `deny` (the server stops checking
//   at `deny`), and `${…}` interpolation containing quotes.

/// The entry point for reading policy text, whether written in a manifest or read back from
/// the server, so both sides of a comparison go through the same rules.
public enum PolicyParser {
    /// Parses HCL v1, or JSON when the first non-whitespace character is `{` (the server's
    /// rule), into the normalised document, or the first error with its 1-based location.
    public static func parse(_ text: String) -> Result<PolicyDocument, PolicySyntaxError> {
        do throws(PolicySyntaxError) {
            let (items, isJSON) = try syntax(text)
            return .success(PolicyDocument(rules: try PolicyDecoder(isJSON: isJSON).rules(from: items)))
        } catch {
            return .failure(error)
        }
    }

    /// What `parseLocating` answers: the document and each path block's place, or the error.
    public typealias Located = Result<(document: PolicyDocument, paths: [(path: String, line: Int, column: Int)]), PolicySyntaxError>

    /// `parse`, with where each path block starts (as `pathLocations` gives them): the
    /// manifest needs both, from one pass over the text.
    public static func parseLocating(_ text: String) -> Located {
        do throws(PolicySyntaxError) {
            let (items, isJSON) = try syntax(text)
            let rules = try PolicyDecoder(isJSON: isJSON).rules(from: items)
            return .success((PolicyDocument(rules: rules), pathLocations(items, isJSON: isJSON)))
        } catch {
            return .failure(error)
        }
    }

    /// The text's syntax tree, and whether it is JSON.
    private static func syntax(_ text: String) throws(PolicySyntaxError) -> (items: [SyntaxItem], isJSON: Bool) {
        let isJSON = text.unicodeScalars.first { !$0.properties.isWhitespace } == "{"
        let tokens = try PolicyLexer.tokenize(text, isJSON: isJSON).get()
        return (isJSON ? try JSONSyntaxParser.parse(tokens) : try HCLSyntaxParser.parse(tokens), isJSON)
    }

    /// Where each path block starts (its path's 1-based line and column), in text order, with
    /// the path as the rules have it (no leading `/`); empty when the text does not parse.
    /// For naming the rule that decides an access question.
    public static func pathLocations(_ text: String) -> [(path: String, line: Int, column: Int)] {
        let isJSON = text.unicodeScalars.first { !$0.properties.isWhitespace } == "{"
        guard case .success(let tokens) = PolicyLexer.tokenize(text, isJSON: isJSON),
            let items = try? isJSON ? JSONSyntaxParser.parse(tokens) : HCLSyntaxParser.parse(tokens)
        else { return [] }
        return pathLocations(items, isJSON: isJSON)
    }

    private static func pathLocations(_ items: [SyntaxItem], isJSON: Bool) -> [(path: String, line: Int, column: Int)] {
        var keys: [SyntaxKey] = []
        for item in items where item.name == "path" {
            if item.keys.count == 2 {
                keys.append(item.keys[1])
            } else if isJSON {
                let maps: [SyntaxValue] = if case let .list(elements, _) = item.value { elements } else { [item.value] }
                for case let .object(entries, _) in maps { keys += entries.compactMap(\.keys.first) }
            }
        }
        return keys.map { key in
            (key.text.hasPrefix("/") ? String(key.text.dropFirst()) : key.text, key.location.line, key.location.column)
        }
    }
}

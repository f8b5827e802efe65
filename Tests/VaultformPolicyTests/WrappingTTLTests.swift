import Testing
import VaultformPolicy

/// Wrapping TTLs accept every spelling the server takes for whole, non-negative seconds.
@Suite struct WrappingTTLTests {
    static let spellings: [(written: String, seconds: Int?)] = [
        (#""90s""#, 90),
        (#""30m""#, 1800),
        (#""1h30m""#, 5400),
        (#""1.5h""#, 5400),
        (#""1h0m0s""#, 3600),
        (#""2000ms""#, 2),
        (#""+5m""#, 300),
        (#""2d""#, 172_800),
        (#""3600""#, 3600),
        (#""0""#, nil),
        (#""""#, nil),
        ("3600", 3600),
        ("0x10", 16),
        ("010", 8),
        ("60.0", 60),
        ("1e2", 100),
        ("0", nil),
    ]

    @Test(arguments: spellings)
    func parsesSpelling(_ written: String, _ seconds: Int?) throws {
        let document = try PolicyParser.parse("path \"a\" {\n  capabilities = [\"read\"]\n  min_wrapping_ttl = \(written)\n}").get()
        #expect(document.rules.first?.minWrappingTTL == seconds)
    }

    static let refused: [(written: String, message: String)] = [
        (#""1h30""#, #"min_wrapping_ttl: "1h30" is missing a unit: add s, m or h, or write a plain number of seconds"#),
        (#""1.5d""#, #"min_wrapping_ttl: "1.5d" is not a duration: a day count must be a whole number such as "2d""#),
        (#""h""#, #"min_wrapping_ttl: "h" is not a duration; use a form such as "90s", "30m", "1h30m" or a number of seconds"#),
        (#"" 1h""#, #"min_wrapping_ttl: " 1h" is not a duration; use a form such as "90s", "30m", "1h30m" or a number of seconds"#),
        ("-5", "min_wrapping_ttl: -5 is negative; a wrapping TTL must be zero or more"),
        ("1.5", "min_wrapping_ttl: 1.5 is not a whole number of seconds"),
        ("true", #"min_wrapping_ttl: expected a duration such as "1h" or a number of seconds, found a boolean"#),
        (#"["1h"]"#, #"min_wrapping_ttl: expected a duration such as "1h" or a number of seconds, found a list"#),
        (#""99999999999999999999d""#, #"min_wrapping_ttl: "99999999999999999999d" is not a duration: a day count must be a whole number such as "2d""#),
    ]

    @Test(arguments: refused)
    func refusesSpelling(_ written: String, _ message: String) {
        let result = PolicyParser.parse("path \"a\" {\n  min_wrapping_ttl = \(written)\n}")
        #expect(result == .failure(PolicySyntaxError(line: 2, column: 22, message: message)))
    }

    static let renderings: [(seconds: Int, text: String)] = [
        (1, "1s"), (59, "59s"), (60, "1m"), (90, "1m30s"), (3600, "1h"), (3661, "1h1m1s"), (86_400, "24h"),
    ]

    @Test(arguments: renderings)
    func rendersLargestUnitsFirst(_ seconds: Int, _ text: String) {
        let rendered = PolicyDocument(rules: [PathRule(path: "a", capabilities: [], maxWrappingTTL: seconds)]).renderHCL()
        #expect(rendered.contains("  max_wrapping_ttl = \"\(text)\"\n"))
    }
}

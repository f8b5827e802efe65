import Testing
@testable import VaultformManifest

@Suite struct DurationTests {
    @Test(arguments: [
        ("30m", 1800), ("1h", 3600), ("720h", 2_592_000), ("1h30m", 5400), ("3600", 3600), ("0", 0),
        ("0s", 0), ("7d", 604_800), ("1.5h", 5400), ("90s", 90), ("1d12h", 129_600),
    ])
    func parsesWhatPeopleWrite(text: String, seconds: Int) throws {
        #expect(try TimeSpan.parse(text).get().seconds == seconds)
    }

    @Test(arguments: [
        ("", TimeSpanError.empty), ("-5m", .negative), ("h", .malformed), ("30", nil), ("30x", .unknownUnit("x")),
        ("1.5s", .fractionalSeconds), ("10m5", .missingUnit), ("1..5h", .malformed),
    ] as [(String, TimeSpanError?)])
    func rejectsWithAReason(text: String, error: TimeSpanError?) {
        switch TimeSpan.parse(text) {
        case .success: #expect(error == nil, "`\(text)` should not parse")
        case .failure(let actual): #expect(actual == error)
        }
    }

    @Test(arguments: [(0, "0s"), (45, "45s"), (1800, "30m"), (5400, "1h30m"), (2_592_000, "720h"), (3661, "1h1m1s")])
    func formatsTheWayPeopleWrite(seconds: Int, text: String) throws {
        #expect(TimeSpan.format(seconds) == text)
        #expect(try TimeSpan.parse(text).get().seconds == seconds)
    }
}

@Suite struct CIDRTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8", true), ("10.0.0.5", "10.0.0.5/32", false), ("10.0.0.5/24", "10.0.0.5/24", true),
        ("2001:DB8:0:0::/64", "2001:db8::/64", true), ("2001:0db8::1", "2001:db8::1/128", false),
        ("::", "::/128", false), ("::1/128", "::1/128", true), ("::ffff:10.0.0.1/128", "::ffff:a00:1/128", true),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1/128", false), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1/128", false), ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4/128", false),
        (" 10.1.1.1/32", "10.1.1.1/32", true),
    ])
    func parsesIPv4AndIPv6(text: String, canonical: String, prefixWritten: Bool) throws {
        let cidr = try CIDR.parse(text).get()
        #expect(cidr.description == canonical)
        #expect(cidr.prefixWritten == prefixWritten)
    }

    @Test(arguments: ["10.0.0.300/33", "10.0.0.0/33", "2001:db8::/129", "not-a-cidr", "010.0.0.1", "10.0.0", "1:2:3:4:5:6:7:8:9",
                      "1::2::3", "10.0.0.1/", "10.0.0.1/a", "10.0.0.1/8/8", "", "gggg::1", "10.0.0.1/-1"])
    func rejectsBadInput(text: String) {
        if case .success(let cidr) = CIDR.parse(text) { Issue.record("`\(text)` parsed as \(cidr)") }
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsTheClosestKey() {
        #expect(Suggestion.closest(to: "token_tl", in: ["token_ttl", "token_max_ttl"]) == "token_ttl")
        #expect(Suggestion.closest(to: "capabilites", in: ["capabilities", "path"]) == "capabilities")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["capabilities", "path"]) == nil)
    }
}

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

/// The byte-level fast path for plain IPv4 (`parse`) against the general parser, and the
/// byte-built description against the general one, on inputs near and far from valid.
@Suite struct CIDRFastPathTests {
    @Test func agreesWithTheGeneralParser() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789./ :a-")
        func octet() -> String {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: "0\(Int.random(in: 0...99, using: &random))"  // a leading zero
            case 1: "\(Int.random(in: 250...400, using: &random))"  // around the largest
            default: "\(Int.random(in: 0...255, using: &random))"
            }
        }
        var inputs = ["0.0.0.0", "255.255.255.255/32", "1.2.3.4/0", "1.2.3.4/08", "1.2.3.4/008", "1.2.3.4/0032", "00.1.2.3"]
        for _ in 0..<20_000 {
            if Bool.random(using: &random) {
                var text = (0..<4).map { _ in octet() }.joined(separator: ".")
                if Bool.random(using: &random) { text += "/\(Int.random(in: 0...40, using: &random))" }
                if Int.random(in: 0..<8, using: &random) == 0 { text.insert(alphabet.randomElement(using: &random)!, at: text.startIndex) }
                inputs.append(text)
            } else {
                inputs.append(String((0..<Int.random(in: 0...18, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            }
        }
        var mismatches: [String] = []
        for input in inputs {
            let fast = CIDR.parse(input), general = CIDR.parseGeneral(input)
            if fast != general { mismatches.append(input) }
            if case .success(let cidr) = fast, cidr.description != "\(cidr.addressText)/\(cidr.prefixLength)" {
                mismatches.append("description of \(input)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsTheClosestKey() {
        #expect(Suggestion.closest(to: "token_tl", in: ["token_ttl", "token_max_ttl"]) == "token_ttl")
        #expect(Suggestion.closest(to: "capabilites", in: ["capabilities", "path"]) == "capabilities")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["capabilities", "path"]) == nil)
    }
}

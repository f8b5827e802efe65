import Testing
import VaultformPolicy

/// No input crashes the parser: every damaged policy either parses (and then round-trips)
/// or is refused at a location that exists in the text.
@Suite struct PolicyRobustnessTests {
    static let jsonControlPlane = """
        {"path": {"secret/data/app/*": {"capabilities": ["read", "list"]},
          "auth/x": {"capabilities": ["update"], "min_wrapping_ttl": "1m", "allowed_parameters": {"a": ["\\u00e9"]}}}}
        """

    static let fragments = [
        "{", "}", "[", "]", "\"", "=", ",", ":", "#", "//", "/*", "*/", "\\", "\\u", "\\uD83D", "\n", "\r\n", "\r",
        "<<EOF\n", "<<-EOF\n", "\nEOF\n", "\"reed\"", "path", "capabilities", "é", "\u{0}", "\u{FEFF}", "-", "0x",
        "1e", "'", ";", "${", "+*", "true", "null", "\"1h\"", "min_wrapping_ttl = ", " ", "\t",
    ]

    @Test(arguments: [PolicyFixtures.controlPlane, jsonControlPlane])
    func truncationsAndMutationsNeverCrash(_ original: String) {
        let scalars = Array(original.unicodeScalars)
        var inputs: [String] = (0...scalars.count).map { String(String.UnicodeScalarView(scalars[0..<$0])) }
        var random = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            var mutated = scalars
            for _ in 0..<(1 + random.next(upTo: 3)) {
                let position = random.next(upTo: mutated.count + 1)
                switch random.next(upTo: 4) {
                case 0:
                    let end = min(mutated.count, position + random.next(upTo: 8))
                    mutated.removeSubrange(position..<end)
                case 1:
                    let fragment = Self.fragments[random.next(upTo: Self.fragments.count)]
                    mutated.insert(contentsOf: fragment.unicodeScalars, at: position)
                case 2:
                    let end = min(mutated.count, position + random.next(upTo: 30))
                    mutated.insert(contentsOf: Array(mutated[position..<end]), at: min(end, mutated.count))
                default:
                    if position < mutated.count {
                        mutated[position] = Unicode.Scalar(UInt8(random.next(upTo: 128)))
                    }
                }
            }
            inputs.append(String(String.UnicodeScalarView(mutated)))
        }
        var parsed = 0
        for input in inputs {
            switch PolicyParser.parse(input) {
            case let .success(document):
                parsed += 1
                let rendered = document.renderHCL()
                #expect(PolicyParser.parse(rendered) == .success(document), "round trip of:\n\(input)")
            case let .failure(error):
                #expect(Self.isInside(error, input), "\(error) outside of:\n\(input)")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(parsed > 0)
        #expect(parsed < inputs.count)
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000),
        "path \"a\" { x = " + String(repeating: "{ a = ", count: 50_000),
        "{" + String(repeating: "\"a\": [", count: 50_000),
        String(repeating: "/*", count: 10_000),
        String(repeating: "\"", count: 10_001),
        String(repeating: "\\", count: 10_000),
    ])
    func hostileInputIsRefusedQuickly(_ input: String) {
        let result = PolicyParser.parse(input)
        guard case let .failure(error) = result else {
            Issue.record("accepted hostile input")
            return
        }
        #expect(Self.isInside(error, input))
    }

    /// Whether the error points at an existing line, and at most one column past its end.
    static func isInside(_ error: PolicySyntaxError, _ text: String) -> Bool {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard error.line >= 1, error.line <= lines.count else { return false }
        return error.column >= 1 && error.column <= lines[error.line - 1].count + 1
    }
}

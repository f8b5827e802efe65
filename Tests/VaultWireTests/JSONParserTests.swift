import Foundation
import Testing
@testable import VaultWire

/// The byte-level JSON parser that reads every response body: it must agree with Foundation
/// on everything valid and refuse everything RFC 8259 refuses, with the offset.
@Suite("JSON parser")
struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue(decoding: Data(text.utf8)) }

    @Test("a Vault response body parses to the expected value")
    func vaultResponse() throws {
        let value = try Self.parse("""
            {"request_id":"a1","lease_id":"","renewable":false,"lease_duration":0,
             "data":{"token_ttl":3600,"token_bound_cidrs":["10.0.0.5","2001:db8::/64"],"period":0,
                     "ratio":0.75,"neg":-12,"exp":1.5e3,"nothing":null,"nested":{"a":[[],{}]}},
             "wrap_info":null,"warnings":["Endpoint ignored these unrecognized parameters: [x]"],"auth":null}
            """)
        #expect(value["data"]?["token_ttl"] == .number(3600))
        #expect(value["data"]?["token_bound_cidrs"] == ["10.0.0.5", "2001:db8::/64"])
        #expect(value["data"]?["ratio"] == .number(0.75))
        #expect(value["data"]?["neg"] == .number(-12))
        #expect(value["data"]?["exp"] == .number(1500))
        #expect(value["data"]?["nothing"] == .null)
        #expect(value["data"]?["nested"] == ["a": [[], [:]]])
        #expect(value["renewable"] == false)
        #expect(value["warnings"]?[0]?.stringValue?.hasPrefix("Endpoint ignored") == true)
    }

    @Test("escapes, surrogate pairs, non-ASCII and lone surrogates")
    func strings() throws {
        #expect(try Self.parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try Self.parse(#""\u00e9\u0041\u20AC""#) == .string("éA€"))
        #expect(try Self.parse(#""\ud83d\ude00 grin""#) == .string("😀 grin"))
        #expect(try Self.parse(#""caf\u00e9 and café""#) == .string("café and café"))
        #expect(try Self.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try Self.parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try Self.parse(#""""#) == .string(""))
    }

    @Test("numbers: integers exact up to 2^53, large and fractional ones through the full parser")
    func numbers() throws {
        #expect(try Self.parse("0") == .number(0))
        #expect(try Self.parse("-0") == .number(-0.0))
        #expect(try Self.parse("9007199254740993") == .number(9007199254740992))  // as Go's float64 has it
        #expect(try Self.parse("123456789012345") == .number(123456789012345))
        #expect(try Self.parse("1E2") == .number(100))
        #expect(try Self.parse("2.5e-1") == .number(0.25))
        #expect(try Self.parse("-1.0") == .number(-1))
    }

    @Test("invalid documents are refused with the offset", arguments: [
        ("", 0), ("{", 1), ("[1,]", 3), ("{\"a\":1,}", 7), ("01", 0), ("1.", 2), ("1e", 2), ("-", 1),
        ("tru", 0), ("nul", 0), ("\"abc", 0), ("\"a\u{1}b\"", 2), ("\"\\x\"", 1), ("\"\\u12\"", 3),
        ("{} {}", 3), ("[1 2]", 3), ("{\"a\" 1}", 5), ("{1:2}", 1), ("1e999", 0), ("// c\n1", 0),
    ])
    func invalid(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch let error as JSONParseError {
            #expect(error.offset == offset, "\(text): \(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("nesting beyond the limit is refused, not a stack overflow")
    func depth() throws {
        let limit = JSONParser.maximumDepth
        #expect(try Self.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) != .null)
        let deep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONParseError.self) { try Self.parse(deep) }
        #expect(throws: JSONParseError.self) { try Self.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test("invalid UTF-8 inside a string is repaired, never a crash")
    func invalidUTF8() throws {
        let value = try JSONValue(decoding: Data([0x22, 0x61, 0xFF, 0xC3, 0x22]))
        #expect(value == .string("a\u{FFFD}\u{FFFD}"))
    }

    @Test("agrees with Foundation's encoder on 500 random documents")
    func roundTrip() throws {
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<500 {
            let value = Self.random(depth: 0, using: &generator)
            let encoded = try value.encoded()
            #expect(try JSONValue(decoding: encoded) == value, "\(String(decoding: encoded, as: UTF8.self))")
            let pretty = JSONEncoder()
            pretty.outputFormatting = [.prettyPrinted]
            #expect(try JSONValue(decoding: pretty.encode(value)) == value)
        }
    }

    @Test("request bodies written on the bytes read back as the same document, by this parser and by Foundation's")
    func requestEncoding() throws {
        var generator = SplitMix(seed: 0xB0D1)
        var values = (0..<2_000).map { _ in Self.random(depth: 0, using: &generator) }
        values += [1e300, 0.1, -0.0, 9_007_199_254_740_994, Double.leastNonzeroMagnitude, -12.5, 7].map { JSONValue.object(["n": .number($0)]) }
        values.append(["a/b": "c/d\u{2028}"])
        for value in values {
            let bytes = try value.encodedForRequest()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(try JSONValue(decoding: bytes) == value, "\(text)")
            let foundation = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
            #expect(try JSONValue(decoding: JSONSerialization.data(withJSONObject: foundation, options: [.fragmentsAllowed])) == value, "\(text)")
        }
        #expect(String(decoding: try JSONValue.object(["max_versions": 7, "b": "x/y", "a": [true, .null]]).encodedForRequest(), as: UTF8.self)
            == #"{"a":[true,null],"b":"x/y","max_versions":7}"#)
        #expect(throws: EncodingError.self) { try JSONValue.array([.number(.infinity)]).encodedForRequest() }
        #expect(throws: EncodingError.self) { try JSONValue.number(.nan).encodedForRequest() }
    }

    static func random(depth: Int, using generator: inout SplitMix) -> JSONValue {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "€", "😀", "\u{7F}"]
        func text() -> String { String((0..<Int(generator.next() % 8)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }) }
        switch generator.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .number(Double(Int64(bitPattern: generator.next()) % 10_000_000_000))
        case 3: return .number(Double(generator.next() % 1_000_000) / 64 - 5000)
        case 4: return .string(text())
        case 5: return .array((0..<Int(generator.next() % 4)).map { _ in random(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(generator.next() % 4) { members[text()] = random(depth: depth + 1, using: &generator) }
            return .object(members)
        }
    }
}

/// A small deterministic generator, so a failure reproduces.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

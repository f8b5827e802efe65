import Foundation
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// `SecretValues.check` for the types that are not PEM: what Vault KV v2 returns, including the
/// strings `bao kv put key=value` always stores.
@Suite struct ValueCheckTests {
    @Test func strings() {
        expectCheck("s3cr3t-Value", field(.string), .valid)
        expectCheck("", field(.string), .valid)
        expectCheck(42, field(.string), .invalid("an integer, not a string"))
        expectCheck(4.5, field(.string), .invalid("a number, not a string"))
        expectCheck(true, field(.string), .invalid("a boolean, not a string"))
        expectCheck(["k": "v"], field(.string), .invalid("a JSON object, not a string"))
        expectCheck(["abc"], field(.string), .invalid("a JSON array, not a string"))
        expectCheck(.null, field(.string), .invalid("null"))
    }

    @Test func stringMinimumLengthCountsCharactersNotBytes() {
        expectCheck("0123456789abcdef", field(.string, minLength: 16), .valid)
        expectCheck("0123456789abcde", field(.string, minLength: 16), .invalid("shorter than 16 characters"))
        // Eight two-byte characters are 16 bytes but 8 characters.
        expectCheck("éééééééé", field(.string, minLength: 9), .invalid("shorter than 9 characters"))
        expectCheck("éééééééé", field(.string, minLength: 8), .valid)
        expectCheck("", field(.string, minLength: 1), .invalid("shorter than 1 character"))
    }

    @Test func stringPatternIsSearchedAnywhere() {
        expectCheck("sk_live_abcdef", field(.string, pattern: "^sk_"), .valid)
        expectCheck("pk_live_abcdef", field(.string, pattern: "^sk_"), .invalid("does not match the pattern `^sk_`"))
        // Unanchored, like Go's regexp.MatchString: a match anywhere will do.
        expectCheck("prefix-sk_-suffix", field(.string, pattern: "sk_"), .valid)
        expectCheck("abc123", field(.string, pattern: "^[a-z]+$"), .invalid("does not match the pattern `^[a-z]+$`"))
        expectCheck("abcdef", field(.string, pattern: "^[a-z]+$"), .valid)
        expectCheck("anything", field(.string, pattern: "("), .invalid("the field's pattern `(` is not a valid regular expression"))
        // min_length is checked before the pattern.
        expectCheck("sk_", field(.string, pattern: "^sk_", minLength: 10), .invalid("shorter than 10 characters"))
    }

    @Test func urls() {
        expectCheck("https://vault.example.com:8200/v1", field(.url), .valid)
        expectCheck("http://localhost", field(.url), .valid)
        expectCheck("HTTPS://Example.COM", field(.url), .valid)
        expectCheck("ftp://files.example.com", field(.url), .invalid("not an http(s) URL"))
        expectCheck("vault.example.com", field(.url), .invalid("not an http(s) URL"))
        expectCheck("https://", field(.url), .invalid("not an http(s) URL"))
        expectCheck("https:///only-a-path", field(.url), .invalid("not an http(s) URL"))
        expectCheck("https://exa mple.com", field(.url), .invalid("not an http(s) URL"))
        expectCheck("https://example.com\n", field(.url), .invalid("not an http(s) URL"))
        expectCheck(8200, field(.url), .invalid("an integer, not a string"))
    }

    @Test func emails() {
        expectCheck("ops@example.com", field(.email), .valid)
        expectCheck("first.last+tag@mail.example.co.uk", field(.email), .valid)
        expectCheck("ops.example.com", field(.email), .invalid("not an email address"))
        expectCheck("ops@localhost", field(.email), .invalid("not an email address"))
        expectCheck("ops@@example.com", field(.email), .invalid("not an email address"))
        expectCheck("o@ps@example.com", field(.email), .invalid("not an email address"))
        expectCheck("@example.com", field(.email), .invalid("not an email address"))
        expectCheck("ops team@example.com", field(.email), .invalid("not an email address"))
        expectCheck("ops@example.com.", field(.email), .invalid("not an email address"))
        expectCheck("ops@example..com", field(.email), .invalid("not an email address"))
        expectCheck(["ops@example.com"], field(.email), .invalid("a JSON array, not a string"))
    }

    @Test func integers() {
        expectCheck(8200, field(.integer), .valid)
        expectCheck(-3, field(.integer), .valid)
        expectCheck(.number(1e15), field(.integer), .valid)
        expectCheck(8200.5, field(.integer), .invalid("a number with a fractional part, not an integer"))
        expectCheck("8200", field(.integer), .coercible("an integer stored as a string"))
        expectCheck("-8200", field(.integer), .coercible("an integer stored as a string"))
        expectCheck("0042", field(.integer), .coercible("an integer stored as a string"))
        expectCheck("+8200", field(.integer), .invalid("a string, not an integer"))
        expectCheck(" 8200", field(.integer), .invalid("a string, not an integer"))
        expectCheck("82.00", field(.integer), .invalid("a string, not an integer"))
        expectCheck("1e3", field(.integer), .invalid("a string, not an integer"))
        expectCheck("-", field(.integer), .invalid("a string, not an integer"))
        expectCheck("", field(.integer), .invalid("a string, not an integer"))
        // Beyond 2^53 a JSON number (a float64 inside Vault) can no longer hold it exactly.
        expectCheck("9007199254740993", field(.integer),
                    .invalid("an integer stored as a string, too large to be stored exactly as a JSON number"))
        expectCheck("9007199254740992", field(.integer), .coercible("an integer stored as a string"))
        expectCheck("123456789012345678901234567890", field(.integer),
                    .invalid("an integer stored as a string, too large to be stored exactly as a JSON number"))
        expectCheck(true, field(.integer), .invalid("a boolean, not an integer"))
    }

    @Test func booleans() {
        expectCheck(true, field(.boolean), .valid)
        expectCheck(false, field(.boolean), .valid)
        expectCheck("true", field(.boolean), .coercible("a boolean stored as a string"))
        expectCheck("false", field(.boolean), .coercible("a boolean stored as a string"))
        expectCheck("True", field(.boolean), .invalid("a string, not a boolean"))
        expectCheck("yes", field(.boolean), .invalid("a string, not a boolean"))
        expectCheck("1", field(.boolean), .invalid("a string, not a boolean"))
        expectCheck(1, field(.boolean), .invalid("an integer, not a boolean"))
    }

    @Test func jsonObjects() {
        expectCheck(["user": "svc", "port": 5432], field(.jsonObject), .valid)
        expectCheck([:], field(.jsonObject), .valid)
        expectCheck(#"{"user":"svc","port":5432}"#, field(.jsonObject), .coercible("a JSON object stored as a string"))
        expectCheck(" \n{\"user\": \"svc\"}\n", field(.jsonObject), .coercible("a JSON object stored as a string"))
        expectCheck(#"["svc"]"#, field(.jsonObject), .invalid("a JSON array stored as a string, not a JSON object"))
        expectCheck(#"{"user":"svc""#, field(.jsonObject), .invalid("a string, not a JSON object"))
        expectCheck(#"{'user':'svc'}"#, field(.jsonObject), .invalid("a string, not a JSON object"))
        expectCheck("plain text", field(.jsonObject), .invalid("a string, not a JSON object"))
        expectCheck(["svc"], field(.jsonObject), .invalid("a JSON array, not a JSON object"))
        expectCheck(5432, field(.jsonObject), .invalid("an integer, not a JSON object"))
    }

    @Test func jsonArrays() {
        expectCheck(["10.0.0.1", "10.0.0.2"], field(.jsonArray), .valid)
        expectCheck([], field(.jsonArray), .valid)
        expectCheck(#"["10.0.0.1","10.0.0.2"]"#, field(.jsonArray), .coercible("a JSON array stored as a string"))
        expectCheck(#"{"a":1}"#, field(.jsonArray), .invalid("a JSON object stored as a string, not a JSON array"))
        expectCheck(#"["10.0.0.1","#, field(.jsonArray), .invalid("a string, not a JSON array"))
        expectCheck(["a": 1], field(.jsonArray), .invalid("a JSON object, not a JSON array"))
        expectCheck(false, field(.jsonArray), .invalid("a boolean, not a JSON array"))
    }

    @Test func base64() {
        let thirtyTwo = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
        expectCheck(.string(thirtyTwo), field(.base64, bytes: 32), .valid)
        expectCheck(.string(thirtyTwo), field(.base64), .valid)
        // A trailing newline from `base64` or `echo` is ignored.
        expectCheck(.string(thirtyTwo + "\n"), field(.base64, bytes: 32), .valid)
        expectCheck(.string("  " + thirtyTwo + "\r\n"), field(.base64, bytes: 32), .valid)
        expectCheck("c2VjcmV0LWJ5dGVzLXNpeHRlZW4=", field(.base64, bytes: 32), .invalid("decodes to 20 bytes, not 32"))
        expectCheck("AA==", field(.base64, bytes: 32), .invalid("decodes to 1 byte, not 32"))
        expectCheck("", field(.base64, bytes: 32), .invalid("decodes to 0 bytes, not 32"))
        expectCheck("YWJjZA==", field(.base64), .valid)
        expectCheck("YWJjZGU=", field(.base64), .valid)
    }

    @Test func base64IsStrictAboutPaddingAndAlphabet() {
        let missingPadding = "not base64 (its length is not a multiple of 4; is the `=` padding missing?)"
        let misplacedPadding = "not base64 (the `=` padding is misplaced)"
        expectCheck("YWJjZA", field(.base64), .invalid(missingPadding))
        expectCheck("YWJjZA=", field(.base64), .invalid(missingPadding))
        expectCheck("YWJjZA===", field(.base64), .invalid(missingPadding))
        expectCheck("YWJjZGU==", field(.base64), .invalid(missingPadding))
        expectCheck("YWJj=ZA=", field(.base64), .invalid(misplacedPadding))
        expectCheck("YWJjZ===", field(.base64), .invalid(misplacedPadding))
        expectCheck("====", field(.base64), .invalid(misplacedPadding))
        expectCheck("YW Jj", field(.base64), .invalid("not base64 (it has characters outside the base64 alphabet)"))
        expectCheck("YWJj\nZA==", field(.base64), .invalid("not base64 on one line (it is split across lines; `base64 -w0` writes one line)"))
        expectCheck("c2VjcmV0*A==", field(.base64), .invalid("not base64 (it has characters outside the base64 alphabet)"))
        expectCheck("-_-_YWJj", field(.base64), .invalid("not standard base64 (it uses the URL-safe alphabet, `-` and `_`)"))
        expectCheck(32, field(.base64), .invalid("an integer, not a string"))
    }
}

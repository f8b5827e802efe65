import Testing
import VaultformPolicy

/// The canonical HCL is what vaultform writes to the server: it must be stable byte for
/// byte and read back to the same rules.
@Suite struct PolicyRenderTests {
    static let controlPlaneHCL = """
        path "auth/approle/role/app/secret-id" {
          capabilities = ["update"]
          min_wrapping_ttl = "1m"
          max_wrapping_ttl = "1h"
        }

        path "secret/data/app/*" {
          capabilities = ["read", "list"]
        }

        path "secret/data/app/config" {
          capabilities = ["create", "read", "update", "patch"]
          required_parameters = ["version"]
          allowed_parameters = {
            "data" = ["*"]
            "version" = []
          }
          denied_parameters = {
            "admin" = []
          }
        }

        path "sys/policies/acl/*" {
          capabilities = ["deny"]
        }

        """

    @Test func rendersCanonicalHCL() throws {
        let document = try PolicyParser.parse(PolicyFixtures.controlPlane).get()
        #expect(document.renderHCL() == Self.controlPlaneHCL)
        #expect(PolicyFixtures.controlPlaneDocument.renderHCL() == Self.controlPlaneHCL)
    }

    @Test func renderingIsAFixedPoint() throws {
        let once = try PolicyParser.parse(PolicyFixtures.controlPlane).get().renderHCL()
        let twice = try PolicyParser.parse(once).get().renderHCL()
        #expect(once == twice)
    }

    @Test func rendersCommentsAboveTheirBlocks() {
        let document = PolicyDocument(rules: [
            PathRule(path: "b", capabilities: [.list]),
            PathRule(path: "a", capabilities: [.read]),
        ])
        let text = document.renderHCL(comments: ["/a": "Read the app's secrets.\r\n\nSee RUNBOOK.md  ", "zzz": "unused"])
        #expect(text == """
            # Read the app's secrets.
            #
            # See RUNBOOK.md
            path "a" {
              capabilities = ["read"]
            }

            path "b" {
              capabilities = ["list"]
            }

            """)
        #expect(FixtureCheck.parses(text, to: document))
    }

    @Test func rendersEveryAttributeInFixedOrder() {
        let rule = PathRule(
            path: "sys/+/list",
            capabilities: [.deny, .sudo, .scan, .list, .delete, .patch, .update, .read, .create],
            requiredParameters: ["b", "A"],
            allowedParameters: ["*": [], "n": ["2", "1"]],
            deniedParameters: ["x": ["y"]],
            minWrappingTTL: 90,
            maxWrappingTTL: 5400,
            mfaMethods: ["totp"],
            paginationLimit: 50,
            responseKeysFilterPath: "{{ .path }}/{{ .key }}",
            expiration: "2030-01-31T12:00:00Z"
        )
        let text = PolicyDocument(rules: [rule]).renderHCL()
        #expect(text == """
            path "sys/+/list" {
              capabilities = ["create", "read", "update", "patch", "delete", "list", "scan", "sudo", "deny"]
              required_parameters = ["a", "b"]
              allowed_parameters = {
                "*" = []
                "n" = ["1", "2"]
              }
              denied_parameters = {
                "x" = ["y"]
              }
              min_wrapping_ttl = "1m30s"
              max_wrapping_ttl = "1h30m"
              mfa_methods = ["totp"]
              pagination_limit = 50
              list_scan_response_keys_filter_path = "{{ .path }}/{{ .key }}"
              expiration = "2030-01-31T12:00:00Z"
            }

            """)
        #expect(FixtureCheck.parses(text, to: PolicyDocument(rules: [rule])))
    }

    /// Two blocks may set a max wrapping TTL below the other's min; the server accepts that
    /// (and then allows nothing), but not within one block, so the rendering keeps two.
    @Test func rendersConflictingMergedTTLsAsTwoBlocks() throws {
        let text = "path \"a\" {\n  capabilities = [\"read\"]\n  min_wrapping_ttl = \"2h\"\n}\n"
            + "path \"a\" {\n  max_wrapping_ttl = \"1h\"\n}\n"
        let document = try PolicyParser.parse(text).get()
        #expect(document.rules == [PathRule(path: "a", capabilities: [.read], minWrappingTTL: 7200, maxWrappingTTL: 3600)])
        #expect(document.renderHCL(comments: ["a": "Never allowed."]) == """
            # Never allowed.
            path "a" {
              capabilities = ["read"]
              max_wrapping_ttl = "1h"
            }

            path "a" {
              capabilities = []
              min_wrapping_ttl = "2h"
            }

            """)
        #expect(FixtureCheck.parses(document.renderHCL(), to: document))
    }

    @Test func emptyDocumentRendersACommentTheServerAccepts() throws {
        let text = PolicyDocument(rules: []).renderHCL()
        #expect(text == "# This policy grants nothing.\n")
        #expect(try PolicyParser.parse(text).get() == PolicyDocument(rules: []))
    }

    @Test func escapesStringsSoTheyReadBack() {
        let path = "odd/\"quoted\"\\back\tslash\n/\u{1}/é/${x}/# not a comment /* nor this */"
        let document = PolicyDocument(rules: [
            PathRule(path: path, capabilities: [.read], allowedParameters: ["k\"ey": ["v\\al", "\u{7F}"]]),
        ])
        let text = document.renderHCL()
        #expect(text.hasPrefix(#"path "odd/\"quoted\"\\back\tslash\n/\u0001/é/\u0024{x}/# not a comment /* nor this */" {"#))
        #expect(FixtureCheck.parses(text, to: document))
    }

    /// Random documents, including hostile strings, survive render → parse unchanged.
    @Test func roundTripsRandomDocuments() {
        var random = SplitMix64(seed: 0x5EED)
        let alphabet = Array("ab/*+_-.:é\"\\\n\t\r #${}[]=,'\u{0}\u{1F600}")
        func text(_ maxLength: Int) -> String {
            String((0..<random.next(upTo: maxLength + 1)).compactMap { _ in alphabet.randomElement(using: &random) })
        }
        /// The server refuses "+*" in a path, so the generator must not produce one.
        func withoutPlusStar(_ path: String) -> String {
            var path = path
            while let range = path.firstRange(of: "+*") {
                path.removeSubrange(range)
            }
            return path
        }
        for _ in 0..<300 {
            let rules = (0..<random.next(upTo: 5)).map { _ in
                PathRule(
                    path: withoutPlusStar(text(12)),
                    capabilities: Capability.allCases.filter { _ in random.next(upTo: 3) == 0 },
                    requiredParameters: (0..<random.next(upTo: 3)).map { _ in text(5) },
                    allowedParameters: Dictionary(
                        (0..<random.next(upTo: 3)).map { _ in (text(4), (0..<random.next(upTo: 3)).map { _ in text(4) }) },
                        uniquingKeysWith: { $0 + $1 }
                    ),
                    deniedParameters: random.next(upTo: 2) == 0 ? [:] : [text(4): []],
                    minWrappingTTL: random.next(upTo: 2) == 0 ? nil : random.next(upTo: 100_000),
                    maxWrappingTTL: random.next(upTo: 2) == 0 ? nil : random.next(upTo: 200_000)
                )
            }
            let document = PolicyDocument(rules: rules)
            #expect(FixtureCheck.parses(document.renderHCL(), to: document), "\(document)")
        }
    }
}

enum FixtureCheck {
    /// Whether `text` parses to `document`; records the error as an issue when it does not.
    static func parses(_ text: String, to document: PolicyDocument) -> Bool {
        switch PolicyParser.parse(text) {
        case let .success(parsed):
            return parsed == document
        case let .failure(error):
            Issue.record("\(error) in:\n\(text)")
            return false
        }
    }
}

/// A small deterministic generator, so random tests fail the same way every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }
}

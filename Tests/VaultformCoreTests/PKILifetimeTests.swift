import Testing
@testable import VaultformCore

/// A CA's lifetime read back from its certificate falls short of the `ttl` asked by the time
/// the server spent generating the key (it fixes the end first and the start when it signs):
/// that is the same lifetime; a real difference is not.
@Suite("PKI CA lifetimes compare as the server makes them")
struct PKILifetimeTests {
    static let year = 8760 * 3600

    @Test("up to five minutes short (key generation under load), or 2s long, is the same; beyond is a change")
    func generationAllowance() {
        func same(_ live: Int) -> Bool? { PKICAFields.sameValue("ttl", .seconds(Self.year), .seconds(live), [:]) }
        // 3s short was seen on a loaded two-core machine (ttl read back as 8759h59m57s).
        #expect(same(Self.year - 3) == true)
        #expect(same(Self.year - 300) == true)
        #expect(same(Self.year + 2) == true)
        #expect(same(Self.year - 301) == false)
        #expect(same(Self.year + 3) == false)
        #expect(same(100 * 3600) == false)
        #expect(PKICAFields.sameValue("common_name", .string("a"), .string("a"), [:]) == nil)
    }
}

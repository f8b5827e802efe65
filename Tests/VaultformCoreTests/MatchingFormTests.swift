import Testing
@testable import VaultformCore

/// Values the server stores as written but matches in one form (found by
/// `EquivalentSpellingTests` against a real server): header names in any case, a role's
/// policies as a login gives them to tokens, CIDR bindings by the addresses they admit.
@Suite struct MatchingFormTests {
    @Test("header names match in any ASCII case, as a set")
    func headerNames() {
        #expect(Canonical.headerNames(["X-REQ-B", "x-req-a", "X-Req-A", ""]) == ["x-req-a", "x-req-b"])
        // A non-ASCII letter's case is kept: no HTTP header name can hold it.
        #expect(Canonical.headerNames(["X-\u{C9}"]) != Canonical.headerNames(["x-\u{E9}"]))
    }

    @Test("token policies are trimmed, lower-cased and blanks dropped, as a set")
    func tokenPolicies() {
        #expect(Canonical.tokenPolicyNames(["DEFAULT", " Ops\t", "", "  ", "ops"]) == ["default", "ops"])
        #expect(Canonical.tokenPolicyNames(["a"]) != Canonical.tokenPolicyNames(["b"]))
    }

    @Test("an ASCII policy name reads the same on the bytes as by Unicode's tables")
    func asciiPolicyNamesAgree() {
        var random = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let name = String(decoding: (0..<Int.random(in: 0...8, using: &random)).map { _ in
                UInt8.random(in: 0...0x7F, using: &random)
            }, as: UTF8.self)
            let bytes = Canonical.asciiPolicyName(name)
            if (bytes?.isEmpty == true ? nil : bytes) != Canonical.unicodePolicyName(name) { mismatches.append(name.debugDescription) }
        }
        #expect(Canonical.asciiPolicyName("Ops\u{E9}") == nil)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test("a network's host bits do not matter, nor IPv4 mapped into IPv6; unparsable text is kept", arguments: [
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("10.0.0.255/25", "10.0.0.128/25"),
        ("2001:db8:ffff::1/32", "2001:db8::/32"),
        ("2001:db8::1:2/64", "2001:db8::/64"),
        ("10.0.0.5", "10.0.0.5/32"),
        ("10.0.0.5/32", "10.0.0.5/32"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::ffff:10.0.0.7/128", "10.0.0.7/32"),
        ("::ffff:0:0/95", "::fffe:0:0/95"),
        ("10.0.0.1/0", "0.0.0.0/0"),
        ("not a cidr", "not a cidr"),
    ])
    func networks(input: String, form: String) {
        #expect(Canonical.cidrNetworks([input]) == [form])
    }

    @Test("the planner compares a role's policies and bindings, and a mount's headers, in these forms")
    func plannerUsesTheForms() {
        #expect(ResourceKind.appRoleRole.same("token_policies", desired: .set(["default", "p"]), live: .set(["", "DEFAULT", "P"]), fields: [:]))
        // `default` comes with every login unless the role leaves it off.
        let addsDefault: [String: FieldValue] = ["token_no_default_policy": .boolean(false)]
        let leavesDefault: [String: FieldValue] = ["token_no_default_policy": .boolean(true)]
        #expect(ResourceKind.appRoleRole.same("token_policies", desired: .set([]), live: .set(["default"]), fields: addsDefault))
        #expect(ResourceKind.appRoleRole.same("token_policies", desired: .set(["default", "p"]), live: .set(["p"]), fields: addsDefault))
        #expect(!ResourceKind.appRoleRole.same("token_policies", desired: .set([]), live: .set(["default"]), fields: leavesDefault))
        #expect(!ResourceKind.appRoleRole.same("token_policies", desired: .set([]), live: .set(["default"]), fields: [:]))
        #expect(!ResourceKind.appRoleRole.same("token_policies", desired: .set(["p"]), live: .set(["q"]), fields: addsDefault))
        #expect(ResourceKind.appRoleRole.same("secret_id_bound_cidrs", desired: .set(["10.0.0.0/8"]), live: .set(["10.1.2.3/8"]), fields: [:]))
        #expect(!ResourceKind.appRoleRole.same("token_bound_cidrs", desired: .set(["10.0.0.0/8"]), live: .set(["10.0.0.0/16"]), fields: [:]))
        #expect(ResourceKind.authMethod.same("allowed_response_headers", desired: .set(["X-A"]), live: .set(["x-a"]), fields: [:]))
        #expect(ResourceKind.secretsEngine.same("listing_visibility", desired: .string(""), live: .string("hidden"), fields: [:]))
        #expect(!ResourceKind.authMethod.same("listing_visibility", desired: .string("unauth"), live: .string("hidden"), fields: [:]))
        // Audit keys are request fields, matched exactly.
        #expect(!ResourceKind.secretsEngine.same("audit_non_hmac_request_keys", desired: .set(["Ka"]), live: .set(["ka"]), fields: [:]))
    }

    @Test("a plugin version reads as the server stores it", arguments: [
        ("2.7.2+builtin.bao", ""), ("v2.7.2+builtin.bao", ""), ("v2.7.2+builtin", ""), ("1.0.0+builtinx", "v1.0.0+builtinx"),
        ("v02.7", "v2.7.0"), ("1.2.3-rc.1", "v1.2.3-rc.1"), ("1.2.3.4", "v1.2.3.4"), ("1.2.3+meta.1", "v1.2.3+meta.1"),
        ("", ""), ("1.2.3beta", "1.2.3beta"), ("v1..2", "v1..2"), ("1.2.3+", "1.2.3+"),
    ])
    func pluginVersion(input: String, stored: String) {
        #expect(Canonical.pluginVersion(input) == stored)
    }
}

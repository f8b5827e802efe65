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
        #expect(Planner.equal(.set(["default", "p"]), .set(["", "DEFAULT", "P"]), kind: .appRoleRole, field: "token_policies"))
        // `default` comes with every login unless the role leaves it off.
        let addsDefault: [String: FieldValue] = ["token_no_default_policy": .boolean(false)]
        let leavesDefault: [String: FieldValue] = ["token_no_default_policy": .boolean(true)]
        #expect(Planner.equal(.set([]), .set(["default"]), kind: .appRoleRole, field: "token_policies", desired: addsDefault))
        #expect(Planner.equal(.set(["default", "p"]), .set(["p"]), kind: .appRoleRole, field: "token_policies", desired: addsDefault))
        #expect(!Planner.equal(.set([]), .set(["default"]), kind: .appRoleRole, field: "token_policies", desired: leavesDefault))
        #expect(!Planner.equal(.set([]), .set(["default"]), kind: .appRoleRole, field: "token_policies"))
        #expect(!Planner.equal(.set(["p"]), .set(["q"]), kind: .appRoleRole, field: "token_policies", desired: addsDefault))
        #expect(Planner.equal(.set(["10.0.0.0/8"]), .set(["10.1.2.3/8"]), kind: .appRoleRole, field: "secret_id_bound_cidrs"))
        #expect(!Planner.equal(.set(["10.0.0.0/8"]), .set(["10.0.0.0/16"]), kind: .appRoleRole, field: "token_bound_cidrs"))
        #expect(Planner.equal(.set(["X-A"]), .set(["x-a"]), kind: .authMethod, field: "allowed_response_headers"))
        #expect(Planner.equal(.string(""), .string("hidden"), kind: .secretsEngine, field: "listing_visibility"))
        #expect(!Planner.equal(.string("unauth"), .string("hidden"), kind: .authMethod, field: "listing_visibility"))
        // Audit keys are request fields, matched exactly.
        #expect(!Planner.equal(.set(["Ka"]), .set(["ka"]), kind: .secretsEngine, field: "audit_non_hmac_request_keys"))
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

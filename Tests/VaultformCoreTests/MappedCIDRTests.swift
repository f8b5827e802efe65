import Testing
import VaultformCore
import VaultformManifest

/// `token_bound_cidrs` as OpenBao 2.7 reads back IPv4-mapped IPv6 (measured with `bao write`
/// then `bao read`): the IPv4 network it maps, so a manifest spelling it so converges.
@Suite struct MappedCIDRTests {
    @Test("IPv4-mapped IPv6 networks and hosts read back as IPv4", arguments: [
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::FFFF:10.0.0.0/112", "10.0.0.0/16"),
        ("::ffff:10.1.2.3/120", "10.1.2.3/24"),
        ("::ffff:10.0.0.1/128", "10.0.0.1"),
        ("::ffff:10.0.0.0/96", "10.0.0.0/0"),
        ("2001:DB8:0:0::/64", "2001:db8::/64"),
        ("10.0.0.5/32", "10.0.0.5"),
    ])
    func mapped(input: String, readBack: String) throws {
        guard case .success(let cidr) = CIDR.parse(input) else {
            Issue.record("\(input) does not parse")
            return
        }
        #expect(Canonical.tokenBoundCIDR(cidr) == readBack)
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Roles of a PKI engine against a real server, both ways: spellings the server reads the
/// same (domains in another order, key usages in another case, 60m for 1h) are no change; a
/// real out-of-band change of any field, omitted ones included, is drift that apply repairs
/// (a write replaces the whole role, so apply sends every field); an owned role the manifest
/// drops is deleted; export round-trips.
@Suite("PKI roles against a dev server")
struct PKIRoleTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-pki-roles")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = PlanExactnessTests.unique("pki")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(pki), type: pki }
            pki_roles:
              - mount: \(pki)
                name: server
                allowed_domains: [example.com, example.org]
                allow_subdomains: true
                allow_glob_domains: true
                allow_ip_sans: false
                key_type: ec
                ttl: 1h
                max_ttl: 24h
                key_usage: [DigitalSignature]
                ext_key_usage: [ServerAuth]
                no_store: true
                client_flag: false
              - { mount: \(pki), name: bare }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let role = "\(pki)/roles/server", bare = "\(pki)/roles/bare"
        let read = try await server.client().request(.get, role).data
        #expect(read?["key_bits"]?.intValue == 256 && read?["max_ttl"]?.intValue == 86400, "\(String(describing: read))")
        try await BothWays.spellingsAreNoChange([
            ["patch", role, "allowed_domains=example.org,example.com", "key_usage=digitalsignature"],
            ["patch", role, "ttl=60m", "ext_key_usage=serverauth", "key_bits=256"],
            ["patch", bare, "key_usage=KeyEncipherment,DigitalSignature,KeyAgreement", "cn_validations=hostname,email"],
        ], manifest: manifest, server: server)
        let server1 = "pki-role:\(pki)/server", zero = "pki-role:\(pki)/bare"
        // One drift per field, each on the role where the field is stated or omitted.
        let drifts: [BothWays.Drift] = [
            .init(["patch", role, "allowed_domains=example.com"], server1, "allowed_domains"),
            .init(["patch", role, "allow_subdomains=false"], server1, "allow_subdomains"),
            .init(["patch", role, "allow_glob_domains=false"], server1, "allow_glob_domains"),
            .init(["patch", role, "allow_ip_sans=true"], server1, "allow_ip_sans"),
            .init(["patch", role, "key_type=rsa", "key_bits=2048"], server1, "key_type"),
            .init(["patch", role, "ttl=2h"], server1, "ttl"),
            .init(["patch", role, "max_ttl=48h"], server1, "max_ttl"),
            .init(["patch", role, "key_usage=KeyEncipherment"], server1, "key_usage"),
            .init(["patch", role, "ext_key_usage=ClientAuth"], server1, "ext_key_usage"),
            .init(["patch", role, "no_store=false"], server1, "no_store"),
            .init(["patch", role, "client_flag=true"], server1, "client_flag"),
            .init(["patch", bare, "server_flag=false"], zero, "server_flag"),
            .init(["patch", bare, "issuer_ref=other"], zero, "issuer_ref"),
            .init(["patch", bare, "allowed_domains_template=true"], zero, "allowed_domains_template"),
            .init(["patch", bare, "allow_bare_domains=true"], zero, "allow_bare_domains"),
            .init(["patch", bare, "allow_wildcard_certificates=false"], zero, "allow_wildcard_certificates"),
            .init(["patch", bare, "allow_localhost=false"], zero, "allow_localhost"),
            .init(["patch", bare, "allow_any_name=true"], zero, "allow_any_name"),
            .init(["patch", bare, "allow_globs_in_identity_templates=true"], zero, "allow_globs_in_identity_templates"),
            .init(["patch", bare, "enforce_hostnames=false"], zero, "enforce_hostnames"),
            .init(["patch", bare, "allowed_ip_sans_cidr=10.0.0.0/8"], zero, "allowed_ip_sans_cidr"),
            .init(["patch", bare, "allowed_uri_sans=spiffe://x/*"], zero, "allowed_uri_sans"),
            .init(["patch", bare, "allowed_uri_sans_template=true"], zero, "allowed_uri_sans_template"),
            .init(["patch", bare, "allowed_other_sans=1.2.3.4;UTF8:a"], zero, "allowed_other_sans"),
            .init(["patch", bare, "allowed_serial_numbers=abc*"], zero, "allowed_serial_numbers"),
            .init(["patch", bare, "allowed_user_ids=alice"], zero, "allowed_user_ids"),
            .init(["patch", bare, "cn_validations=disabled"], zero, "cn_validations"),
            .init(["patch", bare, "code_signing_flag=true"], zero, "code_signing_flag"),
            .init(["patch", bare, "email_protection_flag=true"], zero, "email_protection_flag"),
            .init(["patch", bare, "key_bits=4096"], zero, "key_bits"),
            .init(["patch", bare, "signature_bits=384"], zero, "signature_bits"),
            .init(["patch", bare, "use_pss=true"], zero, "use_pss"),
            .init(["patch", bare, "ext_key_usage_oids=1.3.6.1.5.5.7.3.9"], zero, "ext_key_usage_oids"),
            .init(["patch", bare, "not_before_duration=60s"], zero, "not_before_duration"),
            .init(["patch", bare, "not_after=2099-01-01T00:00:00Z"], zero, "not_after"),
            .init(["patch", bare, "not_before=2020-01-01T00:00:00Z"], zero, "not_before"),
            .init(["patch", bare, "not_after_bound=forbid"], zero, "not_after_bound"),
            .init(["patch", bare, "not_before_bound=forbid"], zero, "not_before_bound"),
            .init(["patch", bare, "generate_lease=true"], zero, "generate_lease"),
            .init(["patch", bare, "require_cn=false"], zero, "require_cn"),
            .init(["patch", bare, "use_csr_common_name=false"], zero, "use_csr_common_name"),
            .init(["patch", bare, "use_csr_sans=false"], zero, "use_csr_sans"),
            .init(["patch", bare, "basic_constraints_valid_for_non_ca=true"], zero, "basic_constraints_valid_for_non_ca"),
            .init(["patch", bare, "policy_identifiers=1.2.3.4"], zero, "policy_identifiers"),
            .init(["patch", bare, "organization=Org"], zero, "organization"),
            .init(["patch", bare, "ou=Unit"], zero, "ou"),
            .init(["patch", bare, "country=NL"], zero, "country"),
            .init(["patch", bare, "locality=Delft"], zero, "locality"),
            .init(["patch", bare, "province=ZH"], zero, "province"),
            .init(["patch", bare, "street_address=Main 1"], zero, "street_address"),
            .init(["patch", bare, "postal_code=1234"], zero, "postal_code"),
        ]
        try await BothWays.driftsAreRepaired(drifts, manifest: manifest, server: server)
    }

    @Test("an owned role the manifest drops is deleted; export writes them back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-pki-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.post, "sys/mounts/pki", body: ["type": "pki"])
            _ = try await client.request(.post, "pki/roles/stray", body: ["allowed_domains": "stray.example"])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: pki_role, mount: pki }
                secrets_engines:
                  - { path: pki, type: pki }
                pki_roles:
                  - { mount: pki, name: web, allowed_domains: [web.example], allow_subdomains: true, key_type: ec, ttl: 30m }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create pki-role:pki/web", "delete pki-role:pki/stray"], "\(plan.output)")
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let text = try String(contentsOf: exported.appendingPathComponent("pki_roles.yaml"), encoding: .utf8)
            #expect(text.contains("name: web") && text.contains("ttl: 30m") && text.contains("key_bits: 256"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

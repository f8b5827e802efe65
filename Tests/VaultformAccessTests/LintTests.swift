import Foundation
import Testing
import VaultformAccess
import VaultformManifest

/// `vaultform lint`'s checks, each shown to fire on the risk and to stay quiet without it.
@Suite struct LintTests {
    static func lint(_ yaml: String) throws -> Lint {
        let manifest = try AccessReportTests.manifest(yaml)
        return Lint(manifest, model: AccessModel(manifest))
    }

    static func ids(_ yaml: String) throws -> [String] { try lint(yaml).findings.map(\.id) }

    static let roles = """
        auth_methods: [{ path: approle, type: approle }, { path: people, type: userpass }]

        """

    static func role(_ name: String, _ policies: String) -> String {
        "  - { name: \(name), token_policies: [\(policies)], secret_id_ttl: 1h, secret_id_bound_cidrs: [10.1.2.0/24] }\n"
    }

    @Test("escalation: rewriting a policy it holds, or writing a policy and a role that carries it; not either alone")
    func escalation() throws {
        let own = try Self.lint(Self.roles + """
            policies:
              - name: team-admin
                hcl: |
                  path "sys/policies/acl/team-*" { capabilities = ["create", "update"] }
            approle_roles:
            \(Self.role("admin", "team-admin"))
            """)
        let finding = try #require(own.findings.first { $0.id == "escalation:approle-role:approle/admin" })
        #expect(finding.severity == .error)
        #expect(finding.chain.contains { $0.contains("sys/policies/acl/team-admin") && $0.contains("m.yaml:") })
        #expect(finding.chain.contains { $0.contains("its own token carries") })

        // It may write other policies only, and user entries of people/: the pair escalates.
        let pair = try Self.lint(Self.roles + """
            policies:
              - name: admin
                rules:
                  - { path: "sys/policies/acl/app-*", capabilities: [create, update] }
                  - { path: "auth/people/users/*", capabilities: [update] }
            approle_roles:
            \(Self.role("admin", "admin"))
            """)
        let chain = try #require(pair.findings.first { $0.id == "escalation:approle-role:approle/admin" }).chain
        #expect(chain.contains { $0.contains("a user of auth/people/") && $0.contains("auth/people/users/") })

        // Policy writes alone, role writes alone, or policy writes whose role paths are denied: none.
        for rules in [
            #"[{ path: "sys/policies/acl/app-*", capabilities: [create, update] }]"#,
            #"[{ path: "auth/approle/role/*", capabilities: [create, update] }]"#,
            #"[{ path: "sys/policies/acl/app-*", capabilities: [update] }, { path: "auth/*", capabilities: [update] }, { path: "auth/approle/role/*", capabilities: [deny] }, { path: "auth/people/users/*", capabilities: [deny] }, { path: "auth/token/roles/*", capabilities: [deny] }]"#,
        ] {
            let quiet = try Self.ids(Self.roles + "policies:\n  - name: admin\n    rules: \(rules)\napprole_roles:\n" + Self.role("admin", "admin"))
            #expect(!quiet.contains { $0.hasPrefix("escalation:") }, "\(rules): \(quiet)")
        }
        // A wildcard grant reaches a role path through the identity API too.
        let identity = try Self.ids(Self.roles + """
            policies:
              - name: admin
                rules: [{ path: "sys/policies/acl/app-*", capabilities: [update] }, { path: "identity/+/name/*", capabilities: [update] }]
            approle_roles:
            \(Self.role("admin", "admin"))
            """)
        #expect(identity.contains("escalation:approle-role:approle/admin"))
    }

    @Test("policy rules: every path, all of sys/, sudo on sys/, sudo on token creation")
    func policyRules() throws {
        let ids = try Self.ids("""
            policies:
              - name: all
                rules: [{ path: "*", capabilities: [read] }]
              - name: sys
                rules: [{ path: "sys/*", capabilities: [read] }, { path: "sys/audit", capabilities: [read, sudo] }]
              - name: tokens
                rules: [{ path: "auth/token/create*", capabilities: [update, sudo] }, { path: "auth/token/lookup", capabilities: [update, sudo] }]
              - name: fine
                rules: [{ path: "sys/mounts", capabilities: [read] }, { path: "secret/*", capabilities: [deny] }]
            identity_groups: [{ name: g, policies: [all, sys, tokens, fine] }]
            """)
        #expect(ids.contains("path-star:all"))
        #expect(ids.contains("sys-glob:sys:sys/*"))
        #expect(ids.contains("sys-sudo:sys:sys/audit"))
        #expect(ids.contains("token-create-any-policy:tokens:auth/token/create*"))
        #expect(!ids.contains { $0.contains(":fine:") || $0.contains("auth/token/lookup") }, "\(ids)")
    }

    @Test("AppRoles: no secret ID, no CIDR binding, secret IDs forever; wide CIDRs once per principal; token roles with any policy; unused policies")
    func rolesAndCIDRs() throws {
        let ids = try Self.ids(Self.roles + """
            policies: [{ name: used, rules: [{ path: "a", capabilities: [read] }] }, { name: spare, rules: [{ path: "b", capabilities: [read] }] }]
            approle_roles:
              - { name: open, token_policies: [used], bind_secret_id: false, token_bound_cidrs: [10.0.0.0/8] }
              - { name: forever, token_policies: [used], secret_id_bound_cidrs: [10.0.0.0/8, 10.1.0.0/16], token_bound_cidrs: [10.0.0.0/8] }
              - { name: careful, token_policies: [used], secret_id_ttl: 24h, secret_id_bound_cidrs: ["2001:db8::/32"] }
            token_roles: [{ name: anything, allowed_policies_glob: ["*"] }]
            """)
        #expect(ids.contains("approle-no-secret-id:approle-role:approle/open"))
        #expect(!ids.contains("approle-secret-id-forever:approle-role:approle/open"), "with no secret ID, its expiry is moot")
        #expect(ids.contains("approle-secret-id-forever:approle-role:approle/forever"))
        #expect(ids.filter { $0 == "wide-cidr:approle-role:approle/forever:10.0.0.0/8" }.count == 1)
        #expect(!ids.contains("wide-cidr:approle-role:approle/forever:10.1.0.0/16"))
        #expect(ids.contains("wide-cidr:approle-role:approle/careful:2001:db8::/32"))
        #expect(!ids.contains { $0.hasSuffix("approle/careful") && !$0.hasPrefix("wide-cidr") }, "\(ids)")
        #expect(ids.contains("token-role-any-policy:token-role:anything"))
        #expect(ids.contains("unused-policy:spare") && !ids.contains("unused-policy:used"))
        #expect(Set(ids).count == ids.count, "ids are unique: \(ids)")
        let tuned = try Self.ids(Self.roles + """
            lint: { min_ipv4_prefix: 8, min_ipv6_prefix: 32 }
            approle_roles:
              - { name: forever, secret_id_ttl: 1h, secret_id_bound_cidrs: [10.0.0.0/8, "2001:db8::/32"] }
            """)
        #expect(!tuned.contains { $0.hasPrefix("wide-cidr") }, "\(tuned)")
    }

    @Test("an accepted finding carries its reason and fails nothing; an acceptance nothing matches is reported; one accepted twice is an error")
    func acceptance() throws {
        let lint = try Self.lint(Self.roles + """
            lint:
              accept:
                - { id: "approle-no-cidr:approle-role:approle/app", reason: "reached over a VPN only" }
                - { id: "approle-no-cidr:approle-role:approle/gone", reason: "old" }
            approle_roles:
              - { name: app, secret_id_ttl: 1h }
            """)
        let accepted = try #require(lint.findings.first { $0.id == "approle-no-cidr:approle-role:approle/app" })
        #expect(accepted.acceptedBecause == "reached over a VPN only")
        #expect(lint.open(atLeast: .warning).isEmpty)
        let stale = try #require(lint.findings.first { $0.id == "stale-acceptance:approle-no-cidr:approle-role:approle/gone" })
        #expect(stale.severity == .info && stale.location?.line == 6)

        let twice = ManifestLoader(inputs: VariableInputs()).load(sources: [("m.yaml", """
            version: 1
            lint:
              accept:
                - { id: x, reason: a }
                - { id: x, reason: b }
            """)])
        #expect(twice.diagnostics.contains { $0.message.contains("x is accepted twice") && $0.location?.line == 5 }, "\(twice.diagnostics)")
    }

    @Test("the HoodCloud manifest: lint sees the admin's escalation chain, accepted with its reason; nothing fails in either environment")
    func hoodCloud() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for environment in ["dev", "prod"] {
            let result = ManifestLoader(inputs: VariableInputs(varFiles: [root.appendingPathComponent("manifests/hoodcloud/env/\(environment).yaml").path]))
                .load(path: root.appendingPathComponent("manifests/hoodcloud").path)
            let manifest = try #require(result.manifest, "\(result.diagnostics)")
            let lint = Lint(manifest, model: AccessModel(manifest))
            let escalation = try #require(lint.findings.first { $0.id == "escalation:approle-role:approle/hoodcloud-admin" })
            #expect(escalation.acceptedBecause != nil)
            #expect(escalation.chain.contains { $0.contains("sys/policies/acl/hoodcloud-*") && $0.contains("hoodcloud-admin.hcl:") })
            #expect(escalation.chain.contains { $0.contains("auth/approle/") })
            #expect(lint.open(atLeast: .warning).isEmpty, "\(environment): \(lint.open(atLeast: .warning).map(\.id))")
        }
    }
}

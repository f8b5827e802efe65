import Foundation
import Testing
import VaultformAccess
import VaultformManifest

/// The access map, the access diff and lint, from manifests loaded as `vaultform` loads them.
@Suite struct AccessReportTests {
    static func manifest(_ yaml: String, file: String = "m.yaml") throws -> Manifest {
        let result = ManifestLoader(inputs: VariableInputs()).load(sources: [(file, "version: 1\n" + yaml)])
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return try #require(result.manifest)
    }

    static func model(_ yaml: String) throws -> AccessModel { AccessModel(try manifest(yaml)) }

    static let base = """
        auth_methods: [{ path: approle, type: approle }]
        policies:
          - name: payments
            hcl: |
              # reads its credentials
              path "secret/data/payments/*" {
                capabilities = ["read"]
              }
          - name: ops
            rules:
              - { path: "secret/data/*", capabilities: [read, list] }
              - { path: "secret/data/payments/master", capabilities: [deny] }
        approle_roles:
          - { name: payments, token_policies: [payments], token_no_default_policy: true }
          - { name: ops, token_policies: [ops] }

        """

    @Test("the deciding rule is named at its own line: inline HCL in a block scalar, structured rules")
    func ruleLocations() throws {
        let model = try Self.model(Self.base)
        let payments = try #require(model.principal("approle-role:approle/payments"))
        let inline = model.query(payments, path: "secret/data/payments/card")
        #expect(inline.capabilities == ["read"])
        // Line 1 is "version: 1"; the path block follows the HCL's comment.
        #expect(inline.decidedBy?.location == SourceLocation(file: "m.yaml", line: 7, column: 12), "\(String(describing: inline.decidedBy))")
        let ops = try #require(model.principal("approle-role:approle/ops"))
        let structured = model.query(ops, path: "secret/data/payments/master")
        #expect(structured.capabilities == ["deny"])
        #expect(structured.decidedBy?.location?.line == 13)
    }

    @Test("a manifest with CRLF line ends names the deciding inline rule at the same line and column")
    func ruleLocationsWithCRLF() throws {
        let crlf = try Self.manifest(Self.base.replacingOccurrences(of: "\n", with: "\r\n"))
        let model = AccessModel(crlf)
        let payments = try #require(model.principal("approle-role:approle/payments"))
        let inline = model.query(payments, path: "secret/data/payments/card")
        #expect(inline.decidedBy?.location == SourceLocation(file: "m.yaml", line: 7, column: 12), "\(String(describing: inline.decidedBy))")
    }

    @Test("parameter and wrapping constraints of the deciding rules are reported, policy by policy, not evaluated")
    func constraints() throws {
        let model = try Self.model("""
            policies:
              - name: issuer
                rules:
                  - { path: "pki/issue/web", capabilities: [update], allowed_parameters: { common_name: ["*.example.com"], ttl: [] }, required_parameters: [common_name] }
                  - { path: "sys/wrapping/wrap", capabilities: [update], max_wrapping_ttl: 5m }
              - name: plain
                rules: [{ path: "pki/issue/web", capabilities: [read] }]
            identity_groups: [{ name: certs, policies: [issuer, plain] }]
            """)
        let group = try #require(model.principal("identity-group:certs"))
        let answer = model.query(group, path: "pki/issue/web")
        #expect(answer.capabilities == ["read", "update"])
        let constraint = try #require(answer.decidedBy?.constraints.first)
        #expect(answer.decidedBy?.constraints.count == 1 && constraint.policy == "issuer")
        #expect(constraint.requiredParameters == ["common_name"] && constraint.allowedParameters == ["common_name": ["*.example.com"], "ttl": []])
        #expect(constraint.summary == "issuer: requires common_name; allows only common_name = *.example.com, ttl")
        #expect(model.query(group, path: "sys/wrapping/wrap").decidedBy?.constraints.first?.maxWrappingTTL == 300)
    }

    @Test("the map lists each principal's merged grants with their groups, and the default policy's rules as built in")
    func map() throws {
        let map = AccessMap(try Self.model(Self.base))
        let ops = try #require(map.principals.first { $0.principal.address == "approle-role:approle/ops" })
        #expect(ops.principal.policies == ["ops", "default"])
        let secret = try #require(ops.entries.first { $0.pattern == "secret/data/*" })
        #expect(secret.capabilities == ["list", "read"])
        #expect(secret.group == "secret/data/*".split(separator: "/").first.map { "\($0)/" })
        #expect(ops.entries.contains { $0.pattern == "cubbyhole/*" && $0.location == nil })
        let payments = try #require(map.principals.first { $0.principal.address == "approle-role:approle/payments" })
        #expect(payments.entries.map(\.pattern) == ["secret/data/payments/*"])
        let markdown = AccessMarkdown.map(map, source: "m.yaml")
        #expect(markdown.contains("```mermaid\nflowchart LR\n"))
        #expect(markdown.contains("| `secret/data/payments/*` | read | payments | m.yaml:7 |"), "\(markdown)")
        #expect(!markdown.contains("cubbyhole"), "the default policy's own rules are left out")
    }

    @Test("diff: a widened policy is a gain, a new deny under a wider grant is a loss, a rule moved between policies is no change")
    func diff() throws {
        let old = try Self.model(Self.base)
        let widened = try Self.model(Self.base.replacingOccurrences(of: #"capabilities = ["read"]"#, with: #"capabilities = ["read", "update"]"#)
            + "  - { name: audit, token_policies: [ops] }\n")
        let diff = AccessDiff(old: old, new: widened)
        #expect(diff.principals.map(\.address) == ["approle-role:approle/audit", "approle-role:approle/payments"])
        let payments = try #require(diff.principals.last)
        #expect(payments.status == .changed)
        #expect(payments.changes.map(\.pattern) == ["secret/data/payments/*"])
        #expect(payments.changes.first?.gained == ["update"] && payments.changes.first?.lost == [])
        #expect(diff.principals.first?.status == .added)

        let denied = try Self.model(Self.base.replacingOccurrences(
            of: "      - { path: \"secret/data/payments/master\", capabilities: [deny] }",
            with: "      - { path: \"secret/data/payments/master\", capabilities: [deny] }\n      - { path: \"secret/data/ledger\", capabilities: [deny] }"))
        let loss = AccessDiff(old: old, new: denied)
        let ops = try #require(loss.principals.first)
        #expect(ops.changes.map(\.pattern) == ["secret/data/ledger"])
        #expect(ops.changes.first?.lost == ["list", "read"] && ops.changes.first?.gained == [])
        #expect(!ops.gains && ops.losses)

        // The payments rule moved into a second policy the role also holds: nothing changes.
        let moved = try Self.model("""
            auth_methods: [{ path: approle, type: approle }]
            policies:
              - name: payments
                rules: [{ path: "auth/token/lookup-self", capabilities: [read] }]
              - name: payments-secrets
                rules: [{ path: "secret/data/payments/*", capabilities: [read] }]
              - name: ops
                rules:
                  - { path: "secret/data/*", capabilities: [read, list] }
                  - { path: "secret/data/payments/master", capabilities: [deny] }
            approle_roles:
              - { name: payments, token_policies: [payments, payments-secrets], token_no_default_policy: true }
              - { name: ops, token_policies: [ops] }
            """)
        let reshuffled = AccessDiff(old: old, new: moved)
        #expect(reshuffled.principals.count == 1)
        #expect(reshuffled.principals.first?.changes.map(\.pattern) == ["auth/token/lookup-self"])
        #expect(reshuffled.principals.first?.policiesAdded == ["payments-secrets"])
        let markdown = AccessMarkdown.diff(diff, old: "a", new: "b")
        #expect(markdown.contains("**2 principals gain access, 0 lose access.**"), "\(markdown)")
        #expect(markdown.contains("-->|\"+update\"|"), "\(markdown)")
    }

    @Test("principals inside namespaces and identity entities: addressed as plans address them, evaluated with their own namespace's policies")
    func namespacesAndEntities() throws {
        let model = try Self.model("""
            policies: [{ name: app, rules: [{ path: "secret/*", capabilities: [read, create, update, delete, list, sudo] }] }]
            identity_entities: [{ name: Alice, policies: [app] }]
            token_roles:
              - { name: ci, allowed_policies: [app], disallowed_policies: [default] }
              - { name: inherits }
            namespaces:
              - path: tenants/acme
                contents:
                  auth_methods: [{ path: approle, type: approle }]
                  secrets_engines: [{ path: kv, type: kv-v2 }]
                  policies: [{ name: app, rules: [{ path: "kv/data/app/*", capabilities: [read] }] }]
                  approle_roles: [{ name: app, token_policies: [app], secret_id_ttl: 1h, token_bound_cidrs: [10.0.0.0/8] }]
            """)
        #expect(model.principals.map(\.address) == ["identity-entity:alice", "tenants/acme::approle-role:approle/app", "token-role:ci"])
        #expect(model.principal("token-role:ci")?.policies == ["app"], "default is disallowed; inherits names no policy")
        let tenant = try #require(model.principal("tenants/acme::approle-role:approle/app"))
        #expect(tenant.namespace == "tenants/acme" && tenant.policies == ["app", "default"])
        // Its `app` is the namespace's, not the root's of the same name.
        #expect(model.query(tenant, path: "kv/data/app/x").capabilities == ["read"])
        #expect(model.query(tenant, path: "secret/x").capabilities == ["deny"])
        #expect(model.query(tenant, path: "kv/data/app/x").decidedBy?.location?.line == 12)
        #expect(model.query(tenant, path: "cubbyhole/x").capabilities == ["create", "delete", "list", "read", "update"])
        let alice = try #require(model.principal("identity-entity:alice"))
        #expect(model.query(alice, path: "secret/x").capabilities == ["create", "delete", "list", "read", "sudo", "update"])
        let map = AccessMap(model)
        #expect(map.principals.first { $0.principal.namespace == "tenants/acme" }?.entries.first { $0.pattern == "kv/data/app/*" }?.group == "kv/")

        let manifest = try Self.manifest("""
            namespaces:
              - path: tenants/acme
                contents:
                  auth_methods: [{ path: approle, type: approle }]
                  policies: [{ name: admin, rules: [{ path: "sys/policies/acl/*", capabilities: [update] }] }]
                  approle_roles: [{ name: admin, token_policies: [admin], secret_id_ttl: 1h, token_bound_cidrs: [10.0.0.0/8] }]
            """)
        let ids = Lint(manifest, model: AccessModel(manifest)).findings.map(\.id)
        #expect(ids.contains("escalation:tenants/acme::approle-role:approle/admin"), "\(ids)")
        #expect(ids.contains("wide-cidr:tenants/acme::approle-role:approle/admin:10.0.0.0/8"), "\(ids)")
    }

    @Test("Markdown and Mermaid hold hostile names as written: backticks, pipes, quotes and newlines")
    func escaping() throws {
        #expect(AccessMarkdown.map(AccessMap(try Self.model("""
            policies:
              - name: odd
                rules: [{ path: "a|b`c\\"d<e>", capabilities: [read] }]
            identity_groups: [{ name: team, policies: [odd] }]
            """)), source: "m.yaml").contains("| ``a\\|b`c\"d<e>`` | read | odd | m.yaml:4 |"))
        let graph = AccessMarkdown.map(AccessMap(try Self.model("""
            policies:
              - name: odd
                rules: [{ path: "x\\"]-->y/z", capabilities: [read] }]
            identity_groups: [{ name: team, policies: [odd] }]
            """)), source: "m.yaml")
        #expect(graph.contains("[/\"x#quot;]--#gt;y/\"/]"), "\(graph)")
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// JWT/OIDC configs and roles against a real server, both ways: spellings the server treats
/// the same (a key with its trailing newline, algorithms and audiences reordered, a claim's
/// value as a list of one) are no change; a real out-of-band change of any field, omitted
/// ones included, is drift that apply repairs, with the whole config sent again (the server
/// resets what a config write leaves out); an owned role the manifest drops is deleted;
/// export round-trips. Key URLs point at a closed loopback port, written with
/// `skip_jwks_validation`; nothing leaves the machine.
@Suite("JWT/OIDC configs and roles against a dev server")
struct JWTAuthKindTests {
    /// Public keys (not secrets): the config trusts the first; the second is drift.
    static let publicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtXY5x06Lbt1pK1glTxeu
        ue3yKzpgX0b3638I+op/0Z4kUhBW8P8utDqcRsFrXSl+GCUFZm1ZPHvIVIA7e8HG
        ozfXEkD0GkGh/KfF6G65Q/x4Mf6PFsu0bVeKqmwB8kbHWfu3LbGrZguFWUaW+nGD
        YvKvm4E28Gvhi6NWxvktnvtdQb8sTj8q1e5mL5Tft0zwv2vVjV1/IU1ZyyUomg8C
        ARcvr1m07qgDcmGBL9N0l3C5NJgRx+jJ3ZJci39VfdQC1wkW3PQIyxCSSoh0O+4+
        OSo+MdhSmhUAIFUEBR2W/2jei/AkEOkRz6q4NGNBe2Ud10vG7jZXhoUTJUOspZ3g
        gwIDAQAB
        -----END PUBLIC KEY-----
        """
    static let otherKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0Nh+pNo0Hxh1gGldWvMb
        9sqb8/CTcoKUKt38n3uK+uSBUIDnNtswSJpSNggspy55pEl1kz1WrPx6um0LqNTH
        o8RyViVMzCXQimddGvwWOQRsSP0tvpNzWQxLKSchhAC0uL+dQiZXt8CvJBid505Z
        yyLyloUmT3aGEVg6nfXSC8GijtWXVmd9ONzf0LICytUBG1bpye3IrVvzqMRTyLjf
        Z028QXvntLXWiz1ii1CcJaa1zbvCl9DJ76czUXCQ139OMjATsf+Arssz1LX2FDFv
        Y0dpfqwPphmm9Zc4l8qw5yyt7enHKho03TXownIz4zdJK1X2mfUrDPX6vOkfQU6Y
        zwIDAQAB
        -----END PUBLIC KEY-----
        """

    /// `key` as a YAML block list item at `indent` spaces.
    static func yamlKey(_ key: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return pad + "- |\n" + key.split(separator: "\n").map { pad + "  " + $0 }.joined(separator: "\n")
    }

    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-jwt-kinds")
        defer { try? FileManager.default.removeItem(at: directory) }
        let jwt = PlanExactnessTests.unique("jwt")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            auth_methods:
              - { path: \(jwt), type: jwt }
            jwt_configs:
              - mount: \(jwt)
                bound_issuer: https://ci.example
                jwt_supported_algs: [RS256, ES256]
                default_role: CI
                jwt_validation_pubkeys:
            \(Self.yamlKey(Self.publicKey, indent: 6))
            jwt_roles:
              - name: CI
                mount: \(jwt)
                role_type: jwt
                user_claim: sub
                bound_audiences: [vaultform, other]
                bound_claims_type: glob
                bound_claims: { ref: [refs/heads/main, refs/tags/*], repository: org/app }
                claim_mappings: { repository: repo }
                token_policies: [reader, writer]
                token_ttl: 1h
              - name: web
                mount: \(jwt)
                user_claim: email
                allowed_redirect_uris: [http://localhost:8250/oidc/callback]
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let config = "auth/\(jwt)/config", ci = "auth/\(jwt)/role/ci", web = "auth/\(jwt)/role/web"
        let key = "jwt_validation_pubkeys=" + Self.publicKey
        let claims = directory.appendingPathComponent("claims.json")
        try #"{"role_type":"jwt","bound_claims_type":"glob","bound_claims":{"repository":["org/app","org/app"],"ref":["refs/tags/*","refs/heads/main"]}}"#
            .write(to: claims, atomically: true, encoding: .utf8)
        try await BothWays.spellingsAreNoChange([
            ["write", config, key + "\n", "bound_issuer=https://ci.example", "jwt_supported_algs=ES256, RS256", "default_role=ci"],
            ["write", ci, "@" + claims.path],
            ["write", ci, "role_type=jwt", "bound_claims_type=glob", "bound_audiences=other,vaultform", "token_policies=Writer, READER", "token_ttl=60m"],
            ["write", web, "callback_mode=client", "clock_skew_leeway=0", "bound_subject="],
        ], manifest: manifest, server: server)

        let configAddress = "jwt-config:\(jwt)/", role = "jwt-role:\(jwt)/ci", webRole = "jwt-role:\(jwt)/web"
        let provider = directory.appendingPathComponent("provider.json")
        try String(decoding: try JSONSerialization.data(withJSONObject: [
            "jwt_validation_pubkeys": [Self.publicKey], "provider_config": ["provider": "azure"],
        ]), as: UTF8.self).write(to: provider, atomically: true, encoding: .utf8)
        let mappings = directory.appendingPathComponent("mappings.json")
        try #"{"role_type":"jwt","bound_claims_type":"glob","claim_mappings":{"repository":"repo","actor":"who"}}"#
            .write(to: mappings, atomically: true, encoding: .utf8)
        let bound = directory.appendingPathComponent("bound.json")
        try #"{"role_type":"jwt","bound_claims_type":"glob","bound_claims":{"ref":"refs/heads/main"}}"#
            .write(to: bound, atomically: true, encoding: .utf8)
        // Each config write replaces the whole config: the others' fields go back to the server's fresh values.
        let closed = "http://127.0.0.1:1"
        let jwtOnly = ["role_type=jwt", "bound_claims_type=glob"]
        try await BothWays.driftsAreRepaired([
            .init(["write", config, key, "bound_issuer=https://other.example"], configAddress, "bound_issuer"),
            .init(["write", config, "jwt_validation_pubkeys=" + Self.otherKey], configAddress, "jwt_validation_pubkeys"),
            .init(["write", config, key, "jwt_supported_algs=RS256"], configAddress, "jwt_supported_algs"),
            .init(["write", config, key, "default_role=other"], configAddress, "default_role"),
            .init(["write", config, "jwks_url=\(closed)/keys", "skip_jwks_validation=true"], configAddress, "jwks_url"),
            .init(["write", config, key, "jwks_ca_pem=x"], configAddress, "jwks_ca_pem"),
            .init(["write", config, "oidc_discovery_url=\(closed)", "skip_jwks_validation=true"], configAddress, "oidc_discovery_url"),
            .init(["write", config, key, "oidc_discovery_ca_pem=x"], configAddress, "oidc_discovery_ca_pem"),
            .init(["write", config, "oidc_discovery_url=\(closed)", "oidc_client_id=app", "oidc_client_secret=s3cr3t-value",
                   "skip_jwks_validation=true"], configAddress, "oidc_client_id"),
            .init(["write", config, key, "oidc_response_mode=form_post"], configAddress, "oidc_response_mode"),
            .init(["write", config, key, "oidc_response_mode=form_post", "oidc_response_types=id_token"], configAddress, "oidc_response_types"),
            .init(["write", config, key, "namespace_in_state=false"], configAddress, "namespace_in_state"),
            .init(["write", config, "@" + provider.path], configAddress, "provider_config"),
            .init(["write", config, key, "override_allowed_server_names=vault.example"], configAddress, "override_allowed_server_names"),
            .init(["write", ci] + jwtOnly + ["user_claim=email"], role, "user_claim"),
            .init(["write", ci] + jwtOnly + ["user_claim_json_pointer=true"], role, "user_claim_json_pointer"),
            .init(["write", ci] + jwtOnly + ["bound_audiences=vaultform"], role, "bound_audiences"),
            .init(["write", ci] + jwtOnly + ["bound_subject=repo:org/app"], role, "bound_subject"),
            .init(["write", ci, "@" + bound.path], role, "bound_claims"),
            .init(["write", ci, "role_type=jwt"], role, "bound_claims_type"),
            .init(["write", ci, "@" + mappings.path], role, "claim_mappings"),
            .init(["write", ci] + jwtOnly + ["groups_claim=groups"], role, "groups_claim"),
            .init(["write", ci] + jwtOnly + ["allowed_redirect_uris=http://x/cb"], role, "allowed_redirect_uris"),
            .init(["write", ci] + jwtOnly + ["oidc_scopes=email"], role, "oidc_scopes"),
            .init(["write", ci] + jwtOnly + ["clock_skew_leeway=30s"], role, "clock_skew_leeway"),
            .init(["write", ci] + jwtOnly + ["expiration_leeway=-1"], role, "expiration_leeway"),
            .init(["write", ci] + jwtOnly + ["not_before_leeway=1m"], role, "not_before_leeway"),
            .init(["write", ci] + jwtOnly + ["verbose_oidc_logging=true"], role, "verbose_oidc_logging"),
            .init(["write", ci] + jwtOnly + ["max_age=1h"], role, "max_age"),
            .init(["write", ci] + jwtOnly + ["callback_mode=direct"], role, "callback_mode"),
            .init(["write", ci] + jwtOnly + ["poll_interval=7"], role, "poll_interval"),
            .init(["write", ci] + jwtOnly + ["oidc_disable_confirmation=true"], role, "oidc_disable_confirmation"),
            .init(["write", ci] + jwtOnly + ["oauth2_metadata=id_token"], role, "oauth2_metadata"),
            .init(["write", ci] + jwtOnly + ["token_policies_template_claims=true"], role, "token_policies_template_claims"),
            .init(["write", ci] + jwtOnly + ["token_policies=reader"], role, "token_policies"),
            .init(["write", ci] + jwtOnly + ["token_ttl=2h"], role, "token_ttl"),
            .init(["write", web, "token_max_ttl=5h"], webRole, "token_max_ttl"),
            .init(["write", web, "token_explicit_max_ttl=6h"], webRole, "token_explicit_max_ttl"),
            .init(["write", web, "token_period=1h"], webRole, "token_period"),
            .init(["write", web, "token_num_uses=4"], webRole, "token_num_uses"),
            .init(["write", web, "token_no_default_policy=true"], webRole, "token_no_default_policy"),
            .init(["write", web, "token_strictly_bind_ip=true"], webRole, "token_strictly_bind_ip"),
            .init(["write", ci] + jwtOnly + ["token_bound_cidrs=10.0.0.0/16"], role, "token_bound_cidrs"),
            .init(["write", web, "token_type=service"], webRole, "token_type"),
            // Last on `web`: a later write without role_type would make it oidc again.
            .init(["write", web, "role_type=jwt", "bound_subject=x"], webRole, "role_type"),
        ], manifest: manifest, server: server)
    }

    @Test("an owned role the manifest drops is deleted; export writes config and roles back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-jwt-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let client = try server.client()
            _ = try await client.request(.post, "sys/auth/jwt", body: ["type": "jwt"])
            _ = try await client.request(.post, "auth/jwt/role/stray", body: ["role_type": "jwt", "user_claim": "sub", "bound_subject": "x"])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: jwt_role, mount: jwt }
                auth_methods:
                  - { path: jwt, type: jwt }
                jwt_configs:
                  - bound_issuer: https://ci.example
                    jwt_validation_pubkeys:
                \(Self.yamlKey(Self.publicKey, indent: 6))
                jwt_roles:
                  - name: ci
                    role_type: jwt
                    user_claim: sub
                    bound_audiences: [vaultform]
                    bound_claims: { ref: refs/heads/main, environment: [prod, staging] }
                    token_ttl: 30m
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create jwt-config:jwt/", "create jwt-role:jwt/ci", "delete jwt-role:jwt/stray"], "\(plan.output)")
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let roles = try String(contentsOf: exported.appendingPathComponent("jwt_roles.yaml"), encoding: .utf8)
            #expect(roles.contains("name: ci") && roles.contains("token_ttl: 30m") && !roles.contains("mount:"), "\(roles)")
            let configs = try String(contentsOf: exported.appendingPathComponent("jwt_configs.yaml"), encoding: .utf8)
            #expect(configs.contains("BEGIN PUBLIC KEY") && configs.contains("bound_issuer: https://ci.example"), "\(configs)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

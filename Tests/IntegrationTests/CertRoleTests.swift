import Foundation
import Testing
import TestSupport
import VaultAPI

/// Trusted certificates of a TLS certificate auth method against a real server, both ways:
/// the certificate re-encoded (CRLF, blank lines), lists reordered, the display name written
/// out as the role's name and policies in another case are no change; a real out-of-band
/// change of any field, omitted ones included, is drift that apply repairs; an owned role the
/// manifest drops is deleted; export round-trips. Certificates are made with openssl.
@Suite("cert roles against a dev server")
struct CertRoleTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs")
    func bothWays() async throws {
        let server = try await DevServer.shared()
        let pki = try await TestPKI()
        defer { pki.remove() }
        let directory = try scratchDirectory("vf-cert-roles")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: pki.caCertificate, toPath: directory.appendingPathComponent("ca.pem").path)
        let client = try String(contentsOfFile: pki.clientCertificate, encoding: .utf8)
        let cert = PlanExactnessTests.unique("cert")
        let manifest = try SecretSchemaTests.write("""
            external_policies: [reader, writer]
            auth_methods:
              - { path: \(cert), type: cert }
            cert_roles:
              - name: Web
                mount: \(cert)
                certificate_file: ca.pem
                display_name: web-clients
                allowed_common_names: [vaultform-client, "*.example.com"]
                allowed_dns_sans: [a.example.com]
                allowed_email_sans: [ops@example.com]
                allowed_uri_sans: ["spiffe://example/*"]
                allowed_organizational_units: [ops]
                allowed_names: [legacy]
                required_extensions: ["1.2.3.4:value"]
                allowed_metadata_extensions: [1.2.3.5]
                ocsp_enabled: true
                ocsp_ca_certificates_file: ca.pem
                ocsp_servers_override: [http://ocsp.example/a, http://ocsp.example/b]
                ocsp_fail_open: true
                ocsp_query_all_servers: true
                token_policies: [reader, writer]
                token_ttl: 1h
              - name: bare
                mount: \(cert)
                certificate: |
            \(client.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        let crlf = directory.appendingPathComponent("ca-crlf.pem").path
        try ("\r\n" + String(contentsOfFile: pki.caCertificate, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n")
            .write(toFile: crlf, atomically: true, encoding: .utf8)
        let web = "auth/\(cert)/certs/web", bare = "auth/\(cert)/certs/bare"
        try await BothWays.spellingsAreNoChange([
            ["write", web, "certificate=@\(crlf)", "ocsp_ca_certificates=@\(crlf)"],
            ["write", web, "allowed_common_names=*.example.com, vaultform-client", "token_policies=Writer, READER", "token_ttl=60m"],
            ["write", bare, "display_name=bare", "allowed_dns_sans=", "ocsp_servers_override=", "token_type=default"],
        ], manifest: manifest, server: server)

        let role = "cert-role:\(cert)/web", zero = "cert-role:\(cert)/bare"
        try await BothWays.driftsAreRepaired([
            .init(["write", web, "certificate=@\(pki.clientCertificate)"], role, "certificate"),
            .init(["write", web, "display_name=other"], role, "display_name"),
            .init(["write", web, "allowed_common_names=vaultform-client"], role, "allowed_common_names"),
            .init(["write", web, "allowed_dns_sans=b.example.com"], role, "allowed_dns_sans"),
            .init(["write", web, "allowed_email_sans=dev@example.com"], role, "allowed_email_sans"),
            .init(["write", web, "allowed_uri_sans=spiffe://other/*"], role, "allowed_uri_sans"),
            .init(["write", web, "allowed_organizational_units=dev"], role, "allowed_organizational_units"),
            .init(["write", web, "allowed_names=other"], role, "allowed_names"),
            .init(["write", web, "required_extensions=1.2.3.4:other"], role, "required_extensions"),
            .init(["write", web, "allowed_metadata_extensions=1.2.3.6"], role, "allowed_metadata_extensions"),
            .init(["write", web, "ocsp_enabled=false"], role, "ocsp_enabled"),
            .init(["write", web, "ocsp_ca_certificates=@\(pki.serverCertificate)"], role, "ocsp_ca_certificates"),
            // The servers are asked in order: the same servers reordered are a change.
            .init(["write", web, "ocsp_servers_override=http://ocsp.example/b,http://ocsp.example/a"], role, "ocsp_servers_override"),
            .init(["write", web, "ocsp_fail_open=false"], role, "ocsp_fail_open"),
            .init(["write", web, "ocsp_query_all_servers=false"], role, "ocsp_query_all_servers"),
            .init(["write", web, "token_policies=reader"], role, "token_policies"),
            .init(["write", web, "token_ttl=2h"], role, "token_ttl"),
            .init(["write", bare, "display_name=someone"], zero, "display_name"),
            .init(["write", bare, "allowed_common_names=x"], zero, "allowed_common_names"),
            .init(["write", bare, "allowed_dns_sans=x.example"], zero, "allowed_dns_sans"),
            .init(["write", bare, "allowed_email_sans=x@example.com"], zero, "allowed_email_sans"),
            .init(["write", bare, "allowed_uri_sans=spiffe://x"], zero, "allowed_uri_sans"),
            .init(["write", bare, "allowed_organizational_units=x"], zero, "allowed_organizational_units"),
            .init(["write", bare, "allowed_names=x"], zero, "allowed_names"),
            .init(["write", bare, "required_extensions=1.2.3:x"], zero, "required_extensions"),
            .init(["write", bare, "allowed_metadata_extensions=1.2.4"], zero, "allowed_metadata_extensions"),
            .init(["write", bare, "ocsp_enabled=true"], zero, "ocsp_enabled"),
            .init(["write", bare, "ocsp_ca_certificates=@\(pki.caCertificate)"], zero, "ocsp_ca_certificates"),
            .init(["write", bare, "ocsp_servers_override=http://ocsp.example"], zero, "ocsp_servers_override"),
            .init(["write", bare, "ocsp_fail_open=true"], zero, "ocsp_fail_open"),
            .init(["write", bare, "ocsp_query_all_servers=true"], zero, "ocsp_query_all_servers"),
            .init(["write", bare, "token_policies=reader"], zero, "token_policies"),
            .init(["write", bare, "token_ttl=5m"], zero, "token_ttl"),
            .init(["write", bare, "token_max_ttl=5h"], zero, "token_max_ttl"),
            .init(["write", bare, "token_explicit_max_ttl=6h"], zero, "token_explicit_max_ttl"),
            .init(["write", bare, "token_period=1h"], zero, "token_period"),
            .init(["write", bare, "token_num_uses=4"], zero, "token_num_uses"),
            .init(["write", bare, "token_no_default_policy=true"], zero, "token_no_default_policy"),
            .init(["write", bare, "token_strictly_bind_ip=true"], zero, "token_strictly_bind_ip"),
            // The server refuses token_bound_cidrs beside token_strictly_bind_ip: the CIDRs drift on the other role.
            .init(["write", web, "token_bound_cidrs=10.0.0.0/16"], role, "token_bound_cidrs"),
            .init(["write", bare, "token_type=service"], zero, "token_type"),
        ], manifest: manifest, server: server)
    }

    @Test("an owned role the manifest drops is deleted; export writes them back and the round trip plans no change")
    func ownershipAndExport() async throws {
        try await DevServer.with { server in
            let pki = try await TestPKI()
            defer { pki.remove() }
            let directory = try scratchDirectory("vf-cert-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.copyItem(atPath: pki.caCertificate, toPath: directory.appendingPathComponent("ca.pem").path)
            let ca = try String(contentsOfFile: pki.caCertificate, encoding: .utf8)
            let client = try server.client()
            _ = try await client.request(.post, "sys/auth/cert", body: ["type": "cert"])
            _ = try await client.request(.post, "auth/cert/certs/stray", body: ["certificate": .string(ca)])
            let manifest = try SecretSchemaTests.write("""
                ownership:
                  - { kind: cert_role, mount: cert }
                auth_methods:
                  - { path: cert, type: cert }
                cert_roles:
                  - { name: ops, certificate_file: ca.pem, allowed_common_names: [vaultform-client], token_ttl: 30m }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
            let actions = (json?["changes"] as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(actions == ["create cert-role:cert/ops", "delete cert-role:cert/stray"], "\(plan.output)")
            #expect(try await server.vaultform(["apply", manifest, "--auto-approve"]).code == 0)
            #expect(try await client.request(.get, "auth/cert/certs/ops").data?["certificate"]?.stringValue == ca,
                    "the certificate file is sent as it is")
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let text = try String(contentsOf: exported.appendingPathComponent("cert_roles.yaml"), encoding: .utf8)
            #expect(text.contains("name: ops") && text.contains("token_ttl: 30m") && text.contains("BEGIN CERTIFICATE"), "\(text)")
            #expect(!text.contains("mount:") && !text.contains("display_name"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }

    @Test("a client certificate a manifest's cert role trusts logs in over TLS with the role's policies; one it does not is refused")
    func login() async throws {
        let pki = try await TestPKI()
        defer { pki.remove() }
        let port = try FreePort.loopbackPair()
        // A TLS listener asks for a client certificate (without requiring one): what cert logins need.
        let listener = """
            listener "tcp" {
              address = "127.0.0.1:\(port)"
              cluster_address = "127.0.0.1:\(port + 1)"
              tls_cert_file = "\(pki.serverCertificate)"
              tls_key_file = "\(pki.serverKey)"
            }

            """
        try await DevServer.with(extraConfig: listener) { server in
            let directory = try scratchDirectory("vf-cert-login")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.copyItem(atPath: pki.caCertificate, toPath: directory.appendingPathComponent("ca.pem").path)
            let manifest = try SecretSchemaTests.write("""
                policies:
                  - { name: clients, hcl: 'path "secret/data/clients/*" { capabilities = ["read"] }' }
                auth_methods:
                  - { path: cert, type: cert }
                cert_roles:
                  - { name: clients, certificate_file: ca.pem, allowed_common_names: [vaultform-client], token_policies: [clients] }
                  - { name: admins, certificate_file: ca.pem, allowed_common_names: [admin], token_policies: [clients] }
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            let address = try #require(URL(string: "https://127.0.0.1:\(port)"))
            let client = try VaultClient(
                address: address,
                tls: TLSOptions(caFile: pki.caCertificate, clientCertificate: pki.clientCertificate, clientKey: pki.clientKey))
            let login = try await client.request(.post, "auth/cert/login", body: ["name": "clients"])
            let policies = login.json?["auth"]?["token_policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(policies.contains("clients"), "\(policies)")
            #expect(login.json?["auth"]?["metadata"]?["common_name"]?.stringValue == "vaultform-client")
            // The other role wants another common name.
            await #expect(throws: VaultError.self) { try await client.request(.post, "auth/cert/login", body: ["name": "admins"]) }
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// A PKI engine's configuration (config/urls, config/crl, config/cluster)
/// against a real server, both ways: spellings the server reads the same (URLs in another
/// order, 4320m for 72h) are no change; a real out-of-band change of any field, omitted ones
/// included, is drift that apply repairs; export round-trips.
@Suite("PKI engine configs against a dev server")
struct PKIConfigTests {
    @Test("equivalent spellings are no change; every field drifted out of band is drift that apply repairs; export round-trips")
    func bothWays() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-pki-config")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: pki, type: pki }
                pki_configs:
                  - mount: pki
                    urls:
                      issuing_certificates: [http://a.example/ca, http://b.example/ca]
                      ocsp_servers: [http://ocsp.example]
                    crl:
                      expiry: 48h
                      auto_rebuild: true
                    cluster:
                      path: http://vault.example/v1/pki
                      aia_path: http://vault.example/v1/pki
                """, in: directory)
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
            try await BothWays.spellingsAreNoChange([
                ["write", "pki/config/urls", "issuing_certificates=http://b.example/ca,http://a.example/ca"],
                ["write", "pki/config/crl", "expiry=2880m"],
            ], manifest: manifest, server: server)
            let config = "pki-config:pki/"
            try await BothWays.driftsAreRepaired([
                .init(["write", "pki/config/urls", "issuing_certificates=http://a.example/ca"], config, "issuing_certificates"),
                .init(["write", "pki/config/urls", "crl_distribution_points=http://crl.example"], config, "crl_distribution_points"),
                .init(["write", "pki/config/urls", "delta_crl_distribution_points=http://delta.example"], config, "delta_crl_distribution_points"),
                .init(["write", "pki/config/urls", "ocsp_servers=http://other.example"], config, "ocsp_servers"),
                .init(["write", "pki/config/urls", "enable_templating=true"], config, "enable_templating"),
                .init(["write", "pki/config/crl", "expiry=24h"], config, "expiry"),
                .init(["write", "pki/config/crl", "disable=true"], config, "disable"),
                .init(["write", "pki/config/crl", "ocsp_disable=true"], config, "ocsp_disable"),
                .init(["write", "pki/config/crl", "ocsp_expiry=1h"], config, "ocsp_expiry"),
                .init(["write", "pki/config/crl", "auto_rebuild=false"], config, "auto_rebuild"),
                .init(["write", "pki/config/crl", "auto_rebuild_grace_period=1h"], config, "auto_rebuild_grace_period"),
                .init(["write", "pki/config/crl", "delta_rebuild_interval=30m"], config, "delta_rebuild_interval"),
                .init(["write", "pki/config/crl", "allow_expired_cert_revocation=true"], config, "allow_expired_cert_revocation"),
                .init(["write", "pki/config/cluster", "path=http://other.example/v1/pki"], config, "path"),
                .init(["write", "pki/config/cluster", "aia_path=http://aia.example/v1/pki"], config, "aia_path"),
            ], manifest: manifest, server: server)
            // Delta CRLs need auto rebuild: drifted together.
            try await BothWays.driftsAreRepaired([
                .init(["write", "pki/config/crl", "enable_delta=true"], config, "enable_delta"),
            ], manifest: manifest, server: server)
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let text = try String(contentsOf: exported.appendingPathComponent("pki_configs.yaml"), encoding: .utf8)
            #expect(text.contains("expiry: 48h") && text.contains("urls:") && text.contains("cluster:"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// Root CAs generated inside PKI engines, against a real server: created once and never
/// regenerated (the serial is the same after three applies); read back from the engine's
/// default issuer, its certificate parsed with swift-certificates; a CA generated out of
/// band with the same parameters is no change; the names drift and are repaired in place;
/// the subject, key and lifetime are fixed, so a change is a destructive replace that needs
/// `--allow-destroy`; export writes the generate parameters and round-trips.
@Suite("PKI root CAs against a dev server")
struct PKIRootCATests {
    /// The serial of the engine's issuer `reference` (its default by default).
    static func serial(_ mount: String, _ server: DevServer, issuer reference: String = "default") async throws -> String {
        let issuer = try await server.client().request(.get, "\(mount)/issuer/\(reference)").data
        let pem = try #require(issuer?["certificate"]?.stringValue)
        let output = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/openssl"), ["x509", "-noout", "-serial"], environment: ProcessRunner.cleanEnvironment,
            input: Data(pem.utf8))
        return output.standardOutput
    }

    @Test("created once: the serial is unchanged after three applies; names drift in place; the subject and key are a destructive replace")
    func createdOnce() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-pki-root")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = PlanExactnessTests.unique("root"), bare = PlanExactnessTests.unique("rootb")
        let body = { (organization: String) in
            """
            secrets_engines:
              - { path: \(root), type: pki, tuning: { max_lease_ttl: 87600h } }
              - { path: \(bare), type: pki }
            pki_root_cas:
              - mount: \(root)
                common_name: Example Root CA
                organization: [\(organization)]
                ou: [Platform, Security]
                country: [NL]
                locality: [Delft]
                province: [ZH]
                street_address: [Main 1]
                postal_code: ["2611"]
                key_type: ec
                key_bits: 384
                ttl: 8760h
                issuer_name: root-2026
                key_name: root-key
                usage: [issuing-certificates, crl-signing]
                leaf_not_after_behavior: truncate
              - { mount: \(bare), common_name: bare.example }
            """
        }
        let manifest = try SecretSchemaTests.write(body("Example"), in: directory)
        var serials: [String] = []
        for _ in 0..<3 {
            let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
            #expect(applied.code == 0, "\(applied.all)")
            serials.append(try await Self.serial(root, server))
        }
        #expect(Set(serials).count == 1 && !serials[0].isEmpty, "\(serials)")
        let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
        #expect(plan.code == 0, "\(plan.all)")
        // The issuer's settings as the server reads them: usage in another order is no change.
        let issuer = "\(root)/issuer/default"
        try await BothWays.spellingsAreNoChange([
            ["write", issuer, "issuer_name=root-2026", "usage=crl-signing,issuing-certificates,read-only", "leaf_not_after_behavior=truncate"],
        ], manifest: manifest, server: server)
        // The names and the issuer's settings change in place: no new CA.
        try await BothWays.driftsAreRepaired([
            .init(["write", issuer, "issuer_name=root-2026", "usage=issuing-certificates,crl-signing,ocsp-signing", "leaf_not_after_behavior=truncate"],
                  "pki-root-ca:\(root)/", "usage"),
            .init(["write", issuer, "issuer_name=root-2026", "usage=issuing-certificates,crl-signing", "leaf_not_after_behavior=permit"],
                  "pki-root-ca:\(root)/", "leaf_not_after_behavior"),
            .init(["write", "\(bare)/issuer/default", "usage=issuing-certificates"], "pki-root-ca:\(bare)/", "usage"),
            .init(["write", "\(bare)/issuer/default", "leaf_not_after_behavior=permit"], "pki-root-ca:\(bare)/", "leaf_not_after_behavior"),
            .init(["write", "\(root)/issuer/default", "issuer_name=renamed"], "pki-root-ca:\(root)/", "issuer_name"),
            .init(["write", "\(root)/key/default", "key_name=renamed-key"], "pki-root-ca:\(root)/", "key_name"),
        ], manifest: manifest, server: server)
        // Names the manifest leaves out are left as they are (the server cannot clear one).
        try await BothWays.spellingsAreNoChange([
            ["write", "\(bare)/issuer/default", "issuer_name=named"], ["write", "\(bare)/key/default", "key_name=named"],
        ], manifest: manifest, server: server)
        #expect(try await Self.serial(root, server) == serials[0])

        // A CA generated again out of band with other parameters: every fixed field differs,
        // and putting it back is a destructive replace.
        let bao = BaoCommand(server: server)
        try await bao("delete", "\(bare)/root")
        try await bao(
            "write", "\(bare)/root/generate/internal", "common_name=other", "organization=O", "ou=U", "country=DE", "locality=L",
            "province=P", "street_address=S", "postal_code=1", "key_type=rsa", "key_bits=3072", "ttl=24h")
        let drifted = try BothWays.changed(try await server.vaultform(["plan", manifest, "--format", "json"]).output)
        for field in [
            "common_name", "organization", "ou", "country", "locality", "province", "street_address", "postal_code", "key_bits",
        ] {
            #expect(drifted.contains("pki-root-ca:\(bare)/ \(field)"), "\(field): \(drifted)")
        }
        let refused = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(refused.code != 0 && refused.all.contains("--allow-destroy"), "\(refused.all)")
        let replaced = try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"])
        #expect(replaced.code == 0, "\(replaced.all)")
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        // The key type and the lifetime are fixed too.
        try await bao("delete", "\(root)/root")
        try await bao(
            "write", "\(root)/root/generate/internal", "common_name=Example Root CA", "organization=Example", "ou=Platform,Security",
            "country=NL", "locality=Delft", "province=ZH", "street_address=Main 1", "postal_code=2611", "key_type=rsa", "ttl=100h",
            "issuer_name=root-2026", "key_name=root-key")
        try await bao("write", issuer, "issuer_name=root-2026", "usage=issuing-certificates,crl-signing", "leaf_not_after_behavior=truncate")
        let rekeyed = try BothWays.changed(try await server.vaultform(["plan", manifest, "--format", "json"]).output)
        #expect(Set(rekeyed) == ["pki-root-ca:\(root)/ key_type", "pki-root-ca:\(root)/ key_bits", "pki-root-ca:\(root)/ ttl"], "\(rekeyed)")
        #expect(try await server.vaultform(["apply", manifest, "--auto-approve", "--allow-destroy"]).code == 0)
        let kept = try await Self.serial(root, server)

        // A change of the subject in the manifest is a replace too.
        let changed = directory.appendingPathComponent("changed.yaml").path
        try ("version: 1\n" + body("Example B.V.")).write(toFile: changed, atomically: true, encoding: .utf8)
        let changedPlan = try await server.vaultform(["plan", changed, "--format", "json"])
        #expect(changedPlan.output.contains("\"action\" : \"replace\""), "\(changedPlan.output)")
        #expect(try await server.vaultform(["apply", changed, "--auto-approve"]).code != 0)
        #expect(try await Self.serial(root, server) == kept)
    }

    @Test("a CA is read by its issuer name: another root made the default out of band is no change; every issuer setting and the default issuer drift and are repaired in place")
    func readByIssuerName() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-pki-named")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = PlanExactnessTests.unique("named")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(root), type: pki, tuning: { max_lease_ttl: 87600h } }
            pki_root_cas:
              - mount: \(root)
                common_name: Named Root
                ttl: 8760h
                issuer_name: current
                revocation_signature_algorithm: SHA256WithRSAPSS
                issuing_certificates: [http://ca.example/ca]
                crl_distribution_points: [http://ca.example/crl]
                ocsp_servers: [http://ca.example/ocsp]
            pki_configs:
              - { mount: \(root), default_issuer: current }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let serial = try await Self.serial(root, server)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)
        let bao = BaoCommand(server: server)
        let issuer = "\(root)/issuer/current"
        // How the server reads the same settings back: the algorithm in lower case, the
        // default issuer by its ID.
        let id = try #require(try await server.client().request(.get, "\(root)/issuer/current").data?["issuer_id"]?.stringValue)
        try await BothWays.spellingsAreNoChange([
            ["patch", issuer, "revocation_signature_algorithm=sha256withrsapss"],
            ["write", "\(root)/config/issuers", "default=\(id)"],
        ], manifest: manifest, server: server)

        // Another root generated out of band, following the latest: it becomes the default,
        // and the declared CA (read by name) is untouched. Only the default issuer drifts.
        try await bao("write", "\(root)/config/issuers", "default=current", "default_follows_latest_issuer=true")
        try await bao("write", "\(root)/root/generate/internal", "common_name=Other Root", "issuer_name=other", "ttl=24h")
        let moved = try BothWays.changed(try await server.vaultform(["plan", manifest, "--format", "json"]).output)
        #expect(Set(moved) == ["pki-config:\(root)/ default_issuer", "pki-config:\(root)/ default_follows_latest_issuer"], "\(moved)")
        let repaired = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(repaired.code == 0, "\(repaired.all)")
        #expect(try await Self.serial(root, server) == serial)
        // follows-latest set alone, the manifest naming no default: written beside the current default.
        try await bao("write", "\(root)/config/issuers", "default=current", "default_follows_latest_issuer=true")
        let bare = directory.appendingPathComponent("bare.yaml").path
        try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: ", default_issuer: current", with: "")
            .write(toFile: bare, atomically: true, encoding: .utf8)
        let follows = try BothWays.changed(try await server.vaultform(["plan", bare, "--format", "json"]).output)
        #expect(follows == ["pki-config:\(root)/ default_follows_latest_issuer"], "\(follows)")
        #expect(try await server.vaultform(["apply", bare, "--auto-approve"]).code == 0)
        #expect(try await server.vaultform(["plan", manifest, "--detailed-exitcode"]).code == 0)

        // Every issuer setting, changed out of band on the declared issuer (not the default):
        // each is drift, and apply repairs it on that issuer, its name kept.
        try await bao("write", "\(root)/config/issuers", "default=other")
        try await BothWays.driftsAreRepaired([
            .init(["patch", issuer, "revocation_signature_algorithm=SHA512WithRSA"], "pki-root-ca:\(root)/", "revocation_signature_algorithm"),
            .init(["patch", issuer, "manual_chain=self"], "pki-root-ca:\(root)/", "manual_chain"),
            .init(["patch", issuer, "issuing_certificates=http://elsewhere/ca"], "pki-root-ca:\(root)/", "issuing_certificates"),
            .init(["patch", issuer, "crl_distribution_points=http://elsewhere/crl"], "pki-root-ca:\(root)/", "crl_distribution_points"),
            .init(["patch", issuer, "delta_crl_distribution_points=http://elsewhere/delta"], "pki-root-ca:\(root)/", "delta_crl_distribution_points"),
            .init(["patch", issuer, "ocsp_servers=http://elsewhere/ocsp"], "pki-root-ca:\(root)/", "ocsp_servers"),
            .init(["patch", issuer, "enable_aia_url_templating=true"], "pki-root-ca:\(root)/", "enable_aia_url_templating"),
            .init(["patch", issuer, "usage=read-only,issuing-certificates"], "pki-root-ca:\(root)/", "usage"),
            .init(["patch", issuer, "leaf_not_after_behavior=permit"], "pki-root-ca:\(root)/", "leaf_not_after_behavior"),
        ], manifest: manifest, server: server)
        let other = try await server.client().request(.get, "\(root)/issuer/other").data
        #expect(other?["issuing_certificates"]?.arrayValue?.isEmpty != false, "the other issuer was not written: \(String(describing: other))")
        #expect(try await Self.serial(root, server, issuer: "current") == serial)
    }

    @Test("rotate: a new issuer is generated beside the old one, which stays; a re-run generates nothing; intermediates rotate the same way")
    func rotation() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-pki-rotate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = PlanExactnessTests.unique("rot"), int = PlanExactnessTests.unique("rotint")
        let body = { (rootIssuer: String, rootRotate: String, intIssuer: String, intRotate: String) in
            """
            version: 1
            secrets_engines:
              - { path: \(root), type: pki, tuning: { max_lease_ttl: 87600h } }
              - { path: \(int), type: pki, tuning: { max_lease_ttl: 87600h } }
            pki_root_cas:
              - { mount: \(root), common_name: Rotating Root, ttl: 8760h, issuer_name: \(rootIssuer)\(rootRotate) }
            pki_intermediate_cas:
              - { mount: \(int), signed_by: \(root), common_name: Rotating Int, ttl: 4380h, issuer_name: \(intIssuer)\(intRotate) }
            pki_configs:
              - { mount: \(root), default_issuer: \(rootIssuer) }
              - { mount: \(int), default_issuer: \(intIssuer) }
            """
        }
        let first = directory.appendingPathComponent("first.yaml").path
        try body("root-a", "", "int-a", "").write(toFile: first, atomically: true, encoding: .utf8)
        let applied = try await server.vaultform(["apply", first, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let rootA = try await Self.serial(root, server, issuer: "root-a"), intA = try await Self.serial(int, server, issuer: "int-a")

        let rotated = directory.appendingPathComponent("rotated.yaml").path
        try body("root-b", ", rotate: root-a", "int-b", ", rotate: int-a").write(toFile: rotated, atomically: true, encoding: .utf8)
        let plan = try await server.vaultform(["plan", rotated, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any]
        let actions = Dictionary(uniqueKeysWithValues: (json?["changes"] as? [[String: Any]] ?? []).map {
            ("\($0["address"] ?? "")", "\($0["action"] ?? "")")
        })
        #expect(actions["pki-root-ca:\(root)/"] == "create" && actions["pki-intermediate-ca:\(int)/"] == "create", "\(plan.output)")
        for _ in 0..<3 {
            let again = try await server.vaultform(["apply", rotated, "--auto-approve"])
            #expect(again.code == 0, "\(again.all)")
        }
        #expect(try await server.vaultform(["plan", rotated, "--detailed-exitcode"]).code == 0)
        // The old issuers stay, unchanged; the new ones are the defaults.
        #expect(try await Self.serial(root, server, issuer: "root-a") == rootA)
        #expect(try await Self.serial(int, server, issuer: "int-a") == intA)
        let rootB = try await Self.serial(root, server, issuer: "root-b"), intB = try await Self.serial(int, server, issuer: "int-b")
        #expect(rootB != rootA && intB != intA)
        let defaults = (try await Self.serial(root, server), try await Self.serial(int, server))
        #expect(defaults.0 == rootB && defaults.1 == intB)
        // The new intermediate was signed by the root's default, the new root.
        let chain = try await server.client().request(.get, "\(int)/issuer/int-b").data?["ca_chain"]?.arrayValue ?? []
        let newRoot = try #require(try await server.client().request(.get, "\(root)/issuer/root-b").data?["certificate"]?.stringValue)
        #expect(chain.contains { $0.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) == newRoot.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    @Test("a CA generated out of band with the same parameters is adopted; export writes its parameters and round-trips")
    func adoptedAndExported() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-pki-root-export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bao = BaoCommand(server: server)
            try await bao("secrets", "enable", "-max-lease-ttl=87600h", "pki")
            try await bao("write", "pki/root/generate/internal", "common_name=Adopted", "key_type=ec", "key_bits=0", "ttl=720h", "organization=B,A")
            let before = try await Self.serial("pki", server)
            let manifest = try SecretSchemaTests.write("""
                secrets_engines:
                  - { path: pki, type: pki, tuning: { max_lease_ttl: 87600h } }
                pki_root_cas:
                  - { mount: pki, common_name: Adopted, key_type: ec, ttl: 30d, organization: [A, B] }
                """, in: directory)
            let plan = try await server.vaultform(["plan", manifest, "--detailed-exitcode"])
            #expect(plan.code == 0, "\(plan.all)")
            let exported = directory.appendingPathComponent("exported")
            #expect(try await server.vaultform(["export", "--output", exported.path]).code == 0)
            let text = try String(contentsOf: exported.appendingPathComponent("pki_root_cas.yaml"), encoding: .utf8)
            #expect(text.contains("common_name: Adopted") && text.contains("ttl: 720h") && !text.contains("PRIVATE"), "\(text)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
            #expect(try await Self.serial("pki", server) == before)
        }
    }

    @Test("drift --expiry-warning reports a CA whose certificate expires within the window, read with swift-certificates")
    func expiryWarning() async throws {
        let server = try await DevServer.shared()
        let directory = try scratchDirectory("vf-pki-expiry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = PlanExactnessTests.unique("exroot"), int = PlanExactnessTests.unique("exint")
        let manifest = try SecretSchemaTests.write("""
            secrets_engines:
              - { path: \(root), type: pki }
              - { path: \(int), type: pki }
            pki_root_cas:
              - { mount: \(root), common_name: Short Root, ttl: 240h }
            pki_intermediate_cas:
              - { mount: \(int), signed_by: \(root), common_name: Short Int, ttl: 24h }
            """, in: directory)
        let applied = try await server.vaultform(["apply", manifest, "--auto-approve"])
        #expect(applied.code == 0, "\(applied.all)")
        let plain = try await server.vaultform(["drift", manifest])
        #expect(plain.code == 0, "without the option expiry is not checked: \(plain.all)")
        let month = try await server.vaultform(["drift", manifest, "--expiry-warning", "30d", "--format", "json"])
        #expect(month.code == 2, "\(month.all)")
        #expect(month.output.contains("pki-root-ca:\(root)/") && month.output.contains("pki-intermediate-ca:\(int)/"), "\(month.output)")
        #expect(month.output.contains("expires at"), "\(month.output)")
        // A window of two days catches the intermediate (24h) and not the root (240h).
        let days = try await server.vaultform(["drift", manifest, "--expiry-warning", "2d", "--format", "json"])
        #expect(days.code == 2 && days.output.contains("pki-intermediate-ca:\(int)/") && !days.output.contains("pki-root-ca:\(root)/"), "\(days.output)")
        let hour = try await server.vaultform(["drift", manifest, "--expiry-warning", "1h"])
        #expect(hour.code == 0, "\(hour.all)")
    }
}

import Foundation
import Testing
import TestSupport
import VaultAPI

/// examples/pki.yaml on a real server: a root CA, an intermediate CA in another engine signed
/// by it, and a server-certificate role. Applied, planned (no changes, the CAs' serials kept),
/// a certificate issued from the role verifies with `openssl verify` up to the root, and the
/// export plans no changes.
@Suite("examples/pki.yaml")
struct PKIExampleTests {
    static let manifest = ApplyCommandTests.root.appendingPathComponent("examples/pki.yaml").path

    /// Runs openssl with `arguments`; its output.
    static func openssl(_ arguments: [String]) async throws -> ProcessOutput {
        try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, environment: ProcessRunner.cleanEnvironment)
    }

    /// `leaf` verifies with openssl up to `root` through `intermediate`, and not against the
    /// intermediate alone (the chain goes to the root). The PEMs are written to `directory`.
    static func expectChain(root: String, intermediate: String, leaf: String, in directory: URL) async throws {
        let files = [("root.pem", root), ("int.pem", intermediate), ("leaf.pem", leaf)].map { name, text in
            (directory.appendingPathComponent(name).path, text)
        }
        for (path, text) in files { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        let verify = try await openssl(["verify", "-CAfile", files[0].0, "-untrusted", files[1].0, files[2].0])
        #expect(verify.exitCode == 0 && verify.standardOutput.contains("OK"), "\(verify.all)")
        let alone = try await openssl(["verify", "-CAfile", files[1].0, files[2].0])
        #expect(alone.exitCode != 0, "the chain goes to the root: \(alone.all)")
    }

    @Test("apply, plan no changes, issue a certificate that chains to the root, export round trip")
    func wholeStory() async throws {
        try await DevServer.with { server in
            let directory = try scratchDirectory("vf-pki-example")
            defer { try? FileManager.default.removeItem(at: directory) }
            let apply = try await server.vaultform(["apply", Self.manifest, "--auto-approve"])
            #expect(apply.code == 0, "\(apply.all)")
            let rootSerial = try await PKIRootCATests.serial("pki-root", server)
            let intermediateSerial = try await PKIRootCATests.serial("pki-int", server)
            #expect(try await server.vaultform(["apply", Self.manifest, "--auto-approve"]).code == 0)
            let plan = try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"])
            #expect(plan.code == 0, "\(plan.all)")
            #expect(try await PKIRootCATests.serial("pki-root", server) == rootSerial)
            #expect(try await PKIRootCATests.serial("pki-int", server) == intermediateSerial)

            let client = try server.client()
            let issued = try await client.request(.post, "pki-int/issue/web", body: ["common_name": "api.example.internal"]).data
            let root = try #require(try await client.request(.get, "pki-root/issuer/default").data?["certificate"]?.stringValue)
            let intermediate = try #require(try await client.request(.get, "pki-int/issuer/default").data?["certificate"]?.stringValue)
            let leaf = try #require(issued?["certificate"]?.stringValue)
            try await Self.expectChain(root: root, intermediate: intermediate, leaf: leaf, in: directory)

            let exported = directory.appendingPathComponent("exported")
            let export = try await server.vaultform(["export", "--output", exported.path])
            #expect(export.code == 0 && !export.all.contains("skipped"), "\(export.all)")
            let intermediates = try String(contentsOf: exported.appendingPathComponent("pki_intermediate_cas.yaml"), encoding: .utf8)
            #expect(intermediates.contains("signed_by: pki-root") && !intermediates.contains("PRIVATE"), "\(intermediates)")
            let roundTrip = try await server.vaultform(["plan", exported.path, "--detailed-exitcode"])
            #expect(roundTrip.code == 0, "\(roundTrip.all)")
        }
    }

    @Test("the intermediate's names drift in place; a signer changed out of band is a destructive replace")
    func intermediateBothWays() async throws {
        try await DevServer.with { server in
            let apply = try await server.vaultform(["apply", Self.manifest, "--auto-approve"])
            #expect(apply.code == 0, "\(apply.all)")
            try await BothWays.driftsAreRepaired([
                .init(["write", "pki-int/issuer/default", "issuer_name=renamed"], "pki-intermediate-ca:pki-int/", "issuer_name"),
                .init(["write", "pki-int/key/default", "key_name=renamed"], "pki-intermediate-ca:pki-int/", "key_name"),
            ], manifest: Self.manifest, server: server)
            // The intermediate regenerated out of band, signed by another root: every fixed field shows.
            let bao = BaoCommand(server: server)
            try await bao("secrets", "enable", "-path=other-root", "-max-lease-ttl=87600h", "pki")
            try await bao("write", "other-root/root/generate/internal", "common_name=Other Root")
            try await bao("delete", "pki-int/root")
            let csr = try await server.client().request(.post, "pki-int/intermediate/generate/internal", body: [
                "common_name": "Rogue", "key_type": "rsa"]).data?["csr"]?.stringValue ?? ""
            let signed = try await server.client().request(.post, "other-root/root/sign-intermediate", body: [
                "csr": .string(csr), "ttl": "100h"]).data
            let bundle = (signed?["certificate"]?.stringValue ?? "") + "\n" + (signed?["issuing_ca"]?.stringValue ?? "")
            _ = try await server.client().request(.post, "pki-int/intermediate/set-signed", body: ["certificate": .string(bundle)])
            let drifted = try BothWays.changed(try await server.vaultform(["plan", Self.manifest, "--format", "json"]).output)
            for field in ["signed_by", "common_name", "organization", "key_type", "key_bits", "ttl"] {
                #expect(drifted.contains("pki-intermediate-ca:pki-int/ \(field)"), "\(field): \(drifted)")
            }
            #expect(try await server.vaultform(["apply", Self.manifest, "--auto-approve"]).code != 0)
            let replaced = try await server.vaultform(["apply", Self.manifest, "--auto-approve", "--allow-destroy"])
            #expect(replaced.code == 0, "\(replaced.all)")
            #expect(try await server.vaultform(["plan", Self.manifest, "--detailed-exitcode"]).code == 0)
        }
    }
}

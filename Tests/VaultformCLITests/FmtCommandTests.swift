import Foundation
import Testing
import TestSupport

/// `vaultform fmt` on files: --check reports with a diff and changes nothing, fmt rewrites
/// in place keeping the file's mode, and a file it cannot lay out safely is left alone.
@Suite struct FmtCommandTests {
    @Test("fmt --check exits 1 with a diff; fmt rewrites (mode kept) and a second --check passes; hidden directories are skipped")
    func checkAndWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-fmt-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("env"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("m.yaml")
        let messy = "policies:\n    - hcl: 'path \"a\" { capabilities = [\"read\"] }'   \n      name: p   # keep me\nversion: 1\n"
        try messy.write(to: manifest, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: manifest.path)
        let nested = directory.appendingPathComponent("env/dev.yaml")
        try "admin_cidrs:   [\"10.0.0.0/8\"]\n\n\n".write(to: nested, atomically: true, encoding: .utf8)
        let hidden = directory.appendingPathComponent(".hidden/x.yaml")
        try "b:    1\n\n\n".write(to: hidden, atomically: true, encoding: .utf8)

        let check = try await runVaultform(["fmt", "--check", directory.path])
        #expect(check.exitCode == 1, "\(check.standardError)")
        #expect(check.standardOutput.contains("--- \(manifest.path)"), "\(check.standardOutput)")
        #expect(check.standardOutput.contains("+  - name: p   # keep me\n") && check.standardOutput.contains("-      name: p   # keep me\n"), "\(check.standardOutput)")
        #expect(check.standardError.contains("2 files are not formatted"), "\(check.standardError)")
        #expect(try String(contentsOf: manifest, encoding: .utf8) == messy, "--check changed the file")

        // A link to a manifest elsewhere is formatted through; the link stays a link.
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("vf-fmt-target-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try "version:    1\n\n\n".write(to: elsewhere, atomically: true, encoding: .utf8)
        let link = directory.appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)

        let write = try await runVaultform(["fmt", directory.path])
        #expect(write.exitCode == 0, "\(write.standardError)")
        #expect(try String(contentsOf: manifest, encoding: .utf8)
                == "version: 1\npolicies:\n  - name: p   # keep me\n    hcl: 'path \"a\" { capabilities = [\"read\"] }'\n")
        let mode = try FileManager.default.attributesOfItem(atPath: manifest.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try String(contentsOf: nested, encoding: .utf8) == "admin_cidrs:   [\"10.0.0.0/8\"]\n")
        #expect(try String(contentsOf: hidden, encoding: .utf8) == "b:    1\n\n\n", "a hidden directory was formatted")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == elsewhere.path)
        #expect(try String(contentsOf: elsewhere, encoding: .utf8) == "version:    1\n")
        let again = try await runVaultform(["fmt", "--check", directory.path])
        #expect(again.exitCode == 0, "\(again.standardOutput)\(again.standardError)")
        #expect(again.standardOutput.isEmpty)
    }

    @Test("a file fmt cannot lay out safely, or that is not YAML, is left as it is and named in the error")
    func unsafeLeftAlone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-fmt-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let aliased = directory.appendingPathComponent("a.yaml")
        let text = "version: 1\napprole_roles:\n  - name: r\n    token_bound_cidrs: &c [\"10.0.0.0/8\"]\n    secret_id_bound_cidrs: *c\n"
        try text.write(to: aliased, atomically: true, encoding: .utf8)
        let broken = directory.appendingPathComponent("b.yaml")
        try "a: [1, 2\n".write(to: broken, atomically: true, encoding: .utf8)
        let run = try await runVaultform(["fmt", aliased.path, broken.path])
        #expect(run.exitCode == 1)
        #expect(run.standardError.contains("\(aliased.path):1:1: error: cannot lay this file out without changing it"), "\(run.standardError)")
        #expect(run.standardError.contains(broken.path), "\(run.standardError)")
        #expect(try String(contentsOf: aliased, encoding: .utf8) == text)

        // A file over the loader's 8 MiB limit is refused before it is read.
        let huge = directory.appendingPathComponent("huge.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: 9 << 20).write(to: huge)
        let refused = try await runVaultform(["fmt", huge.path])
        #expect(refused.exitCode == 1)
        #expect(refused.standardError.contains("\(huge.path): the file is 9 MiB; vaultform reads files of up to 8 MiB"), "\(refused.standardError)")
    }
}

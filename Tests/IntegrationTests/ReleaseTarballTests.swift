import Foundation
import Testing
import TestSupport

/// The tarball `make release` writes: its files and checksums, a binary that needs no Swift
/// toolchain, and that binary validating and planning against a dev server. `.ci/run` builds
/// the tarball first and names it in VAULTFORM_RELEASE_TARBALL; without it the suite is
/// skipped (a release build takes minutes).
@Suite("the release tarball's binary runs without the Swift toolchain",
       .enabled(if: !(ProcessInfo.processInfo.environment["VAULTFORM_RELEASE_TARBALL"] ?? "").isEmpty))
struct ReleaseTarballTests {
    static func sh(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), arguments, environment: environment ?? ProcessRunner.cleanEnvironment,
            currentDirectory: directory ?? ProcessRunner.repositoryRoot)
    }

    /// The system libraries the README lists; anything else the binary loads is a defect.
    static let allowedLibraries: Set<String> = ["libcurl.so.4", "libstdc++.so.6", "libgcc_s.so.1", "libm.so.6", "libc.so.6"]

    @Test("the tarball holds binary, man page, completions, schema and licence with checksums; the binary runs validate and plan")
    func tarball() async throws {
        let tarball = URL(fileURLWithPath: ProcessInfo.processInfo.environment["VAULTFORM_RELEASE_TARBALL"] ?? "",
                          relativeTo: ProcessRunner.repositoryRoot).standardizedFileURL
        let directory = try scratchDirectory("vf-release")
        defer { try? FileManager.default.removeItem(at: directory) }

        let sums = try await Self.sh(["sha256sum", "--check", "SHA256SUMS"], in: tarball.deletingLastPathComponent())
        #expect(sums.exitCode == 0, "\(sums.standardOutput)\(sums.standardError)")
        let unpacked = try await Self.sh(["tar", "-xzf", tarball.path, "-C", directory.path])
        #expect(unpacked.exitCode == 0, "\(unpacked.standardError)")
        let name = tarball.lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        let root = directory.appendingPathComponent(name)
        for file in ["bin/vaultform", "share/man/man1/vaultform.1", "share/completions/vaultform.bash", "share/completions/vaultform.zsh",
                     "share/completions/vaultform.fish", "share/schema/vaultform.schema.json", "LICENSE", "README.md", "SHA256SUMS"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), "\(name) lacks \(file)")
        }
        let inner = try await Self.sh(["sha256sum", "--check", "--strict", "SHA256SUMS"], in: root)
        #expect(inner.exitCode == 0, "\(inner.standardOutput)\(inner.standardError)")
        let schema = try Data(contentsOf: root.appendingPathComponent("share/schema/vaultform.schema.json"))
        let committed = try Data(contentsOf: ProcessRunner.repositoryRoot.appendingPathComponent("schema/vaultform.schema.json"))
        #expect(schema == committed, "the tarball's schema differs from schema/vaultform.schema.json")

        // No Swift runtime, Foundation or ICU library is loaded, and no search path points at
        // the toolchain: the binary runs where no Swift is installed.
        let binary = root.appendingPathComponent("bin/vaultform")
        let dynamic = try await Self.sh(["readelf", "--dynamic", binary.path])
        #expect(dynamic.exitCode == 0, "\(dynamic.standardError)")
        let needed = dynamic.standardOutput.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line -> String? in
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        let unexpected = needed.filter { !Self.allowedLibraries.contains($0) && !$0.hasPrefix("ld-linux") }
        #expect(!needed.isEmpty && unexpected.isEmpty, "\(needed)")
        // SwiftPM leaves a search path of `$ORIGIN` (the binary's own directory); one naming the
        // toolchain would load its libraries where it is installed and fail where it is not.
        let searchPaths = dynamic.standardOutput.split(separator: "\n").filter { $0.contains("RPATH") || $0.contains("RUNPATH") }
        #expect(searchPaths.allSatisfy { $0.hasSuffix("[$ORIGIN]") }, "\(searchPaths)")
        let symbols = try await Self.sh(["readelf", "--section-headers", binary.path])
        #expect(!symbols.standardOutput.contains(".debug_info"), "the binary is not stripped")

        // Run with no library path and a PATH without the toolchain.
        var bare = ProcessRunner.cleanEnvironment
        bare["LD_LIBRARY_PATH"] = ""
        bare["PATH"] = "/usr/bin:/bin"
        let version = try await ProcessRunner.run(binary, ["--version"], environment: bare)
        #expect(version.exitCode == 0, "\(version.standardError)")
        #expect(version.standardOutput.contains("(commit "), "\(version.standardOutput)")
        let validate = try await ProcessRunner.run(
            binary, ["validate", "manifests/hoodcloud", "--var-file", "manifests/hoodcloud/env/prod.yaml"], environment: bare,
            currentDirectory: ProcessRunner.repositoryRoot)
        #expect(validate.exitCode == 0, "\(validate.standardOutput)\(validate.standardError)")

        let server = try await DevServer.shared()
        let policy = PlanExactnessTests.unique("release")
        let manifest = try SecretSchemaTests.write("""
            policies:
              - name: \(policy)
                hcl: |
                  path "secret/data/release/*" { capabilities = ["read"] }
            """, in: directory)
        bare["VAULT_ADDR"] = server.address.absoluteString
        bare["VAULT_TOKEN"] = server.rootToken
        let plan = try await ProcessRunner.run(binary, ["plan", manifest, "--detailed-exitcode"], environment: bare, currentDirectory: directory)
        #expect(plan.exitCode == 2, "\(plan.standardOutput)\(plan.standardError)")
        #expect(plan.standardOutput.contains("policy:\(policy)"), "\(plan.standardOutput)")
        #expect(plan.standardOutput.contains("1 to add, 0 to change, 0 to destroy"), "\(plan.standardOutput)")
    }
}

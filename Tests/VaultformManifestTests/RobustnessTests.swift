import Foundation
import Testing
@testable import VaultformManifest

/// Feeds hundreds of truncated and mutated copies of the HoodCloud manifest to the loader:
/// each must end in diagnostics (or a valid manifest), never a crash or a hang, and every
/// diagnostic must point inside the file it names.
@Suite struct RobustnessTests {
    /// A small deterministic generator, so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func hoodcloudSources() throws -> [(file: String, text: String)] {
        let directory = repositoryRoot.appendingPathComponent("manifests/hoodcloud").path
        let files = try ManifestLoader.manifestFiles(at: directory).get()
        return try files.map { ($0, try String(contentsOfFile: $0, encoding: .utf8)) }
    }

    static let fragments = [
        "\t", ":", "- ", "{", "}", "[", "]", "\"", "'", "${var.", "${var.nope}", "$${", "&a", "*a", "!!str ", "? ",
        "\n  ", "\n", "#", "|", ">", "null", "~", "yes", "-1", "99999999999999999999", "1h30x", "10.0.0.300/33",
        "::", "\u{0}", "é", "\u{FEFF}", "version: 2\n", "%YAML 1.1\n", "---\n", "...\n", "<<: *a\n",
    ]

    func check(_ sources: [(file: String, text: String)], _ label: String) {
        let result = ManifestLoader().load(sources: sources)
        let lineCounts = Dictionary(sources.map { ($0.file, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count) },
                                    uniquingKeysWith: { a, _ in a })
        if result.manifest == nil {
            #expect(result.diagnostics.hasErrors, "\(label): no manifest but no error")
        }
        for diagnostic in result.diagnostics {
            guard let location = diagnostic.location, let lines = lineCounts[location.file] else { continue }
            #expect(location.line >= 1 && location.line <= lines + 1 && location.column >= 1,
                    "\(label): \(diagnostic) points outside \(location.file) (\(lines) lines)")
        }
    }

    @Test func truncatedCopiesGiveErrorsNotCrashes() throws {
        let sources = try Self.hoodcloudSources()
        var random = SplitMix(state: 2)
        for round in 0..<300 {
            var copy = sources
            let index = Int.random(in: 0..<copy.count, using: &random)
            let text = copy[index].text
            let cut = Int.random(in: 0...text.unicodeScalars.count, using: &random)
            copy[index].text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(cut)))
            check(copy, "truncation \(round) of \(copy[index].file) at \(cut)")
        }
    }

    @Test func mutatedCopiesGiveErrorsNotCrashes() throws {
        let sources = try Self.hoodcloudSources()
        var random = SplitMix(state: 7)
        for round in 0..<400 {
            var copy = sources
            let index = Int.random(in: 0..<copy.count, using: &random)
            var scalars = Array(copy[index].text.unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...scalars.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0:  // insert a troublesome fragment
                    let fragment = Self.fragments.randomElement(using: &random) ?? ":"
                    scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
                case 1 where position < scalars.count:  // delete a run
                    let end = min(scalars.count, position + Int.random(in: 1...20, using: &random))
                    scalars.removeSubrange(position..<end)
                case 2 where !scalars.isEmpty:  // duplicate a line elsewhere
                    let lines = String(String.UnicodeScalarView(scalars)).split(separator: "\n", omittingEmptySubsequences: false)
                    let line = lines.randomElement(using: &random) ?? ""
                    scalars.insert(contentsOf: (String(line) + "\n").unicodeScalars, at: position)
                default:  // swap two scalars
                    if scalars.count > 1 {
                        let other = Int.random(in: 0..<scalars.count, using: &random)
                        scalars.swapAt(min(position, scalars.count - 1), other)
                    }
                }
            }
            copy[index].text = String(String.UnicodeScalarView(scalars))
            check(copy, "mutation \(round) of \(copy[index].file)")
        }
    }
}

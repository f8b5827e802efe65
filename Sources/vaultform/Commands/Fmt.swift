import ArgumentParser
import Foundation
import VaultformManifest
import VaultformRender

/// `vaultform fmt`: manifests rewritten in one canonical layout, comments kept.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite manifest files in one canonical layout, keeping every comment.",
        discussion: """
            Indents block mappings and sequences by two spaces (a list under a key by two), puts \
            the keys of each object in the order docs/manifest.md lists them (name or path \
            first), and trims trailing spaces and repeated blank lines. Scalars are kept exactly \
            as written (quoting, durations, CIDRs), and so are flow collections ({ ... }) and \
            block scalars; comments move with the key or item below them. Each result is checked \
            to mean exactly what the file meant; a file that cannot be laid out safely is left \
            as it is, with an error.

            PATH is a file or a directory (its .yaml and .yml files, subdirectories included, \
            such as a manifest's env/ variable files); the default is the current directory.

            Exit codes: 0 formatted (or, with --check, already formatted), 1 error, or with \
            --check a file that is not formatted (a diff is printed).

            Examples:
              vaultform fmt manifests/hoodcloud
              vaultform fmt --check .
              vaultform fmt examples/transit-only.yaml --diff
            """
    )

    @Argument(help: ArgumentHelp("Files or directories to format (default: the current directory).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Change nothing: list the files that are not formatted, with a diff, and exit 1 if there are any.")
    var check = false

    @Flag(help: "Print a diff of each change (with --check, always).")
    var diff = false

    func run() throws {
        let files = try Self.files(paths.isEmpty ? ["."] : paths)
        var unformatted: [String] = [], failures = 0
        for file in files {
            // Bounded before reading, like the loader: a manifest file is at most a few MiB.
            let size = ((try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path))?[.size] as? Int) ?? 0
            if size > ExpansionBudget.maxFileBytes {
                Terminal.writeError("\(file): the file is \(size >> 20) MiB; vaultform reads files of up to \(ExpansionBudget.maxFileBytes >> 20) MiB\n")
                failures += 1
                continue
            }
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                Terminal.writeError("\(file): cannot read the file as UTF-8\n")
                failures += 1
                continue
            }
            switch ManifestFormatter.format(text, file: file) {
            case .failure(let diagnostic):
                Terminal.writeError(DiagnosticRendering.text([diagnostic], color: false))
                failures += 1
            case .success(let formatted):
                guard formatted != text || !formatted.utf8.elementsEqual(text.utf8) else { continue }
                unformatted.append(file)
                if check || diff { Terminal.write(Self.unifiedDiff(old: text, new: formatted, path: file)) }
                if !check {
                    // Through a symlink to the file it names: the link stays a link.
                    let target = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
                    let permissions = ((try? FileManager.default.attributesOfItem(atPath: target))?[.posixPermissions] as? Int) ?? 0o644
                    try AtomicFile.write(Data(formatted.utf8), to: target, permissions: permissions)
                    Terminal.writeError("formatted \(file)\n")
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
        if check, !unformatted.isEmpty {
            Terminal.writeError("\(unformatted.count) file\(unformatted.count == 1 ? " is" : "s are") not formatted; run: vaultform fmt \((paths.isEmpty ? ["."] : paths).joined(separator: " "))\n")
            throw ExitCode.failure
        }
    }

    /// The YAML files at `paths`: a file as given, a directory's .yaml and .yml files at any
    /// depth (hidden entries and `.build*` skipped), sorted.
    static func files(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure.error("\(path): no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw CommandFailure.error("\(path): cannot list the directory")
            }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walker.skipDescendants()
                    continue
                }
                guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
                let full = (path as NSString).appendingPathComponent(relative)
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue { found.append(full) }
            }
            files += found.sorted()
        }
        return files
    }

    /// A unified diff of two texts, three lines of context, as `diff -u` prints it.
    static func unifiedDiff(old: String, new: String, path: String) -> String {
        let a = old.manifestLines.map(String.init)
        let b = new.manifestLines.map(String.init)
        // Each line of each side: kept (and its partner on the other side), removed or added.
        var removed = Set<Int>(), added = Set<Int>()
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): added.insert(offset)
            }
        }
        enum Line { case same(String), minus(String), plus(String) }
        var script: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { script.append(.minus(a[i])); i += 1 }
            else if j < b.count, added.contains(j) { script.append(.plus(b[j])); j += 1 }
            else if i < a.count, j < b.count { script.append(.same(a[i])); i += 1; j += 1 }
            else { break }
        }
        let changed = script.indices.filter { if case .same = script[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        var out = "--- \(path)\n+++ \(path) (formatted)\n"
        var index = 0
        while index < changed.count {
            var end = index
            while end + 1 < changed.count, changed[end + 1] - changed[end] <= 7 { end += 1 }
            let from = max(0, changed[index] - 3), to = min(script.count, changed[end] + 4)
            // Line numbers of the hunk's first line on each side.
            var oldLine = 1, newLine = 1
            for line in script[..<from] {
                switch line {
                case .same: oldLine += 1; newLine += 1
                case .minus: oldLine += 1
                case .plus: newLine += 1
                }
            }
            let slice = script[from..<to]
            let oldCount = slice.filter { if case .plus = $0 { return false } else { return true } }.count
            let newCount = slice.filter { if case .minus = $0 { return false } else { return true } }.count
            out += "@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@\n"
            for line in slice {
                switch line {
                case .same(let text): out += " \(text)\n"
                case .minus(let text): out += "-\(text)\n"
                case .plus(let text): out += "+\(text)\n"
                }
            }
            index = end + 1
        }
        return out
    }
}

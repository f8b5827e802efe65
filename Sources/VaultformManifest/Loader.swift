import Foundation
import Yams

/// The load stage: manifest files → `Manifest`. It knows YAML and nothing of the server, and
/// it reports every problem it finds, each with its place, rather than stopping at the first.
public struct ManifestLoader: Sendable {
    /// What loading produced: the manifest when there were no errors, and every diagnostic.
    public struct Result: Sendable {
        /// The manifest, or nil when any error was found.
        public var manifest: Manifest?
        /// Errors and warnings, sorted by location.
        public var diagnostics: [Diagnostic]
    }

    /// Values for the manifest's variables.
    public var inputs: VariableInputs
    /// Whether long lists of objects are checked, and many inline policies parsed, on the
    /// machine's cores (the results are those of one thread; tests compare the two).
    var usesCores = true

    /// A loader with the given variable inputs.
    public init(inputs: VariableInputs = VariableInputs()) {
        self.inputs = inputs
    }

    /// The manifest files a path names: the file itself, or a directory's `*.yaml`/`*.yml`
    /// files in name order (subdirectories, such as var files under `env/`, are not read).
    public static func manifestFiles(at path: String) -> Swift.Result<[String], Diagnostic> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(.error("\(path): no such file or directory", at: nil))
        }
        guard isDirectory.boolValue else { return .success([path]) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            return .failure(.error("\(path): cannot list the directory: \(error.localizedDescription)", at: nil))
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (path as NSString).appendingPathComponent($0) }
            .filter { file in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
        guard !files.isEmpty else {
            return .failure(.error("\(path): the directory holds no .yaml or .yml manifest files", at: nil))
        }
        return .success(files)
    }

    /// Loads the manifest at `path` (a file or a directory).
    public func load(path: String) -> Result {
        switch Self.manifestFiles(at: path) {
        case .failure(let diagnostic): return Result(manifest: nil, diagnostics: [diagnostic])
        case .success(let files):
            var sources: [(file: String, text: String)] = []
            var diagnostics: [Diagnostic] = []
            for file in files {
                switch Self.readText(file) {
                case .success(let text): sources.append((file, text))
                case .failure(let reason): diagnostics.append(.error("\(file): \(reason)", at: nil))
                }
            }
            var result = load(sources: sources)
            result.diagnostics = (diagnostics + result.diagnostics).sortedByLocation()
            if result.diagnostics.hasErrors { result.manifest = nil }
            return result
        }
    }

    /// Loads manifest text already in memory (tests, fuzzing); policy files are still read
    /// relative to each file's name.
    public func load(sources: [(file: String, text: String)]) -> Result {
        var diagnostics: [Diagnostic] = []
        var roots: [(file: String, text: String, mapping: Node.Mapping)] = []

        // Stage 1: YAML → nodes; the version key is checked first, because it decides the rest.
        for source in sources {
            switch YAMLSource.compose(source.text, file: source.file) {
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            case .success(let node) where node?.isNullScalar ?? true:
                // Nothing but comments, or a lone `---`.
                diagnostics.append(.error("the file is empty; a manifest starts with `version: 1`",
                                          at: SourceLocation(file: source.file, line: 1, column: 1)))
            case .success(let node):
                guard let node else { continue }
                let checker = Checker(file: source.file)
                guard case .mapping(let mapping) = node else {
                    diagnostics.append(.error("a manifest must be a map of sections, starting with `version: 1`",
                                              at: checker.location(of: node)))
                    continue
                }
                if let problem = Self.versionProblem(mapping, checker: checker) {
                    diagnostics.append(problem)
                    continue
                }
                roots.append((source.file, source.text, mapping))
            }
        }

        // Stage 2: variables are declared in any file and used in every file.
        var resolver = VariableResolver()
        for root in roots {
            guard let variables = root.mapping["variables"] else { continue }
            var checker = Checker(file: root.file)
            let checked = checker.check(variables, against: ManifestShape.root.field("variables")?.shape ?? .anyValue,
                                        context: "`variables`")
            diagnostics += checker.diagnostics
            guard case .object(let map)? = checked?.value, case .mapping(let nodes) = variables else { continue }
            for (keyNode, valueNode) in nodes {
                guard let name = keyNode.scalar?.string else { continue }
                if let problem = StringRule.identifier.problem(with: name) {
                    diagnostics.append(.error("variable name `\(name)` \(problem)", at: checker.location(of: keyNode)))
                    continue
                }
                guard case .object(let declaration)? = map.values[name]?.value else { continue }
                let defaultNode = valueNode.mapping?["default"]
                resolver.declare(name: Located(name, at: checker.location(of: keyNode)), object: declaration,
                                 defaultNode: defaultNode, defaultLocation: defaultNode.map { checker.location(of: $0) })
            }
        }
        resolver.apply(inputs)

        // Stage 3: substitute, check every section against its shape, and build typed objects.
        var manifest = Manifest()
        for root in roots {
            manifest.files.append(root.file)
            var checker = Checker(file: root.file)
            checker.splitsLongLists = usesCores
            let pairs = root.mapping.filter { $0.key.scalar?.string != "variables" }.map { ($0.key, $0.value) }
            let body = Node.mapping(.init(pairs, root.mapping.tag, root.mapping.style, root.mapping.mark))
            // `for_each` namespaces become one entry each before anything is substituted or checked.
            let expanded = NamespaceExpansion.expand(body, resolver: &resolver, checker: &checker, diagnostics: &diagnostics)
            let substituted = resolver.substitute(expanded, checker: &checker)
            let checked = checker.checkObject(substituted, ManifestShape.root, context: "the manifest")
            diagnostics += checker.diagnostics
            guard let checked else { continue }
            var builder = Builder(file: root.file, text: root.text, readFile: Self.readText)
            builder.usesCores = usesCores
            builder.add(checked, to: &manifest)
            diagnostics += builder.diagnostics
        }
        diagnostics += resolver.diagnostics

        // Stage 4: checks across objects and files.
        var validator = Validator()
        validator.validate(&manifest)
        diagnostics += validator.diagnostics
        diagnostics = diagnostics.sortedByLocation()
        return Result(manifest: diagnostics.hasErrors ? nil : manifest, diagnostics: diagnostics)
    }

    private static func versionProblem(_ mapping: Node.Mapping, checker: Checker) -> Diagnostic? {
        guard let node = mapping["version"] else {
            return .error("the manifest has no `version`; add `version: 1` at the top",
                          at: checker.location(of: .mapping(mapping)))
        }
        guard let text = node.scalar?.string, let version = Checker.integer(text) else {
            return .error("`version` must be an integer such as 1", at: checker.location(of: node))
        }
        guard version == ManifestShape.currentVersion else {
            return .error("manifest version \(version) is not supported; this vaultform reads version \(ManifestShape.currentVersion)",
                          at: checker.location(of: node),
                          hint: version > ManifestShape.currentVersion ? "upgrade vaultform" : nil)
        }
        return nil
    }

    static func readText(_ path: String) -> Swift.Result<String, ReadFailure> {
        // Checked before reading, so a huge file (or a device that never ends) is not loaded.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > ExpansionBudget.maxFileBytes {
            return .failure(ReadFailure(
                reason: "the file is \(size.intValue >> 20) MiB; vaultform reads files of up to \(ExpansionBudget.maxFileBytes >> 20) MiB"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadFailure(reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { return .failure(ReadFailure(reason: "the file is not UTF-8 text")) }
        return .success(text)
    }
}

/// Why a file named by the manifest could not be read.
struct ReadFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

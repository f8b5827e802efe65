import VaultformCore
import VaultformManifest
import Yams
import VaultPath

/// A live server written as a manifest directory in the house layout: one file per kind,
/// policies as HCL files beside them, values as a person writes them (`1h`, not `3600`),
/// and fields at the server's defaults left out, so that the manifest is short and, applied,
/// changes nothing. Secret schemas carry names and inferred types only.
public enum ManifestExport {
    /// One file to write, relative to the output directory.
    public struct File: Sendable, Equatable {
        public var path: String
        public var contents: String
    }

    /// The files for `live` (and the inferred secrets, when asked for), kinds with no object
    /// left out: one file per kind the registry exports (`KindDefinition.export`), in
    /// dependency order, then the secret schemas.
    public static func files(_ live: LiveState, secrets: [InferredSecret] = [], source: String) throws -> [File] {
        let all = live.resources.values.sorted { $0.address < $1.address }
        let objects = all.filter { $0.address.namespace.isEmpty && $0.address.kind != .namespace }
        var files: [File] = []
        func add(_ name: String, _ key: String, _ items: [Node], _ note: String) throws {
            guard !items.isEmpty else { return }
            let body = try Yams.serialize(node: .mapping(.init([(scalar("version"), .scalar(.init("1"))), (scalar(key), .sequence(.init(items)))])))
            files.append(File(path: name, contents: header(note, source: source) + body))
        }
        for definition in KindRegistry.all {
            guard let form = definition.export else { continue }
            let ofKind = objects.filter { $0.address.kind == definition.kind && form.includes($0) }
            try add(form.file, definition.section, ofKind.map { node(form.entry($0, live.resources)) }, form.note)
            for object in ofKind {
                files += form.attachments(object).map { File(path: $0.path, contents: $0.contents) }
            }
        }
        // Policies the objects name that the server does not have: a manifest must say so.
        let external = externalPolicies(objects)
        if !external.isEmpty {
            let body = try Yams.serialize(node: .mapping(.init([
                (scalar("version"), .scalar(.init("1"))), (scalar("external_policies"), .sequence(.init(external.map(scalar)))),
            ])))
            files.append(File(
                path: "external_policies.yaml",
                contents: header("Policies that objects name but the server does not hold (or that this export left out).", source: source) + body))
        }
        files += try namespaceFiles(all, source: source)
        try add("secrets.yaml", "secret_schemas", secrets.map(schema),
                "Secret schemas INFERRED from the live secrets' field names and value types (never their values):\nreview each type, mark optional fields `required: false`, and add generators or sources\nwhere vaultform should fill a missing value.")
        return files
    }

    /// An entry as YAML.
    static func node(_ entry: ManifestNode) -> Node {
        switch entry {
        case .value(let value): return node(value)
        case .mapping(let pairs): return .mapping(.init(pairs.map { (scalar($0.key), node($0.value)) }))
        }
    }

    static func schema(_ secret: InferredSecret) -> Node {
        var fields: [(Node, Node)] = []
        for field in secret.fields {
            var pairs: [(String, Node)] = [("type", scalar(field.inference.type.rawValue))]
            if let bytes = field.inference.bytes { pairs.append(("bytes", node(.integer(bytes)))) }
            if let keyType = field.inference.keyType { pairs.append(("key_type", scalar(keyType))) }
            fields.append((scalar(field.name), mapping(pairs)))
        }
        return mapping([
            ("path", scalar(MountPath.withSlash(secret.mount) + secret.path)),
            ("fields", .mapping(.init(fields))),
        ])
    }

    // MARK: Values

    static func header(_ note: String, source: String) -> String {
        let lines = ["yaml-language-server: $schema=https://vaultform.dev/schema/vaultform.schema.json",
                     "Exported by `vaultform export` from \(source).", ""] + note.split(separator: "\n").map(String.init)
        return lines.map { $0.isEmpty ? "#" : "# \($0)" }.joined(separator: "\n") + "\n"
    }



    static func node(_ value: FieldValue) -> Node {
        switch value {
        case .string(let text): return scalar(text)
        case .integer(let number): return .scalar(.init(String(number)))
        case .boolean(let flag): return .scalar(.init(flag ? "true" : "false"))
        case .seconds(let seconds): return scalar(TimeSpan.format(seconds))
        case .list(let items), .set(let items): return .sequence(.init(items.map(scalar)))
        case .map(let map): return self.map(map)
        case .policy(let document): return scalar(document.renderHCL())
        case .sensitive, .writeOnly: return scalar("")
        }
    }

    static func map(_ map: [String: String]) -> Node {
        .mapping(.init(map.keys.sorted().map { (scalar($0), scalar(map[$0] ?? "")) }))
    }

    static func mapping(_ pairs: [(String, Node)]) -> Node {
        .mapping(.init(pairs.map { (scalar($0.0), $0.1) }))
    }

    /// A string scalar: plain where YAML reads it back as the same text, quoted where it
    /// would read as something else (a number, a boolean, null, empty) or needs escaping.
    static func scalar(_ text: String) -> Node {
        let ambiguous = text.isEmpty || Double(text) != nil
            || ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(text.lowercased())
        return .scalar(.init(text, .implicit, ambiguous ? .doubleQuoted : .any))
    }





}

import VaultformCore
import VaultPath
import Yams

extension ManifestExport {
    /// The policies `objects` name that are not among them (nor `default`), sorted.
    static func externalPolicies(_ objects: [Resource]) -> [String] {
        let present = Set(objects.map(\.address) + [Address(.policy, "default")])
        var referenced: [String] = []
        for object in objects {
            for field in object.address.kind.definition.policyReferences {
                if case .set(let names)? = object.fields[field] { referenced += names }
            }
        }
        return referenced.byteSortedUnique().filter { !present.contains(Address(.policy, $0)) }
    }

    /// `namespaces.yaml`: every namespace (parents first) with its `custom_metadata` and its
    /// objects as `contents`, written as the top level's are; attached files (policies' text)
    /// go under `namespaces/PATH/`. Nothing when `all` holds no namespace.
    static func namespaceFiles(_ all: [Resource], source: String) throws -> [File] {
        let namespaces = all.filter { $0.address.kind == .namespace }.sorted { String.byteOrder($0.address.name, $1.address.name) }
        guard !namespaces.isEmpty else { return [] }
        var files: [File] = []
        var entries: [Node] = []
        for namespace in namespaces {
            let path = MountPath.withoutSlash(namespace.address.name)
            let inside = all.filter { $0.address.namespace.hasSameBytes(as: path) && $0.address.kind != .namespace }.map { resource in
                var resource = resource
                resource.address.namespace = ""
                return resource
            }
            let local = Dictionary(inside.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
            var pairs: [(String, Node)] = [("path", scalar(path))]
            if case .map(let metadata)? = namespace.fields["custom_metadata"], !metadata.isEmpty { pairs.append(("custom_metadata", map(metadata))) }
            var contents: [(String, Node)] = []
            for definition in KindRegistry.all {
                guard let form = definition.export else { continue }
                let ofKind = inside.filter { $0.address.kind == definition.kind && form.includes($0) }
                guard !ofKind.isEmpty else { continue }
                contents.append((definition.section, .sequence(.init(ofKind.map { node(placed(form.entry($0, local), under: path)) }))))
                for object in ofKind {
                    files += form.attachments(object).map { File(path: "namespaces/\(path)/\($0.path)", contents: $0.contents) }
                }
            }
            let external = externalPolicies(inside)
            if !external.isEmpty { contents.append(("external_policies", .sequence(.init(external.map(scalar))))) }
            if !contents.isEmpty { pairs.append(("contents", mapping(contents))) }
            entries.append(mapping(pairs))
        }
        let body = try Yams.serialize(node: .mapping(.init([(scalar("version"), .scalar(.init("1"))), (scalar("namespaces"), .sequence(.init(entries)))])))
        let note = "Namespaces, each with the objects inside it; their policies' text is under namespaces/PATH/policies/."
        return [File(path: "namespaces.yaml", contents: header(note, source: source) + body)] + files
    }

    /// An entry with the files it names (`file:`) moved under `namespaces/PATH/`, where the
    /// namespace's attachments are written.
    static func placed(_ entry: ManifestNode, under path: String) -> ManifestNode {
        guard case .mapping(let pairs) = entry else { return entry }
        return .mapping(pairs.map { pair in
            guard pair.key == "file", case .value(.string(let file)) = pair.value else { return pair }
            var moved = pair
            moved.value = .value(.string("namespaces/\(path)/\(file)"))
            return moved
        })
    }
}

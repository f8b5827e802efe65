import VaultformManifest
import VaultformPolicy

/// An ACL policy (`sys/policies/acl/NAME`), compared by meaning; apply writes its author's text.
enum PolicyKind {
    static let definition = KindDefinition(
        kind: .policy, noun: "policy", section: "policies", ownership: .policy, endpoint: "sys/policies/acl/NAME",
        fields: [
            .inPlace("policy", nil, "the rules, compared by meaning (comments, order and layout are not drift)"),
        ],
        generated: ["version", "modified", "cas_required"],
        destructionLosesData: false, lowercasesNames: true,
        reading: .listed(list: "sys/policies/acl", item: "sys/policies/acl/NAME"),
        stated: { manifest in manifest.policies.map(stated) },
        live: live,
        create: { write($0.address, $0.fields) },
        update: { write($0, $1) },
        delete: { [.delete("sys/policies/acl/\($0.name)")] },
        export: ExportForm(
            file: "policies.yaml", note: "ACL policies; each one's text is in policies/, as the server holds it.",
            entry: { policy, _ in .mapping([.init("name", .text(policy.address.name)), .init("file", .text(file(policy)))]) },
            attachments: { policy in
                // The text as the server holds it (comments and layout kept).
                var text: String
                switch policy.fields["policy"] {
                case .policy(let document)?: text = document.textToWrite
                case .string(let raw)?: text = raw
                default: text = ""
                }
                if !text.hasSuffix("\n") { text += "\n" }
                return [(file(policy), text)]
            }))

    /// `policies/NAME.hcl`, a slash in the name written as `_`.
    static func file(_ policy: Resource) -> String {
        "policies/" + String(policy.address.name.map { $0 == "/" ? "_" : $0 }) + ".hcl"
    }

    static func write(_ address: Address, _ fields: [String: FieldValue]) -> [WriteRequest] {
        [WriteRequest(method: .put, path: "sys/policies/acl/\(address.name)",
                      body: .object(["policy": fields["policy"].map(WireFields.json) ?? .string("")]))]
    }

    /// The server keeps the text verbatim; it is parsed here so that whitespace, comments,
    /// block order and repeated blocks never show as a change. The server's text stays with
    /// the document (`PolicyDocument.text`), for export.
    static func live(_ record: LiveRecord) -> Resource {
        let text = record["policy"]?.stringValue ?? ""
        switch PolicyParser.parse(text) {
        case .success(var document):
            document.text = text
            return Resource(record.address, fields: ["policy": .policy(document)])
        case .failure:
            // Text the parser cannot read (written by another tool) still shows as a difference.
            return Resource(record.address, fields: ["policy": .string(text)])
        }
    }

    /// A policy keeps its author's text for the write: inline or file HCL as written,
    /// structured rules as canonical HCL with each rule's description as a comment.
    static func stated(_ policy: Policy) -> StatedResource {
        var document = policy.document
        switch policy.source {
        case .hcl(let text), .file(_, _, let text):
            document.text = text
        case .rules(let rules):
            var comments: [String: String] = [:]
            for rule in rules {
                guard let description = rule.description, !description.isEmpty else { continue }
                comments[rule.path] = comments[rule.path].map { $0 + "\n" + description } ?? description
            }
            document.text = comments.isEmpty ? nil : document.renderHCL(comments: comments)
        }
        return StatedResource(Resource(Address(.policy, policy.name.lowercased()), fields: ["policy": .policy(document)]), policy.location)
    }
}

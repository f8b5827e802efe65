import VaultformManifest
import VaultformPolicy

/// An ACL policy (`sys/policies/acl/NAME`), compared by meaning; apply writes its author's text.
enum PolicyKind {
    static let definition = KindDefinition(
        kind: .policy, noun: "policy", section: "policies", ownership: .policy, endpoint: "sys/policies/acl/NAME",
        fields: [
            .inPlace("policy", nil, "the rules, compared by meaning (comments, order and layout are not drift)"),
            .inPlace("allow_slashes_in_identity_templates", .boolean(false), "identity template values may contain slashes (OpenBao)"),
            .inPlace("allow_wildcards_in_identity_templates", .boolean(false), "identity template values may contain `*` and `+` (OpenBao)"),
        ],
        generated: [
            "name", "version", "modified",
            "cas_required (not managed: it makes every write need the version, which vaultform's writes do not send)",
        ],
        destructionLosesData: false, lowercasesNames: true,
        reading: .listed(list: "sys/policies/acl", item: "sys/policies/acl/NAME"),
        stated: { manifest in manifest.policies.map(stated) },
        live: live,
        create: { write($0.address, $0.fields) },
                // A write replaces the whole policy (settings left out go back to false): always all of it.
        update: { desired, _ in write(desired.address, desired.fields) },
        delete: { [.delete("sys/policies/acl/\($0.name)")] },
        export: ExportForm(
            file: "policies.yaml", note: "ACL policies; each one's text is in policies/, as the server holds it.",
            entry: { policy, _ in
                ManifestEntry.fields(
                    policy, identity: [.init("name", .text(policy.address.name)), .init("file", .text(file(policy)))], skipping: ["policy"])
            },
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
        var body = WireFields.object(fields, ["allow_slashes_in_identity_templates", "allow_wildcards_in_identity_templates"])
        body["policy"] = fields["policy"].map(WireFields.json) ?? .string("")
        return [WriteRequest(method: .put, path: "sys/policies/acl/\(address.name)", body: .object(body))]
    }

    /// The server keeps the text verbatim; it is parsed here so that whitespace, comments,
    /// block order and repeated blocks never show as a change. The server's text stays with
    /// the document (`PolicyDocument.text`), for export.
    static func live(_ record: LiveRecord) -> Resource {
        let text = record["policy"]?.stringValue ?? ""
        var fields: [String: FieldValue] = [
            "allow_slashes_in_identity_templates": .boolean(record["allow_slashes_in_identity_templates"]?.boolValue ?? false),
            "allow_wildcards_in_identity_templates": .boolean(record["allow_wildcards_in_identity_templates"]?.boolValue ?? false),
        ]
        switch PolicyParser.parse(text) {
        case .success(var document):
            document.text = text
            fields["policy"] = .policy(document)
        case .failure:
            // Text the parser cannot read (written by another tool) still shows as a difference.
            fields["policy"] = .string(text)
        }
        return Resource(record.address, fields: fields)
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
        var fields: [String: FieldValue] = ["policy": .policy(document)]
        if let flag = policy.allowSlashesInIdentityTemplates { fields["allow_slashes_in_identity_templates"] = .boolean(flag) }
        if let flag = policy.allowWildcardsInIdentityTemplates { fields["allow_wildcards_in_identity_templates"] = .boolean(flag) }
        return StatedResource(Resource(Address(.policy, policy.name.lowercased()), fields: fields), policy.location)
    }
}

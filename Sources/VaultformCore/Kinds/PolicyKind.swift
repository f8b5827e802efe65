/// An ACL policy (`sys/policies/acl/NAME`), compared by meaning; apply writes its author's text.
enum PolicyKind {
    static let definition = KindDefinition(
        kind: .policy, section: "policies", endpoint: "sys/policies/acl/NAME",
        fields: [
            .inPlace("policy", nil, "the rules, compared by meaning (comments, order and layout are not drift)"),
        ],
        generated: ["version", "modified", "cas_required"],
        destructionLosesData: false)
}

import VaultformManifest
import VaultPath

/// A role of a Kubernetes auth method (`auth/MOUNT/role/NAME`): which service accounts may
/// log in, and the tokens they get. The server stores the name in lower case and the lists as
/// sent; a write updates only the fields it names.
enum KubernetesRoleKind {
    static let definition = KindDefinition(
        kind: .kubernetesRole, noun: "Kubernetes role", section: "kubernetes_roles", ownership: .kubernetesRole,
        endpoint: "auth/MOUNT/role/NAME", mount: .authMethod, holds: { $0.isMount(ofType: "kubernetes") },
        fields: [
            .inPlace("bound_service_account_names", .set([]), "service accounts that may log in; `*` any"),
            .inPlace("bound_service_account_namespaces", .set([]), "their namespaces; `*` any"),
            .inPlace("bound_service_account_namespace_selector", .string(""), "a label selector of their namespaces"),
            .inPlace("audience", .string(""), "the audience their token must have; empty: any"),
            .inPlace("alias_name_source", .string("serviceaccount_uid"), "what names the entity alias"),
        ] + TokenFields.definitions,
        generated: [],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: TokenFields.sameValue, policyReferences: ["token_policies"],
        reading: .listed(list: "auth/MOUNTrole", item: "auth/MOUNTrole/NAME"),
        stated: { manifest in manifest.kubernetesRoles.map(stated) },
        live: { record in
            var fields = TokenFields.live(record)
            for key in ["bound_service_account_names", "bound_service_account_namespaces"] {
                fields[key] = .unorderedSet(WireFields.strings(record[key]))
            }
            fields["bound_service_account_namespace_selector"] = .string(record["bound_service_account_namespace_selector"]?.stringValue ?? "")
            // The server leaves `audience` out when it is empty.
            fields["audience"] = .string(record["audience"]?.stringValue ?? "")
            fields["alias_name_source"] = .string(record["alias_name_source"]?.stringValue ?? "serviceaccount_uid")
            return Resource(record.address, fields: fields)
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "kubernetes_roles.yaml", note: "Roles of Kubernetes auth methods.") { role, _ in
            let (mount, name) = role.address.mountAndName
            var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
            if mount != "kubernetes/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
            return ManifestEntry.fields(role, identity: identity)
        })

    static func path(_ address: Address) -> String {
        let (mount, role) = address.mountAndName
        return "auth/\(mount)role/\(role)"
    }

    static func stated(_ role: KubernetesRole) -> StatedResource {
        var fields = TokenFields.stated(role.token)
        if let names = role.boundServiceAccountNames { fields["bound_service_account_names"] = .unorderedSet(names) }
        if let names = role.boundServiceAccountNamespaces { fields["bound_service_account_namespaces"] = .unorderedSet(names) }
        if let selector = role.boundServiceAccountNamespaceSelector { fields["bound_service_account_namespace_selector"] = .string(selector) }
        if let audience = role.audience { fields["audience"] = .string(audience) }
        if let source = role.aliasNameSource { fields["alias_name_source"] = .string(source) }
        let name = MountPath.withSlash(role.mount.value) + role.name.lowercased()
        return StatedResource(Resource(Address(.kubernetesRole, name), fields: fields), role.location, ignored: role.ignoreFields)
    }
}

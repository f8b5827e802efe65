import VaultformManifest
import VaultPath

/// A role of an AppRole auth method (`auth/MOUNT/role/NAME`, its role ID at `…/role-id`).
enum AppRoleRoleKind {
    static let definition = KindDefinition(
        kind: .appRoleRole, noun: "AppRole role", section: "approle_roles", ownership: .appRoleRole,
        endpoint: "auth/MOUNT/role/NAME", mount: .authMethod,
        holds: { $0.isMount(ofType: "approle") },
        fields: [
            .inPlace("role_id", nil, "a fixed role ID; when the manifest gives none, the server's is not compared"),
            .inPlace("bind_secret_id", .boolean(true), "a secret ID is required at login"),
            .inPlace("secret_id_bound_cidrs", .set([]), "where secret IDs may be used from"),
            .inPlace("secret_id_num_uses", .integer(0), "uses of a secret ID; 0 unlimited"),
            .inPlace("secret_id_ttl", .seconds(0), "lifetime of a secret ID; 0 unlimited"),
            .fixed(
                "local_secret_ids", .boolean(false), "secret IDs local to this cluster",
                reason: "`local_secret_ids` is fixed when a role is created"),
        ] + TokenFields.definitions,
        generated: ["role_id (when the manifest fixes none)", "secret IDs and their accessors"],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: TokenFields.sameValue, policyReferences: ["token_policies"],
        reading: .listed(
            list: "auth/MOUNTrole", item: "auth/MOUNTrole/NAME",
            companions: [.init(field: "role_id", path: "auth/MOUNTrole/NAME/role-id")]),
        stated: { manifest in manifest.appRoleRoles.map(stated) },
        live: live,
        create: { write($0.address, $0.fields, creating: true) },
        update: { write($0.address, $1, creating: false) },
        delete: { address in
            let (mount, role) = address.mountAndName
            return [.delete("auth/\(mount)role/\(role)")]
        },
        export: ExportForm(file: "roles.yaml", note: "AppRole roles, with the role IDs the services already use.") { role, _ in
            let (mount, name) = role.address.mountAndName
            var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
            if mount != "approle/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
            return ManifestEntry.fields(role, identity: identity)
        })

    /// The role's settings (always when `creating`: the role must exist before its role ID
    /// is set), then its role ID when one is given.
    static func write(_ address: Address, _ fields: [String: FieldValue], creating: Bool) -> [WriteRequest] {
        let (mount, role) = address.mountAndName
        var requests: [WriteRequest] = []
        let settings = WireFields.object(fields, fields.keys.filter { $0 != "role_id" })
        if creating || !settings.isEmpty || fields["role_id"] == nil {
            requests.append(.post("auth/\(mount)role/\(role)", settings))
        }
        if let roleID = fields["role_id"] {
            requests.append(.post("auth/\(mount)role/\(role)/role-id", ["role_id": WireFields.json(roleID)]))
        }
        return requests
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields = TokenFields.live(record)
        for key in ["bind_secret_id", "local_secret_ids"] { fields[key] = .boolean(record[key]?.boolValue ?? false) }
        fields["secret_id_num_uses"] = .integer(record["secret_id_num_uses"]?.intValue ?? 0)
        fields["secret_id_ttl"] = .seconds(record["secret_id_ttl"]?.intValue ?? 0)
        fields["secret_id_bound_cidrs"] = .unorderedSet(WireFields.strings(record["secret_id_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.secretIDBoundCIDR)
        })
        if let roleID = record.companions["role_id"]?["role_id"]?.stringValue { fields["role_id"] = .string(roleID) }
        return Resource(record.address, fields: fields)
    }

    static func stated(_ role: AppRoleRole) -> StatedResource {
        var fields: [String: FieldValue] = [:]
        if let id = role.roleID { fields["role_id"] = .string(id) }
        if let flag = role.bindSecretID { fields["bind_secret_id"] = .boolean(flag) }
        if let cidrs = role.secretIDBoundCIDRs {
            fields["secret_id_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.secretIDBoundCIDR))
        }
        if let uses = role.secretIDNumUses { fields["secret_id_num_uses"] = .integer(uses) }
        if let ttl = role.secretIDTTL { fields["secret_id_ttl"] = .seconds(ttl.seconds) }
        if let flag = role.localSecretIDs { fields["local_secret_ids"] = .boolean(flag) }
        fields.merge(TokenFields.stated(role.token)) { _, token in token }
        let name = MountPath.withSlash(role.mount.value) + role.name.lowercased()
        return StatedResource(Resource(Address(.appRoleRole, name), fields: fields), role.location, ignored: role.ignoreFields)
    }
}

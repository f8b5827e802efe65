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
            .inPlace("token_policies", .set([]), "policies of the tokens issued"),
            .inPlace("token_ttl", .seconds(0), "TTL of the tokens issued; 0 the mount's"),
            .inPlace("token_max_ttl", .seconds(0), "maximum TTL of the tokens issued; 0 the mount's"),
            .inPlace("token_explicit_max_ttl", .seconds(0), "a hard cap on token lifetime; 0 none"),
            .inPlace("token_period", .seconds(0), "periodic tokens with this period; 0 not periodic"),
            .inPlace("token_num_uses", .integer(0), "uses of a token; 0 unlimited"),
            .inPlace("token_type", .string("default"), "the type of tokens issued"),
            .inPlace("token_no_default_policy", .boolean(false), "the default policy is left off issued tokens"),
            .inPlace("token_bound_cidrs", .set([]), "where issued tokens may be used from"),
            .inPlace("token_strictly_bind_ip", .boolean(false), "issued tokens are bound to the address that logged in"),
        ],
        generated: ["role_id (when the manifest fixes none)", "secret IDs and their accessors"],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: sameValue, policyReferences: ["token_policies"],
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

    /// A role's policies as a login gives them to tokens (with `default` unless the role's
    /// `token_no_default_policy` is wanted on: with the flag off, `[]` and `[default]` issue
    /// the same tokens), its CIDR bindings by the addresses they admit
    /// (`Canonical.tokenPolicyNames`, `Canonical.cidrNetworks`).
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _ fields: [String: FieldValue]) -> Bool? {
        guard case .set(let want) = desired, case .set(let have) = live else { return nil }
        switch field {
        case "token_policies":
            let extra = fields["token_no_default_policy"] == .boolean(false) ? ["default"] : []
            return Canonical.tokenPolicyNames(want + extra).hasSameBytes(as: Canonical.tokenPolicyNames(have + extra))
        case "token_bound_cidrs", "secret_id_bound_cidrs":
            return Canonical.cidrNetworks(want).hasSameBytes(as: Canonical.cidrNetworks(have))
        default:
            return nil
        }
    }

    static func live(_ record: LiveRecord) -> Resource {
        var fields: [String: FieldValue] = [:]
        for key in ["bind_secret_id", "local_secret_ids", "token_no_default_policy", "token_strictly_bind_ip"] {
            fields[key] = .boolean(record[key]?.boolValue ?? false)
        }
        for key in ["secret_id_num_uses", "token_num_uses"] {
            fields[key] = .integer(record[key]?.intValue ?? 0)
        }
        for key in ["secret_id_ttl", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period"] {
            fields[key] = .seconds(record[key]?.intValue ?? 0)
        }
        fields["token_type"] = .string(record["token_type"]?.stringValue ?? "default")
        // The server keeps order and duplicates as sent; a role's policies are a set.
        fields["token_policies"] = .unorderedSet(WireFields.strings(record["token_policies"]))
        fields["token_bound_cidrs"] = .unorderedSet(WireFields.strings(record["token_bound_cidrs"]).map {
            Canonical.cidrText($0, form: Canonical.tokenBoundCIDR)
        })
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
        if let policies = role.tokenPolicies { fields["token_policies"] = .unorderedSet(policies.map(\.value)) }
        if let ttl = role.tokenTTL { fields["token_ttl"] = .seconds(ttl.seconds) }
        if let ttl = role.tokenMaxTTL { fields["token_max_ttl"] = .seconds(ttl.seconds) }
        if let ttl = role.tokenExplicitMaxTTL { fields["token_explicit_max_ttl"] = .seconds(ttl.seconds) }
        if let period = role.tokenPeriod { fields["token_period"] = .seconds(period.seconds) }
        if let uses = role.tokenNumUses { fields["token_num_uses"] = .integer(uses) }
        if let type = role.tokenType { fields["token_type"] = .string(type) }
        if let flag = role.tokenNoDefaultPolicy { fields["token_no_default_policy"] = .boolean(flag) }
        if let cidrs = role.tokenBoundCIDRs { fields["token_bound_cidrs"] = .unorderedSet(cidrs.map(Canonical.tokenBoundCIDR)) }
        if let flag = role.tokenStrictlyBindIP { fields["token_strictly_bind_ip"] = .boolean(flag) }
        let name = MountPath.withSlash(role.mount.value) + role.name.lowercased()
        return StatedResource(Resource(Address(.appRoleRole, name), fields: fields), role.location, ignored: role.ignoreFields)
    }
}

import VaultformManifest
import VaultPath

/// A user of a userpass auth method (`auth/MOUNT/users/NAME`): a password the server never
/// reads back, and the tokens a login gets. The server stores the name in lower case; a
/// write updates only the fields it names, so the password is sent only when it changes.
enum UserpassUserKind {
    static let definition = KindDefinition(
        kind: .userpassUser, noun: "userpass user", section: "userpass_users", ownership: .userpassUser,
        endpoint: "auth/MOUNT/users/NAME", mount: .authMethod, holds: { $0.isMount(ofType: "userpass") },
        fields: [.writeOnly("password", "the user's password, from its source", neededToCreate: true)] + TokenFields.definitions,
        generated: [],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: TokenFields.sameValue, policyReferences: ["token_policies"],
        reading: .listed(list: "auth/MOUNTusers", item: "auth/MOUNTusers/NAME"),
        stated: { manifest in manifest.userpassUsers.map(stated) },
        live: { record in Resource(record.address, fields: TokenFields.live(record)) },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(
            file: "userpass_users.yaml",
            note: "Users of userpass auth methods. Passwords are never read back: give each a `password: {from_env: …}` or `{from_file: …}` to manage it."
        ) { user, _ in
            let (mount, name) = user.address.mountAndName
            var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
            if mount != "userpass/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
            return ManifestEntry.fields(user, identity: identity)
        })

    static func path(_ address: Address) -> String {
        let (mount, user) = address.mountAndName
        return "auth/\(mount)users/\(user)"
    }

    static func stated(_ user: UserpassUser) -> StatedResource {
        var fields = TokenFields.stated(user.token)
        if let source = user.password { fields["password"] = .writeOnly(WriteOnlyValue(source: source)) }
        let name = MountPath.withSlash(user.mount.value) + user.name.lowercased()
        return StatedResource(Resource(Address(.userpassUser, name), fields: fields), user.location, ignored: user.ignoreFields)
    }
}

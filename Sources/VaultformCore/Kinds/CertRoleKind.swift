import Foundation
import VaultformManifest
import VaultPath

/// A trusted certificate of a TLS certificate auth method (`auth/MOUNT/certs/NAME`): which
/// client certificates may log in, and the tokens they get. The server stores the name in
/// lower case, the certificate text verbatim and the lists trimmed, in order, repeats kept;
/// a write updates only the fields it names. An empty `display_name` reads back as the name.
enum CertRoleKind {
    static let definition = KindDefinition(
        kind: .certRole, noun: "cert role", section: "cert_roles", ownership: .certRole,
        endpoint: "auth/MOUNT/certs/NAME", mount: .authMethod, holds: { $0.isMount(ofType: "cert") },
        fields: [
            .inPlace("certificate", nil, "the trusted PEM certificate (a CA or the client's own); compared by the certificates in it"),
            .inPlace("display_name", .string(""), "the display name of tokens issued; empty: the role's name"),
            .inPlace("allowed_common_names", .set([]), "globs one of which the client's common name must match"),
            .inPlace("allowed_dns_sans", .set([]), "globs one of which a DNS SAN must match"),
            .inPlace("allowed_email_sans", .set([]), "globs one of which an email SAN must match"),
            .inPlace("allowed_uri_sans", .set([]), "globs one of which a URI SAN must match"),
            .inPlace("allowed_organizational_units", .set([]), "organizational units one of which the client's must be"),
            .inPlace("allowed_names", .set([]), "globs one of which the common name or a SAN must match (deprecated)"),
            .inPlace("required_extensions", .set([]), "`oid:value` extensions the client's certificate must all have"),
            .inPlace("allowed_metadata_extensions", .set([]), "extension OIDs copied into the token's metadata"),
            .inPlace("ocsp_enabled", .boolean(false), "client certificates are checked with OCSP"),
            .inPlace("ocsp_ca_certificates", .string(""), "PEM CA certificates of the OCSP responders"),
            .inPlace("ocsp_servers_override", .list([]), "OCSP servers asked instead of the certificate's own, in order"),
            .inPlace("ocsp_fail_open", .boolean(false), "a login proceeds when no OCSP answer comes"),
            .inPlace("ocsp_query_all_servers", .boolean(false), "every OCSP server must agree"),
        ] + TokenFields.definitions,
        generated: [],
        destructionLosesData: false, lowercasesNames: true,
        sameValue: { field, desired, live, fields in
            switch field {
            case "certificate", "ocsp_ca_certificates": PEMFields.sameCertificates(desired, live, ordered: true)
            default: TokenFields.sameValue(field, desired, live, fields)
            }
        },
        policyReferences: ["token_policies"],
        reading: .listed(list: "auth/MOUNTcerts", item: "auth/MOUNTcerts/NAME"),
        stated: { manifest in manifest.certRoles.map(stated) },
        live: { record in
            var fields = TokenFields.live(record)
            fields["certificate"] = .string(record["certificate"]?.stringValue ?? "")
            fields["ocsp_ca_certificates"] = .string(record["ocsp_ca_certificates"]?.stringValue ?? "")
            let name = record.address.mountAndName.name
            let display = record["display_name"]?.stringValue ?? ""
            fields["display_name"] = .string(display == name ? "" : display)
            for key in listKeys { fields[key] = list(WireFields.strings(record[key])) }
            fields["ocsp_servers_override"] = servers(WireFields.strings(record["ocsp_servers_override"]))
            for key in ["ocsp_enabled", "ocsp_fail_open", "ocsp_query_all_servers"] { fields[key] = .boolean(record[key]?.boolValue ?? false) }
            return Resource(record.address, fields: fields)
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        update: { [.post(path($0.address), WireFields.object($1))] },
        delete: { [.delete(path($0))] },
        export: ExportForm(file: "cert_roles.yaml", note: "Trusted certificates of TLS certificate auth methods.") { role, _ in
            let (mount, name) = role.address.mountAndName
            var identity: [ManifestNode.Pair] = [.init("name", .text(name))]
            if mount != "cert/" { identity.append(.init("mount", .text(MountPath.withoutSlash(mount)))) }
            return ManifestEntry.fields(role, identity: identity)
        })

    /// The lists matched as sets (one must match, or all must be present).
    static let listKeys = [
        "allowed_common_names", "allowed_dns_sans", "allowed_email_sans", "allowed_uri_sans", "allowed_organizational_units",
        "allowed_names", "required_extensions", "allowed_metadata_extensions",
    ]

    static func path(_ address: Address) -> String {
        let (mount, name) = address.mountAndName
        return "auth/\(mount)certs/\(name)"
    }

    /// A list as the server keeps it (each item trimmed), as the set a login matches against.
    static func list(_ items: [String]) -> FieldValue {
        .unorderedSet(items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    /// OCSP servers as the server keeps them: trimmed, in order.
    static func servers(_ items: [String]) -> FieldValue {
        .list(items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    static func stated(_ role: CertRole) -> StatedResource {
        var fields = TokenFields.stated(role.token)
        let name = role.name.lowercased()
        if let certificate = role.certificate { fields["certificate"] = .string(certificate) }
        if let display = role.displayName { fields["display_name"] = .string(display == name ? "" : display) }
        let lists: [(String, [String]?)] = [
            ("allowed_common_names", role.allowedCommonNames), ("allowed_dns_sans", role.allowedDNSSANs),
            ("allowed_email_sans", role.allowedEmailSANs), ("allowed_uri_sans", role.allowedURISANs),
            ("allowed_organizational_units", role.allowedOrganizationalUnits), ("allowed_names", role.allowedNames),
            ("required_extensions", role.requiredExtensions), ("allowed_metadata_extensions", role.allowedMetadataExtensions),
        ]
        for (key, items) in lists { if let items { fields[key] = list(items) } }
        if let flag = role.ocspEnabled { fields["ocsp_enabled"] = .boolean(flag) }
        if let certificates = role.ocspCACertificates { fields["ocsp_ca_certificates"] = .string(certificates) }
        if let items = role.ocspServersOverride { fields["ocsp_servers_override"] = servers(items) }
        if let flag = role.ocspFailOpen { fields["ocsp_fail_open"] = .boolean(flag) }
        if let flag = role.ocspQueryAllServers { fields["ocsp_query_all_servers"] = .boolean(flag) }
        let address = Address(.certRole, MountPath.withSlash(role.mount.value) + name)
        return StatedResource(Resource(address, fields: fields), role.location, ignored: role.ignoreFields)
    }
}

/// PKI objects: settings read by the type their table gives them.
extension Builder {
    /// The root CAs and roles of PKI engines.
    mutating func buildPKI(_ root: CheckedObject, into manifest: inout Manifest) {
        for item in objects(root, "pki_root_cas") {
            guard let mount = item.locatedString("mount") else { continue }
            let ca = PKIRootCA(
                mount: mount, settings: Self.settings(item, PKICASettings.all),
                ignoreFields: ignoredFields(item), location: item.location)
            checkKeyBits(ca.settings, item)
            checkIssuerSettings(ca.settings, item)
            manifest.pkiRootCAs.append(ca)
        }
        for item in objects(root, "pki_intermediate_cas") {
            guard let mount = item.locatedString("mount"), let signedBy = item.locatedString("signed_by") else { continue }
            let ca = PKIIntermediateCA(
                mount: mount, signedBy: signedBy, settings: Self.settings(item, PKICASettings.all), ignoreFields: ignoredFields(item),
                location: item.location)
            checkKeyBits(ca.settings, item)
            checkIssuerSettings(ca.settings, item)
            manifest.pkiIntermediateCAs.append(ca)
        }
        for item in objects(root, "pki_configs") {
            guard let mount = item.locatedString("mount") else { continue }
            var settings = Self.settings(item, PKIConfigSettings.issuers)
            for block in PKIConfigSettings.blocks {
                if let object = item.object(block.name) { settings.merge(Self.settings(object, block.settings)) { first, _ in first } }
            }
            var ignored = ignoredFields(item)
            // A field set in a block and ignored is the same contradiction as one at the top.
            for name in ignored where settings[name] != nil && !item.has(name) {
                report(.error(
                    "`\(name)` is set here and listed in `ignore_fields`", at: item.location(of: "ignore_fields"),
                    hint: "remove the value to leave the field to someone else, or remove it from `ignore_fields` to manage it"))
                ignored.removeAll { $0 == name }
            }
            manifest.pkiConfigs.append(PKIConfig(mount: mount, settings: settings, ignoreFields: ignored, location: item.location))
        }
        for item in objects(root, "pki_roles") {
            guard let mount = item.locatedString("mount"), let name = item.string("name") else { continue }
            let role = PKIRole(
                name: name, mount: mount, settings: Self.settings(item, PKIRoleSettings.all), location: item.location)
            if case .duration(let ttl)? = role.settings["ttl"], case .duration(let max)? = role.settings["max_ttl"], max.seconds > 0,
               ttl > max {
                report(.error("`ttl` (\(ttl)) is longer than `max_ttl` (\(max))", at: item.location(of: "ttl")))
            }
            checkKeyBits(role.settings, item)
            manifest.pkiRoles.append(role)
        }
    }

    /// What an issuer's write would not keep: OpenBao drops an issuer's delta CRL URLs when
    /// it has no other URL, and takes a manual chain only starting with the issuer itself. A
    /// rotation names the new issuer and the old one apart.
    private mutating func checkIssuerSettings(_ settings: [String: PKISetting], _ item: CheckedObject) {
        if case .texts(let delta)? = settings["delta_crl_distribution_points"], !delta.isEmpty,
           !["issuing_certificates", "crl_distribution_points", "ocsp_servers"].contains(where: {
               if case .texts(let urls)? = settings[$0] { return !urls.isEmpty }
               return false
           }) {
            report(.error(
                "`delta_crl_distribution_points` needs `issuing_certificates`, `crl_distribution_points` or `ocsp_servers`: the server keeps an issuer's URLs only when one of those is set",
                at: item.location(of: "delta_crl_distribution_points")))
        }
        if case .text(let old)? = settings["rotate"] {
            var own = ""
            if case .text(let name)? = settings["issuer_name"] { own = name }
            if own.isEmpty {
                report(.error(
                    "`rotate` needs `issuer_name`: the new CA is found by its name", at: item.location(of: "rotate"),
                    hint: "name the new issuer, and keep `rotate` naming the issuer it replaces"))
            } else if own == old {
                report(.error(
                    "`rotate` names the issuer itself (`\(old)`): it names the issuer the new one replaces", at: item.location(of: "rotate")))
            }
        }
        if case .texts(let chain)? = settings["manual_chain"], let first = chain.first {
            var own = ""
            if case .text(let name)? = settings["issuer_name"] { own = name }
            if first != "self" && (own.isEmpty || first != own) {
                report(.error(
                    "`manual_chain` starts with `\(first)`, not the issuer itself: the server refuses it",
                    at: item.location(of: "manual_chain"), hint: "start it with `self`"))
            }
        }
    }

    /// The key sizes the server accepts for a key type.
    private mutating func checkKeyBits(_ settings: [String: PKISetting], _ item: CheckedObject) {
        guard case .number(let bits)? = settings["key_bits"], bits != 0 else { return }
        let type: String
        if case .text(let text)? = settings["key_type"] { type = text } else { type = "rsa" }
        let allowed: [Int] = switch type {
        case "rsa": [2048, 3072, 4096, 8192]
        case "ec": [224, 256, 384, 521]
        default: [0]
        }
        if !allowed.contains(bits) {
            report(.error(
                "`key_bits` \(bits) is not a size for `\(type)` keys: the server refuses it",
                at: item.location(of: "key_bits"), hint: "use one of " + allowed.map(String.init).joined(separator: ", ")))
        }
    }

    /// The settings of `table` the object states.
    static func settings(_ item: CheckedObject, _ table: [PKISettingDefinition]) -> [String: PKISetting] {
        var settings: [String: PKISetting] = [:]
        for definition in table {
            let value: PKISetting? = switch definition.type {
            case .text, .oneOf: item.string(definition.key).map(PKISetting.text)
            case .flag: item.boolean(definition.key).map(PKISetting.flag)
            case .number: item.integer(definition.key).map(PKISetting.number)
            case .duration: item.duration(definition.key).map(PKISetting.duration)
            case .texts: item.strings(definition.key).map { .texts($0.map(\.value)) }
            }
            if let value { settings[definition.key] = value }
        }
        return settings
    }
}

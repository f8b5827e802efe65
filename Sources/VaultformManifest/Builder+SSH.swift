import Foundation

/// SSH engine objects: the CA signing key and CA roles.
extension Builder {
    mutating func buildSSH(_ root: CheckedObject, into manifest: inout Manifest) {
        for item in objects(root, "ssh_cas") {
            guard let mount = item.locatedString("mount") else { continue }
            let ca = SSHCA(
                mount: mount, keyType: item.string("key_type"), keyBits: item.integer("key_bits"), issuerName: item.string("issuer_name"),
                ignoreFields: ignoredFields(item), location: item.location)
            checkSSHKey(ca, item)
            manifest.sshCAs.append(ca)
        }
        for item in objects(root, "ssh_roles") {
            guard let mount = item.locatedString("mount"), let name = item.string("name") else { continue }
            let lengths = item.object("allowed_user_key_lengths").map { keyLengths($0) }
            let role = SSHRole(
                name: name, mount: mount, settings: Self.settings(item, SSHRoleSettings.all),
                defaultExtensions: item.textMap("default_extensions"), defaultCriticalOptions: item.textMap("default_critical_options"),
                allowedUserKeyLengths: lengths, location: item.location)
            checkSSHRole(role, item)
            manifest.sshRoles.append(role)
        }
    }

    /// Key sizes by key type: each a size, a list of sizes, or sizes comma-separated (as
    /// export writes them).
    private mutating func keyLengths(_ map: CheckedObject) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for type in map.order {
            guard let value = map.values[type] else { continue }
            let texts: [String] = switch value.value {
            case .string(let text): text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case .list(let items): items.compactMap { if case .string(let text) = $0.value { text } else { nil } }
            default: []
            }
            var sizes: [Int] = []
            for text in texts {
                guard let size = Int(text), size >= 0 else {
                    report(.error("`allowed_user_key_lengths.\(type)`: `\(text)` is not a key size", at: value.location))
                    continue
                }
                sizes.append(size)
            }
            result[type] = sizes
        }
        return result
    }

    /// What the engine refuses when it generates the key.
    private mutating func checkSSHKey(_ ca: SSHCA, _ item: CheckedObject) {
        guard let bits = ca.keyBits, bits != 0 else { return }
        switch ca.keyType ?? "rsa" {
        case "rsa" where bits < 2048, "ssh-rsa" where bits < 2048:
            report(.error("an RSA SSH CA key must have at least 2048 bits; the engine refuses \(bits)", at: item.location(of: "key_bits")))
        case "ec" where ![256, 384, 521].contains(bits):
            report(.error("an EC SSH CA key's `key_bits` names its curve: 256, 384 or 521, not \(bits)", at: item.location(of: "key_bits")))
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ed25519", "ssh-ed25519":
            report(.error(
                "`key_bits` does not apply to key type `\(ca.keyType ?? "")`: the engine ignores it", at: item.location(of: "key_bits"),
                hint: "leave `key_bits` out"))
        default: break
        }
    }

    /// What the engine refuses when the role is written.
    private mutating func checkSSHRole(_ role: SSHRole, _ item: CheckedObject) {
        if role.settings["allow_user_certificates"] != .flag(true), role.settings["allow_host_certificates"] != .flag(true) {
            report(.error(
                "SSH role `\(role.name)` signs neither user nor host certificates; the engine refuses such a role", at: item.location,
                hint: "set `allow_user_certificates: true` or `allow_host_certificates: true`"))
        }
        if case .duration(let ttl)? = role.settings["ttl"], case .duration(let max)? = role.settings["max_ttl"],
           ttl.seconds > 0, max.seconds > 0, ttl > max {
            report(.error("SSH role `\(role.name)`: `ttl` (\(ttl)) is longer than `max_ttl` (\(max)); the engine refuses that", at: item.location(of: "ttl")))
        }
    }
}

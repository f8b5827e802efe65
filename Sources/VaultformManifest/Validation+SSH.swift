/// SSH engine objects: duplicates, and the engine each names.
extension Validator {
    mutating func checkSSH(_ manifest: Manifest) {
        duplicates(manifest.sshCAs, key: \.mount.value, location: \.location, what: { "an SSH CA of `\($0.mount.value)`" })
        duplicates(manifest.sshRoles, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
                   what: { "SSH role `\($0.name)` on `\($0.mount.value)`" })
        for ca in manifest.sshCAs { checkEngine(ca.mount, "SSH CA", manifest, type: "ssh") }
        for role in manifest.sshRoles { checkEngine(role.mount, "SSH role `\(role.name)`", manifest, type: "ssh") }
    }
}

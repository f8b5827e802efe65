/// TOTP engine keys: duplicates, and the engine each names.
extension Validator {
    mutating func checkTOTP(_ manifest: Manifest) {
        duplicates(manifest.totpKeys, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
                   what: { "TOTP key `\($0.name)` on `\($0.mount.value)`" })
        for key in manifest.totpKeys { checkEngine(key.mount, "TOTP key `\(key.name)`", manifest, type: "totp") }
    }
}

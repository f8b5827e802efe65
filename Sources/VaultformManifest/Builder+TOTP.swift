/// TOTP engine keys.
extension Builder {
    mutating func buildTOTP(_ root: CheckedObject, into manifest: inout Manifest) {
        for item in objects(root, "totp_keys") {
            guard let mount = item.locatedString("mount"), let name = item.string("name") else { continue }
            let key = TOTPKey(
                name: name, mount: mount, key: item.object("key").flatMap { writeOnlySource($0) }, generate: item.boolean("generate"),
                issuer: item.string("issuer"), accountName: item.string("account_name"), algorithm: item.string("algorithm"),
                digits: item.integer("digits"), period: item.duration("period"), location: item.location)
            checkTOTPKey(key, item)
            manifest.totpKeys.append(key)
        }
    }

    /// What the engine refuses when the key is written.
    private mutating func checkTOTPKey(_ key: TOTPKey, _ item: CheckedObject) {
        let generated = key.generate == true
        if generated == item.has("key") {
            report(.error(
                generated ? "TOTP key `\(key.name)` gives both `key` and `generate: true`; the engine refuses a key it is asked to generate"
                    : "TOTP key `\(key.name)` needs its secret: give `key` (from_env or from_file) or `generate: true`",
                at: item.location))
        }
        if case .generated? = key.key {
            report(.error(
                "a TOTP key's `key` is a base32 secret: take it `from_env` or `from_file`", at: item.location(of: "key"),
                hint: "use `generate: true` to have the engine generate it"))
        }
        if generated {
            for (field, value) in [("issuer", key.issuer), ("account_name", key.accountName)] where (value ?? "").isEmpty {
                report(.error("TOTP key `\(key.name)` is generated, which needs a non-empty `\(field)`; the engine refuses it without one",
                              at: item.location(of: field)))
            }
        }
        if key.digits == 7 {
            report(.error("`digits` must be 6 or 8; the engine refuses 7", at: item.location(of: "digits")))
        }
        if let period = key.period, period.seconds <= 0 {
            report(.error("`period` must be longer than 0s", at: item.location(of: "period")))
        }
    }
}

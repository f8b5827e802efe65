/// PKI objects: duplicates, and the engine each names.
extension Validator {
    mutating func checkPKI(_ manifest: Manifest) {
        // One CA per engine, root or intermediate.
        let cas = manifest.pkiRootCAs.map { ($0.mount.value, $0.location) } + manifest.pkiIntermediateCAs.map { ($0.mount.value, $0.location) }
        duplicates(cas, key: \.0, location: \.1, what: { "a CA of `\($0.0)`" })
        duplicates(manifest.pkiRoles, key: { "\($0.mount.value)/\($0.name)" }, location: \.location,
                   what: { "PKI role `\($0.name)` on `\($0.mount.value)`" })
        for ca in manifest.pkiRootCAs {
            checkEngine(ca.mount, "root CA", manifest)
            checkLifetime(ca.settings, ca.mount, manifest)
        }
        for ca in manifest.pkiIntermediateCAs {
            checkEngine(ca.mount, "intermediate CA", manifest)
            if !manifest.pkiRootCAs.contains(where: { $0.mount.value == ca.signedBy.value }) {
                report(.error(
                    "intermediate CA of `\(ca.mount.value)` is signed by `\(ca.signedBy.value)`, which has no root CA in the manifest",
                    at: ca.signedBy.location, hint: "declare the root under `pki_root_cas`"))
            }
        }
        duplicates(manifest.pkiConfigs, key: \.mount.value, location: \.location, what: { "config of `\($0.mount.value)`" })
        for config in manifest.pkiConfigs { checkEngine(config.mount, "PKI config", manifest) }
        for role in manifest.pkiRoles { checkEngine(role.mount, "PKI role `\(role.name)`", manifest) }
    }

    /// A CA's `ttl` within its engine's `max_lease_ttl`: the server caps a longer one, so the
    /// CA would differ from the manifest from the start.
    private mutating func checkLifetime(_ settings: [String: PKISetting], _ mount: Located<String>, _ manifest: Manifest) {
        guard case .duration(let ttl)? = settings["ttl"],
              let engine = manifest.secretsEngines.first(where: { $0.path == mount.value }), engine.type == "pki" else { return }
        let max = engine.tuning?.maxLeaseTTL ?? TimeSpan(seconds: Self.serverMaxLeaseTTL)
        if max.seconds > 0, ttl > max {
            report(.error(
                "the CA's `ttl` (\(ttl)) is longer than its engine's `max_lease_ttl` (\(max)), which the server caps it at",
                at: mount.location, hint: "raise `max_lease_ttl` in the engine's `tuning`"))
        }
    }

    /// The server's default `max_lease_ttl` for a mount that does not tune one (768h).
    static let serverMaxLeaseTTL = 768 * 3600

    /// `mount` is an engine of `type` (a PKI engine unless told) the manifest declares.
    mutating func checkEngine(_ mount: Located<String>, _ what: String, _ manifest: Manifest, type: String = "pki") {
        guard let engine = manifest.secretsEngines.first(where: { $0.path == mount.value }) else {
            report(.error(
                "\(what) names mount `\(mount.value)`, which the manifest does not declare", at: mount.location,
                hint: Suggestion.hint(for: mount.value, in: manifest.secretsEngines.filter { $0.type == type }.map(\.path))
                    ?? "declare it under `secrets_engines` with `type: \(type)`"))
            return
        }
        if engine.type != type {
            report(.error(
                "\(what) is on `\(engine.path)`, a `\(engine.type)` engine, not a \(type) one",
                at: mount.location, related: [.init("`\(engine.path)` is declared here", at: engine.typeLocation)]))
        }
    }
}

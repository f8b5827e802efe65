import Foundation
import VaultPath

// Precedence, for every setting: flag > manifest `server:` > environment > token file >
// default. The manifest carries no secrets and no TLS client material, so the token, the
// client certificate and key, and skip-verify come only from flags and the environment.
//
// Environment: each standard Vault variable has an OpenBao twin (VAULT_ADDR / BAO_ADDR, …).
// When both are set, BAO_ wins, because that is what `bao` itself does: in the same shell
// `vaultform` and `bao` then reach the same server with the same token. Vault's own CLI never
// reads BAO_ names, so someone who sets one means it. When both are set and differ, a warning
// says which one was used. The login variables (VAULT_ROLE_ID, VAULT_SECRET_ID_PATH, VAULT_JWT,
// …) are conventions of services such as the seed's, not of either CLI, and have no BAO_ twin.

extension ConnectionConfiguration {
    /// The default address, as Vault's and OpenBao's CLIs use.
    public static let defaultAddress = "https://127.0.0.1:8200"
    /// The default AppRole mount.
    public static let defaultAppRoleMount = "approle"
    /// The default JWT mount.
    public static let defaultJWTMount = "jwt"

    /// Applies the precedence rules to the inputs. Throws every problem at once: a malformed
    /// address, plain HTTP to a host that is not loopback without `--allow-insecure-http`, an
    /// unparsable VAULT_SKIP_VERIFY, a secret ID without a role ID, two login methods.
    public static func resolve(_ inputs: ConnectionInputs) throws(ConnectionSettingsError) -> ConnectionConfiguration {
        var resolver = ConnectionResolver(inputs: inputs)
        let configuration = resolver.resolve()
        guard resolver.problems.isEmpty, let configuration else {
            throw ConnectionSettingsError(problems: resolver.problems)
        }
        return configuration
    }

    /// Whether plain HTTP to this host stays on the machine: 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// Parses a boolean as Go's `strconv.ParseBool` does, which is how Vault reads
    /// VAULT_SKIP_VERIFY.
    public static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}

/// The resolution of one set of inputs, collecting problems and warnings as it goes.
struct ConnectionResolver {
    let inputs: ConnectionInputs
    var problems: [String] = []
    var warnings: [String] = []

    init(inputs: ConnectionInputs) { self.inputs = inputs }

    mutating func resolve() -> ConnectionConfiguration? {
        let flags = inputs.flags, manifest = inputs.manifest
        let addressText = pick(flags.address, "--address", manifest.address, "server.address", standard: "ADDR")
            ?? Sourced(ConnectionConfiguration.defaultAddress, from: .default)
        let address = url(addressText, allowInsecureHTTP: flags.allowInsecureHTTP)
        let namespace = pick(flags.namespace, "--namespace", manifest.namespace, "server.namespace", standard: "NAMESPACE")
        let caCert = pick(flags.caCert, "--ca-cert", manifest.caCert, "server.ca_cert", standard: "CACERT")
        let caPath = pick(flags.caPath, "--ca-path", manifest.caPath, "server.ca_path", standard: "CAPATH")
        let clientCert = pick(flags.clientCert, "--client-cert", nil, "", standard: "CLIENT_CERT")
        let clientKey = pick(flags.clientKey, "--client-key", nil, "", standard: "CLIENT_KEY")
        let serverName = pick(
            flags.tlsServerName, "--tls-server-name", manifest.tlsServerName, "server.tls_server_name",
            standard: "TLS_SERVER_NAME")
        if let clientKey, clientCert == nil {
            problems.append("a client key is set (\(clientKey.source)) but no client certificate: set --client-cert or VAULT_CLIENT_CERT")
        }
        let skipVerify = skipVerification(flag: flags.skipVerify)
        if let skipVerify {
            warnings.append("TLS verification is OFF (\(skipVerify.source)): the server's certificate and name are not checked, so anyone on the path can read the token")
        }
        let token = resolveToken()
        let login = resolveLogin()
        if login != nil, let token {
            warnings.append("the token from \(token.source) is not used: a login is configured")
        }
        guard let address else { return nil }
        return ConnectionConfiguration(
            address: address, namespace: namespace, caCert: caCert, caPath: caPath, clientCert: clientCert,
            clientKey: clientKey, tlsServerName: serverName, skipVerify: skipVerify,
            allowInsecureHTTP: flags.allowInsecureHTTP, token: token, login: login, warnings: warnings)
    }

    // MARK: - Settings

    /// Flag, then manifest, then environment. An empty flag or manifest value means "none" and
    /// stops the search (so `--namespace ""` overrides VAULT_NAMESPACE); an empty variable is
    /// treated as unset, as Vault's CLI does.
    mutating func pick(
        _ flag: String?, _ flagName: String, _ manifest: ConnectionInputs.ManifestSettings.Value?, _ key: String,
        standard suffix: String
    ) -> Sourced<String>? {
        if let flag { return flag.isEmpty ? nil : Sourced(flag, from: .flag(flagName)) }
        if let manifest {
            overridden(by: manifest, key: key, standard: suffix)
            return manifest.text.isEmpty ? nil : Sourced(manifest.text, from: .manifest(key: key, location: manifest.location))
        }
        return standardVariable(suffix)
    }

    /// Warns when the manifest's setting hides a different value in the environment: someone
    /// who exported VAULT_ADDR for this run would otherwise reach another server unawares.
    mutating func overridden(by manifest: ConnectionInputs.ManifestSettings.Value, key: String, standard suffix: String) {
        let set = ["BAO_" + suffix, "VAULT_" + suffix].compactMap { name in variable(name).map { (name, $0.value) } }
        guard let (name, value) = set.first, value != manifest.text else { return }
        let shown = manifest.text.isEmpty ? "empty (none)" : manifest.text
        warnings.append(
            "the manifest's \(key) (\(manifest.location)) is \(shown) and wins over \(name)=\(value); pass --\(Self.flagName(key)) to choose, or unset \(name)")
    }

    /// The flag that overrides a manifest `server:` key.
    static func flagName(_ key: String) -> String {
        let name = key.hasPrefix("server.") ? String(key.dropFirst("server.".count)) : key
        return name.replacingOccurrences(of: "_", with: "-")
    }

    /// BAO_<suffix>, else VAULT_<suffix>; a warning when both are set and differ.
    mutating func standardVariable(_ suffix: String) -> Sourced<String>? {
        let bao = variable("BAO_" + suffix), vault = variable("VAULT_" + suffix)
        if let bao, let vault, bao.value != vault.value {
            let shown = suffix == "TOKEN" ? "" : " (\(bao.value) rather than \(vault.value))"
            warnings.append("BAO_\(suffix) and VAULT_\(suffix) are both set and differ; using BAO_\(suffix)\(shown), as bao does")
        }
        return bao ?? vault
    }

    func variable(_ name: String) -> Sourced<String>? {
        guard let value = inputs.environment[name], !value.isEmpty else { return nil }
        return Sourced(value, from: .environment(name))
    }

    mutating func url(_ text: Sourced<String>, allowInsecureHTTP: Bool) -> Sourced<URL>? {
        let value = text.value.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            problems.append("the address `\(value)` (\(text.source)) is not an http:// or https:// URL with a host")
            return nil
        }
        if scheme == "http", !ConnectionConfiguration.isLoopback(host: host) {
            if allowInsecureHTTP {
                warnings.append("plain HTTP to \(host) (\(text.source)): the token and every secret cross the network unencrypted")
            } else {
                problems.append(
                    "refusing plain http:// to \(host), which is not a loopback address (address from \(text.source)): the token and every secret would cross the network unencrypted; use https://, or pass --allow-insecure-http"
                )
            }
        }
        return Sourced(url, from: text.source)
    }

    mutating func skipVerification(flag: Bool) -> Sourced<Bool>? {
        if flag { return Sourced(true, from: .flag("--skip-verify")) }
        guard let text = standardVariable("SKIP_VERIFY") else { return nil }
        guard let value = ConnectionConfiguration.parseBool(text.value) else {
            problems.append("\(text.source) is `\(text.value)`, not a boolean (use true or false)")
            return nil
        }
        return value ? Sourced(true, from: text.source) : nil
    }

    // MARK: - Credentials

    mutating func resolveToken() -> Sourced<VaultToken>? {
        if let token = standardVariable("TOKEN") {
            return Sourced(VaultToken(token.value.trimmingCharacters(in: .whitespacesAndNewlines)), from: token.source)
        }
        guard let text = inputs.tokenFile() else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : Sourced(VaultToken(trimmed), from: .tokenFile(inputs.tokenFileName))
    }

    /// A credential from a file flag, else the first of: the value variable, NAME_PATH, NAME_FILE.
    mutating func credential(flag: String?, flagName: String, variable name: String) -> CredentialSource? {
        if let flag, !flag.isEmpty { return .file(path: flag, .flag(flagName)) }
        let candidates: [CredentialSource] = [
            variable(name).map { .value(SecretText($0.value), $0.source) },
            variable(name + "_PATH").map { .file(path: $0.value, $0.source) },
            variable(name + "_FILE").map { .file(path: $0.value, $0.source) },
        ].compactMap { $0 }
        if candidates.count > 1 {
            let names = candidates.map { "\($0.source)" }.joined(separator: " and ")
            warnings.append("\(names) are set together; using \(candidates[0].source)")
        }
        return candidates.first
    }

    mutating func mount(_ flag: String?, _ flagName: String, default value: String) -> Sourced<String> {
        guard let flag else { return Sourced(value, from: .default) }
        let trimmed = MountPath.withoutSlash(flag)
        if trimmed.isEmpty { problems.append("\(flagName) is empty") }
        return Sourced(trimmed, from: .flag(flagName))
    }

    mutating func resolveLogin() -> LoginMethod? {
        let flags = inputs.flags
        let roleID = credential(flag: flags.appRoleRoleIDFile, flagName: "--approle-role-id-file", variable: "VAULT_ROLE_ID")
        let secretID = credential(
            flag: flags.appRoleSecretIDFile, flagName: "--approle-secret-id-file", variable: "VAULT_SECRET_ID")
        let appRoleMount = mount(flags.appRoleMount, "--approle-mount", default: ConnectionConfiguration.defaultAppRoleMount)
        var appRole: LoginMethod?
        if let roleID {
            appRole = .appRole(AppRoleCredentials(mount: appRoleMount, roleID: roleID, secretID: secretID))
        } else if let secretID {
            problems.append("a secret ID is set (\(secretID.source)) but no role ID: set VAULT_ROLE_ID, VAULT_ROLE_ID_PATH or --approle-role-id-file")
        } else if flags.appRoleMount != nil {
            problems.append("--approle-mount is given but no AppRole role ID is set")
        }

        var jwt: LoginMethod?
        let jwtFile: CredentialSource? = flags.jwtFile.map { .file(path: $0, .flag("--jwt-file")) }
        let jwtValue = jwtFile ?? variable("VAULT_JWT").map { .value(SecretText($0.value), $0.source) }
        if let role = flags.jwtRole {
            let jwtMount = mount(flags.jwtMount, "--jwt-mount", default: ConnectionConfiguration.defaultJWTMount)
            if let jwtValue {
                jwt = .jwt(JWTCredentials(mount: jwtMount, role: Sourced(role, from: .flag("--jwt-role")), jwt: jwtValue))
            } else {
                problems.append("--jwt-role needs a JWT: set VAULT_JWT or pass --jwt-file")
            }
        } else if jwtFile != nil || flags.jwtMount != nil {
            problems.append("\(jwtFile != nil ? "--jwt-file" : "--jwt-mount") needs --jwt-role, the role to log in as")
        } else if let jwtValue {
            warnings.append("\(jwtValue.source) is set but --jwt-role is not, so no JWT login is made")
        }

        guard let appRole, let jwt else { return appRole ?? jwt }
        let appRoleFromFlags = flags.appRoleRoleIDFile != nil || flags.appRoleSecretIDFile != nil || flags.appRoleMount != nil
        if appRoleFromFlags {
            problems.append("both an AppRole login (\(appRole)) and a JWT login (\(jwt)) are configured by flags; give one")
            return nil
        }
        warnings.append("the AppRole credentials in the environment are not used: --jwt-role asks for a JWT login")
        return jwt
    }
}

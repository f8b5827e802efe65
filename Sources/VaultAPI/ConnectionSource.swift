import Foundation

/// Where one connection setting came from, so `vaultform status` and every error can say why
/// a value is what it is ("address from environment VAULT_ADDR"), which is most of debugging
/// a connection.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag, named with its dashes (`--address`).
    case flag(String)
    /// A key of the manifest's `server:` block (`server.address`) and where it is written
    /// (`manifests/hoodcloud/server.yaml:4:3`).
    case manifest(key: String, location: String)
    /// An environment variable (`VAULT_ADDR`).
    case environment(String)
    /// The token helper's file, as shown to people (`~/.vault-token`).
    case tokenFile(String)
    /// Nothing set it: the built-in default.
    case `default`

    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .manifest(let key, let location): "manifest \(key) (\(location))"
        case .environment(let name): "environment \(name)"
        case .tokenFile(let path): path
        case .default: "default"
        }
    }
}

/// A setting's value together with where it came from.
public struct Sourced<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it came from.
    public var source: SettingSource

    /// Pairs a value with its source.
    public init(_ value: Value, from source: SettingSource) {
        self.value = value
        self.source = source
    }
}

extension Sourced: Equatable where Value: Equatable {}
extension Sourced: Hashable where Value: Hashable {}

/// A credential other than a token (a secret ID, a JWT, a role ID). Like `VaultToken`, its
/// description and mirror are redacted, so printing a configuration, an error or a log
/// line can never show it; only `value` holds the secret, read when a login is sent.
public struct SecretText: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only to send it.
    public let value: String

    /// Wraps a secret string.
    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Where a login credential is read from. Files are read at each login rather than once,
/// so a secret ID rotated on disk (the seed's runbook rewrites `vault-secret-id`) is picked up
/// by the next re-login of a long run.
public enum CredentialSource: Sendable, Hashable, CustomStringConvertible {
    /// The credential itself, from an environment variable.
    case value(SecretText, SettingSource)
    /// A file holding the credential (surrounding whitespace is ignored), named by a flag or an
    /// environment variable.
    case file(path: String, SettingSource)

    /// Where the credential is configured.
    public var source: SettingSource {
        switch self {
        case .value(_, let source), .file(_, let source): source
        }
    }

    public var description: String {
        switch self {
        case .value(_, let source): "\(source)"
        case .file(let path, let source): "file \(path) (\(source))"
        }
    }

    /// The credential, reading the file when it is one. Throws `ConnectionSettingsError` for
    /// a file that cannot be read or is empty; the message names the file, never its content.
    public func read(
        _ what: String, using readFile: @Sendable (String) throws -> String = CredentialSource.readFromDisk
    ) throws -> SecretText {
        switch self {
        case .value(let secret, _):
            return secret
        case .file(let path, let source):
            let text: String
            do {
                text = try readFile(path)
            } catch {
                throw ConnectionSettingsError("cannot read the \(what) from \(path) (\(source)): \(Self.reason(error))")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ConnectionSettingsError("the \(what) file \(path) (\(source)) is empty")
            }
            return SecretText(trimmed)
        }
    }

    /// Reads a UTF-8 file from disk.
    public static let readFromDisk: @Sendable (String) throws -> String = { path in
        try String(contentsOfFile: path, encoding: .utf8)
    }

    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if error.domain == NSCocoaErrorDomain {
            switch error.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
            default: break
            }
        }
        return "read failed"
    }
}

/// A connection setting that cannot be used: a malformed address, plain HTTP to a remote
/// host, half a pair of login credentials. Raised before any request is sent; each problem
/// names the setting's source.
public struct ConnectionSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One sentence per problem.
    public let problems: [String]

    /// One problem.
    public init(_ problem: String) { problems = [problem] }

    /// Several problems, reported together.
    public init(problems: [String]) { self.problems = problems }

    public var description: String { problems.joined(separator: "\n") }
}

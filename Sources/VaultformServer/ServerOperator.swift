import Foundation
import VaultAPI

/// The operator's one-off actions on a new server: initialise it and unseal it.
public enum ServerOperator {
    /// What `sys/init` hands out, once.
    public struct Initialization: Sendable {
        /// The unseal key shares, base64 (or PGP-encrypted base64 when PGP keys were given).
        public var keys: [String]
        /// The initial root token (PGP-encrypted when a root token PGP key was given).
        public var rootToken: String
        public var shares: Int
        public var threshold: Int
    }

    /// Initialises the server. `pgpKeys` (base64 public keys, one per share) make the server
    /// encrypt each share to its holder, so no plaintext share ever reaches this machine.
    public static func initialize(
        client: VaultClient, shares: Int, threshold: Int, pgpKeys: [String] = [], rootTokenPGPKey: String? = nil
    ) async throws -> Initialization {
        var body: [String: JSONValue] = ["secret_shares": .number(Double(shares)), "secret_threshold": .number(Double(threshold))]
        if !pgpKeys.isEmpty { body["pgp_keys"] = .array(pgpKeys.map(JSONValue.string)) }
        if let rootTokenPGPKey { body["root_token_pgp_key"] = .string(rootTokenPGPKey) }
        let response = try await client.with(token: nil).request(.put, "sys/init", body: .object(body))
        let keys = response.json?["keys_base64"]?.arrayValue?.compactMap(\.stringValue)
            ?? response.json?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard keys.count == shares, let root = response.json?["root_token"]?.stringValue, !root.isEmpty else {
            throw OperatorError("sys/init answered without the \(shares) key shares and the root token it should hand out")
        }
        return Initialization(keys: keys, rootToken: root, shares: shares, threshold: threshold)
    }

    /// Where unsealing stands.
    public struct UnsealProgress: Sendable, Equatable {
        public var sealed: Bool
        public var progress: Int
        public var threshold: Int
    }

    /// Enters one key share. A share the server rejects is an error naming the reason, never the share.
    public static func unseal(client: VaultClient, key: String) async throws -> UnsealProgress {
        var redacting = client.with(token: nil)
        redacting.redactions.append(key)
        let response = try await redacting.request(.put, "sys/unseal", body: ["key": .string(key)])
        return UnsealProgress(
            sealed: response.json?["sealed"]?.boolValue ?? true, progress: response.json?["progress"]?.intValue ?? 0,
            threshold: response.json?["t"]?.intValue ?? 0)
    }
}

/// A failure of an operator action, phrased for a person.
public struct OperatorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
import VaultAPI
import VaultformServer

/// The 0600 JSON file `vaultform bootstrap --keys-file` writes when it initialises a server:
/// the unseal key shares and, until bootstrap has revoked it, the initial root token.
///
/// The root token is kept there from the moment it exists, so a bootstrap that fails after
/// initialising (an apply step the server refuses, a lost connection) can be run again: the
/// rerun finds the token, resumes, revokes it at the end and removes it from the file,
/// which then keeps only the shares. Without this, the token was lost with the failed run,
/// and recovering needed `generate-root` with a quorum of share holders.
struct BootstrapKeysFile {
    static let rootTokenKey = "root_token"

    var path: String
    var document: [String: JSONValue]

    /// The shares of a new server, with its root token.
    init(path: String, result: ServerOperator.Initialization, pgpEncrypted: Bool) {
        self.path = path
        document = [
            "shares": .number(Double(result.shares)), "threshold": .number(Double(result.threshold)),
            "keys_base64": .array(result.keys.map(JSONValue.string)), "pgp_encrypted": .bool(pgpEncrypted),
            Self.rootTokenKey: .string(result.rootToken),
        ]
    }

    /// The file at `path`, or nil when there is none (or it is not a keys file bootstrap wrote).
    static func read(_ path: String) -> BootstrapKeysFile? {
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONValue(decoding: data),
              let document = json.objectValue, document["keys_base64"] != nil
        else { return nil }
        return BootstrapKeysFile(path: path, document: document)
    }

    private init(path: String, document: [String: JSONValue]) {
        self.path = path
        self.document = document
    }

    /// The root token a run that initialised the server kept here, if it is still here.
    var rootToken: String? { document[Self.rootTokenKey]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }

    /// Writes the file (atomically, mode 0600 from its first byte).
    func write() throws {
        try AtomicFile.write(try JSONValue.object(document).encoded() + Data("\n".utf8), to: path, permissions: 0o600)
    }

    /// Rewrites the file without the root token, keeping the shares.
    mutating func removeRootToken() throws {
        guard document.removeValue(forKey: Self.rootTokenKey) != nil else { return }
        try write()
    }
}

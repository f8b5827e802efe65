import ArgumentParser
import Foundation
import VaultAPI
import VaultformManifest
import VaultformServer

/// `vaultform unseal`: enter key shares until the server unseals.
struct UnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Unseal the server with key shares from files or typed in without echo.",
        discussion: """
            Reads key shares from --key-file (a file holding one share, or the JSON keys file \
            `vaultform bootstrap` writes), or asks for them on the terminal without echoing \
            them, until the server's threshold is met. Reports progress (2/3), never a share. \
            A raft node joining its cluster (retry_join) unseals a moment after the threshold \
            is met, once the leader has sent it the keyring: unseal waits up to 60 s for that.

            Examples:
              vaultform unseal --address https://vault.example:8200
              vaultform unseal --key-file /root/vault-keys.json
              vaultform unseal --key-file share-alice --key-file share-bob \\
                --key-file share-carol
            """
    )

    @OptionGroup(title: "Connection options") var connection: ConnectionOptions

    @Option(name: .customLong("key-file"), help: ArgumentHelp("A file with a key share, or bootstrap's keys file; repeatable.", valueName: "file"))
    var keyFiles: [String] = []

    func run() async throws {
        let configuration = try connection.resolve(manifest: nil, environment: ProcessInfo.processInfo.environment)
        let client = try connection.client(for: configuration)
        let keys = try ServerConnection.reportPlain { try keyFiles.flatMap(Self.keys(inFile:)) }
        try await ServerConnection.report(configuration) {
            try await Self.unseal(client: client, keys: keys, prompt: keyFiles.isEmpty)
        }
    }

    /// Enters `keys`, then (when `prompt`) shares typed on the terminal, until unsealed.
    static func unseal(client: VaultClient, keys: [String], prompt: Bool) async throws {
        let status = try await client.sealStatus()
        guard status.initialized else { throw OperatorError("the server is not initialised: run vaultform bootstrap first") }
        guard status.sealed else {
            Terminal.write("The server is already unsealed.\n")
            return
        }
        var pending = keys
        while true {
            let key: String
            if !pending.isEmpty {
                key = pending.removeFirst()
            } else if prompt, isatty(STDIN_FILENO) == 1 {
                guard let typed = readSecret("Unseal key share (not shown): "), !typed.isEmpty else {
                    throw OperatorError("no key share entered; the server stays sealed")
                }
                key = typed
            } else if prompt {
                let now = try await client.sealStatus()
                throw OperatorError(
                    "no --key-file and no terminal to ask for key shares on (standard input is not a terminal); the server stays sealed at \(now.progress)/\(now.threshold): pass --key-file FILE, or run vaultform unseal in a terminal")
            } else {
                let now = try await client.sealStatus()
                throw OperatorError("out of key shares at \(now.progress)/\(now.threshold); the server stays sealed")
            }
            let progress = try await ServerOperator.unseal(client: client, key: key)
            if !progress.sealed {
                Terminal.write("Unsealed.\n")
                return
            }
            if progress.progress == 0 {
                // The threshold was met (the count starts again) and the node is still sealed:
                // a raft node joining its cluster unseals once the leader has sent it the
                // keyring, a moment after answering.
                try await waitForJoin(client: client)
                return
            }
            Terminal.write("unseal: \(progress.progress)/\(progress.threshold)\n")
        }
    }

    /// Waits (at most `limit`) for a node that accepted its key shares to unseal, as a raft
    /// node does once it has joined its cluster and received the keyring.
    static func waitForJoin(client: VaultClient, limit: Duration = .seconds(60)) async throws {
        Terminal.write("unseal: threshold met; the node is joining its raft cluster, waiting for it to unseal\n")
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            try await Task.sleep(for: .milliseconds(250))
            if let status = try? await client.with(retryPolicy: .never).sealStatus(), !status.sealed {
                Terminal.write("Unsealed.\n")
                return
            }
        }
        throw OperatorError(
            "the node accepted the key shares but is still sealed after \(limit.components.seconds)s: it may not reach its cluster's leader (check its retry_join addresses and cluster_addr, and the leader's log)")
    }

    /// Key shares in a file: bootstrap's JSON keys file, or a single share on one line.
    static func keys(inFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw OperatorError("cannot read \(path)") }
        if let json = try? JSONValue(decoding: data), let keys = json["keys_base64"]?.arrayValue?.compactMap(\.stringValue) {
            if json["pgp_encrypted"] == true {
                throw OperatorError("\(path) holds PGP-encrypted shares: each holder decrypts theirs (gpg -d) and enters it")
            }
            return keys
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw OperatorError("\(path) is empty") }
        return [text]
    }

    /// A line typed on the terminal with echo off.
    static func readSecret(_ prompt: String) -> String? {
        Terminal.writeError(prompt)
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            Terminal.writeError("\n")
        }
        return readLine(strippingNewline: true)
    }
}

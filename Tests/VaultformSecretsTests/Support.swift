import Foundation
import TestSupport
import Testing
import VaultWire
import VaultformManifest
import VaultformSecrets

/// Where test fields are "declared".
let here = VaultformManifest.SourceLocation(file: "schema.yaml", line: 1, column: 1)

/// A field of `type` with the given constraints.
func field(
    _ type: SecretFieldType, pattern: String? = nil, minLength: Int? = nil, bytes: Int? = nil,
    keyType: String? = nil, minBits: Int? = nil
) -> SecretField {
    SecretField(name: "value", type: type, pattern: pattern, minLength: minLength, bytes: bytes,
                keyType: keyType, minBits: minBits, location: here)
}

/// Checks `value` against `field`, expects `expected`, and expects the message (if any) not to
/// quote the value. Only the verdict is compared, so a failure never prints the value.
func expectCheck(
    _ value: JSONValue, _ field: SecretField, _ expected: FieldCheck,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let verdict = SecretValues.check(value, against: field)
    #expect(verdict == expected, sourceLocation: sourceLocation)
    if let message = verdict.message {
        let quotes = messageQuotes(message, value)
        #expect(!quotes, "the message quotes the value", sourceLocation: sourceLocation)
    }
}

/// Whether `message` contains `value`, or for a multi-line value any of its lines of 8 or
/// more characters (a PEM body line).
func messageQuotes(_ message: String, _ value: JSONValue) -> Bool {
    let text: String
    switch value {
    case .null, .bool: return false  // "null" and "true" say nothing secret
    case .string(let string): text = string
    default: text = (try? value.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
    if text.isEmpty { return false }
    if message.contains(text) { return true }
    return text.split(whereSeparator: \.isNewline).contains { $0.count >= 8 && message.contains($0) }
}

/// Runs the `openssl` command line; keys go in on standard input, never as arguments.
enum OpenSSL {
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let exitCode: Int32
        // Standard error only: openssl prints diagnostics there, never key material.
        let standardError: String
        var description: String { "openssl \(arguments.joined(separator: " ")) exited \(exitCode): \(standardError)" }
    }

    /// Runs `openssl ARGUMENTS` with `input` on standard input and returns standard output.
    static func run(_ arguments: [String], input: String? = nil) async throws -> String {
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments,
            environment: ProcessRunner.cleanEnvironment, input: input.map { Data($0.utf8) })
        guard result.exitCode == 0 else {
            throw Failure(arguments: arguments, exitCode: result.exitCode, standardError: result.standardError)
        }
        return result.standardOutput
    }

    /// Whether `openssl ARGUMENTS` succeeds with `input` on standard input.
    static func succeeds(_ arguments: [String], input: String) async throws -> Bool {
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments,
            environment: ProcessRunner.cleanEnvironment, input: Data(input.utf8))
        return result.exitCode == 0
    }
}

/// Keys and certificates made by the real `openssl`, once per test run, as users would make them.
struct OpenSSLFixtures: Sendable {
    var rsa2048PKCS8: String
    var rsa2048PKCS1: String
    var rsa2048Public: String
    var rsa2048PublicPKCS1: String
    var rsa1024: String
    var rsa512: String
    var p256PKCS8: String
    var p256SEC1: String
    var p256SEC1Public: String
    var p384PKCS8: String
    var p384Public: String
    var secp256k1SEC1: String
    var secp256k1Public: String
    var ed25519: String
    var ed25519Public: String
    var certificate: String

    /// The fixtures, made on first use.
    static func shared() async throws -> OpenSSLFixtures { try await made.value }

    private static let made = Task { try await make() }

    private static func make() async throws -> OpenSSLFixtures {
        let rsa2048 = try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        let p256SEC1 = try await OpenSSL.run(["ecparam", "-name", "prime256v1", "-genkey", "-noout"])
        let p384 = try await OpenSSL.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])
        let secp256k1 = try await OpenSSL.run(["ecparam", "-name", "secp256k1", "-genkey", "-noout"])
        let ed25519 = try await OpenSSL.run(["genpkey", "-algorithm", "ed25519"])
        return OpenSSLFixtures(
            rsa2048PKCS8: rsa2048,
            rsa2048PKCS1: try await OpenSSL.run(["rsa", "-traditional"], input: rsa2048),
            rsa2048Public: try await OpenSSL.run(["pkey", "-pubout"], input: rsa2048),
            rsa2048PublicPKCS1: try await OpenSSL.run(["rsa", "-RSAPublicKey_out"], input: rsa2048),
            rsa1024: try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
            rsa512: try await OpenSSL.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"]),
            p256PKCS8: try await OpenSSL.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
            p256SEC1: p256SEC1,
            p256SEC1Public: try await OpenSSL.run(["pkey", "-pubout"], input: p256SEC1),
            p384PKCS8: p384,
            p384Public: try await OpenSSL.run(["pkey", "-pubout"], input: p384),
            secp256k1SEC1: secp256k1,
            secp256k1Public: try await OpenSSL.run(["pkey", "-pubout"], input: secp256k1),
            ed25519: ed25519,
            ed25519Public: try await OpenSSL.run(["pkey", "-pubout"], input: ed25519),
            certificate: try await OpenSSL.run([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
                "-subj", "/CN=vaultform-test", "-days", "1",
            ]))
    }
}

/// Runs `python3 -c SCRIPT` with `input` on standard input and returns what it prints, trimmed.
func python(_ script: String, input: String) async throws -> String {
    let result = try await ProcessRunner.run(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script],
        environment: ProcessRunner.cleanEnvironment, input: Data(input.utf8))
    guard result.exitCode == 0 else {
        // The last line of a traceback names the exception; the scripts never print key material.
        let lastLine = result.standardError.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        return "python3 exited \(result.exitCode): \(lastLine)"
    }
    return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
}

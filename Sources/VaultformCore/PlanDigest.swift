import Crypto
import Foundation

/// The integrity check of a saved plan: a digest over everything apply acts on, recorded in
/// the file by `plan -out` and checked by apply before it writes anything.
///
/// The digest covers the file's canonical JSON without the `digest` member: compact, keys
/// sorted, `snake_case`, every value as it decodes (a policy as its canonical HCL). So it
/// covers each operation's address, action, live fingerprint, fields (before, after, what
/// forces a replacement), desired object (for creates, replacements and updates) and secret
/// fills, the `desired_digest`, the server and the manifest path; reformatting the file or
/// reordering its keys changes nothing, any change of meaning changes the digest.
///
/// Keyed with the server's fingerprint key (`vaultform-lock/fingerprint-key`, which only a
/// token that may read it can use) it is `hmac-sha256:HEX`, and only someone who can read that
/// key can forge a plan. A server without that key yet gets `sha256:HEX`, which detects an
/// edit but not an author who recomputes the digest; apply then refuses an unkeyed digest once
/// the server has a key, so a keyed digest cannot be swapped for an unkeyed one.
public enum PlanDigest {
    /// The prefix of a keyed digest.
    public static let keyedPrefix = "hmac-sha256:"
    /// The prefix of an unkeyed digest.
    public static let plainPrefix = "sha256:"

    /// The digest of `file` (its `digest` member left out), keyed when `key` is given.
    public static func of(_ file: PlanFile, key: SymmetricKey?) -> String {
        let body = canonical(file)
        if let key {
            return keyedPrefix + hex(HMAC<SHA256>.authenticationCode(for: body, using: key))
        }
        return plainPrefix + hex(SHA256.hash(data: body))
    }

    /// The bytes the digest covers.
    static func canonical(_ file: PlanFile) -> Data {
        var body = file
        body.digest = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain values, strings and numbers cannot fail; an empty body would make
        // every check fail, never pass.
        return (try? encoder.encode(body)) ?? Data()
    }

    /// Throws `PlanFileError` unless `file.digest` is the digest of its content: keyed with
    /// `key` when the file's digest is keyed, unkeyed only while the server has no key
    /// (`key` nil).
    public static func check(_ file: PlanFile, key: SymmetricKey?) throws {
        guard let recorded = file.digest else {
            throw PlanFileError("the plan file has no digest (it was saved by an older vaultform), so it cannot be checked; make the plan again")
        }
        let edited = "the plan file was changed after it was saved: its digest does not match its content; "
            + "make the plan again with vaultform plan -out"
        if recorded.hasPrefix(keyedPrefix) {
            guard let key else {
                throw PlanFileError(
                    "the plan file's digest is keyed with the server's fingerprint key (\(fingerprintKeyLocation)), which "
                        + "cannot be read with this token or is gone, so the plan cannot be checked; make the plan again")
            }
            guard equal(recorded, of(file, key: key)) else { throw PlanFileError(edited) }
        } else if recorded.hasPrefix(plainPrefix) {
            guard equal(recorded, of(file, key: nil)) else { throw PlanFileError(edited) }
            guard key == nil else {
                throw PlanFileError(
                    "the plan file's digest is not keyed, but the server now has a fingerprint key (\(fingerprintKeyLocation)), "
                        + "with which a plan made now is signed; make the plan again")
            }
        } else {
            throw PlanFileError("the plan file's digest is of an unknown kind; make the plan again")
        }
    }

    /// Where vaultform keeps the key, for messages.
    public static let fingerprintKeyLocation = "vaultform-lock/fingerprint-key"

    /// Compares in time independent of where the texts differ.
    static func equal(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

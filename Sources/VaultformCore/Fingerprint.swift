import Crypto
import Foundation

/// Digests of normalised state: the same meaning always gives the same digest, whatever
/// order or spelling the server or the manifest used.
public enum Fingerprint {
    /// `sha256:HEX` of a resource's normalised fields, or `absent` when it does not exist.
    /// A saved plan records this for every object it touches; apply refuses the plan when
    /// the object's fingerprint has changed since.
    public static func of(_ resource: Resource?) -> String {
        guard let resource else { return "absent" }
        return digest(canonical(resource.fields))
    }

    /// `sha256:HEX` of the whole desired state, so a plan file names the manifest it came from.
    public static func of(_ desired: DesiredState) -> String {
        var text = ""
        for entry in desired.entries { text += entry.address.description + "\n" + canonical(entry.resource.fields) + "\n" }
        for schema in desired.schemas { text += SecretPlanner.digestText(schema) + "\n" }
        return digest(text)
    }

    static func canonical(_ fields: [String: FieldValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let sorted = fields.keys.sorted().map { key in
            let value = (try? encoder.encode(fields[key])).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            return "\(key)=\(value)"
        }
        return sorted.joined(separator: "\n")
    }

    static func digest(_ text: String) -> String {
        "sha256:" + SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

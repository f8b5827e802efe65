import Foundation
import VaultformManifest
import VaultWire

/// The fields of a PKI engine's CA, root or intermediate: its generate parameters, read back
/// from the engine's default issuer (its certificate, parsed with swift-certificates, and its
/// key). Subject, key and lifetime are fixed when the CA is generated: a change replaces it
/// (destroying every certificate it issued), which apply does only with `--allow-destroy`;
/// the issuer's and key's names change in place.
enum PKICAFields {
    /// A field that only generating the CA again changes.
    static func fixedReason(_ field: String) -> String {
        "`\(field)` is fixed when the CA is generated; generating it again invalidates every certificate it issued"
    }

    /// The fields, from the manifest's table: the subject and key fixed, the names in place.
    static let definitions: [FieldDefinition] = PKICASettings.all.map { setting in
        let summary = PKISettingValues.summary(setting)
        switch setting.key {
        // The server refuses to clear a name: an omitted one is left as it is.
        case "issuer_name", "key_name": return .inPlace(setting.key, nil, summary)
        case "usage": return .inPlace(setting.key, freshUsage, summary)
        case "leaf_not_after_behavior": return .inPlace(setting.key, .string("err"), summary)
        // Required, or unmanaged when omitted (the engine's maximum TTL).
        case "common_name", "ttl": return .fixed(setting.key, nil, summary, reason: fixedReason(setting.key))
        case "key_type": return .fixed(setting.key, .string("rsa"), summary, reason: fixedReason(setting.key))
        case "key_bits": return .fixed(setting.key, .integer(2048), summary, reason: fixedReason(setting.key))
        default: return .fixed(setting.key, PKISettingValues.zero(setting.type), summary, reason: fixedReason(setting.key))
        }
    }

    /// A certificate's lifetime is read to the second from two ends cut separately: within 2s
    /// is the same lifetime.
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _: [String: FieldValue]) -> Bool? {
        guard field == "ttl", case .seconds(let want) = desired, case .seconds(let have) = live else { return nil }
        return abs(want - have) <= 2
    }

    /// A new issuer's usage; `read-only` is always there.
    static let freshUsage = FieldValue.unorderedSet(["crl-signing", "issuing-certificates", "ocsp-signing", "read-only"])

    /// The engine's default issuer and its key, as one record (`issuer`, `key`); nil when the
    /// engine has no default issuer, or its certificate is not of the kind wanted (a root
    /// is self-signed, an intermediate is not).
    static func read(mount: String, get: PathGet, selfSigned: Bool) async throws -> JSONValue? {
        guard let config = try await get("\(mount)config/issuers"),
              let id = config["default"]?.stringValue, !id.isEmpty,
              let issuer = try await get("\(mount)issuer/\(id)") else { return nil }
        guard let pem = issuer["certificate"]?.stringValue, let certificate = PKICertificate(pem: pem),
              certificate.selfSigned == selfSigned else { return nil }
        var key: JSONValue = .object([:])
        if let keyID = issuer["key_id"]?.stringValue, !keyID.isEmpty, let found = try await get("\(mount)key/\(keyID)") { key = found }
        var record: [String: JSONValue] = ["issuer": issuer, "key": key]
        if !selfSigned { record["signed_by"] = .string(try await signer(of: issuer, besides: mount, get: get) ?? "") }
        return .object(record)
    }

    /// The PKI engine whose default issuer is in `issuer`'s chain (the root that signed an
    /// intermediate), by path; nil when no engine on the server holds it.
    static func signer(of issuer: JSONValue, besides mount: String, get: PathGet) async throws -> String? {
        let chain = Set((issuer["ca_chain"]?.arrayValue ?? []).compactMap { $0.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) })
        let mounts = try await get("sys/mounts")?.objectValue ?? [:]
        for (path, entry) in mounts.sorted(by: { $0.key < $1.key }) where path != mount && entry["type"]?.stringValue == "pki" {
            guard let id = try await get("\(path)config/issuers")?["default"]?.stringValue, !id.isEmpty,
                  let pem = try await get("\(path)issuer/\(id)")?["certificate"]?.stringValue else { continue }
            if chain.contains(pem.trimmingCharacters(in: .whitespacesAndNewlines)) { return String(path.dropLast()) }
        }
        return nil
    }

    /// The record's fields, as the generate parameters name them.
    static func live(_ record: LiveRecord) -> [String: FieldValue] {
        let issuer = record["issuer"], key = record["key"]
        var fields: [String: FieldValue] = [
            "issuer_name": .string(issuer?["issuer_name"]?.stringValue ?? ""),
            "key_name": .string(key?["key_name"]?.stringValue ?? ""),
            "key_type": .string(key?["key_type"]?.stringValue ?? ""),
            "usage": .unorderedSet((issuer?["usage"]?.stringValue ?? "").split(separator: ",").map(String.init)),
            "leaf_not_after_behavior": .string(issuer?["leaf_not_after_behavior"]?.stringValue ?? "err"),
        ]
        if let signer = record["signed_by"]?.stringValue { fields["signed_by"] = .string(signer) }
        guard let pem = issuer?["certificate"]?.stringValue, let certificate = PKICertificate(pem: pem) else { return fields }
        for (name, _) in PKICertificate.attributes {
            let values = certificate.subject[name] ?? []
            fields[name] = name == "common_name" ? .string(values.first ?? "") : .unorderedSet(values)
        }
        fields["key_bits"] = .integer(certificate.keyBits)
        // State, never compared (no definition names it): what drift's expiry check reads.
        fields[CertificateExpiry.field] = .integer(Int(certificate.notAfter.timeIntervalSince1970))
        fields["ttl"] = .seconds(certificate.ttl)
        return fields
    }

    /// The manifest's settings as fields, the key size a key type gets filled in.
    static func stated(_ settings: [String: PKISetting]) -> [String: FieldValue] {
        var fields = PKISettingValues.stated(settings)
        // The server adds `read-only` to every issuer's usage.
        if case .set(let usage)? = fields["usage"] { fields["usage"] = .unorderedSet(usage + ["read-only"]) }
        if case .string(let type)? = fields["key_type"], fields["key_bits"] == nil || fields["key_bits"] == .integer(0) {
            fields["key_bits"] = .integer(PKISettingValues.defaultKeyBits(type))
        }
        return fields
    }

    /// The generate parameters: every field set, durations as the server's text.
    static func generateBody(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        var body = WireFields.object(fields, PKICASettings.all.map(\.key).filter { !PKICASettings.issuerSettings.contains($0) })
        if let ttl = body["ttl"] { body["ttl"] = WireFields.goDuration(ttl) }
        return body
    }

    /// The writes that change the default issuer and its key in place. A write to an issuer
    /// replaces its settings (one left out returns to its default, a name left out is
    /// cleared), so it carries the name, usage and leaf behaviour the manifest wants.
    static func issuerWrites(_ mount: String, _ changed: [String: FieldValue], desired: [String: FieldValue]) -> [WriteRequest] {
        var requests: [WriteRequest] = []
        if ["issuer_name", "usage", "leaf_not_after_behavior"].contains(where: { changed[$0] != nil }) {
            var body = WireFields.object(desired, ["issuer_name", "leaf_not_after_behavior"])
            if case .set(let usage)? = desired["usage"] { body["usage"] = .string(usage.joined(separator: ",")) }
            requests.append(.post("\(mount)issuer/default", body))
        }
        if case .string(let name)? = changed["key_name"] { requests.append(.post("\(mount)key/default", ["key_name": .string(name)])) }
        return requests
    }
}

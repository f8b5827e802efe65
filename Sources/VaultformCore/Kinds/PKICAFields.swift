import Foundation
import VaultformManifest
import VaultWire

/// The fields of a PKI engine's CA, root or intermediate: its generate parameters, read back
/// from its issuer (its certificate, parsed with swift-certificates, and its key), and the
/// issuer's settings. The CA's issuer is the one with the name the manifest gives, or the
/// engine's default when the manifest gives none or no issuer has it (a rename), so another
/// issuer made the default out of band is not taken for a changed CA. Subject, key and
/// lifetime are fixed when the CA is generated: a change replaces it (destroying every
/// certificate it issued), which apply does only with `--allow-destroy`; the issuer's
/// settings and the names change in place.
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
        // Read back as the manifest gives it once the issuer it names exists: never a change.
        case "rotate": return .inPlace(setting.key, nil, summary)
        case "usage": return .inPlace(setting.key, freshUsage, summary)
        case "leaf_not_after_behavior": return .inPlace(setting.key, .string("err"), summary)
        // The key's own algorithm, which a fresh issuer reads back, is held as "" (automatic).
        case "revocation_signature_algorithm": return .inPlace(setting.key, .string(""), summary)
        case "manual_chain": return .inPlace(setting.key, .list([]), summary)
        case _ where PKICASettings.issuerSettings.contains(setting.key): return .inPlace(setting.key, PKISettingValues.zero(setting.type), summary)
        // Required, or unmanaged when omitted (the engine's maximum TTL).
        case "common_name", "ttl": return .fixed(setting.key, nil, summary, reason: fixedReason(setting.key))
        case "key_type": return .fixed(setting.key, .string("rsa"), summary, reason: fixedReason(setting.key))
        case "key_bits": return .fixed(setting.key, .integer(2048), summary, reason: fixedReason(setting.key))
        default: return .fixed(setting.key, PKISettingValues.zero(setting.type), summary, reason: fixedReason(setting.key))
        }
    }

    /// What a CA's issuer and key read back that no manifest sets.
    static let generated = [
        "certificate", "serial_number", "issuer_id", "key_id", "expiration", "ca_chain", "subject_key_id",
        "revoked and revocation_time* (revoking an issuer cannot be undone)",
    ]

    /// A certificate's lifetime as asked: the server fixes its end when it reads the request
    /// and starts it 30s before the moment it signs, after generating the key, so the span
    /// falls short by however long that took (3s seen on a loaded machine; longer for big RSA
    /// keys), and each end is cut to whole seconds. Up to `generationAllowance` short, or 2s
    /// long, is the same lifetime.
    static func sameValue(_ field: String, _ desired: FieldValue, _ live: FieldValue, _: [String: FieldValue]) -> Bool? {
        guard field == "ttl", case .seconds(let want) = desired, case .seconds(let have) = live else { return nil }
        return have - want <= 2 && want - have <= generationAllowance
    }

    /// How much shorter than asked a CA's lifetime may read back: the time the server may
    /// spend generating its key.
    static let generationAllowance = 300

    /// A new issuer's usage; `read-only` is always there.
    static let freshUsage = FieldValue.unorderedSet(["crl-signing", "issuing-certificates", "ocsp-signing", "read-only"])

    /// The CA's issuer and its key, as one record (`issuer`, `key`, and `names`: each issuer's
    /// name by ID, for its manual chain): the issuer with the name the manifest gives, else
    /// the engine's default. nil when neither is of the kind wanted (a root is self-signed, an
    /// intermediate is not). An unknown issuer name is not asked for by name: the server
    /// answers that with a 500, so the names come from one LIST.
    static func read(_ reads: MountReads, selfSigned: Bool) async throws -> JSONValue? {
        let mount = reads.mount
        let info = try await reads.list("\(mount)issuers")?["key_info"]?.objectValue ?? [:]
        var candidates: [String] = []
        var named = false
        if case .string(let name)? = reads.desired?.fields["issuer_name"], !name.isEmpty {
            candidates += info.keys.sorted().filter { info[$0]?["issuer_name"]?.stringValue?.hasSameBytes(as: name) == true }
            named = !candidates.isEmpty
        }
        // A rotation's new issuer is not there yet: the CA is absent (to be generated), not
        // the old issuer under another name.
        var rotate: String?
        if case .string(let old)? = reads.desired?.fields["rotate"], !old.isEmpty { rotate = old }
        if rotate == nil || named, let id = try await reads.get("\(mount)config/issuers")?["default"]?.stringValue, !id.isEmpty {
            candidates.append(id)
        }
        for (index, id) in candidates.enumerated() {
            guard let issuer = try await reads.get("\(mount)issuer/\(id)"),
                  let pem = issuer["certificate"]?.stringValue, let certificate = PKICertificate(pem: pem),
                  certificate.selfSigned == selfSigned else { continue }
            var key: JSONValue = .object([:])
            if let keyID = issuer["key_id"]?.stringValue, !keyID.isEmpty, let found = try await reads.get("\(mount)key/\(keyID)") { key = found }
            var record: [String: JSONValue] = [
                "issuer": issuer, "key": key, "names": .object(info.mapValues { .string($0["issuer_name"]?.stringValue ?? "") }),
            ]
            if !selfSigned { record["signed_by"] = .string(try await signer(of: issuer, besides: mount, reads: reads) ?? "") }
            // Found by its name, the rotation the manifest asks for is done.
            if named, index == 0, let rotate { record["rotate"] = .string(rotate) }
            return .object(record)
        }
        return nil
    }

    /// The PKI engine holding an issuer in `issuer`'s chain (the root that signed an
    /// intermediate), by path; nil when no engine on the server holds one. Every issuer of
    /// each engine is looked at, not only its default.
    static func signer(of issuer: JSONValue, besides mount: String, reads: MountReads) async throws -> String? {
        let chain = Set((issuer["ca_chain"]?.arrayValue ?? []).compactMap { $0.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) })
        let mounts = try await reads.get("sys/mounts")?.objectValue ?? [:]
        for (path, entry) in mounts.sorted(by: { $0.key < $1.key }) where path != mount && entry["type"]?.stringValue == "pki" {
            let ids = WireFields.strings(try await reads.list("\(path)issuers")?["keys"])
            for id in ids {
                guard let pem = try await reads.get("\(path)issuer/\(id)")?["certificate"]?.stringValue else { continue }
                if chain.contains(pem.trimmingCharacters(in: .whitespacesAndNewlines)) { return String(path.dropLast()) }
            }
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
            "enable_aia_url_templating": .boolean(issuer?["enable_aia_url_templating"]?.boolValue ?? false),
        ]
        for url in ["issuing_certificates", "crl_distribution_points", "delta_crl_distribution_points", "ocsp_servers"] {
            fields[url] = .unorderedSet(WireFields.strings(issuer?[url]))
        }
        fields["manual_chain"] = .list(manualChain(record))
        if let signer = record["signed_by"]?.stringValue { fields["signed_by"] = .string(signer) }
        if let rotate = record["rotate"]?.stringValue { fields["rotate"] = .string(rotate) }
        guard let pem = issuer?["certificate"]?.stringValue, let certificate = PKICertificate(pem: pem) else { return fields }
        let algorithm = issuer?["revocation_signature_algorithm"]?.stringValue ?? ""
        fields["revocation_signature_algorithm"] = .string(
            revocationAlgorithm(algorithm, keyType: key?["key_type"]?.stringValue ?? "", keyBits: certificate.keyBits))
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

    /// The manual chain as the manifest names it: the issuer itself as `self`, the others by
    /// name (by ID when they have none). The server answers IDs.
    static func manualChain(_ record: LiveRecord) -> [String] {
        let own = record["issuer"]?["issuer_id"]?.stringValue ?? ""
        return WireFields.strings(record["issuer"]?["manual_chain"]).enumerated().map { index, id in
            if index == 0, id.hasSameBytes(as: own) { return "self" }
            if let name = record["names"]?[id]?.stringValue, !name.isEmpty { return name }
            return id
        }
    }

    /// A revocation signature algorithm as compared: lower-cased (the server parses it so),
    /// and "" (automatic) for the key's own algorithm, which a fresh issuer reads back.
    static func revocationAlgorithm(_ name: String, keyType: String, keyBits: Int) -> String {
        let lowered = name.lowercased()
        let own: String
        switch keyType {
        case "rsa": own = "sha256withrsa"
        case "ec": own = keyBits >= 521 ? "ecdsawithsha512" : keyBits >= 384 ? "ecdsawithsha384" : "ecdsawithsha256"
        case "ed25519": own = "ed25519"
        default: own = ""
        }
        return lowered == own ? "" : lowered
    }

    /// The manifest's settings as fields, the key size a key type gets filled in.
    static func stated(_ settings: [String: PKISetting]) -> [String: FieldValue] {
        var fields = PKISettingValues.stated(settings)
        // In order, the issuer itself as `self` (by name too).
        if case .texts(let chain)? = settings["manual_chain"] {
            var ownName = ""
            if case .text(let name)? = settings["issuer_name"] { ownName = name }
            fields["manual_chain"] = .list(chain.enumerated().map { index, item in
                index == 0 && !ownName.isEmpty && item.hasSameBytes(as: ownName) ? "self" : item
            })
        }
        // The server adds `read-only` to every issuer's usage.
        if case .set(let usage)? = fields["usage"] { fields["usage"] = .unorderedSet(usage + ["read-only"]) }
        if case .string(let type)? = fields["key_type"], fields["key_bits"] == nil || fields["key_bits"] == .integer(0) {
            fields["key_bits"] = .integer(PKISettingValues.defaultKeyBits(type))
        }
        if case .string(let algorithm)? = fields["revocation_signature_algorithm"] {
            var keyBits = 0
            if case .integer(let bits)? = fields["key_bits"] { keyBits = bits }
            var keyType = "rsa"
            if case .string(let type)? = fields["key_type"] { keyType = type }
            fields["revocation_signature_algorithm"] = .string(revocationAlgorithm(algorithm, keyType: keyType, keyBits: keyBits))
        }
        return fields
    }

    /// The generate parameters: every field set, durations as the server's text.
    static func generateBody(_ fields: [String: FieldValue]) -> [String: JSONValue] {
        var body = WireFields.object(fields, PKICASettings.all.map(\.key).filter {
            !PKICASettings.issuerSettings.contains($0) && !PKICASettings.markers.contains($0)
        })
        if let ttl = body["ttl"] { body["ttl"] = WireFields.goDuration(ttl) }
        return body
    }

    /// The writes that change the CA's issuer and its key in place. OpenBao 2.7 writes an
    /// issuer in two halves: a POST replaces every setting (one left out returns to its
    /// default, a name left out is cleared) but never stores `delta_crl_distribution_points`;
    /// a PATCH stores that, but turns `enable_aia_url_templating` on whatever it is given.
    /// So a POST carries every setting (the manifest's, the fresh value of one it leaves out,
    /// and the name the issuer has when the manifest gives none, read just before), then a
    /// PATCH the delta CRL URLs. The issuer is named by the name the manifest gives when it is
    /// not changing (the CA was found by it), else it is the engine's default (the CA was
    /// found as the default). A key is renamed by the ID the issuer's answer gives.
    /// `justMade` is the member of the previous answer holding the ID of the issuer the
    /// operation just generated or imported (its issuer then, whichever is the default);
    /// each request after the first names the issuer by the ID the one before answered.
    static func issuerWrites(
        _ mount: String, _ changed: [String: FieldValue], desired: [String: FieldValue], justMade: String? = nil
    ) -> [WriteRequest] {
        let issuerChange = changed.keys.contains { $0 == "issuer_name" || PKICASettings.issuerSettings.contains($0) }
        guard issuerChange || changed["key_name"] != nil else { return [] }
        var reference = "default"
        if changed["issuer_name"] == nil, case .string(let name)? = desired["issuer_name"], !name.isEmpty { reference = name }
        // The first request names the issuer; the others by the ID the one before answered.
        let first: (path: String, fromAnswer: String?) = justMade.map { ("\(mount)issuer/", $0) } ?? ("\(mount)issuer/\(reference)", nil)
        let next: (path: String, fromAnswer: String?) = ("\(mount)issuer/", "issuer_id")
        var body: [String: JSONValue] = [:]
        for definition in definitions where PKICASettings.issuerSettings.contains(definition.name) {
            switch desired[definition.name] ?? definition.fresh {
            case .set(let items)?, .list(let items)?: body[definition.name] = .array(items.map(JSONValue.string))
            case let value?: body[definition.name] = WireFields.json(value)
            case nil: break
            }
        }
        if case .set(let usage) = desired["usage"] ?? freshUsage { body["usage"] = .string(usage.joined(separator: ",")) }
        let delta = body.removeValue(forKey: "delta_crl_distribution_points") ?? .array([])
        var requests: [WriteRequest]
        if case .string(let name)? = desired["issuer_name"] {
            body["issuer_name"] = .string(name)
            requests = [WriteRequest(method: .post, path: first.path, body: .object(body), pathFromPreviousAnswer: first.fromAnswer)]
        } else {
            requests = [
                WriteRequest(method: .get, path: first.path, pathFromPreviousAnswer: first.fromAnswer),
                WriteRequest(
                    method: .post, path: next.path, body: .object(body), fromPreviousAnswer: ["issuer_name": ["issuer_name"]],
                    pathFromPreviousAnswer: next.fromAnswer),
            ]
        }
        requests.append(WriteRequest(
            method: .patch, path: next.path, body: .object(["delta_crl_distribution_points": delta]), pathFromPreviousAnswer: next.fromAnswer))
        if case .string(let name)? = changed["key_name"] {
            requests.append(WriteRequest(
                method: .post, path: "\(mount)key/", body: .object(["key_name": .string(name)]), pathFromPreviousAnswer: "key_id"))
        }
        return requests
    }
}

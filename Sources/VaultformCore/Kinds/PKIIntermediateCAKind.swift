import VaultformManifest
import VaultPath
import VaultWire

/// An intermediate CA of a PKI engine, signed by another engine's root CA, one per engine
/// and addressed by the engine's path. Created once, in three writes whose answers feed the
/// next (`WriteRequest.fromPreviousAnswer`): the engine generates its key and a CSR, the
/// root signs it (with the issuer the root's manifest entry names), the engine takes the
/// signed certificate with the root's. Read back from
/// its issuer like a root; which engine signed it is found by the root's
/// certificate in the issuer's chain.
enum PKIIntermediateCAKind {
    static let definition = KindDefinition(
        kind: .pkiIntermediateCA, noun: "PKI intermediate CA", section: "pki_intermediate_cas",
        endpoint: "MOUNT/intermediate/generate/internal", mount: .secretsEngine, holds: { $0.isMount(ofType: "pki") },
        fields: [
            .fixed("signed_by", nil, "the PKI engine whose root CA signs it", reason: PKICAFields.fixedReason("signed_by")),
        ] + PKICAFields.definitions,
        generated: PKICAFields.generated,
        destructionLosesData: true,
        sameValue: PKICAFields.sameValue,
        reading: .perMountAssembled(
            paths: "`LIST MOUNTissuers` for the issuer the manifest names, else `GET MOUNTconfig/issuers` for the default, then `GET MOUNTissuer/ID` (a certificate another engine's root signed) and `GET MOUNTkey/ID`; the signer by its certificate in the chain",
            read: { try await PKICAFields.read($0, selfSigned: false) }),
        stated: { manifest in manifest.pkiIntermediateCAs.map { stated($0, manifest) } },
        live: { Resource($0.address, fields: PKICAFields.live($0)) },
        create: create,
        update: { desired, changed in PKICAFields.issuerWrites(desired.address.name, changed, desired: desired.fields) },
        delete: { [.delete("\($0.name)root")] },
        export: ExportForm(file: "pki_intermediate_cas.yaml", note: "Intermediate CAs of PKI engines, as their generate parameters and signer (the private key stays in the server).") { ca, _ in
            ManifestEntry.fields(ca, identity: [.init("mount", .text(MountPath.withoutSlash(ca.address.name)))])
        })

    /// Generate the key and CSR, have the root sign it, set the signed certificate (with the
    /// root's, so the chain is complete), then name the issuer.
    static func create(_ ca: Resource) -> [WriteRequest] {
        let mount = ca.address.name
        guard case .string(let signer)? = ca.fields["signed_by"] else { return [] }
        // The root's issuer the manifest names (after a rotation, the new one), else its default.
        var signPath = "root/sign-intermediate"
        if let issuer = ca.payload?[signingIssuer]?.stringValue, !issuer.isEmpty { signPath = "issuer/\(issuer)/sign-intermediate" }
        let parameters = PKICAFields.generateBody(ca.fields)
        var generate = parameters.filter { $0.key != "ttl" && $0.key != "issuer_name" }
        generate["format"] = .string("pem")
        var sign = parameters.filter { $0.key != "key_name" && $0.key != "issuer_name" && $0.key != "key_type" && $0.key != "key_bits" }
        sign["format"] = .string("pem")
        sign["use_csr_values"] = .bool(true)
        var requests: [WriteRequest] = [
            .post("\(mount)intermediate/generate/internal", generate, idempotent: false),
            WriteRequest(
                method: .post, path: MountPath.withSlash(signer) + signPath, body: .object(sign), idempotent: false,
                fromPreviousAnswer: ["csr": ["csr"]]),
            WriteRequest(
                method: .post, path: "\(mount)intermediate/set-signed", body: .object([:]),
                fromPreviousAnswer: ["certificate": ["certificate", "issuing_ca"]]),
        ]
        requests += PKICAFields.issuerWrites(
            mount, ca.fields.filter { $0.key == "issuer_name" || PKICASettings.issuerSettings.contains($0.key) }, desired: ca.fields,
            justMade: "mapping")
        return requests
    }

    /// The payload member naming the root's issuer that signs. It steers the create only, so
    /// it is never a field: a root rotated later does not make the intermediates it signed
    /// before differ.
    static let signingIssuer = "signing_issuer"

    static func stated(_ ca: PKIIntermediateCA, _ manifest: Manifest) -> StatedResource {
        var fields = PKICAFields.stated(ca.settings)
        fields["signed_by"] = .string(MountPath.withoutSlash(ca.signedBy.value))
        var payload: JSONValue?
        if let root = manifest.pkiRootCAs.first(where: { $0.mount.value == ca.signedBy.value }),
           case .text(let issuer)? = root.settings["issuer_name"] {
            payload = .object([signingIssuer: .string(issuer)])
        }
        let resource = Resource(Address(.pkiIntermediateCA, MountPath.withSlash(ca.mount.value)), fields: fields, payload: payload)
        return StatedResource(resource, ca.location, ignored: ca.ignoreFields)
    }
}

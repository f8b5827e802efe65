import VaultformManifest
import VaultPath

/// A root CA generated inside a PKI engine (`MOUNT/root/generate/internal`), one per
/// engine, addressed by the engine's path. It is generated once: reading it back reads the
/// issuer the manifest names (else the engine's default issuer), and a plan never generates it again unless its subject, key or
/// lifetime changed, which is a destructive replace (`DELETE MOUNT/root`, then generate).
enum PKIRootCAKind {
    static let definition = KindDefinition(
        kind: .pkiRootCA, noun: "PKI root CA", section: "pki_root_cas", endpoint: "MOUNT/root/generate/internal",
        mount: .secretsEngine, holds: { $0.isMount(ofType: "pki") },
        fields: PKICAFields.definitions,
        generated: PKICAFields.generated,
        destructionLosesData: true,
        sameValue: PKICAFields.sameValue,
        reading: .perMountAssembled(
            paths: "`LIST MOUNTissuers` for the issuer the manifest names, else `GET MOUNTconfig/issuers` for the default, then `GET MOUNTissuer/ID` (a self-signed certificate) and `GET MOUNTkey/ID`",
            read: { try await PKICAFields.read($0, selfSigned: true) }),
        stated: { manifest in manifest.pkiRootCAs.map(stated) },
        live: { Resource($0.address, fields: PKICAFields.live($0)) },
        // Generating twice makes two CAs: never repeated after a timeout.
        create: { ca in
            [.post("\(ca.address.name)root/generate/internal", PKICAFields.generateBody(ca.fields), idempotent: false)]
                + PKICAFields.issuerWrites(
                    ca.address.name, ca.fields.filter { PKICASettings.issuerSettings.contains($0.key) }, desired: ca.fields, justMade: "issuer_id")
        },
        update: { desired, changed in PKICAFields.issuerWrites(desired.address.name, changed, desired: desired.fields) },
        delete: { [.delete("\($0.name)root")] },
        export: ExportForm(file: "pki_root_cas.yaml", note: "Root CAs of PKI engines, as their generate parameters (the private key stays in the server).") { ca, _ in
            ManifestEntry.fields(ca, identity: [.init("mount", .text(MountPath.withoutSlash(ca.address.name)))])
        })

    static func stated(_ ca: PKIRootCA) -> StatedResource {
        let resource = Resource(Address(.pkiRootCA, MountPath.withSlash(ca.mount.value)), fields: PKICAFields.stated(ca.settings))
        return StatedResource(resource, ca.location, ignored: ca.ignoreFields)
    }
}

import Foundation
import VaultformManifest
import VaultPath

/// A Kubernetes auth method's config (`auth/MOUNT/config`): where the Kubernetes API is and
/// how service-account JWTs are checked. One per mount, absent until written, with no
/// delete of its own (it goes with its mount). A write replaces the whole config (the
/// plugin builds a new one from the request; a field left out returns to its default), so
/// every update sends every field.
enum KubernetesConfigKind {
    static let definition = KindDefinition(
        kind: .kubernetesConfig, noun: "Kubernetes auth config", section: "kubernetes_configs",
        endpoint: "auth/MOUNT/config", mount: .authMethod, holds: { $0.isMount(ofType: "kubernetes") },
        fields: [
            .inPlace("kubernetes_host", nil, "the Kubernetes API's URL (or host, or host:port)"),
            .inPlace("kubernetes_ca_cert", .string(""), "PEM CA certificates for the API's TLS; compared by the certificates in it"),
            .inPlace("pem_keys", .set([]), "PEM public keys or certificates that verify service-account JWTs; compared by key"),
            .inPlace("issuer", .string(""), "the JWT issuer checked when issuer validation is on (deprecated)"),
            .inPlace("disable_iss_validation", .boolean(true), "the JWT issuer is not checked (deprecated)"),
            .inPlace("disable_local_ca_jwt", .boolean(false), "the pod's own CA and service-account JWT are not used"),
            .writeOnly("token_reviewer_jwt", "a JWT allowed to call the TokenReview API, from its source; omitted: the client's own"),
        ],
        generated: ["token_reviewer_jwt_set (whether a token_reviewer_jwt is set: it is never read back)"],
        destructionLosesData: false, writesWhole: true,
        sameValue: { field, desired, live, _ in
            switch field {
            case "kubernetes_ca_cert": PEMFields.sameCertificates(desired, live, ordered: false)
            case "pem_keys": PEMFields.sameKeys(desired, live)
            default: nil
            }
        },
        reading: .perMount(path: "auth/MOUNTconfig"),
        stated: { manifest in manifest.kubernetesConfigs.map(stated) },
        live: { record in
            var fields: [String: FieldValue] = [:]
            for key in ["kubernetes_host", "kubernetes_ca_cert", "issuer"] { fields[key] = .string(record[key]?.stringValue ?? "") }
            fields["pem_keys"] = keys(WireFields.strings(record["pem_keys"]))
            fields["disable_iss_validation"] = .boolean(record["disable_iss_validation"]?.boolValue ?? true)
            fields["disable_local_ca_jwt"] = .boolean(record["disable_local_ca_jwt"]?.boolValue ?? false)
            return Resource(record.address, fields: fields)
        },
        create: { [.post(path($0.address), WireFields.object($0.fields))] },
        // The whole config on every write: what the manifest leaves out goes back to its default.
        update: { desired, _ in [.post(path(desired.address), WireFields.object(desired.fields))] },
        // Goes with its mount: the endpoint has no delete.
        delete: { _ in [] },
        export: ExportForm(file: "kubernetes_configs.yaml", note: "Configs of Kubernetes auth methods.") { config, _ in
            ManifestEntry.fields(config, identity: [.init("mount", .text(MountPath.withoutSlash(config.address.name)))])
        })

    static func path(_ address: Address) -> String { "auth/\(address.name)config" }

    /// `pem_keys` as the server stores them: each trimmed (a comma-separated list's items are).
    static func keys(_ texts: [String]) -> FieldValue {
        .unorderedSet(texts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    static func stated(_ config: KubernetesConfig) -> StatedResource {
        var fields: [String: FieldValue] = ["kubernetes_host": .string(config.kubernetesHost)]
        if let cert = config.kubernetesCACert { fields["kubernetes_ca_cert"] = .string(cert) }
        if let keys = config.pemKeys { fields["pem_keys"] = self.keys(keys) }
        if let issuer = config.issuer { fields["issuer"] = .string(issuer) }
        if let flag = config.disableISSValidation { fields["disable_iss_validation"] = .boolean(flag) }
        if let flag = config.disableLocalCAJWT { fields["disable_local_ca_jwt"] = .boolean(flag) }
        if let source = config.tokenReviewerJWT { fields["token_reviewer_jwt"] = .writeOnly(WriteOnlyValue(source: source)) }
        let address = Address(.kubernetesConfig, MountPath.withSlash(config.mount.value))
        return StatedResource(Resource(address, fields: fields), config.location)
    }
}

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
            FieldDefinition.inPlace(
                "token_reviewer_jwt_set", .boolean(false),
                "whether a reviewer JWT is set, as the server reports it: true exactly when the manifest gives `token_reviewer_jwt`, so one set or cleared out of band is drift"
            ).stateOnly,
        ],
        generated: [],
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
            fields["token_reviewer_jwt_set"] = .boolean(record["token_reviewer_jwt_set"]?.boolValue ?? false)
            return Resource(record.address, fields: fields)
        },
        create: { [write($0)] },
        // The whole config on every write: what the manifest leaves out goes back to its default.
        update: { desired, _ in [write(desired)] },
        // Goes with its mount: the endpoint has no delete.
        delete: { _ in [] },
        export: ExportForm(file: "kubernetes_configs.yaml", note: "Configs of Kubernetes auth methods.") { config, _ in
            ManifestEntry.fields(config, identity: [.init("mount", .text(MountPath.withoutSlash(config.address.name)))])
        })

    static func path(_ address: Address) -> String { "auth/\(address.name)config" }

    /// The config's write: every field but `token_reviewer_jwt_set`, which the server reports
    /// and the write of `token_reviewer_jwt` (or its absence) decides.
    static func write(_ config: Resource) -> WriteRequest {
        .post(path(config.address), WireFields.object(config.fields.filter { $0.key != "token_reviewer_jwt_set" }))
    }

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
        if let source = config.tokenReviewerJWT {
            fields["token_reviewer_jwt"] = .writeOnly(WriteOnlyValue(source: source))
            fields["token_reviewer_jwt_set"] = .boolean(true)
        }
        let address = Address(.kubernetesConfig, MountPath.withSlash(config.mount.value))
        return StatedResource(Resource(address, fields: fields), config.location)
    }
}

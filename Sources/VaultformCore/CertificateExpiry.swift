import Foundation
import VaultformManifest

/// CAs whose certificate expires soon: `vaultform drift --expiry-warning 30d` reports each CA
/// (root or intermediate) the manifest declares whose certificate ends within the window as a
/// finding, so the check exits as drift. The end of validity is read from the certificate
/// with swift-certificates (`PKICertificate`) when the CA is read.
public enum CertificateExpiry {
    /// The live field that holds a CA certificate's end of validity, in seconds since 1970:
    /// state, named by no definition, so never compared or exported.
    public static let field = "not_after"

    /// A warning for each object in `live` whose certificate ends within `window` seconds of
    /// `now` (or has ended), by address.
    public static func findings(_ live: [Address: Resource], window: Int, now: Date = Date()) -> [Finding] {
        live.values.sorted { $0.address < $1.address }.compactMap { resource in
            guard case .integer(let end)? = resource.fields[field] else { return nil }
            let remaining = end - Int(now.timeIntervalSince1970)
            guard remaining <= window else { return nil }
            let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(end)))
            let noun = resource.address.kind.definition.noun
            let message = remaining <= 0
                ? "the \(noun)'s certificate expired at \(date)"
                : "the \(noun)'s certificate expires at \(date), in \(TimeSpan.format(remaining)), within the expiry warning window of \(TimeSpan.format(window))"
            return Finding(
                .warning, resource.address, message,
                hint: "replace the CA, or issue a new issuer, before it expires")
        }
    }
}

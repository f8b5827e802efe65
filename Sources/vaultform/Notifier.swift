import Crypto
import Foundation
import VaultAPI
import VaultformRender

/// Posts a drift report to a webhook: the JSON report (docs/drift-json.md) or a Slack
/// incoming-webhook body. With a signing secret, the body is signed like GitHub's webhooks:
/// `X-Vaultform-Signature-256: sha256=HEX(HMAC-SHA256(secret, body))`. Reports hold no
/// secret value (secret fields appear only as shape and fingerprint).
struct Notifier {
    enum Format: String, CaseIterable {
        case json, slack
    }

    let url: URL
    let format: Format
    let signingSecret: String?

    /// The header that carries the signature.
    static let signatureHeader = "X-Vaultform-Signature-256"

    /// The body for a report.
    func body(_ report: DriftReport) -> Data {
        switch format {
        case .json:
            return Data(report.json().utf8)
        case .slack:
            let payload: JSONValue = ["text": .string(Self.slackText(report))]
            return (try? payload.encoded()) ?? Data("{}".utf8)
        }
    }

    /// `sha256=HEX` of the body, keyed with the signing secret.
    static func signature(_ body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Sends the report; throws with a clear reason when the receiver cannot be reached or
    /// answers with anything but 2xx.
    func send(_ report: DriftReport, timeout: Duration = .seconds(10)) async throws {
        let shown = Self.display(url)
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host else {
            throw NotifyError("the webhook URL (\(shown)) is not an http(s) URL")
        }
        var origin = URLComponents()
        origin.scheme = scheme
        origin.host = host
        origin.port = url.port
        guard let base = origin.url else { throw NotifyError("the webhook URL (\(shown)) is not a usable URL") }
        do {
            try await post(report, to: base, timeout: timeout)
        } catch let error as HTTPTransportError {
            // The transport names the URL it failed on, path included; say only where.
            throw NotifyError("\(error.code) at \(shown): \(redacted(error.detail))")
        }
    }

    /// The webhook as messages show it: scheme, host and port only. A webhook's path is often
    /// its secret (Slack's `/services/T…/B…/…`), so no message or log carries it.
    static func display(_ url: URL) -> String {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return "an unusable URL" }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// `text` without the URL's path, query or user information, should libcurl quote them.
    private func redacted(_ text: String) -> String {
        var text = text
        for part in [url.query, url.path, url.user, url.password].compactMap({ $0 }) where part.count > 1 {
            text = text.replacingOccurrences(of: part, with: "…")
        }
        return text
    }

    private func post(_ report: DriftReport, to base: URL, timeout: Duration) async throws {
        let transport = try CurlTransport(baseURL: base, tls: TLSOptions(), maxConcurrentTransfers: 1)
        let body = body(report)
        var headers: HTTPHeaders = ["Content-Type": "application/json", "User-Agent": "vaultform/\(Vaultform.version)"]
        if let signingSecret, !signingSecret.isEmpty {
            headers.add(name: Self.signatureHeader, value: Self.signature(body, secret: signingSecret))
        }
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let response = try await transport.send(HTTPRequest(method: .post, path: path, headers: headers, body: body, timeout: timeout))
        guard (200..<300).contains(response.status) else {
            throw NotifyError("the receiver answered HTTP \(response.status)")
        }
    }

    /// One line of status, then one line per drifted object with its changed fields.
    static func slackText(_ report: DriftReport) -> String {
        let server = report.server ?? "the server"
        switch report.status {
        case .inSync:
            return ":white_check_mark: vaultform drift: \(server) matches \(report.manifest)."
        case .error:
            return ":x: vaultform drift: the check of \(server) failed: \(report.error ?? "unknown error")"
        case .drift:
            var lines = [":warning: vaultform drift: \(server) differs from \(report.manifest):"]
            for operation in report.plan?.operations ?? [] {
                let fields = operation.changes.map(\.field)
                lines.append("• `\(operation.address)` \(operation.action.name)" + (fields.isEmpty ? "" : ": " + fields.joined(separator: ", ")))
            }
            for finding in report.plan?.findings ?? [] {
                lines.append("• `\(finding.address)` \(finding.severity.rawValue): \(finding.message)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// Why a notification was not delivered.
struct NotifyError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

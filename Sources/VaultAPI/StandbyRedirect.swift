import Foundation

/// Whether to follow a redirect, decided without a network so it can be tested alone.
///
/// How Vault and OpenBao answer on a node that is not the active one (Vault's "High
/// availability" and "Performance standby" documentation):
/// - A standby node forwards each request to the active node over the cluster port and
///   returns the active node's answer; the client sees nothing special.
/// - When forwarding is off, fails, or the request carries `X-Vault-No-Request-Forwarding`, the
///   standby answers `307 Temporary Redirect` with `Location` set to the active node's
///   `api_addr` plus the request URI. Vault's own client follows one such redirect for the
///   same method and body, refusing an https → http downgrade.
/// - A performance standby (Vault Enterprise) serves reads itself and forwards writes; it
///   ignores `X-Vault-No-Request-Forwarding`. Nothing to do on the client's side.
/// - `sys/health` reports the role through its status: 429 standby, 473 performance standby,
///   472 DR secondary, 474 standby that cannot reach the active node, 501 not initialised,
///   503 sealed (530 removed from the cluster, Vault 1.19+). `health()` asks for 200 in every
///   case and reads the flags from the body instead.
///
/// vaultform follows 307 and 308 (which keep the method and body) for every method, since the
/// standby did not act on the request; only to the same scheme (so a token sent over TLS is
/// never sent in clear, and an http setup is not silently upgraded to a different listener),
/// to plain http only on a loopback host (the rule the configured address obeys) unless
/// `--allow-insecure-http` was given, to a URL without credentials, and at most
/// `RetryPolicy.maxRedirects` times. The token goes with the request to the new origin, since
/// the active node is another origin by design (its `api_addr`); the rules above are what make
/// that safe. Other redirects (301, 302, 303) are not Vault's and are reported rather than
/// followed. Every decision is made before anything is sent to the new origin.
public enum StandbyRedirect: Sendable, Hashable {
    /// Send the same request to `origin` (scheme, host and port) at `path` (percent-encoded,
    /// with any query), as the `Location` named.
    case follow(origin: URL, path: String)
    /// Do not follow; the reason is shown to the user.
    case refuse(String)

    /// The decision for a response, or nil when the response is not a redirect.
    /// - Parameters:
    ///   - status: the response's status.
    ///   - location: its `Location` header, if any.
    ///   - requested: the full URL that was requested (to resolve a relative `Location`).
    ///   - followed: redirects already followed for this request.
    ///   - limit: the most redirects one request may follow.
    ///   - allowInsecureHTTP: whether plain http to a host that is not loopback is allowed
    ///     (`--allow-insecure-http`); without it such a redirect is refused.
    public static func decide(
        status: Int, location: String?, requested: URL, followed: Int, limit: Int, allowInsecureHTTP: Bool = false
    ) -> StandbyRedirect? {
        guard (300..<400).contains(status), status != 304 else { return nil }
        guard status == 307 || status == 308 else {
            return .refuse("the server answered with a redirect (HTTP \(status)) that Vault does not send; not followed")
        }
        guard let location, !location.isEmpty else {
            return .refuse("the standby's redirect (HTTP \(status)) has no Location")
        }
        guard let target = URL(string: location, relativeTo: requested)?.absoluteURL,
            let components = URLComponents(url: target, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else {
            return .refuse("the standby's redirect (HTTP \(status)) names an unusable Location")
        }
        let from = requested.scheme?.lowercased() ?? ""
        guard scheme == from else {
            return .refuse("the standby redirected from \(from) to \(Self.origin(scheme, host, components.port)), a change of scheme; not followed")
        }
        guard scheme != "http" || allowInsecureHTTP || ConnectionConfiguration.isLoopback(host: host) else {
            return .refuse(
                "the standby redirected to \(Self.origin(scheme, host, components.port)), plain http:// to a host that is not loopback, which would send the token unencrypted; not followed (give the cluster an https:// api_addr, or pass --allow-insecure-http)")
        }
        guard components.user == nil, components.password == nil else {
            return .refuse("the standby's redirect carries credentials in its URL; not followed")
        }
        guard followed < limit else {
            return .refuse("the request was redirected more than \(limit) times; the cluster may have no active node")
        }
        var originParts = URLComponents()
        originParts.scheme = scheme
        originParts.host = host
        originParts.port = components.port
        guard let origin = originParts.url else {
            return .refuse("the standby's redirect (HTTP \(status)) names an unusable Location")
        }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        return .follow(origin: origin, path: path)
    }

    /// `scheme://host[:port]`, for messages and logs: never a path, a query or credentials.
    static func origin(_ scheme: String, _ host: String, _ port: Int?) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(port.map { ":\($0)" } ?? "")"
    }
}

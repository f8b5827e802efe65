import Foundation
import VaultPath

extension VaultClient {
    /// Where one attempt goes: the configured server, or the active node a standby named.
    struct Target: Sendable {
        /// The node to send to instead of the base URL; nil for the base URL.
        var origin: URL?
        /// The request path with its query, percent-encoded, beginning with `/`.
        var path: String
        /// Redirects followed to get here.
        var redirects: Int
    }

    /// What stays the same across the attempts of one request: the headers, the body, and
    /// how the request is named in logs and errors (with the token redacted, should a path
    /// ever contain it).
    struct Exchange: Sendable {
        let method: HTTPMethod
        /// The API path relative to `/v1/`.
        let path: String
        /// The path as logs and errors show it: the token redacted, should a path ever hold it.
        let logPath: String
        let namespace: String?
        let headers: HTTPHeaders
        let body: Data?
        /// The first attempt's target.
        let start: Target
        /// Strings no message may contain (the token).
        let secrets: [String]
        /// Whether sending it twice is harmless (a read, or a write marked idempotent).
        let repeatable: Bool
        let tokenSent: Bool

        init(
            client: VaultClient, method: HTTPMethod, path: String, query: [String: String], body: JSONValue?, repeatable: Bool
        ) throws {
            self.method = method
            self.repeatable = repeatable
            self.path = path
            namespace = client.namespace.flatMap { $0.isEmpty ? nil : $0 }
            secrets = (client.token.map { [$0.value] } ?? []) + client.redactions.filter { $0.count >= 4 }.flatMap { value in
                // As sent, and as it appears inside a JSON string (a PEM's newlines as \n):
                // encoded only when it holds a character JSON escapes.
                let needsEscaping = value.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
                guard needsEscaping else { return [value] }
                let escaped = (try? JSONValue.string(value).encoded()).map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) }
                return [value] + (escaped.map { $0 == value ? [] : [$0] } ?? [])
            }
            tokenSent = client.token != nil
            logPath = VaultError.redact(path, secrets)
            // Refused before anything is sent: a `..`, `.` or empty segment (or one of their
            // encoded spellings) would reach another endpoint than the one named.
            if let problem = PathSegment.problem(inPath: path) {
                throw VaultError(
                    code: .invalidRequest, method: method, path: logPath, namespace: namespace,
                    messages: ["refusing to send a request whose path \(problem)"], redacting: secrets)
            }

            var headers = HTTPHeaders()
            if let token = client.token { headers.add(name: "X-Vault-Token", value: token.value) }
            if let namespace { headers.add(name: ServerBehaviour.namespaceHeader, value: namespace) }
            // Response wrapping: the server answers with a single-use wrapping token instead.
            if let wrap = client.wrapTTL { headers.add(name: "X-Vault-Wrap-TTL", value: "\(max(1, wrap.components.seconds))s") }
            headers.add(name: "X-Vault-Request", value: "true")
            headers.add(name: "Accept", value: "application/json")
            self.headers = headers
            do {
                self.body = try body?.encodedForRequest()
            } catch {
                throw VaultError(
                    code: .invalidRequest, method: method, path: VaultError.redact(path, secrets), namespace: namespace,
                    messages: ["the body could not be encoded as JSON"], redacting: secrets)
            }
            start = Target(
                origin: nil,
                path: "/v1/" + VaultClient.encode(path: path) + VaultClient.encode(query: query),
                redirects: 0)
        }

        func request(to target: Target, timeout: Duration) -> HTTPRequest {
            HTTPRequest(
                method: method, path: target.path, headers: headers, body: body, timeout: timeout, origin: target.origin,
                freshConnection: !repeatable)
        }

        /// The full URL an attempt requested, to resolve a relative `Location` against.
        func url(of target: Target, base: URL) -> URL {
            let origin = VaultClient.display(target.origin ?? base)
            return URL(string: origin + target.path) ?? target.origin ?? base
        }

        func error(
            _ code: VaultError.Code, status: Int? = nil, messages: [String], address: String?,
            denial: VaultError.Denial? = nil
        ) -> VaultError {
            VaultError(
                code: code, method: method, path: logPath, namespace: namespace, status: status, messages: messages,
                address: address, denial: denial, redacting: secrets)
        }

        /// What a response that is not a redirect amounts to.
        enum Interpretation {
            case success(VaultResponse)
            case failure(VaultError, RetrySchedule.Outcome)
        }

        func interpret(_ response: HTTPResponse, address: String, now: Date = Date()) -> Interpretation {
            let status = response.status
            let json: JSONValue?
            do {
                json = response.body.isEmpty ? nil : try JSONValue(decoding: response.body)
            } catch {
                guard (200..<300).contains(status) else {
                    let error = self.error(.http, status: status, messages: ["the response body is not JSON"], address: address)
                    return .failure(error, .status(status, retryAfter: RetrySchedule.retryAfter(response.headers["Retry-After"], now: now)))
                }
                let error = self.error(.invalidResponse, status: status, messages: ["the body is not valid JSON"], address: address)
                return .failure(error, .status(status))
            }
            guard (200..<300).contains(status) else {
                let raw = json?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let messages = VaultError.normalise(raw.map { VaultError.redact($0, secrets) })
                let denial = status == 403 ? VaultError.denial(raw: raw, tokenSent: tokenSent) : nil
                let error = self.error(.http, status: status, messages: messages, address: address, denial: denial)
                // Sealed: every endpoint says "Vault is sealed"; sys/health says sealed: true.
                // (Both flavours word it so: not a ServerBehaviour difference.)
                let sealed = status == 503
                    && (messages.contains { $0.localizedCaseInsensitiveContains("sealed") } || json?["sealed"]?.boolValue == true)
                let retryAfter = RetrySchedule.retryAfter(response.headers["Retry-After"], now: now)
                // A KV v2 mount enabled a moment ago answers 400 "Upgrading from non-versioned
                // to versioned data…" until its storage is ready; a standby answering reads
                // itself says "Waiting for the primary to upgrade from non-versioned…" meanwhile.
                let upgrading = status == 400 && messages.contains {
                    $0.contains("Upgrading from non-versioned to versioned data")
                        || $0.contains("Waiting for the primary to upgrade from non-versioned to versioned data")
                }
                return .failure(error, sealed ? .sealed : upgrading ? .upgrading : .status(status, retryAfter: retryAfter))
            }
            return .success(VaultResponse(status: status, headers: response.headers, json: json))
        }
    }
}

extension RetrySchedule {
    /// Reads a `Retry-After` header: whole seconds (what Vault's rate limit quotas send, with
    /// `enable_rate_limit_response_headers`) or an HTTP date. Nil when absent or unreadable.
    public static func retryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return .milliseconds(Int64(max(0, seconds) * 1000))
    }
}

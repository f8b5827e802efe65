import Foundation
import Logging

/// The connection to one Vault or OpenBao server: address, token, namespace and transport.
/// Every request the tool makes goes through `request`, so headers, paths, retries, redirects
/// and errors are handled in one place. A value: copies made with `with(token:)` or
/// `with(namespace:)` share the transport (and so its open connections) and the deadline.
public struct VaultClient: Sendable {
    /// The server's address, as configured (`https://vault.example:8200`).
    public var address: URL { transport.baseURL }
    /// The token sent as `X-Vault-Token`, if any.
    public var token: VaultToken?
    /// The namespace sent as `X-Vault-Namespace`, if any.
    public var namespace: String?
    /// How long one attempt may take before it fails as timed out.
    public var timeout: Duration
    /// When and how often failed requests are sent again.
    public var retryPolicy: RetryPolicy
    /// The time every request made through this client (and its copies) must finish within,
    /// counted from the client's creation or the last `with(deadline:)`; nil for none. Each
    /// attempt's timeout is the smaller of `timeout` and what remains.
    public private(set) var deadline: Duration?
    /// Where requests are logged (method, path, status, time, attempts and pauses; never a
    /// header value or a body).
    public var logger: Logger
    /// Strings no error message or logged server warning may contain, besides the token:
    /// the secret values a request carries, should the server echo them back. Each is also
    /// redacted in its JSON-escaped spelling.
    public var redactions: [String] = []
    /// When set, every request asks the server to wrap its response (X-Vault-Wrap-TTL): the
    /// answer's `wrap_info.token` unwraps the real response once, within this time.
    public var wrapTTL: Duration?
    /// How long one request may take, its retries and pauses included, counted from its
    /// first attempt; nil for no bound besides `deadline` and the retry policy. Each
    /// attempt's timeout is also cut to what remains, so a server that accepts connections
    /// and never answers fails the request within this time.
    public var requestDeadline: Duration?
    /// Called before each retry with one line saying what failed and what happens next
    /// (`GET sys/health timed out after 10s; retrying in 1.2s (attempt 2 of at most 8, within
    /// 35s)`), so a command can tell its user it is waiting; never a header value or a body.
    public var retryObserver: (@Sendable (String) -> Void)?
    /// Whether a standby may redirect to plain http:// on a host that is not loopback
    /// (`--allow-insecure-http`); without it such a redirect is refused before anything,
    /// the token included, is sent there.
    public var allowInsecureHTTP = false
    /// Where requests go instead of `address` while the configured node is a standby (set by
    /// `routedToActiveNode()`, shared by copies); nil sends every request to `address`.
    var route: ActiveNodeRoute?
    /// What the last look for the active node found; nil when this client has no route.
    public var activeNode: ActiveNodeRoute.Finding? { route?.finding }
    private var deadlineAt: ContinuousClock.Instant?
    private let transport: any HTTPTransport

    /// The transport's executor for tasks that mostly wait for its responses (see
    /// `HTTPTransport.taskExecutor`), if it has one.
    public var taskExecutor: (any TaskExecutor)? { transport.taskExecutor }

    /// Connects through libcurl. Throws `VaultError` with code `invalidAddress` for an address
    /// that is not `http(s)://host[:port]`.
    public init(
        address: URL, token: String? = nil, namespace: String? = nil, tls: TLSOptions = TLSOptions(),
        timeout: Duration = .seconds(60), deadline: Duration? = nil, retryPolicy: RetryPolicy = .standard,
        maxConcurrentRequests: Int = 8, logger: Logger = Logger(label: "vaultform.api")
    ) throws {
        let transport: CurlTransport
        do {
            transport = try CurlTransport(baseURL: address, tls: tls, maxConcurrentTransfers: maxConcurrentRequests)
        } catch let error as HTTPTransportError {
            throw VaultError(
                code: error.code == .invalidURL ? .invalidAddress : .transport, method: .get, path: "",
                messages: [error.detail], address: error.url)
        }
        self.init(
            transport: transport, token: token, namespace: namespace, timeout: timeout, deadline: deadline,
            retryPolicy: retryPolicy, logger: logger)
    }

    /// Uses the given transport, which is how tests put a fake server in place of the network.
    public init(
        transport: any HTTPTransport, token: String? = nil, namespace: String? = nil,
        timeout: Duration = .seconds(60), deadline: Duration? = nil, retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "vaultform.api")
    ) {
        self.transport = transport
        self.token = token.map(VaultToken.init)
        self.namespace = namespace
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.deadline = deadline
        self.deadlineAt = deadline.map { ContinuousClock.now + $0 }
    }

    /// The same connection with another token (after a login, say).
    public func with(token: String?) -> VaultClient {
        var copy = self
        copy.token = token.map(VaultToken.init)
        return copy
    }

    /// The same connection targeting another namespace.
    public func with(namespace: String?) -> VaultClient {
        var copy = self
        copy.namespace = namespace
        return copy
    }

    /// The same connection with a new deadline, counted from now (nil: none).
    public func with(deadline: Duration?) -> VaultClient {
        var copy = self
        copy.deadline = deadline
        copy.deadlineAt = deadline.map { ContinuousClock.now + $0 }
        return copy
    }

    /// The same connection with another retry policy (`.never` for a probe that must answer
    /// at once).
    public func with(retryPolicy: RetryPolicy) -> VaultClient {
        var copy = self
        copy.retryPolicy = retryPolicy
        return copy
    }

    /// Sends one request to `/v1/<path>` and returns the response when its status is 2xx.
    ///
    /// Failures that may pass are retried as `RetryPolicy` describes; a standby's 307/308 is
    /// followed to the active node; a sealed server is polled for `sealedWait`, then reported
    /// with code `.sealed`.
    /// - Parameters:
    ///   - path: the API path, such as `sys/policies/acl/admin`; each segment is
    ///     percent-encoded here, so pass names as they are.
    ///   - query: query parameters, sent sorted by name.
    ///   - body: the JSON body, if any.
    ///   - idempotent: whether sending this write twice leaves the server as sending it once
    ///     (a policy or role write, a mount tune), so that it may be retried after a timeout
    ///     or a 5xx. Reads (GET, HEAD, LIST) are always retried; leave false for anything that
    ///     creates something new each time (a secret ID, a token, a KV version).
    /// - Throws: `VaultError` for a non-2xx status, a transport failure or an unreadable body;
    ///   `CancellationError` when the task is cancelled.
    public func request(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        idempotent: Bool = false
    ) async throws -> VaultResponse {
        let exchange = try Exchange(
            client: self, method: method, path: Self.trimmed(path), query: query, body: body, repeatable: Self.isSafe(method) || idempotent)
        let clock = ContinuousClock()
        let started = clock.now
        // The sooner of the client's deadline and this request's own limit.
        let requestLimitAt = requestDeadline.map { started + $0 }
        let limitAt = [deadlineAt, requestLimitAt].compactMap { $0 }.min()
        let limit = limitAt == deadlineAt ? deadline : requestDeadline
        var schedule = RetrySchedule(
            policy: retryPolicy, repeatable: Self.isSafe(method) || idempotent,
            budget: limitAt.map { $0 - started }, seed: RetrySeed.next())
        if route != nil { await recheckRoute() }
        var target = routed(exchange.start)
        var last: (failure: VaultError, outcome: RetrySchedule.Outcome)?
        var previousOutcome: RetrySchedule.Outcome?

        while true {
            var attemptTimeout = timeout
            if let limitAt, let limit {
                let remaining = limitAt - clock.now
                guard remaining > .zero else {
                    // A pause that overslept (a busy machine) ends like a deadline met by the
                    // schedule: with the last failure and the attempts.
                    if let last {
                        throw finalError(
                            last.failure, outcome: last.outcome, reason: .deadline, attempts: schedule.attempts,
                            elapsed: clock.now - started, limit: limit, exchange: exchange)
                    }
                    throw exchange.error(
                        .timedOut, messages: ["the client's deadline of \(limit.brief) passed before the request was sent"],
                        address: Self.display(target.origin ?? transport.baseURL))
                }
                attemptTimeout = min(timeout, remaining)
            }
            let address = Self.display(target.origin ?? transport.baseURL)
            let routeGeneration = route?.generation ?? 0
            let outcome: RetrySchedule.Outcome
            let failure: VaultError
            let attemptStarted = clock.now
            do {
                let response = try await transport.send(exchange.request(to: target, timeout: attemptTimeout))
                logger.debug(
                    "\(method) \(exchange.logPath) → \(response.status)",
                    metadata: [
                        "elapsed": "\((clock.now - attemptStarted).brief)", "attempt": "\(schedule.attempts + 1)",
                        "reused-connection": "\(response.reusedConnection)",
                    ])
                // Only a 3xx can be a redirect; the URL it is resolved against is built for one only.
                if (300..<400).contains(response.status), let redirect = StandbyRedirect.decide(
                    status: response.status, location: response.headers["Location"],
                    requested: exchange.url(of: target, base: transport.baseURL), followed: target.redirects,
                    limit: retryPolicy.maxRedirects, allowInsecureHTTP: allowInsecureHTTP)
                {
                    switch redirect {
                    case .follow(let origin, let path):
                        let next = Self.display(origin)
                        logger.debug("\(method) \(exchange.logPath): HTTP \(response.status) from a standby; following to the active node at \(next)")
                        target = Target(origin: origin, path: path, redirects: target.redirects + 1)
                        continue
                    case .refuse(let reason):
                        throw exchange.error(.http, status: response.status, messages: [reason], address: address)
                    }
                }
                switch exchange.interpret(response, address: address) {
                case .success(let result):
                    for warning in result.warnings {
                        logger.info("\(method) \(exchange.logPath): server warning: \(VaultError.redact(warning, exchange.secrets))")
                    }
                    return result
                case .failure(let error, let failed):
                    outcome = failed
                    failure = error
                }
            } catch let error as HTTPTransportError {
                let code = Self.code(for: error.code)
                logger.debug("\(method) \(exchange.logPath) failed: \(code)", metadata: ["attempt": "\(schedule.attempts + 1)"])
                outcome = .noResponse(code)
                failure = exchange.error(code, messages: [error.detail], address: address)
            }

            let elapsed = clock.now - started
            last = (failure, outcome)
            switch schedule.next(after: outcome, elapsed: elapsed) {
            case .retry(let pause):
                logger.debug(
                    "\(method) \(exchange.logPath): attempt \(schedule.attempts) failed (\(Self.summary(outcome))); retrying in \(pause.brief)")
                if let retryObserver, let notice = retryNotice(
                    outcome, previous: previousOutcome, exchange: exchange, timeout: attemptTimeout, pause: pause,
                    attempt: schedule.attempts + 1, limit: limit)
                {
                    retryObserver(notice)
                }
                previousOutcome = outcome
                try await Task.sleep(for: pause)
                // A failure may mean the leader changed (a step-down, a failover).
                if route != nil { await refreshRoute(since: routeGeneration) }
                target = routed(exchange.start)
            case .fail(let reason):
                let error = finalError(
                    failure, outcome: outcome, reason: reason, attempts: schedule.attempts, elapsed: elapsed, limit: limit,
                    exchange: exchange)
                throw await explainingDenial(error)
            }
        }
    }

    /// The first attempt's target, sent to the active node when the route names one.
    private func routed(_ start: Target) -> Target {
        guard start.origin == nil, let origin = route?.current else { return start }
        var target = start
        target.origin = origin
        return target
    }

    /// The error a request ends with once the schedule stops: sealed when the server stayed
    /// sealed, with the attempts and the deadline when there were retries.
    private func finalError(
        _ failure: VaultError, outcome: RetrySchedule.Outcome, reason: RetrySchedule.Reason, attempts: Int,
        elapsed: Duration, limit: Duration?, exchange: Exchange
    ) -> VaultError {
        let path = exchange.logPath
        switch reason {
        case .notRepeatable:
            logger.debug("\(failure.method) \(path): not retried: the server may have acted on it, and it is not marked idempotent")
        case .retryAfterTooLong(let wait):
            logger.debug("\(failure.method) \(path): the server asked to retry after \(wait.brief), more than the \(retryPolicy.maxRetryAfter.brief) allowed")
        case .final, .attemptsExhausted, .deadline, .stillSealed:
            break
        }
        let stoppedByDeadline = reason == .deadline
        let retries = attempts > 1 || stoppedByDeadline
            ? VaultError.Retries(attempts: attempts, elapsed: elapsed, deadline: stoppedByDeadline ? limit : nil) : nil
        let code: VaultError.Code = outcome == .sealed ? .sealed : failure.code
        if retries == nil && code == failure.code { return failure }
        return VaultError(
            code: code, method: failure.method, path: failure.path, namespace: failure.namespace, status: failure.status,
            messages: failure.messages, address: failure.address, retries: retries, denial: failure.denial)
    }

    /// The line a retry is announced with, or nil for a sealed server already announced (it
    /// is polled every second).
    private func retryNotice(
        _ outcome: RetrySchedule.Outcome, previous: RetrySchedule.Outcome?, exchange: Exchange, timeout: Duration,
        pause: Duration, attempt: Int, limit: Duration?
    ) -> String? {
        let subject = "\(exchange.method) \(exchange.logPath)"
        let what: String
        switch outcome {
        case .noResponse(.timedOut): what = "timed out after \(timeout.brief)"
        case .noResponse(let code): what = "failed: \(code)"
        case .status(let status, _): what = "was answered with HTTP \(status)"
        case .upgrading: what = "was refused while the KV mount upgrades"
        case .sealed:
            guard previous != .sealed else { return nil }
            return "\(subject): the server is sealed; waiting up to \(retryPolicy.sealedWait.brief) for it to be unsealed"
        }
        let within = limit.map { ", within \($0.brief)" } ?? ""
        return "\(subject) \(what); retrying in \(pause.brief) (attempt \(attempt) of at most \(retryPolicy.maxAttempts)\(within))"
    }

    private static func summary(_ outcome: RetrySchedule.Outcome) -> String {
        switch outcome {
        case .noResponse(let code): "\(code)"
        case .status(let status, let retryAfter): "HTTP \(status)" + (retryAfter.map { ", Retry-After \($0.brief)" } ?? "")
        case .sealed: "sealed"
        case .upgrading: "KV mount upgrading"
        }
    }

    /// The API path as errors show it, without the token should it hold it.
    private func redacted(_ path: String) -> String {
        VaultError.redact(Self.trimmed(path), token.map { [$0.value] } ?? [])
    }

    /// Whether the method only reads, so sending it twice is always harmless.
    static func isSafe(_ method: HTTPMethod) -> Bool { [.get, .head, .list].contains(method) }

    /// Sends a request whose body is any Encodable value.
    public func request(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], encoding body: some Encodable,
        idempotent: Bool = false
    ) async throws -> VaultResponse {
        let json: JSONValue
        do {
            json = try JSONValue(encoding: body)
        } catch {
            throw VaultError(
                code: .invalidRequest, method: method, path: redacted(path), namespace: namespace,
                messages: ["the body could not be encoded as JSON"])
        }
        return try await request(method, path, query: query, body: json, idempotent: idempotent)
    }

    /// Sends a request and decodes the whole response body as `T`.
    public func request<T: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        idempotent: Bool = false, as type: T.Type
    ) async throws -> T {
        let response = try await request(method, path, query: query, body: body, idempotent: idempotent)
        do {
            return try (response.json ?? .null).decode(as: type)
        } catch {
            throw VaultError(
                code: .invalidResponse, method: method, path: redacted(path), namespace: namespace,
                status: response.status, messages: [VaultError.summary(of: error)])
        }
    }

    // MARK: - Paths

    static func trimmed(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("/") { path = path.dropFirst() }
        if path.hasPrefix("v1/") { path = path.dropFirst(3) }
        return String(path)
    }

    /// Percent-encodes every byte of `text` except RFC 3986's unreserved characters (and `/`
    /// when `keepingSlashes`). On the bytes: it runs for every request.
    static func percentEncode(_ text: String, keepingSlashes: Bool = false) -> String {
        func isUnreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                return true
            case UInt8(ascii: "/"): return keepingSlashes
            default: return false
            }
        }
        if text.utf8.allSatisfy(isUnreserved) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Each path segment percent-encoded; the slashes between them kept.
    static func encode(path: String) -> String { percentEncode(path, keepingSlashes: true) }

    static func encode(query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.sorted { $0.key < $1.key }.map { key, value in
            "\(percentEncode(key))=\(percentEncode(value))"
        }
        return "?" + pairs.joined(separator: "&")
    }

    static func display(_ address: URL) -> String {
        var text = address.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private static func code(for transport: HTTPTransportError.Code) -> VaultError.Code {
        switch transport {
        case .connectionRefused: .connectionRefused
        case .cannotResolveHost: .cannotResolveHost
        case .cannotConnect: .cannotConnect
        case .timedOut: .timedOut
        case .certificate: .certificate
        case .tls: .tls
        case .connectionLost: .connectionLost
        case .invalidURL: .invalidAddress
        default: .transport
        }
    }
}

/// A 2xx response from Vault.
public struct VaultResponse: Sendable, Equatable {
    /// The HTTP status (200, or 204 for writes that return nothing).
    public let status: Int
    /// The response's header fields.
    public let headers: HTTPHeaders
    /// The parsed body; nil when the body was empty.
    public let json: JSONValue?

    /// Creates a response; fakes in tests build these directly.
    public init(status: Int, headers: HTTPHeaders = [:], json: JSONValue?) {
        self.status = status
        self.headers = headers
        self.json = json
    }

    /// The `data` member, where most endpoints put their payload.
    public var data: JSONValue? { json?["data"] }

    /// Warnings the server attached to the response, which callers should show rather than
    /// drop (Vault uses them for deprecated or ignored parameters).
    public var warnings: [String] { json?["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

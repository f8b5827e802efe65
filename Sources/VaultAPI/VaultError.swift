import Foundation

/// The one error the Vault client throws. Its description names the method, the path, the
/// HTTP status and the server's own messages, so a failure in a long apply can be acted on
/// without a debugger; it never holds the token or any request or response body value.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. A struct around a private code so new kinds break nobody.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case http = "HTTP error"
            case connectionRefused = "connection refused"
            case cannotResolveHost = "cannot resolve host"
            case cannotConnect = "cannot connect"
            case timedOut = "timed out"
            case certificate = "certificate problem"
            case tls = "TLS failure"
            case connectionLost = "connection lost"
            case transport = "transfer failed"
            case invalidAddress = "invalid address"
            case invalidRequest = "invalid request"
            case invalidResponse = "unexpected response"
            case sealed = "server sealed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server answered with a status outside 2xx.
        public static let http = Code(.http)
        /// Nothing listened at the address.
        public static let connectionRefused = Code(.connectionRefused)
        /// The address's host name did not resolve.
        public static let cannotResolveHost = Code(.cannotResolveHost)
        /// The connection could not be made for another reason.
        public static let cannotConnect = Code(.cannotConnect)
        /// The request's timeout passed.
        public static let timedOut = Code(.timedOut)
        /// The server's certificate was not trusted, or a configured CA, certificate or key was
        /// unusable.
        public static let certificate = Code(.certificate)
        /// The TLS handshake failed for another reason.
        public static let tls = Code(.tls)
        /// The connection broke during the exchange.
        public static let connectionLost = Code(.connectionLost)
        /// Another transport failure.
        public static let transport = Code(.transport)
        /// The configured address cannot be used.
        public static let invalidAddress = Code(.invalidAddress)
        /// The request could not be built (a body that does not encode, a malformed header).
        public static let invalidRequest = Code(.invalidRequest)
        /// The server answered with something the client could not read.
        public static let invalidResponse = Code(.invalidResponse)
        /// The server is sealed (503 "Vault is sealed") and stayed so for the policy's
        /// `sealedWait`: nothing but unsealing helps.
        public static let sealed = Code(.sealed)

        /// Whether no HTTP response arrived, which is what retries on connection failures test.
        public var isConnectionFailure: Bool {
            [.connectionRefused, .cannotResolveHost, .cannotConnect, .timedOut, .connectionLost].contains(base)
        }

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The request's method.
    public let method: HTTPMethod
    /// The API path, relative to `/v1/` and without the query (`sys/policies/acl/x`).
    public let path: String
    /// The namespace the request was sent to, if any.
    public let namespace: String?
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// The server's `errors`, one line each; for a transport failure, libcurl's explanation.
    public let messages: [String]
    /// The server's address, named for transport failures so "connection refused" says where.
    public let address: String?
    /// How often and for how long the request was tried, when it was tried more than once or
    /// the client's deadline ended it.
    public let retries: Retries?
    /// For a 403, what kind of refusal it was.
    public let denial: Denial?
    /// For a 403 from a missing capability: what the token does have on the path, as
    /// `sys/capabilities-self` said after the refusal (nil when it could not be asked).
    public var granted: [String]?
    /// For such a 403: the token's policies (from `auth/token/lookup-self`), one of which
    /// should grant what is missing; nil when the token may not look itself up.
    public var tokenPolicies: [String]?
    /// For such a 403: the path as the token's policies must name it, when it is not `path`:
    /// with a trailing slash for a LIST (the server checks that), prefixed with the namespaces
    /// between the token's and the request's.
    public var policyPath: String?
    /// For such a 403: the namespace the token's policies live in ("" for the root one).
    public var policyNamespace: String?

    /// How often and for how long a request was tried before it failed.
    public struct Retries: Sendable, Hashable {
        /// Attempts made, the first included.
        public let attempts: Int
        /// The time from the first attempt's start to the last one's end.
        public let elapsed: Duration
        /// The client's deadline, when it is what stopped the retries.
        public let deadline: Duration?

        /// Creates a summary.
        public init(attempts: Int, elapsed: Duration, deadline: Duration? = nil) {
            self.attempts = attempts
            self.elapsed = elapsed
            self.deadline = deadline
        }
    }

    /// The two refusals Vault answers with 403, told apart by the body: a token that lacks a
    /// capability gets a wrapped `1 error occurred: * permission denied`, and a token the
    /// server does not know (or none) gets a bare `permission denied`.
    public enum Denial: Sendable, Hashable {
        /// The token is valid but its policies do not grant the capability the method needs.
        case missingCapability
        /// The server did not accept the token: invalid, expired or revoked.
        case tokenNotAccepted
        /// No token was sent.
        case noToken
    }

    /// Creates an error. Any occurrence of a string in `redacting` (the token, say) inside the
    /// messages is replaced, so a server that echoes a credential cannot leak it through us.
    public init(
        code: Code, method: HTTPMethod, path: String, namespace: String? = nil, status: Int? = nil,
        messages: [String] = [], address: String? = nil, retries: Retries? = nil, denial: Denial? = nil,
        redacting secrets: [String] = []
    ) {
        self.code = code
        self.method = method
        self.path = path
        self.namespace = namespace
        self.status = status
        self.address = address
        self.retries = retries
        self.denial = denial
        self.messages = messages.map { VaultError.redact($0, secrets) }
        self.granted = nil
        self.tokenPolicies = nil
        self.policyPath = nil
        self.policyNamespace = nil
    }

    /// The same error with each message rewritten (and `secrets` redacted), everything else
    /// kept: for callers that know more about a message than the client does (a login that
    /// must hide the credentials it sent, say).
    public func mapMessages(redacting secrets: [String] = [], _ transform: (String) -> String = { $0 }) -> VaultError {
        var copy = VaultError(
            code: code, method: method, path: path, namespace: namespace, status: status,
            messages: messages.map(transform), address: address, retries: retries, denial: denial, redacting: secrets)
        copy.granted = granted
        copy.tokenPolicies = tokenPolicies
        copy.policyPath = policyPath
        copy.policyNamespace = policyNamespace
        return copy
    }

    static func redact(_ text: String, _ secrets: [String]) -> String {
        // Under four characters a "secret" would blot out ordinary words; no real token,
        // key or secret value is that short.
        let secrets = secrets.filter { $0.count >= 4 }
        guard !secrets.isEmpty else { return text }
        // Every request's path goes through here. When the text and the secrets are ASCII,
        // canonical equivalence (what Foundation's search also matches) is byte equality, so
        // a byte search finds exactly what Foundation's would, without bridging to NSString.
        if text.utf8.allSatisfy({ $0 < 0x80 }), secrets.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            return secrets.reduce(text) { replacingBytes(of: $1, in: $0) }
        }
        return secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    /// `text` with every non-overlapping occurrence of `secret`'s bytes, left to right,
    /// replaced by `<redacted>`.
    static func replacingBytes(of secret: String, in text: String) -> String {
        let needle = Array(secret.utf8), haystack = Array(text.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return text }
        var out: [UInt8] = [], index = 0, found = false
        out.reserveCapacity(haystack.count)
        while index < haystack.count {
            if haystack[index] == needle[0], index + needle.count <= haystack.count,
               haystack[index..<(index + needle.count)].elementsEqual(needle) {
                out += Array("<redacted>".utf8)
                index += needle.count
                found = true
            } else {
                out.append(haystack[index])
                index += 1
            }
        }
        return found ? String(decoding: out, as: UTF8.self) : text
    }

    /// A 403: the token lacks a capability on the path, or the token is not valid.
    public var isPermissionDenied: Bool { code == .http && status == 403 }
    /// A 404: the object does not exist (Vault also answers 404 to a LIST with no keys).
    public var isNotFound: Bool { code == .http && status == 404 }
    /// The server is sealed: reported as such after the sealed wait, or a 503 that says so.
    public var isSealed: Bool {
        code == .sealed
            || (code == .http && status == 503 && messages.contains { $0.localizedCaseInsensitiveContains("sealed") })
    }

    /// The ACL capabilities the request's method needs on its path (Vault's mapping of HTTP
    /// methods to capabilities): one of them is what a 403 says is missing.
    public var requiredCapabilities: [String] {
        switch method {
        case .get, .head: ["read"]
        case .list: ["list"]
        case .delete: ["delete"]
        case .post, .put: ["create", "update"]
        case .patch: ["patch"]
        default: []
        }
    }

    public var description: String {
        var subject = "\(method) \(path)"
        if let namespace, !namespace.isEmpty { subject += " (namespace \(namespace))" }
        let detail = messages.joined(separator: "; ")
        let server = address.map { "the server at \($0)" } ?? "the server"
        switch code {
        case .http:
            let status = status ?? 0
            let text = detail.isEmpty
                ? "\(subject): HTTP \(status)\(Self.reason(status).map { " \($0)" } ?? "")"
                : "\(subject): HTTP \(status): \(detail)"
            return text + (explanation.map { " (\($0))" } ?? "") + (retries.map { " (\(Self.tried($0)))" } ?? "")
        case .sealed:
            let waited = retries.map { " (still sealed after \($0.elapsed.brief), \(Self.attempts($0.attempts)))" } ?? ""
            return "\(subject): \(server) is sealed; unseal it (vaultform unseal, or bao operator unseal) and retry\(waited)"
        case .invalidResponse:
            let status = status.map { "HTTP \($0): " } ?? ""
            return "\(subject): \(status)\(code): \(detail)"
        default:
            if let retries, code.isConnectionFailure {
                let within = (retries.deadline ?? retries.elapsed).brief
                // libcurl's words add nothing to "connection refused" or "timed out".
                let plain = detail.isEmpty || code == .connectionRefused || code == .timedOut
                let last = plain ? "\(code)" : "\(code): \(detail)"
                return "\(subject): \(server) did not answer within \(within) (\(Self.attempts(retries.attempts)): \(last))"
            }
            let place = address.map { " at \($0)" } ?? ""
            let text = detail.isEmpty ? "\(subject): \(code)\(place)" : "\(subject): \(code)\(place): \(detail)"
            return text + (retries.map { " (\(Self.tried($0)))" } ?? "")
        }
    }

    /// What a 403 means for this request, in words.
    private var explanation: String? {
        guard status == 403, let denial else { return nil }
        switch denial {
        case .missingCapability:
            return missingCapabilityExplanation
        case .tokenNotAccepted:
            return "the token is invalid, expired or revoked"
        case .noToken:
            return "no token was sent; this path needs one"
        }
    }

    /// The capabilities the token lacks on the path: for a write, `create` when it already
    /// has `update` (the object is new), `update` when it has `create`, else either.
    /// A token that has what the method needs and is still refused is on a root-protected
    /// path (`sys/audit`, `sys/raw`, …), which also needs `sudo`.
    public var missingCapabilities: [String] {
        let has = Set(granted ?? [])
        let missing: [String]
        switch method {
        case .post, .put:
            if has.contains("update") && !has.contains("create") { return ["create"] }
            if has.contains("create") && !has.contains("update") { return ["update"] }
            missing = ["create", "update"]
        default:
            missing = requiredCapabilities
        }
        if granted != nil, !missing.isEmpty, !has.contains("sudo"), missing.allSatisfy(has.contains) { return ["sudo"] }
        return missing
    }

    /// `the token lacks "read" on P; it has "list" there; add to one of its policies: path "P"
    /// { capabilities = ["read", "list"] }`. The block repeats what the token has on the path
    /// because a rule for the exact path replaces a glob's grant there.
    private var missingCapabilityExplanation: String {
        let missing = missingCapabilities
        guard !missing.isEmpty else { return "the token's policies do not allow \(method) on \(path)" }
        // The server answers ["deny"] both for no grant at all and for an explicit deny.
        let has = (granted ?? []).filter { $0 != "deny" }
        let what = missing.map { "\"\($0)\"" }.joined(separator: " or ")
        let owned = granted == nil ? ""
            : has.isEmpty ? "; it has no capability there" : "; it has \(has.map { "\"\($0)\"" }.joined(separator: ", ")) there"
        let order = ["create", "read", "update", "patch", "delete", "list", "scan", "sudo"]
        let wanted = (has + missing).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            .sorted { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
        let rulePath = policyPath ?? path
        let block = "path \"\(rulePath)\" { capabilities = [\(wanted.map { "\"\($0)\"" }.joined(separator: ", "))] }"
        // The default policy is every token's: a grant there would reach them all.
        let candidates = (tokenPolicies ?? []).filter { !["default", "root"].contains($0) }
        var which = candidates.isEmpty ? "" : candidates.joined(separator: ", ")
        let requestNamespace = (namespace ?? "").split(separator: "/").joined(separator: "/")
        if let policyNamespace, policyNamespace != requestNamespace {
            let place = policyNamespace.isEmpty ? "in the root namespace" : "in namespace \(policyNamespace)"
            which = which.isEmpty ? place : "\(which), \(place)"
        }
        let policies = which.isEmpty ? "" : " (\(which))"
        return "the token lacks \(what) on \(rulePath)\(owned); add to one of its policies\(policies): \(block)"
    }

    private static func tried(_ retries: Retries) -> String {
        let attempts = Self.attempts(retries.attempts)
        if let deadline = retries.deadline { return "\(attempts); the deadline of \(deadline.brief) passed" }
        return "\(attempts) over \(retries.elapsed.brief)"
    }

    private static func attempts(_ count: Int) -> String { count == 1 ? "1 attempt" : "\(count) attempts" }

    private static func reason(_ status: Int) -> String? {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: nil
        }
    }
}

extension VaultError {
    /// Turns Vault's `errors` strings into one line each. Vault wraps several errors (and
    /// sometimes one) in Go's multierror text, `1 error occurred:\n\t* permission denied\n\n`;
    /// this keeps only the items.
    static func normalise(_ messages: [String]) -> [String] {
        messages.flatMap { message -> [String] in
            let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = lines.first, first.hasSuffix("occurred:"), first.contains("error") else {
                let single = lines.filter { !$0.isEmpty }.joined(separator: " ")
                return single.isEmpty ? [] : [single]
            }
            return lines.dropFirst().compactMap { line in
                let item = line.hasPrefix("* ") ? String(line.dropFirst(2)) : line
                return item.isEmpty ? nil : item
            }
        }
    }

    /// Tells a 403's two meanings apart from the server's raw `errors` (before `normalise`):
    /// a bare `permission denied` is the token check failing, a multierror-wrapped one is the
    /// ACL check failing. Nil when the body says something else.
    static func denial(raw messages: [String], tokenSent: Bool) -> Denial? {
        let trimmed = messages.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if trimmed == ["permission denied"] { return tokenSent ? .tokenNotAccepted : .noToken }
        let items = normalise(messages)
        let wrapped = trimmed.contains { $0.hasPrefix("1 error occurred") || $0.contains("errors occurred") }
        return wrapped && items.contains("permission denied") ? .missingCapability : nil
    }

    /// Describes a decoding failure by field path and kind only: never by value.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "the body could not be read" }
        func field(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : "field " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])) is missing"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)) is null, expected \(type)"
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)) is not of type \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(field(context.codingPath)) is invalid"
        @unknown default:
            return "the body could not be decoded"
        }
    }
}

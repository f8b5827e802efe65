import Foundation

/// An ordered, case-insensitive list of header fields. Its description and mirror hide the
/// values of credential headers, so printing a request or a response never shows a token.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible, CustomReflectable
{
    /// Header names whose values are credentials (compared case-insensitively).
    public static let sensitiveNames: Set<String> = [
        "x-vault-token", "authorization", "proxy-authorization", "cookie", "set-cookie",
    ]

    private var fields: [(name: String, value: String)]

    /// Creates headers from name–value pairs, keeping their order.
    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of a field, looked up without regard to case as HTTP requires.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Appends a field; repeated names are kept because HTTP allows them.
    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Replaces every field of that name with one value.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field of that name.
    public mutating func remove(name: String) {
        let wanted = name.lowercased()
        fields.removeAll { $0.name.lowercased() == wanted }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    private var redacted: [String] {
        fields.map { field in
            Self.sensitiveNames.contains(field.name.lowercased())
                ? "\(field.name): <redacted>" : "\(field.name): \(field.value)"
        }
    }

    public var description: String { "[" + redacted.joined(separator: ", ") + "]" }

    public var customMirror: Mirror { Mirror(self, unlabeledChildren: redacted, displayStyle: .collection) }
}

/// One request as the transport sends it: everything but the server's address, which belongs
/// to the transport so that connections to it can be kept and reused.
public struct HTTPRequest: Sendable, Equatable {
    /// The method; any token is allowed, including `LIST`.
    public var method: HTTPMethod
    /// The path and query relative to the transport's base URL, beginning with `/`
    /// (for example `/v1/sys/health?standbyok=true`); already percent-encoded.
    public var path: String
    /// Header fields to send; the transport adds none of its own apart from `Content-Type`
    /// for a body that has none.
    public var headers: HTTPHeaders
    /// The body, sent as-is; `nil` sends none.
    public var body: Data?
    /// The longest the whole exchange (connect, send, receive) may take.
    public var timeout: Duration
    /// Another node of the same cluster to send this request to instead of the base URL
    /// (scheme, host and port; `path` is then taken from its root): set when following a
    /// standby's redirect to the active node. Connection and TLS settings stay the same, apart
    /// from a server-name override, which belongs to the base URL's host.
    public var origin: URL?

    /// Send on a new connection, never a reused one. For writes that must not happen twice:
    /// libcurl silently sends a request again on a fresh connection when a reused one dies
    /// before any answer — even after the server acted on it (found by the fault matrix).
    public var freshConnection: Bool

    /// Creates a request; the default timeout suits a single Vault call on a healthy server.
    public init(
        method: HTTPMethod, path: String, headers: HTTPHeaders = [:], body: Data? = nil,
        timeout: Duration = .seconds(60), origin: URL? = nil, freshConnection: Bool = false
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.origin = origin
        self.freshConnection = freshConnection
    }
}

/// One response, whatever its status: the transport never turns an HTTP status into an error.
public struct HTTPResponse: Sendable, Equatable {
    /// The final status code (after any `100 Continue`).
    public var status: Int
    /// The final response's header fields.
    public var headers: HTTPHeaders
    /// The body bytes, empty when there were none.
    public var body: Data
    /// Whether the exchange ran on a connection kept from an earlier one; tests use it to prove
    /// that connections are reused.
    public var reusedConnection: Bool

    /// Creates a response; fakes in tests build these directly.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data(), reusedConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.reusedConnection = reusedConnection
    }
}

/// The seam between the Vault client and the network, so tests can swap the network out.
public protocol HTTPTransport: Sendable {
    /// The server the transport talks to; request paths are relative to it.
    var baseURL: URL { get }
    /// Sends one request and returns the response whatever its status; throws
    /// `HTTPTransportError` when no response arrived, and `CancellationError` when the task was
    /// cancelled.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// An executor that runs tasks on the thread that finishes their transfers, if the
    /// transport has one: tasks that mostly wait for responses run there without a thread
    /// hand-over per response.
    var taskExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    public var taskExecutor: (any TaskExecutor)? { nil }
}

/// Why no HTTP response arrived. A struct around a private code so new kinds break nobody.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that decide whether to retry.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case connectionRefused = "connection refused"
            case cannotResolveHost = "cannot resolve host"
            case cannotConnect = "cannot connect"
            case timedOut = "timed out"
            case certificate = "certificate problem"
            case tls = "TLS failure"
            case connectionLost = "connection lost"
            case invalidURL = "invalid URL"
            case other = "transfer failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Nothing listened at the address.
        public static let connectionRefused = Code(.connectionRefused)
        /// The host name did not resolve.
        public static let cannotResolveHost = Code(.cannotResolveHost)
        /// The connection failed for another reason (unreachable network, for example).
        public static let cannotConnect = Code(.cannotConnect)
        /// The request's timeout passed before the response was complete.
        public static let timedOut = Code(.timedOut)
        /// The server's certificate was not trusted, or a configured CA, certificate or key
        /// could not be used.
        public static let certificate = Code(.certificate)
        /// The TLS handshake failed for a reason other than trust (for example, the server
        /// wanted a client certificate and got none).
        public static let tls = Code(.tls)
        /// The connection broke after it was made, or the server sent nothing.
        public static let connectionLost = Code(.connectionLost)
        /// The address cannot be used (wrong scheme, no host).
        public static let invalidURL = Code(.invalidURL)
        /// Anything else libcurl reported.
        public static let other = Code(.other)

        /// Whether the failure happened before the server could have acted on the request, so
        /// that even a non-idempotent request may be sent again.
        public var isBeforeRequestSent: Bool {
            [.connectionRefused, .cannotResolveHost, .cannotConnect].contains(base)
        }

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The URL that was being fetched (it never holds credentials).
    public let url: String
    /// libcurl's own explanation, from its error buffer when it filled one.
    public let detail: String

    /// Creates an error; the transport and fakes in tests build these.
    public init(code: Code, url: String, detail: String) {
        self.code = code
        self.url = url
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(code) (\(url))" : "\(code) (\(url)): \(detail)"
    }
}

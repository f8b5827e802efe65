import Foundation
import Logging

/// The connection to one Vault or OpenBao server: address, token, namespace and transport.
/// Every request the tool makes goes through `request`, so headers, paths and errors are
/// handled in one place. A value: copies made with `with(token:)` or `with(namespace:)`
/// share the transport and so its open connections.
public struct VaultClient: Sendable {
    /// The server's address, as configured (`https://vault.example:8200`).
    public var address: URL { transport.baseURL }
    /// The token sent as `X-Vault-Token`, if any.
    public var token: VaultToken?
    /// The namespace sent as `X-Vault-Namespace`, if any.
    public var namespace: String?
    /// How long one request may take before it fails as timed out.
    public var timeout: Duration
    /// Where requests are logged (method, path, status, time; never headers or bodies).
    public var logger: Logger
    private let transport: any HTTPTransport

    /// Connects through libcurl. Throws `VaultError` with code `invalidAddress` for an address
    /// that is not `http(s)://host[:port]`.
    public init(
        address: URL, token: String? = nil, namespace: String? = nil, tls: TLSOptions = TLSOptions(),
        timeout: Duration = .seconds(60), maxConcurrentRequests: Int = 8,
        logger: Logger = Logger(label: "vaultform.api")
    ) throws {
        let transport: CurlTransport
        do {
            transport = try CurlTransport(baseURL: address, tls: tls, maxConcurrentTransfers: maxConcurrentRequests)
        } catch let error as HTTPTransportError {
            throw VaultError(
                code: error.code == .invalidURL ? .invalidAddress : .transport, method: .get, path: "",
                messages: [error.detail], address: error.url)
        }
        self.init(transport: transport, token: token, namespace: namespace, timeout: timeout, logger: logger)
    }

    /// Uses the given transport, which is how tests put a fake server in place of the network.
    public init(
        transport: any HTTPTransport, token: String? = nil, namespace: String? = nil,
        timeout: Duration = .seconds(60), logger: Logger = Logger(label: "vaultform.api")
    ) {
        self.transport = transport
        self.token = token.map(VaultToken.init)
        self.namespace = namespace
        self.timeout = timeout
        self.logger = logger
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

    /// Sends one request to `/v1/<path>` and returns the response when its status is 2xx.
    /// - Parameters:
    ///   - path: the API path, such as `sys/policies/acl/admin`; each segment is
    ///     percent-encoded here, so pass names as they are.
    ///   - query: query parameters, sent sorted by name.
    ///   - body: the JSON body, if any.
    /// - Throws: `VaultError` for a non-2xx status, a transport failure or an unreadable body;
    ///   `CancellationError` when the task is cancelled.
    public func request(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil
    ) async throws -> VaultResponse {
        let apiPath = Self.trimmed(path)
        let fail = { (code: VaultError.Code, status: Int?, messages: [String], address: String?) in
            VaultError(
                code: code, method: method, path: apiPath, namespace: namespace, status: status,
                messages: messages, address: address, redacting: token.map { [$0.value] } ?? [])
        }

        var headers = HTTPHeaders()
        if let token { headers.add(name: "X-Vault-Token", value: token.value) }
        if let namespace, !namespace.isEmpty { headers.add(name: "X-Vault-Namespace", value: namespace) }
        headers.add(name: "X-Vault-Request", value: "true")
        headers.add(name: "Accept", value: "application/json")
        let bytes: Data?
        do {
            bytes = try body?.encoded()
        } catch {
            throw fail(.invalidRequest, nil, ["the body could not be encoded as JSON"], nil)
        }
        let httpRequest = HTTPRequest(
            method: method, path: "/v1/" + Self.encode(path: apiPath) + Self.encode(query: query),
            headers: headers, body: bytes, timeout: timeout)

        let started = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await transport.send(httpRequest)
        } catch let error as HTTPTransportError {
            logger.debug("\(method) \(apiPath) failed: \(error.code)")
            throw fail(Self.code(for: error.code), nil, [error.detail], Self.display(transport.baseURL))
        }
        logger.debug(
            "\(method) \(apiPath) → \(response.status)",
            metadata: [
                "elapsed": "\(ContinuousClock.now - started)",
                "reused-connection": "\(response.reusedConnection)",
            ])

        let json: JSONValue?
        do {
            json = response.body.isEmpty ? nil : try JSONValue(decoding: response.body)
        } catch {
            guard (200..<300).contains(response.status) else {
                throw fail(.http, response.status, ["the response body is not JSON"], nil)
            }
            throw fail(.invalidResponse, response.status, ["the body is not valid JSON"], nil)
        }
        guard (200..<300).contains(response.status) else {
            let messages = json?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
            throw fail(.http, response.status, VaultError.normalise(messages), nil)
        }
        let result = VaultResponse(status: response.status, headers: response.headers, json: json)
        for warning in result.warnings { logger.info("\(method) \(apiPath): server warning: \(warning)") }
        return result
    }

    /// Sends a request whose body is any Encodable value.
    public func request(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], encoding body: some Encodable
    ) async throws -> VaultResponse {
        let json: JSONValue
        do {
            json = try JSONValue(encoding: body)
        } catch {
            throw VaultError(
                code: .invalidRequest, method: method, path: Self.trimmed(path), namespace: namespace,
                messages: ["the body could not be encoded as JSON"])
        }
        return try await request(method, path, query: query, body: json)
    }

    /// Sends a request and decodes the whole response body as `T`.
    public func request<T: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        as type: T.Type
    ) async throws -> T {
        let response = try await request(method, path, query: query, body: body)
        do {
            return try (response.json ?? .null).decode(as: type)
        } catch {
            throw VaultError(
                code: .invalidResponse, method: method, path: Self.trimmed(path), namespace: namespace,
                status: response.status, messages: [VaultError.summary(of: error)])
        }
    }

    // MARK: - Paths

    private static func trimmed(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("/") { path = path.dropFirst() }
        if path.hasPrefix("v1/") { path = path.dropFirst(3) }
        return String(path)
    }

    /// RFC 3986 unreserved characters: everything else in a name is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func encode(path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: unreserved) ?? String($0) }
            .joined(separator: "/")
    }

    private static func encode(query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.sorted { $0.key < $1.key }.map { key, value in
            let key = key.addingPercentEncoding(withAllowedCharacters: unreserved) ?? key
            let value = value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
            return "\(key)=\(value)"
        }
        return "?" + pairs.joined(separator: "&")
    }

    private static func display(_ address: URL) -> String {
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

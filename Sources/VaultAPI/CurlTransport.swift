import Foundation

// How the transport works:
// - Transfers run on the transport's own thread (CurlTransport+Workers.swift), never on
//   Swift's cooperative pool: it drives one libcurl multi handle, which runs up to
//   `maxConcurrentTransfers` transfers at once, and the calling task suspends on a
//   continuation until its transfer finishes.
// - The multi handle owns the connection cache, so a request reuses any connection an earlier
//   one left open. TLS sessions and the DNS cache are kept in a share handle.
// - The thread starts with the first request and stays until the transport is released; then
//   it finishes the queued work, cleans up its handles and exits.
// - The thread is also an executor (`taskExecutor`): tasks that prefer it (the live reads, the
//   apply's operations) run on it between its turns of libcurl, so a task resumed by a
//   finished transfer runs at once on the thread that finished it, instead of waking one of
//   the pool's threads for each response.
// - All unsafe code (handles, C callbacks, raw buffers) is in CurlTransport+libcurl.swift, the
//   only file that imports CCurl. This file turns requests into plain Swift values for it.

/// The libcurl transport: the only code in vaultform that speaks HTTP.
public final class CurlTransport: HTTPTransport {
    /// The server's address, as given; requests are relative to it.
    public let baseURL: URL
    /// How the server is trusted and how this client proves itself.
    public let tls: TLSOptions
    private let target: CurlTarget
    private let loop: CurlLoop

    /// Creates a transport for one server. Throws `HTTPTransportError` with code `invalidURL`
    /// for an address that is not `http` or `https` with a host, and `other` if libcurl cannot
    /// start. `maxConcurrentTransfers` bounds the worker threads, hence parallel requests.
    public convenience init(baseURL: URL, tls: TLSOptions = TLSOptions(), maxConcurrentTransfers: Int = 8) throws {
        try self.init(baseURL: baseURL, tls: tls, maxConcurrentTransfers: maxConcurrentTransfers, idleWaitMilliseconds: 1000)
    }

    /// `idleWaitMilliseconds` bounds how long the transport's thread waits with nothing to
    /// do before it looks at its queue again (tests make it long, so a request that fails to
    /// wake the thread is seen, however slow the machine).
    init(baseURL: URL, tls: TLSOptions = TLSOptions(), maxConcurrentTransfers: Int = 8, idleWaitMilliseconds: Int32) throws {
        self.baseURL = baseURL
        self.tls = tls
        self.target = try CurlTarget(baseURL: baseURL, tls: tls)
        try CurlRuntime.initialize(url: target.displayPrefix)
        let share = try CurlShare(url: target.displayPrefix)
        self.loop = try CurlLoop(
            limit: max(1, maxConcurrentTransfers), share: share, url: target.displayPrefix, idleWaitMilliseconds: idleWaitMilliseconds)
    }

    deinit { loop.shutdown() }

    public var taskExecutor: (any TaskExecutor)? { loop }

    /// Whether the caller runs on the transport's thread (for tests).
    var isTransportThread: Bool { loop.isCurrentThread }

    /// Queues the request for the transport's thread and suspends until it completes;
    /// cancelling the task aborts the transfer, even mid-way.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let job = CurlJob(spec: try CurlTransferSpec(target: try target(for: request), tls: tls, request: request))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.attach(continuation)
                loop.enqueue(job)
            }
        } onCancel: {
            job.cancel()
            loop.jobCancelled()
        }
    }

    /// The base URL's target, or for a request redirected to another node, that node's (the
    /// server-name override names the base URL's host, so it is not carried over).
    private func target(for request: HTTPRequest) throws -> CurlTarget {
        guard let origin = request.origin else { return target }
        var redirected = tls
        redirected.serverName = nil
        return try CurlTarget(baseURL: origin, tls: redirected)
    }
}

// MARK: - Preparing a transfer (plain Swift values, built on the caller's task)

/// The parts of the base URL every request needs, computed once.
struct CurlTarget: Sendable {
    /// What request paths are appended to: scheme, host (the server name when overridden),
    /// port and any base path, without a trailing slash.
    let urlPrefix: String
    /// The same, naming the host actually dialled, for error messages.
    let displayPrefix: String
    /// A CURLOPT_CONNECT_TO entry sending the server name's connections to the real host.
    let connectTo: String?

    init(baseURL: URL, tls: TLSOptions) throws {
        let invalid = { (detail: String) in
            HTTPTransportError(code: .invalidURL, url: baseURL.absoluteString, detail: detail)
        }
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw invalid("not a URL")
        }
        let scheme = components.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            throw invalid("the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL has no host") }
        guard components.user == nil, components.password == nil else {
            throw invalid("credentials in the URL are not supported")
        }
        components.query = nil
        components.fragment = nil
        while components.path.hasSuffix("/") { components.path.removeLast() }
        guard let display = components.string else { throw invalid("not a URL") }
        displayPrefix = display

        if let serverName = tls.serverName, !serverName.isEmpty, serverName != host {
            let port = components.port ?? (scheme == "https" ? 443 : 80)
            let dialled = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            components.host = serverName
            components.port = port
            guard let renamed = components.string else { throw invalid("bad server name \(serverName)") }
            urlPrefix = renamed
            connectTo = "\(serverName):\(port):\(dialled):\(port)"
        } else {
            urlPrefix = display
            connectTo = nil
        }
    }
}

/// Everything one transfer needs, as Swift values, so the worker only talks to libcurl.
struct CurlTransferSpec: Sendable {
    let url: String
    let displayURL: String
    let connectTo: String?
    let method: HTTPMethod
    let headerLines: [String]
    let body: Data?
    let timeoutMilliseconds: Int
    let tls: TLSOptions
    let freshConnection: Bool

    init(target: CurlTarget, tls: TLSOptions, request: HTTPRequest) throws {
        freshConnection = request.freshConnection
        let path = request.path.hasPrefix("/") ? request.path : "/" + request.path
        url = target.urlPrefix + path
        displayURL = target.displayPrefix + (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "")
        connectTo = target.connectTo
        method = request.method
        body = request.body
        self.tls = tls

        var lines: [String] = []
        for field in request.headers {
            guard !field.name.utf8.contains(where: Self.isLineBreak), !field.value.utf8.contains(where: Self.isLineBreak),
                !field.name.isEmpty, !field.name.utf8.contains(UInt8(ascii: ":"))
            else {
                throw HTTPTransportError(
                    code: .other, url: displayURL, detail: "header \(field.name.debugDescription) is malformed")
            }
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if request.body != nil {
            // A PATCH is a JSON merge patch (RFC 7396); OpenBao refuses it as anything else.
            let type = request.method == .patch ? "application/merge-patch+json" : "application/json"
            if request.headers["Content-Type"] == nil { lines.append("Content-Type: \(type)") }
            lines.append("Expect:")  // no 100-continue round trip
        }
        headerLines = lines

        let (seconds, attoseconds) = request.timeout.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        let total = milliseconds.overflow ? Int64.max : milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        timeoutMilliseconds = Int(clamping: max(1, total))
    }

    /// CR and LF would end the header line (header injection); VT and FF are refused too, as
    /// some proxies treat them as line breaks.
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}

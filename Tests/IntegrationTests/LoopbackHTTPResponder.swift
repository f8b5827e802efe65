import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for stand-ins the tests need (a standby that
/// redirects, a Kubernetes API that answers token reviews): reads one request per connection
/// (headers and a Content-Length body), answers with what `respond` returns, and closes.
final class LoopbackHTTPResponder: @unchecked Sendable {
    /// One request as received.
    struct Request: Sendable {
        var method: String
        var target: String
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data
    }

    /// The answer to one request.
    struct Response: Sendable {
        var status: Int
        var reason: String
        var headers: [(String, String)] = []
        var body: Data = Data()
    }

    let port: Int
    private let descriptor: Int32
    private let respond: @Sendable (Request) -> Response
    private let seen = Mutex<[Request]>([])
    private let closed = Mutex(false)

    /// Every request received, in order.
    var requests: [Request] { seen.withLock { $0 } }

    /// Listens on a free loopback port and answers each request with `respond`.
    init(name: String, respond: @escaping @Sendable (Request) -> Response) throws {
        self.respond = respond
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw DevServerError(message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard bound == 0, listen(fd, 16) == 0, named == 0 else {
            closeDescriptor(fd)
            throw DevServerError(message: "cannot listen on 127.0.0.1")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in serve() }
        thread.name = name
        thread.start()
    }

    func close() {
        closed.withLock { $0 = true }
        shutdown(descriptor, Int32(SHUT_RDWR))
        closeDescriptor(descriptor)
    }

    private func serve() {
        while !closed.withLock({ $0 }) {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return }
            handle(connection)
            closeDescriptor(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return }
            data.append(contentsOf: buffer[0..<count])
            headerEnd = data.range(of: Data("\r\n\r\n".utf8))
        }
        guard let headerEnd else { return }
        let head = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        let contentLength = headers["content-length"].flatMap { Int($0) } ?? 0
        var body = Data(data[headerEnd.upperBound...])
        while body.count < contentLength {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            body.append(contentsOf: buffer[0..<count])
        }
        let request = Request(method: String(parts[0]), target: String(parts[1]), headers: headers, body: body)
        seen.withLock { $0.append(request) }
        let response = respond(request)
        var text = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Data(text.utf8) + response.body
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }
}

/// The C `close`, out of reach of `LoopbackHTTPResponder.close()`.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

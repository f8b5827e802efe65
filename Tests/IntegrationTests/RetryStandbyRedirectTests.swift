import Foundation
import Synchronization
import Testing
import TestSupport
import VaultAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A standby that does not forward: a loopback listener in the test that answers every
/// request with `307 Temporary Redirect` to the active node (the shared dev server), as a
/// Vault standby does with request forwarding off.
@Suite("Standby redirects through libcurl")
struct RetryStandbyRedirectTests {
    @Test("reads and writes sent to a standby reach the active node; the standby sees each request once")
    func followsToActive() async throws {
        let active = try await DevServer.shared()
        let standby = try RedirectingStandby(active: active.address)
        defer { standby.close() }
        let log = LogCapture()
        var client = try VaultClient(
            address: #require(URL(string: "http://127.0.0.1:\(standby.port)")), token: active.rootToken)
        client.logger = log.logger

        let mounts = try await client.request(.get, "sys/mounts")
        #expect(mounts.data?["sys/"] != nil)
        let name = "standby-\(UUID().uuidString.prefix(8).lowercased())"
        let written = try await client.request(
            .put, "sys/policies/acl/\(name)", body: ["policy": "path \"x\" { capabilities = [\"read\"] }"])
        #expect(written.status == 204)
        let listed = try await client.request(.list, "sys/policies/acl")
        #expect(listed.data?["keys"]?.arrayValue?.contains(.string(name)) == true)

        #expect(standby.requestLines == ["GET /v1/sys/mounts", "PUT /v1/sys/policies/acl/\(name)", "LIST /v1/sys/policies/acl"])
        #expect(log.text.contains("GET sys/mounts: HTTP 307 from a standby; following to the active node at \(active.address.absoluteString)"))
        #expect(!log.text.contains(active.rootToken))
    }
}

/// A minimal HTTP/1.1 responder on 127.0.0.1: reads one request per connection (headers and a
/// Content-Length body) and answers 307 with `Location` = the active node + the request target.
final class RedirectingStandby: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32
    private let active: String
    private let seen = Mutex<[String]>([])
    private let closed = Mutex(false)

    /// "METHOD target" of each request received.
    var requestLines: [String] { seen.withLock { $0 } }

    init(active: URL) throws {
        var text = active.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.active = text
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
        thread.name = "redirecting-standby"
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
        let contentLength = lines.dropFirst().compactMap { line -> Int? in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "content-length" else { return nil }
            return Int(pair[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        var body = data.count - headerEnd.upperBound
        while body < contentLength {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            body += count
        }
        seen.withLock { $0.append("\(parts[0]) \(parts[1])") }
        let response = "HTTP/1.1 307 Temporary Redirect\r\nLocation: \(active)\(parts[1])\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = response.withCString { write(connection, $0, strlen($0)) }
    }
}

/// The C `close`, out of reach of `RedirectingStandby.close()`.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

import CCurl
import Foundation

// All of vaultform's unsafe code lives in this file: libcurl handles, C callbacks and raw
// buffers. It is the only file that imports CCurl; everything outside it is safe Swift.

enum CurlRuntime {
    /// `curl_global_init` is not thread-safe and must run once; a static let runs it exactly once.
    private static let status: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func initialize(url: String) throws {
        guard status == CURLE_OK else {
            throw HTTPTransportError(
                code: .other, url: url, detail: "curl_global_init failed: \(CurlEasy.text(status))")
        }
    }
}

/// The share handle: DNS cache and TLS sessions, locked per kind of data.
final class CurlShare: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let locks: CurlShareLocks

    init(url: String) throws {
        guard let handle = curl_share_init() else {
            throw HTTPTransportError(code: .other, url: url, detail: "curl_share_init failed")
        }
        // Configured before `self` is complete: a class whose initialiser throws after that
        // point runs its deinit, which would free the handle a second time.
        let locks = CurlShareLocks()
        var status = vf_share_setopt_pointer(handle, CURLSHOPT_USERDATA, Unmanaged.passUnretained(locks).toOpaque())
        if status == CURLSHE_OK {
            status = vf_share_setopt_lock_function(handle) { _, data, _, user in
                guard let user else { return }
                Unmanaged<CurlShareLocks>.fromOpaque(user).takeUnretainedValue().lock(data)
            }
        }
        if status == CURLSHE_OK {
            status = vf_share_setopt_unlock_function(handle) { _, data, user in
                guard let user else { return }
                Unmanaged<CurlShareLocks>.fromOpaque(user).takeUnretainedValue().unlock(data)
            }
        }
        for data in [CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION] where status == CURLSHE_OK {
            status = vf_share_setopt_long(handle, CURLSHOPT_SHARE, Int(data.rawValue))
        }
        guard status == CURLSHE_OK else {
            curl_share_cleanup(handle)
            throw HTTPTransportError(
                code: .other, url: url,
                detail: "curl_share_setopt failed: \(String(cString: curl_share_strerror(status)))")
        }
        self.handle = handle
        self.locks = locks
    }

    deinit { curl_share_cleanup(handle) }
}

/// One lock per `curl_lock_data`, as libcurl asks.
final class CurlShareLocks: @unchecked Sendable {
    private let locks: [NSLock] = (0...Int(CURL_LOCK_DATA_LAST.rawValue)).map { _ in NSLock() }

    func lock(_ data: curl_lock_data) {
        let index = Int(data.rawValue)
        if locks.indices.contains(index) { locks[index].lock() }
    }

    func unlock(_ data: curl_lock_data) {
        let index = Int(data.rawValue)
        if locks.indices.contains(index) { locks[index].unlock() }
    }
}

/// What the C callbacks write into during one transfer.
final class CurlTransferContext {
    /// The largest response body accepted. Vault's answers are small (a list of 100,000 keys
    /// is a few MiB); a server or proxy that sends more is cut off rather than exhausting memory.
    static let maximumBodyBytes = 32 << 20

    let job: CurlJob
    var body = Data()
    var headers = HTTPHeaders()
    /// Set when the body passed `maximumBodyBytes` and the transfer was aborted.
    var tooLarge = false

    init(job: CurlJob) { self.job = job }
}

/// One easy handle, used by one worker thread at a time.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let share: CurlShare
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?(share: CurlShare) {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.share = share
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    static func text(_ code: CURLcode) -> String { String(cString: curl_easy_strerror(code)) }

    private struct OptionFailure: Error {
        let option: String
        let code: CURLcode
    }

    private func check(_ code: CURLcode, _ option: String) throws(OptionFailure) {
        guard code == CURLE_OK else { throw OptionFailure(option: option, code: code) }
    }

    private func set(_ option: CURLoption, _ value: Int, _ name: String) throws(OptionFailure) {
        try check(vf_setopt_long(handle, option, value), name)
    }

    private func set(_ option: CURLoption, _ value: String, _ name: String) throws(OptionFailure) {
        // libcurl copies string options, so the temporary C string may go away afterwards.
        try check(value.withCString { vf_setopt_string(handle, option, $0) }, name)
    }

    func perform(_ job: CurlJob) -> Result<HTTPResponse, any Error> {
        let spec = job.spec
        let context = CurlTransferContext(job: job)
        var headerList: UnsafeMutablePointer<curl_slist>?
        var connectToList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(connectToList)
        }
        for line in spec.headerLines { headerList = curl_slist_append(headerList, line) }
        if let connectTo = spec.connectTo { connectToList = curl_slist_append(nil, connectTo) }

        curl_easy_reset(handle)  // keeps the connection cache, DNS cache and TLS sessions
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        do {
            try check(vf_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
            try check(vf_setopt_share(handle, share.handle), "CURLOPT_SHARE")
            try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
            try set(CURLOPT_URL, spec.url, "CURLOPT_URL")
            try set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
            try set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
            try set(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
            try set(CURLOPT_TIMEOUT_MS, spec.timeoutMilliseconds, "CURLOPT_TIMEOUT_MS")
            // Connecting (TCP and the TLS handshake) gets at most 10 s of the attempt: a host
            // that drops connection attempts is not worth the whole timeout.
            try set(CURLOPT_CONNECTTIMEOUT_MS, min(spec.timeoutMilliseconds, 10_000), "CURLOPT_CONNECTTIMEOUT_MS")
            // A write that must not happen twice never rides a reused connection, on which
            // libcurl would resend it by itself if the connection died before the answer.
            if spec.freshConnection { try set(CURLOPT_FRESH_CONNECT, 1, "CURLOPT_FRESH_CONNECT") }
            try configureMethod(spec)
            try check(vf_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")
            try configureTLS(spec.tls, connectTo: connectToList)
            try check(vf_setopt_write_function(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                let length = size * count
                let context = Unmanaged<CurlTransferContext>.fromOpaque(user).takeUnretainedValue()
                guard context.body.count + length <= CurlTransferContext.maximumBodyBytes else {
                    context.tooLarge = true
                    return 0  // aborts the transfer with CURLE_WRITE_ERROR
                }
                data.withMemoryRebound(to: UInt8.self, capacity: length) { context.body.append($0, count: length) }
                return length
            }, "CURLOPT_WRITEFUNCTION")
            try check(vf_setopt_pointer(handle, CURLOPT_WRITEDATA, contextPointer), "CURLOPT_WRITEDATA")
            try check(vf_setopt_header_function(handle) { data, size, count, user in
                guard let data, let user else { return 0 }
                let length = size * count
                let context = Unmanaged<CurlTransferContext>.fromOpaque(user).takeUnretainedValue()
                data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    CurlEasy.record(headerLine: UnsafeBufferPointer(start: $0, count: length), into: &context.headers)
                }
                return length
            }, "CURLOPT_HEADERFUNCTION")
            try check(vf_setopt_pointer(handle, CURLOPT_HEADERDATA, contextPointer), "CURLOPT_HEADERDATA")
            try set(CURLOPT_NOPROGRESS, 0, "CURLOPT_NOPROGRESS")
            try check(vf_setopt_xferinfo_function(handle) { user, _, _, _, _ in
                guard let user else { return 0 }
                return Unmanaged<CurlTransferContext>.fromOpaque(user).takeUnretainedValue().job.isCancelled ? 1 : 0
            }, "CURLOPT_XFERINFOFUNCTION")
            try check(vf_setopt_pointer(handle, CURLOPT_XFERINFODATA, contextPointer), "CURLOPT_XFERINFODATA")
        } catch {
            return .failure(HTTPTransportError(
                code: .other, url: spec.displayURL, detail: "cannot set \(error.option): \(Self.text(error.code))"))
        }

        let result = withExtendedLifetime(context) { curl_easy_perform(handle) }
        guard result == CURLE_OK else {
            if result == CURLE_ABORTED_BY_CALLBACK && job.isCancelled { return .failure(CancellationError()) }
            if context.tooLarge {
                return .failure(HTTPTransportError(
                    code: .other, url: spec.displayURL,
                    detail: "the response is larger than \(CurlTransferContext.maximumBodyBytes >> 20) MiB, more than any Vault answer; cut off"))
            }
            return .failure(transportError(result, url: spec.displayURL))
        }
        var status = 0
        var newConnections = 0
        _ = vf_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = vf_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        return .success(HTTPResponse(
            status: status, headers: context.headers, body: context.body, reusedConnection: newConnections == 0))
    }

    private func configureMethod(_ spec: CurlTransferSpec) throws(OptionFailure) {
        switch spec.method {
        case .get where spec.body == nil:
            try set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        case .head:
            try set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        default:
            let body = spec.body ?? Data()
            if spec.body != nil || [.post, .put, .patch].contains(spec.method) {
                // POSTFIELDSIZE first, so COPYPOSTFIELDS copies exactly that many bytes.
                try set(CURLOPT_POSTFIELDSIZE, body.count, "CURLOPT_POSTFIELDSIZE")
                let copy = { (bytes: UnsafeRawPointer?) in
                    vf_setopt_pointer(self.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes))
                }
                let code = body.isEmpty ? "".withCString { copy($0) } : body.withUnsafeBytes { copy($0.baseAddress) }
                try check(code, "CURLOPT_COPYPOSTFIELDS")
            }
            if spec.method != .post { try set(CURLOPT_CUSTOMREQUEST, spec.method.rawValue, "CURLOPT_CUSTOMREQUEST") }
        }
    }

    private func configureTLS(_ tls: TLSOptions, connectTo: UnsafeMutablePointer<curl_slist>?) throws(OptionFailure) {
        if let file = tls.caFile { try set(CURLOPT_CAINFO, file, "CURLOPT_CAINFO") }
        if let directory = tls.caDirectory { try set(CURLOPT_CAPATH, directory, "CURLOPT_CAPATH") }
        if let certificate = tls.clientCertificate { try set(CURLOPT_SSLCERT, certificate, "CURLOPT_SSLCERT") }
        if let key = tls.clientKey { try set(CURLOPT_SSLKEY, key, "CURLOPT_SSLKEY") }
        if let connectTo { try check(vf_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo), "CURLOPT_CONNECT_TO") }
        try set(CURLOPT_SSL_VERIFYPEER, tls.skipVerification ? 0 : 1, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, tls.skipVerification ? 0 : 2, "CURLOPT_SSL_VERIFYHOST")
    }

    /// Keeps the fields of the last response only: a status line (after `100 Continue`, say)
    /// starts the list again. Works on the bytes: this runs for every header of every
    /// response, and Foundation's trimming was a tenth of a large plan's CPU time.
    static func record(headerLine line: UnsafeBufferPointer<UInt8>, into headers: inout HTTPHeaders) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, isSpace(line[lower]) { lower += 1 }
            while upper > lower, isSpace(line[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        let whole = trimmed(0..<line.count)
        if line[whole].starts(with: "HTTP/".utf8) {
            headers = HTTPHeaders()
        } else if let colon = line[whole].firstIndex(of: UInt8(ascii: ":")) {
            let name = trimmed(whole.lowerBound..<colon), value = trimmed(colon + 1..<whole.upperBound)
            if !name.isEmpty {
                headers.add(
                    name: String(decoding: UnsafeBufferPointer(rebasing: line[name]), as: UTF8.self),
                    value: String(decoding: UnsafeBufferPointer(rebasing: line[value]), as: UTF8.self))
            }
        }
    }

    private func transportError(_ result: CURLcode, url: String) -> HTTPTransportError {
        let buffered = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        var detail = buffered.isEmpty ? Self.text(result) : buffered
        if detail.contains("wrong version number") { detail += " (is the server speaking plain HTTP?)" }
        var osError = 0
        _ = vf_getinfo_long(handle, CURLINFO_OS_ERRNO, &osError)
        let code: HTTPTransportError.Code
        switch result {
        case CURLE_COULDNT_CONNECT:
            code = osError == Int(ECONNREFUSED) ? .connectionRefused : .cannotConnect
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            code = .cannotResolveHost
        case CURLE_OPERATION_TIMEDOUT:
            code = .timedOut
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS:
            code = .certificate
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED:
            code = .tls
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            // Over TLS 1.3, a listener that requires a client certificate and got none closes
            // the connection right after the handshake, and libcurl reports "getpeername()
            // failed": a refusal, not an outage worth retrying.
            let refusedHandshake = url.lowercased().hasPrefix("https:") && detail.contains("getpeername() failed")
            code = refusedHandshake ? .tls : .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            code = .invalidURL
        default:
            code = .other
        }
        return HTTPTransportError(code: code, url: url, detail: detail)
    }
}

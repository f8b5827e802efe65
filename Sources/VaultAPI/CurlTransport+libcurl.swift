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

/// One easy handle: one transfer at a time, run by the multi handle on the transport's thread.
final class CurlEasy {
    fileprivate let handle: UnsafeMutableRawPointer
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
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
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

    /// What the transfer in flight needs kept alive until it finishes: its callbacks' context
    /// and the header lists libcurl reads from.
    private var context: CurlTransferContext?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?

    /// The job in flight on this handle, if any.
    var job: CurlJob? { context?.job }

    /// Configures the handle for `job`; the multi handle then runs it. Nil when it is ready,
    /// otherwise the error to finish the job with.
    func start(_ job: CurlJob) -> HTTPTransportError? {
        let spec = job.spec
        release()
        let context = CurlTransferContext(job: job)
        self.context = context
        for line in spec.headerLines { headerList = curl_slist_append(headerList, line) }
        if let connectTo = spec.connectTo { connectToList = curl_slist_append(nil, connectTo) }

        curl_easy_reset(handle)  // keeps the DNS cache and TLS sessions; connections belong to the multi handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        do {
            try check(vf_setopt_pointer(handle, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque()), "CURLOPT_PRIVATE")
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
            release()
            return HTTPTransportError(
                code: .other, url: spec.displayURL, detail: "cannot set \(error.option): \(Self.text(error.code))")
        }
        return nil
    }

    /// The outcome of the transfer that ended with `result`; the handle is free again.
    func finish(_ result: CURLcode) -> Result<HTTPResponse, any Error> {
        guard let context else {
            return .failure(HTTPTransportError(code: .other, url: "", detail: "a transfer finished with no request"))
        }
        defer { release() }
        let job = context.job
        let spec = job.spec
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

    /// Frees what the last transfer kept alive (after it finished or was abandoned).
    func release() {
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        headerList = nil
        connectToList = nil
        context = nil
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

/// The multi handle that runs all of one transport's transfers on its one thread. It keeps the
/// connection cache, so any transfer reuses a connection another one left open. Only
/// `wakeup()` may be called from another thread; everything else runs on the transport's.
///
/// It is driven by libcurl's socket interface (`curl_multi_socket_action`), as event-driven
/// programs drive it: libcurl says which sockets it waits on and when its next timer is due,
/// this class polls those sockets, and tells libcurl which one is ready. Only that socket's
/// transfer is then moved along. `curl_multi_perform` instead visits every transfer and
/// polls each one's socket on every call: ten `poll` calls per request in a plan.
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    private let events: CurlMultiEvents
    /// A pipe another thread writes a byte to, to end a `wait` early.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init(url: String) throws {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            throw HTTPTransportError(code: .other, url: url, detail: "pipe() failed: \(String(cString: strerror(errno)))")
        }
        for end in pipeEnds {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        guard let handle = curl_multi_init() else {
            pipeEnds.forEach { _ = close($0) }
            throw HTTPTransportError(code: .other, url: url, detail: "curl_multi_init failed")
        }
        // Configured before `self` is complete, as CurlShare is: a throwing initialiser
        // after that point would run deinit and free the handle twice.
        let events = CurlMultiEvents()
        let user = Unmanaged.passUnretained(events).toOpaque()
        // One transfer per connection, as HTTP/1.1 has it: no HTTP/2 multiplexing, so a
        // transfer that must have a fresh connection has one to itself.
        var status = vf_multi_setopt_long(handle, CURLMOPT_PIPELINING, Int(CURLPIPE_NOTHING))
        if status == CURLM_OK { status = vf_multi_setopt_pointer(handle, CURLMOPT_SOCKETDATA, user) }
        if status == CURLM_OK { status = vf_multi_setopt_pointer(handle, CURLMOPT_TIMERDATA, user) }
        if status == CURLM_OK {
            // libcurl names each socket it waits on, and what for; REMOVE when it no longer does.
            status = vf_multi_setopt_socket_function(handle) { _, socket, what, user, _ in
                guard let user else { return 0 }
                let events = Unmanaged<CurlMultiEvents>.fromOpaque(user).takeUnretainedValue()
                events.sockets[socket] = what == CURL_POLL_REMOVE ? nil : what
                return 0
            }
        }
        if status == CURLM_OK {
            // libcurl's next timer: -1 none, 0 at once, else in that many milliseconds.
            status = vf_multi_setopt_timer_function(handle) { _, milliseconds, user in
                guard let user else { return 0 }
                let events = Unmanaged<CurlMultiEvents>.fromOpaque(user).takeUnretainedValue()
                events.timerDue = milliseconds < 0 ? nil : CurlMultiEvents.now() &+ UInt64(milliseconds) &* 1_000_000
                return 0
            }
        }
        guard status == CURLM_OK else {
            curl_multi_cleanup(handle)
            pipeEnds.forEach { _ = close($0) }
            throw HTTPTransportError(
                code: .other, url: url, detail: "curl_multi_setopt failed: \(String(cString: curl_multi_strerror(status)))")
        }
        self.handle = handle
        self.events = events
        (wakeRead, wakeWrite) = (pipeEnds[0], pipeEnds[1])
    }

    deinit {
        curl_multi_cleanup(handle)
        _ = close(wakeRead)
        _ = close(wakeWrite)
    }

    /// Starts running `easy`'s configured transfer; false when the multi handle refused it.
    /// (libcurl sets a timer due at once, which `perform` then acts on.)
    func add(_ easy: CurlEasy) -> Bool { curl_multi_add_handle(handle, easy.handle) == CURLM_OK }

    /// Stops `easy`'s transfer (finished or not) and takes it off the multi handle.
    func remove(_ easy: CurlEasy) { _ = curl_multi_remove_handle(handle, easy.handle) }

    /// Runs libcurl's timer if it is due (starting added transfers, ending timed-out ones).
    /// Once per call: a timer libcurl sets due at once again makes the next `wait` return at
    /// once, so the loop cannot spin inside here.
    func perform() {
        guard let due = events.timerDue, due <= CurlMultiEvents.now() else { return }
        events.timerDue = nil
        var running: Int32 = 0
        _ = curl_multi_socket_action(handle, CURL_SOCKET_TIMEOUT, 0, &running)
    }

    /// The transfers that finished since the last call, each taken off the multi handle with
    /// its job and outcome; their easy handles are free again.
    func finished() -> [(easy: CurlEasy, job: CurlJob?, result: Result<HTTPResponse, any Error>)] {
        var done: [(easy: CurlEasy, job: CurlJob?, result: Result<HTTPResponse, any Error>)] = []
        var queued: Int32 = 0
        while let message = curl_multi_info_read(handle, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easyHandle = message.pointee.easy_handle else { continue }
            var pointer: UnsafeMutableRawPointer?
            _ = vf_getinfo_pointer(easyHandle, CURLINFO_PRIVATE, &pointer)
            guard let pointer else { continue }
            let easy = Unmanaged<CurlEasy>.fromOpaque(pointer).takeUnretainedValue()
            let job = easy.job
            let result = easy.finish(vf_multi_message_result(message))
            remove(easy)
            done.append((easy, job, result))
        }
        return done
    }

    /// Waits until a socket libcurl waits on is ready, its timer is due, `wakeup()` is
    /// called, or `milliseconds` pass; then moves along the transfers whose sockets are ready.
    func wait(milliseconds: Int32) {
        var timeout = Int64(milliseconds)
        if let due = events.timerDue {
            let now = CurlMultiEvents.now()
            // Rounded up, so the poll does not end just before the timer and spin.
            timeout = min(timeout, due <= now ? 0 : Int64((due - now + 999_999) / 1_000_000))
        }
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        for (socket, what) in events.sockets {
            var wanted: Int16 = 0
            if what & CURL_POLL_IN != 0 { wanted |= Int16(POLLIN) }
            if what & CURL_POLL_OUT != 0 { wanted |= Int16(POLLOUT) }
            fds.append(pollfd(fd: socket, events: wanted, revents: 0))
        }
        guard poll(&fds, nfds_t(fds.count), Int32(timeout)) > 0 else { return }
        if fds[0].revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &sink, sink.count) > 0 {}
        }
        var running: Int32 = 0
        for ready in fds.dropFirst() where ready.revents != 0 {
            var mask: Int32 = 0
            if ready.revents & Int16(POLLIN) != 0 { mask |= CURL_CSELECT_IN }
            if ready.revents & Int16(POLLOUT) != 0 { mask |= CURL_CSELECT_OUT }
            if ready.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { mask |= CURL_CSELECT_ERR }
            _ = curl_multi_socket_action(handle, ready.fd, mask, &running)
        }
    }

    /// Ends a `wait` early (or the next one, if none is under way). Safe from any thread.
    func wakeup() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }
}

/// What libcurl's socket and timer callbacks said, kept for the loop thread (the callbacks
/// run on it, inside libcurl's calls).
final class CurlMultiEvents {
    /// Each socket libcurl waits on, with CURL_POLL_IN, CURL_POLL_OUT or both.
    var sockets: [curl_socket_t: Int32] = [:]
    /// When libcurl's timer is due (`now()`'s clock), if it is set.
    var timerDue: UInt64?

    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

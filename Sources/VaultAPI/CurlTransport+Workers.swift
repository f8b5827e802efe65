import Foundation

// The threads that run blocking libcurl transfers, so they never occupy Swift's cooperative
// thread pool. Each worker owns one easy handle (CurlEasy) for its whole life, which is what
// keeps its connection to the server open between requests.

/// One queued transfer and the continuation of the task waiting for it.
final class CurlJob: @unchecked Sendable {
    let spec: CurlTransferSpec
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var cancelled = false

    init(spec: CurlTransferSpec) { self.spec = spec }

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }

    func attach(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Resumes the waiting task exactly once.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        let waiting: CheckedContinuation<HTTPResponse, any Error>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}

/// A queue of jobs served by up to `limit` threads, each owning one easy handle.
final class CurlWorkerPool: @unchecked Sendable {
    private let limit: Int
    private let share: CurlShare
    private let condition = NSCondition()
    private var queue: [CurlJob] = []
    private var workers = 0
    private var idle = 0
    private var shuttingDown = false

    init(limit: Int, share: CurlShare) {
        self.limit = limit
        self.share = share
    }

    func enqueue(_ job: CurlJob) {
        condition.lock()
        if shuttingDown {
            condition.unlock()
            job.finish(.failure(CancellationError()))
            return
        }
        queue.append(job)
        let spawn = queue.count > idle && workers < limit
        if spawn { workers += 1 }
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in work() }
            thread.name = "vaultform.curl"
            thread.start()
        }
    }

    /// Lets the workers drain the queue and exit; they release the pool (and so the share
    /// handle) only after cleaning up their easy handles.
    func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func nextJob() -> CurlJob? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !shuttingDown {
            idle += 1
            condition.wait()
            idle -= 1
        }
        if queue.isEmpty {
            workers -= 1
            return nil
        }
        return queue.removeFirst()
    }

    private func work() {
        let easy = CurlEasy(share: share)
        while let job = nextJob() {
            if job.isCancelled {
                job.finish(.failure(CancellationError()))
            } else if let easy {
                job.finish(easy.perform(job))
            } else {
                let error = HTTPTransportError(code: .other, url: job.spec.displayURL, detail: "curl_easy_init failed")
                job.finish(.failure(error))
            }
        }
        withExtendedLifetime(easy) {}
    }
}

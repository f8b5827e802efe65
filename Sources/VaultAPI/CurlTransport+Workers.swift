import Foundation

// The one thread that runs a transport's transfers, so they never occupy Swift's cooperative
// thread pool: it drives libcurl's multi handle (CurlMulti), which runs up to `limit`
// transfers at once over its connection cache, the way `curl --parallel` does. One thread
// waiting on all the sockets replaces a thread per connection: a request costs one hand-over
// each way instead of a thread's wake-up and sleep per transfer.

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

/// A queue of jobs run by one thread through the multi handle, at most `limit` at a time.
final class CurlLoop: @unchecked Sendable {
    private let limit: Int
    // The multi handle is declared (so released) before the share handle its transfers used.
    private let multi: CurlMulti
    private let share: CurlShare
    private let lock = NSLock()
    // Under `lock`: what other threads hand over.
    private var queue: [CurlJob] = []
    private var queueStart = 0
    private var shuttingDown = false
    private var started = false
    /// Set when a job was cancelled: the queue is searched for cancelled jobs only then.
    private var cancellations = false
    /// Set while the loop waits with room for another transfer: only then does a new job
    /// wake it (a write to its pipe). A busy loop takes new jobs on its next turn anyway.
    private var sleeping = false
    // The loop thread's own.
    private var running: [ObjectIdentifier: CurlEasy] = [:]
    private var spare: [CurlEasy] = []

    private let idleWaitMilliseconds: Int32

    init(limit: Int, share: CurlShare, url: String, idleWaitMilliseconds: Int32 = 1000) throws {
        self.limit = limit
        self.idleWaitMilliseconds = idleWaitMilliseconds
        self.share = share
        self.multi = try CurlMulti(url: url)
    }

    func enqueue(_ job: CurlJob) {
        let handedOver: (startThread: Bool, wake: Bool)? = lock.withLock {
            if shuttingDown { return nil }
            queue.append(job)
            defer { (started, sleeping) = (true, false) }
            return (!started, sleeping)
        }
        guard let handedOver else {
            job.finish(.failure(CancellationError()))
            return
        }
        if handedOver.startThread {
            let thread = Thread { [self] in run() }
            thread.name = "vaultform.curl"
            thread.start()
        } else if handedOver.wake {
            multi.wakeup()
        }
    }

    /// A job was cancelled: the loop notices at once and stops its transfer, or drops it
    /// from the queue if it is still waiting for a place.
    func jobCancelled() {
        lock.withLock { cancellations = true }
        multi.wakeup()
    }

    /// Lets the loop finish the queued work and exit; it releases the loop (and so the
    /// share handle) only after cleaning up its easy handles.
    func shutdown() {
        lock.withLock { shuttingDown = true }
        multi.wakeup()
    }

    /// Up to `room` queued jobs, the queued jobs that were cancelled (now out of the queue),
    /// and whether the loop is done (shut down with nothing left).
    private func take(_ room: Int) -> (jobs: ArraySlice<CurlJob>, cancelled: [CurlJob], done: Bool) {
        lock.withLock {
            var cancelled: [CurlJob] = []
            if cancellations {
                cancellations = false
                let waiting = queue[queueStart...]
                cancelled = waiting.filter(\.isCancelled)
                if !cancelled.isEmpty {
                    queue = waiting.filter { !$0.isCancelled }
                    queueStart = 0
                }
            }
            let count = min(room, queue.count - queueStart)
            let jobs = queue[queueStart..<queueStart + count]
            queueStart += count
            if queueStart == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueStart = 0
            } else if queueStart > 1024 && queueStart * 2 > queue.count {
                queue.removeFirst(queueStart)
                queueStart = 0
            }
            return (jobs, cancelled, shuttingDown && queue.isEmpty && running.isEmpty && jobs.isEmpty)
        }
    }

    private func run() {
        while true {
            let (jobs, cancelled, done) = take(limit - running.count)
            for job in cancelled { job.finish(.failure(CancellationError())) }
            if done { break }
            for job in jobs { start(job) }
            for easy in running.values {
                guard let job = easy.job, job.isCancelled else { continue }
                multi.remove(easy)
                easy.release()
                running[ObjectIdentifier(easy)] = nil
                spare.append(easy)
                job.finish(.failure(CancellationError()))
            }
            multi.perform()
            let finished = multi.finished()
            for (easy, job, result) in finished {
                running[ObjectIdentifier(easy)] = nil
                spare.append(easy)
                job?.finish(result)
            }
            // A finished transfer frees a place for a queued one: take it before waiting.
            guard finished.isEmpty, sleep() else { continue }
            multi.wait(milliseconds: idleWaitMilliseconds)
            lock.withLock { sleeping = false }
        }
        for easy in running.values { multi.remove(easy) }
        running = [:]
        spare = []
    }

    /// Whether the loop may wait now: nothing queued it has room for, no cancellation or
    /// shutdown to act on. Marks it sleeping, under the same lock the queue is, so a job
    /// queued from now on wakes it.
    private func sleep() -> Bool {
        lock.withLock {
            let room = running.count < limit
            if cancellations || shuttingDown || (room && queue.count > queueStart) { return false }
            sleeping = room
            return true
        }
    }

    private func start(_ job: CurlJob) {
        if job.isCancelled {
            job.finish(.failure(CancellationError()))
            return
        }
        guard let easy = spare.popLast() ?? CurlEasy(share: share) else {
            job.finish(.failure(HTTPTransportError(code: .other, url: job.spec.displayURL, detail: "curl_easy_init failed")))
            return
        }
        if let error = easy.start(job) {
            spare.append(easy)
            job.finish(.failure(error))
            return
        }
        guard multi.add(easy) else {
            easy.release()
            spare.append(easy)
            job.finish(.failure(HTTPTransportError(code: .other, url: job.spec.displayURL, detail: "curl_multi_add_handle failed")))
            return
        }
        running[ObjectIdentifier(easy)] = easy
    }
}

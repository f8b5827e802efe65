import Foundation

// The one thread that runs a transport's transfers, so they never occupy Swift's cooperative
// thread pool: it drives libcurl's multi handle (CurlMulti), which runs up to `limit`
// transfers at once over its connection cache, the way `curl --parallel` does. One thread
// waiting on all the sockets replaces a thread per connection: a request costs one hand-over
// each way instead of a thread's wake-up and sleep per transfer. Tasks that prefer the loop as
// their executor (`TaskExecutor`) save the hand-over back as well: the loop runs their jobs
// itself, so the task waiting for a response resumes on the thread that received it.

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
    /// Set while the loop waits at all: then a task's job (which needs no transfer place)
    /// wakes it.
    private var idle = false
    /// Under `lock`: jobs of tasks that prefer this loop as their executor, run by the loop
    /// thread between its turns of libcurl, so a task resumed by a finished transfer runs
    /// on the thread that finished it instead of waking one of Swift's pool.
    private var tasks: [UnownedJob] = []
    /// Under `lock`: the loop thread, while it runs.
    private var thread: pthread_t?
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
            let wake = sleeping
            if wake { (sleeping, idle) = (false, false) }
            defer { started = true }
            return (!started, wake)
        }
        guard let handedOver else {
            job.finish(.failure(CancellationError()))
            return
        }
        startOrWake(handedOver)
    }

    /// After a hand-over: starts the thread if it is not running, else wakes it if it waits
    /// for what was handed over.
    private func startOrWake(_ handedOver: (startThread: Bool, wake: Bool)) {
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
    private func take(_ room: Int) -> (jobs: [CurlJob], cancelled: [CurlJob], done: Bool) {
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
            let done = shuttingDown && queue.isEmpty && running.isEmpty && jobs.isEmpty && tasks.isEmpty
            return (Array(jobs), cancelled, done)
        }
    }

    /// The tasks' jobs queued so far, taken off the queue.
    private func takeTasks() -> [UnownedJob] {
        lock.withLock {
            if tasks.isEmpty { return [] }
            defer { tasks.removeAll(keepingCapacity: true) }
            return tasks
        }
    }

    /// Whether the caller runs on the loop thread.
    var isCurrentThread: Bool {
        let current = pthread_self()
        return lock.withLock { thread.map { pthread_equal($0, current) != 0 } ?? false }
    }

    private func run() {
        lock.withLock { thread = pthread_self() }
        while true {
            turns()
            for easy in running.values { multi.remove(easy) }
            running = [:]
            spare = []
            // A task's job queued since the loop decided it was done keeps it going; one
            // queued after this starts the thread again.
            let more = lock.withLock {
                if tasks.isEmpty { (started, thread) = (false, nil) }
                return !tasks.isEmpty
            }
            if !more { return }
        }
    }

    private func turns() {
        while true {
            for task in takeTasks() { task.runSynchronously(on: asUnownedTaskExecutor()) }
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
            if !finished.isEmpty { continue }
            // With tasks' jobs queued the loop only looks at its sockets, so transfers move
            // along while those run.
            let mayWait = sleep()
            multi.wait(milliseconds: mayWait ? idleWaitMilliseconds : 0)
            if mayWait { lock.withLock { (sleeping, idle) = (false, false) } }
        }
    }

    /// Whether the loop may wait now: nothing queued it has room for, no cancellation or
    /// shutdown to act on. Marks it sleeping, under the same lock the queue is, so a job
    /// queued from now on wakes it.
    private func sleep() -> Bool {
        lock.withLock {
            let room = running.count < limit
            if cancellations || shuttingDown || !tasks.isEmpty || (room && queue.count > queueStart) { return false }
            (sleeping, idle) = (room, true)
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

extension CurlLoop: TaskExecutor {
    /// Queues a task's job for the loop thread, waking the thread if it waits (or starting
    /// it, if it is not running).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        startOrWake(lock.withLock {
            tasks.append(job)
            let wake = idle
            if wake { (sleeping, idle) = (false, false) }
            defer { started = true }
            return (!started, wake)
        })
    }
}

/// A read whose answer callers share, each getting one sent after it asked: a caller that
/// finds no read under way starts one; one that finds a read already sent waits for the next,
/// which is sent when that one ends, and which every caller arriving meanwhile shares. So
/// concurrent writes that must each check something just before they go (the apply lock)
/// cost about two reads per burst instead of one each, and none is served an answer older
/// than its question.
actor FreshRead<Value: Sendable> {
    private var reading: (id: Int, task: Task<Value, any Error>)?
    private var queued: (id: Int, task: Task<Value, any Error>)?
    private var lastID = 0
    private let read: @Sendable () async throws -> Value

    init(_ read: @escaping @Sendable () async throws -> Value) {
        self.read = read
    }

    /// The answer of a read sent after this call.
    func value() async throws -> Value {
        if let queued { return try await queued.task.value }
        lastID += 1
        let id = lastID
        let previous = reading?.task
        let task = Task {
            if let previous { _ = await previous.result }
            self.begin(id)
            do {
                let value = try await read()
                self.end(id)
                return value
            } catch {
                self.end(id)
                throw error
            }
        }
        if previous == nil { reading = (id, task) } else { queued = (id, task) }
        return try await task.value
    }

    /// The queued read is about to be sent: callers from now on wait for the one after it.
    private func begin(_ id: Int) {
        if queued?.id == id {
            reading = queued
            queued = nil
        }
    }

    private func end(_ id: Int) {
        if reading?.id == id { reading = nil }
    }
}

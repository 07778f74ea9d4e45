import Synchronization

/// `body`'s result, or nil when `limit` passes first; `body` is then cancelled, and awaited
/// (waiting for a pooled connection honours the cancellation; statements end by their timeout).
public func withTimeLimit<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}

/// `task`'s result, or nil when `limit` passes first, without waiting for the task any longer:
/// for work that may not end when cancelled (an operation PostgresNIO lost with its connection
/// waits for ever), which the caller then leaves behind.
public func result<T: Sendable, E: Error>(of task: Task<T, E>, within limit: Duration) async -> Result<T, E>? {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>?, Never>) in
        let answer = FirstAnswer(continuation)
        let timer = Task {
            try? await Task.sleep(for: limit)
            answer.give(nil)
        }
        Task {
            answer.give(await task.result)
            // Every request passes through here: its timer must not sleep on after it.
            timer.cancel()
        }
    }
}

/// Resumes a continuation with the first answer given, and ignores the others.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    func give(_ answer: Value) {
        continuation.withLock { pending in
            pending?.resume(returning: answer)
            pending = nil
        }
    }
}

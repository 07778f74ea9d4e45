import NIOConcurrencyHelpers

/// The task's result, or nil when it has not finished within `limit`: for tests of work that
/// must end, so that a hang fails the test instead of stalling the suite. Not a task group: a
/// group would wait for a hung task's result before returning.
public func outcome<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
    let waiter = NIOLockedValueBox<CheckedContinuation<Result<T, any Error>?, Never>?>(nil)
    @Sendable func finish(_ outcome: Result<T, any Error>?) {
        waiter.withLockedValue { continuation in
            continuation?.resume(returning: outcome)
            continuation = nil
        }
    }
    return await withCheckedContinuation { continuation in
        waiter.withLockedValue { $0 = continuation }
        Task { finish(await task.result) }
        Task {
            try? await Task.sleep(for: limit)
            finish(nil)
        }
    }
}

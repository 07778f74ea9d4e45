import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The connection closed while a COPY was in progress (the server was stopped, or the backend
/// terminated).
public struct CopyInterrupted: Error, CustomStringConvertible {
    public let table: String
    public var description: String { "the database connection closed during COPY into \(table)" }
}

extension PostgresConnection {
    /// `copyFrom`, but failing when the connection closes under it: PostgresNIO's `copyFrom` never
    /// returns in that case (it drops its continuation), which left an evaluation hanging with its
    /// backend gone. The abandoned copy stays suspended; the caller fails and moves on.
    func guardedCopy(table: String, columns: [String], data: ByteBuffer, logger: Logger) async throws {
        let waiter = NIOLockedValueBox<CheckedContinuation<Void, any Error>?>(nil)
        @Sendable func finish(_ result: Result<Void, any Error>) {
            waiter.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiter.withLockedValue { $0 = continuation }
            Task {
                do {
                    try await self.copyFrom(table: table, columns: columns, logger: logger) { writer in try await writer.write(data) }
                    finish(.success(()))
                } catch {
                    finish(.failure(error))
                }
            }
            self.closeFuture.whenComplete { _ in finish(.failure(CopyInterrupted(table: table))) }
        }
    }
}

extension PostgresConnection {
    /// Runs `body` on this connection unless the connection closes first or `timeout` passes;
    /// true when `body` finished. For cleaning up after a failure: a connection that failed
    /// mid-COPY may never answer again, and an abandoned `body` is left suspended.
    public func whileOpen(timeout: Duration, _ body: @escaping @Sendable (PostgresConnection) async -> Void) async -> Bool {
        let waiter = NIOLockedValueBox<CheckedContinuation<Bool, Never>?>(nil)
        @Sendable func finish(_ finished: Bool) {
            waiter.withLockedValue { continuation in
                continuation?.resume(returning: finished)
                continuation = nil
            }
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            waiter.withLockedValue { $0 = continuation }
            Task {
                await body(self)
                finish(true)
            }
            self.closeFuture.whenComplete { _ in finish(false) }
            Task {
                try? await Task.sleep(for: timeout)
                finish(false)
            }
        }
    }
}

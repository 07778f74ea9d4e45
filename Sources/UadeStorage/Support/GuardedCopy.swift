import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import _ConnectionPoolModule

/// The connection closed while an operation on it was under way (the server was stopped, the
/// backend terminated, a proxy dropped it), or the operation outlived its time limit.
public struct ConnectionLost: Error, CustomStringConvertible {
    public let during: String
    public let timedOut: Bool
    public var description: String {
        timedOut
            ? "no answer from the database connection within the time limit during \(during)"
            : "the database connection closed during \(during)"
    }
}

extension PostgresConnection {
    /// Runs `body` on this connection, but fails with `ConnectionLost` as soon as the connection
    /// closes (or `timeout` passes). PostgresNIO can leave an operation on a connection that closes
    /// under it waiting forever: a query written after the channel closed never reaches the handler
    /// that would fail it, and `copyFrom` drops its continuation. The abandoned `body` stays
    /// suspended; the caller fails and moves on. For work on a connection held across many
    /// statements (an evaluation run, an import), where the pool cannot step in.
    public func unlessClosed<T: Sendable>(
        _ during: String, timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let waiter = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
        @Sendable func finish(_ result: Result<T, any Error>) {
            waiter.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
        defer { timer.withLockedValue { $0?.cancel() } }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            waiter.withLockedValue { $0 = continuation }
            Task {
                do {
                    finish(.success(try await body(self)))
                } catch {
                    finish(.failure(error))
                }
            }
            self.closeFuture.whenComplete { _ in finish(.failure(ConnectionLost(during: during, timedOut: false))) }
            if let timeout {
                timer.withLockedValue {
                    $0 = Task {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        finish(.failure(ConnectionLost(during: during, timedOut: true)))
                    }
                }
            }
        }
    }

    /// A transaction whose caller fails as soon as the connection closes, at any statement.
    /// `withTransaction` cannot do this: its ROLLBACK after a failure, written to a closed
    /// connection, would wait forever as well.
    func guardedTransaction<T: Sendable>(
        _ during: String, logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await unlessClosed(during) { connection in
            try await connection.query("BEGIN", logger: logger)
            // Long work (a million-row import) gets the upload's time rather than the server's
            // per-statement timeout, and gives up on a row lock held elsewhere instead of
            // waiting for it without bound; SET LOCAL ends with the transaction.
            try await connection.query("SET LOCAL statement_timeout = '10min'", logger: logger)
            try await connection.query("SET LOCAL lock_timeout = '30s'", logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    /// `copyFrom` of a prepared text buffer, failing when the connection closes under it.
    func guardedCopy(table: String, columns: [String], data: ByteBuffer, logger: Logger) async throws {
        try await unlessClosed("COPY into \(table)") { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in try await writer.write(data) }
        }
    }
}

/// Work that waits for the database gave up after its own time limit (a shared cache load).
public struct DatabaseWaitTimedOut: Error {
    public init() {}
}

/// Whether an error means the database could not be reached or answer in time, rather than a
/// mistake in the request or a bug: answered 503, worth retrying.
public enum DatabaseTrouble: Sendable, Equatable {
    case connectionLost
    case timedOut

    public init?(_ error: any Error) {
        switch error {
        case is ConnectionLost: self = .connectionLost
        case is DatabaseWaitTimedOut: self = .timedOut
        case let error as PSQLError:
            if error.code == .server, error.serverInfo?[.sqlState] == "57014" {
                self = .timedOut
                return
            }
            guard error.meansTheDatabaseWentAway else { return nil }
            self = .connectionLost
        case let error as PostgresTransactionError:
            // BEGIN, COMMIT or ROLLBACK failed, or the work inside did.
            guard let inner = error.commitError ?? error.beginError ?? error.closureError ?? error.rollbackError,
                let trouble = DatabaseTrouble(inner)
            else { return nil }
            self = trouble
        case let error as IOError where [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ENOENT].contains(error.errnoCode): self = .connectionLost
        case is ChannelError: self = .connectionLost
        case let error as ConnectionPoolError:
            // No connection could be made for a while (the server is down or refuses more
            // clients), or the pool is closing with the process: the database is away. A
            // cancelled request is one whose time ran out.
            self = error == .requestCancelled ? .timedOut : .connectionLost
        default: return nil
        }
    }
}

extension PSQLError {
    /// The error says the database went away (stopped, restarted, the backend terminated, the
    /// connection broke), not that the statement was wrong.
    public var meansTheDatabaseWentAway: Bool {
        switch code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return true
        case .server:
            // Class 08: connection exception; 57P: the server shutting down or restarting;
            // 53: insufficient resources (too many clients, disk full, out of memory).
            let state = serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53")
        default:
            return false
        }
    }
}

import Logging
import PostgresNIO

/// Helpers for commands that need a database for a while and then stop.
public enum Database {
    /// Runs `body` with a running client and shuts the client down afterwards.
    public static func withClient<Result: Sendable>(
        _ url: DatabaseURL,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            // Let the client's run loop start before the first lease, which it would warn about.
            await Task.yield()
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Creates the database named in `url` when it does not exist yet (connecting to `postgres`).
    /// Returns true when it was created.
    @discardableResult
    public static func createIfMissing(_ url: DatabaseURL, logger: Logger) async throws -> Bool {
        let name = url.database
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), name.first?.isLetter == true else {
            throw DatabaseURL.Invalid(reason: "database name '\(name)' must be letters, digits and underscores")
        }
        return try await withClient(url.with(database: "postgres"), logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in rows { return false }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            return true
        }
    }
}

extension PostgresClient {
    /// `withTransaction`, but a failure inside the closure is thrown as itself rather than
    /// wrapped in `PostgresTransactionError`, so callers can match their own error types.
    public func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }
}

import Logging
import PostgresNIO

public struct IdempotencyConflict: Error, Sendable {
    public let key: String
}

/// A stored answer to a write, keyed by the client's `Idempotency-Key`.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: String
    /// True when this is the answer to an earlier request with the same key.
    public let replayed: Bool
}

public enum Idempotency {
    /// Runs `write` once per (account, key) inside the caller's transaction. A retry with the
    /// same request gets the first answer back; the same key with another request is a conflict.
    /// Concurrent retries wait on the key's row until the first one commits or rolls back.
    public static func run(
        on connection: PostgresConnection, accountID: Int64, key: String?, requestHash: String, logger: Logger,
        _ write: () async throws -> (status: Int, body: String)
    ) async throws -> StoredResponse {
        guard let key else {
            let (status, body) = try await write()
            return StoredResponse(status: status, body: body, replayed: false)
        }
        var inserted = false
        for try await _ in try await connection.query("""
            INSERT INTO idempotency_keys (account_id, key, request_hash) VALUES (\(accountID), \(key), \(requestHash))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger) { inserted = true }
        if inserted {
            let (status, body) = try await write()
            try await connection.query("""
                UPDATE idempotency_keys SET response_status = \(status), response_body = \(body)
                 WHERE account_id = \(accountID) AND key = \(key)
                """, logger: logger)
            return StoredResponse(status: status, body: body, replayed: false)
        }
        for try await (hash, status, body) in try await connection.query("""
            SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE account_id = \(accountID) AND key = \(key)
            """, logger: logger).decode((String, Int32?, String?).self) {
            guard hash == requestHash, let status, let body else { throw IdempotencyConflict(key: key) }
            return StoredResponse(status: Int(status), body: body, replayed: true)
        }
        throw IdempotencyConflict(key: key)
    }
}

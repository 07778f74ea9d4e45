import Foundation
import Logging
import PostgresNIO

public struct IdempotencyConflict: Error, Sendable {
    public enum Reason: Sendable, Equatable {
        /// The key came first with another request.
        case otherRequest
        /// The write was made, but the answer kept for it can no longer be read (it was kept by
        /// an older version in a shape this one does not know).
        case answerUnreadable
    }

    public let key: String
    public var reason: Reason = .otherRequest
}

/// A client's `Idempotency-Key` with what identifies the request it came with.
public struct IdempotencyKey: Sendable, Equatable {
    public let key: String
    /// Equal for the same request, whoever presents it (API or page).
    public let requestHash: String

    public init(key: String, requestHash: String) {
        self.key = key
        self.requestHash = requestHash
    }

    public static let lengths = 1...200

    /// A request's hash, equal for the same write whichever presentation sent it: the fields by
    /// name, each with its length, so that neither a new field nor a separator inside a text can
    /// make two different writes equal.
    public static func hash(_ kind: String, _ fields: KeyValuePairs<String, String?>) -> String {
        Secrets.sha256Hex(kind + fields.map { name, value in "|\(name)=" + (value.map { "\($0.utf8.count):\($0)" } ?? "-") }.joined())
    }
}

public enum Idempotency {
    /// Runs `write` once per (account, key) inside the caller's transaction and keeps its result.
    /// A retry with the same request gets the first result back (`replayed`); the same key with
    /// another request is a conflict. Concurrent retries wait on the key's row until the first
    /// one commits or rolls back.
    public static func run<Result: Codable & Sendable>(
        on connection: PostgresConnection, accountID: Int64, once: IdempotencyKey?, logger: Logger,
        _ write: () async throws -> Result
    ) async throws -> (Result, replayed: Bool) {
        guard let once else { return (try await write(), false) }
        var inserted = false
        for try await _ in try await connection.query(
            """
            INSERT INTO idempotency_keys (account_id, key, request_hash) VALUES (\(accountID), \(once.key), \(once.requestHash))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger)
        { inserted = true }
        if inserted {
            let result = try await write()
            let stored = String(decoding: try encoder.encode(result), as: UTF8.self)
            try await connection.query(
                """
                UPDATE idempotency_keys SET result = \(stored) WHERE account_id = \(accountID) AND key = \(once.key)
                """, logger: logger)
            return (result, false)
        }
        for try await (hash, stored) in try await connection.query(
            """
            SELECT request_hash, result FROM idempotency_keys WHERE account_id = \(accountID) AND key = \(once.key)
            """, logger: logger
        ).decode((String, String?).self) {
            guard hash == once.requestHash else { throw IdempotencyConflict(key: once.key) }
            guard let stored, let result = try? decoder.decode(Result.self, from: Data(stored.utf8)) else {
                throw IdempotencyConflict(key: once.key, reason: .answerUnreadable)
            }
            return (result, true)
        }
        throw IdempotencyConflict(key: once.key)
    }

    // Snake case and ISO dates: the results kept before 0016 were stored in this form.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

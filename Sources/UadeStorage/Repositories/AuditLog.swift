import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// Who changed what, when, old → new, and in which request. Written inside the transaction of
/// the change itself, so an accepted write and its audit row stand or fall together.
public struct AuditEvent: Sendable {
    public let accountID: Int64?
    public let action: String
    public let entity: String
    public let entityID: String?
    public let oldValue: String?
    public let newValue: String?
    public let requestID: String?

    public init(
        accountID: Int64?, action: String, entity: String, entityID: String?,
        old: (any Encodable & Sendable)? = nil, new: (any Encodable & Sendable)? = nil, requestID: String?
    ) {
        self.accountID = accountID
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.oldValue = old.flatMap(Self.json)
        self.newValue = new.flatMap(Self.json)
        self.requestID = requestID
    }

    static func json(_ value: any Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func write(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO audit_log (account_id, action, entity, entity_id, old_value, new_value, request_id)
            VALUES (\(accountID), \(action), \(entity), \(entityID), \(oldValue)::jsonb, \(newValue)::jsonb, \(requestID))
            """, logger: logger)
    }
}

public struct AuditEntry: Sendable {
    public let id: Int64
    public let occurredAt: Date
    public let username: String?
    public let action: String
    public let entity: String
    public let entityId: String?
    public let oldValue: String?
    public let newValue: String?
    public let requestId: String?
}

public struct AuditRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func list(entity: String?, entityID: String?, limit: Int, offset: Int) async throws -> (items: [AuditEntry], total: Int) {
        try await PageRequest(limit: limit, offset: offset).listing { page in
            let limit = page.limit
            let offset = page.offset
            let rows = try await client.query(
                """
                SELECT l.id, l.occurred_at, a.username, l.action, l.entity, l.entity_id, l.old_value::text, l.new_value::text, l.request_id,
                       count(*) OVER ()
                  FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
                 WHERE (\(entity)::text IS NULL OR l.entity = \(entity)) AND (\(entityID)::text IS NULL OR l.entity_id = \(entityID))
                 ORDER BY l.id DESC LIMIT \(limit) OFFSET \(offset)
                """, logger: logger)
            var items: [AuditEntry] = []
            var total = 0
            for try await r in rows.decode((Int64, Date, String?, String, String, String?, String?, String?, String?, Int).self) {
                items.append(
                    AuditEntry(
                        id: r.0, occurredAt: r.1, username: r.2, action: r.3, entity: r.4, entityId: r.5, oldValue: r.6, newValue: r.7, requestId: r.8
                    ))
                total = r.9
            }
            return (items, total)
        }
    }
}

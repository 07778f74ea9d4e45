import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// A roadmap measure with its latest status.
public struct Measure: Sendable, Identifiable {
    public let id: Int64
    public let code: String
    public let sectionID: Section.ID
    public let sectionCode: String
    public let territoryID: Territory.ID
    public let territoryKato: String?
    public let text: String
    public let deadline: Day
    public let executor: String
    /// `notStarted` until someone reports on it.
    public let status: MeasureStatus
    public let statusSince: Date?

    public var resource: Resource { Resource(territoryID: territoryID, sectionID: sectionID) }
}

/// One status a coordinator reported for a measure. Codable: the answer to a write is kept with
/// its idempotency key.
public struct MeasureStatusUpdate: Sendable, Codable, Equatable {
    public let id: Int64
    public let measureCode: String
    public let status: MeasureStatus
    public let reason: String?
    public let comment: String?
    public let evidence: String?
    public let enteredBy: String?
    public let enteredAt: Date
}

/// The update just inserted could not be read back in its own transaction: a bug, not an input.
public struct MeasureUpdateLost: Error, Sendable {
    public let measureID: Int64
}

public struct MeasureRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func select(_ language: Language) -> String {
        let text =
            switch language {
            case .kk: "coalesce(nullif(m.text_kk, ''), m.text_ru, m.text_en)"
            case .ru: "coalesce(nullif(m.text_ru, ''), m.text_kk, m.text_en)"
            case .en: "coalesce(nullif(m.text_en, ''), m.text_ru, m.text_kk)"
            }
        return """
            SELECT m.id, m.code, m.section_id, s.code, m.territory_id, t.kato, \(text), m.deadline, m.executor,
                   coalesce(u.status, 'not_started'), u.entered_at, count(*) OVER ()
              FROM measures m
              JOIN sections s ON s.id = m.section_id
              JOIN territories t ON t.id = m.territory_id
              LEFT JOIN LATERAL (SELECT status, entered_at FROM measure_status_updates x WHERE x.measure_id = m.id
                                  ORDER BY entered_at DESC, id DESC LIMIT 1) u ON true
            """
    }

    static func measures(_ rows: PostgresRowSequence) async throws -> (items: [Measure], total: Int) {
        var items: [Measure] = []
        var total = 0
        for try await r in rows.decode((Int64, String, Int64, String, Int64, String?, String, Day, String, String, Date?, Int).self) {
            items.append(
                Measure(
                    id: r.0, code: r.1, sectionID: r.2, sectionCode: r.3, territoryID: r.4, territoryKato: r.5, text: r.6,
                    deadline: r.7, executor: r.8, status: MeasureStatus(rawValue: r.9) ?? .notStarted, statusSince: r.10))
            total = r.11
        }
        return (items, total)
    }

    public func find(code: String, language: Language = .ru) async throws -> Measure? {
        var binds = PostgresBindings()
        binds.append(code)
        return try await Self.measures(
            client.query(PostgresQuery(unsafeSQL: Self.select(language) + " WHERE m.code = $1", binds: binds), logger: logger)
        ).items.first
    }

    public func list(
        territories: [Territory.ID]?, sections: [Section.ID]?, status: MeasureStatus?, language: Language,
        page: PageRequest
    ) async throws -> (items: [Measure], total: Int) {
        try await page.listing { page in
            var binds = PostgresBindings()
            binds.append(territories)
            binds.append(sections)
            binds.append(status?.rawValue)
            binds.append(page.limit)
            binds.append(page.offset)
            return try await Self.measures(
                client.query(
                    PostgresQuery(
                        unsafeSQL: Self.select(language) + """
                             WHERE ($1::bigint[] IS NULL OR m.territory_id = ANY($1)) AND ($2::bigint[] IS NULL OR m.section_id = ANY($2))
                               AND ($3::text IS NULL OR coalesce(u.status, 'not_started') = $3)
                             ORDER BY m.deadline, m.code LIMIT $4 OFFSET $5
                            """, binds: binds), logger: logger))
        }
    }

    public func history(measureID: Int64) async throws -> [MeasureStatusUpdate] {
        let rows = try await client.query(
            """
            SELECT u.id, m.code, u.status, u.reason, u.comment, u.evidence, a.username, u.entered_at
              FROM measure_status_updates u JOIN measures m ON m.id = u.measure_id LEFT JOIN accounts a ON a.id = u.entered_by
             WHERE u.measure_id = \(measureID) ORDER BY u.entered_at, u.id
            """, logger: logger)
        var result: [MeasureStatusUpdate] = []
        for try await r in rows.decode((Int64, String, String, String?, String?, String?, String?, Date).self) {
            result.append(
                MeasureStatusUpdate(
                    id: r.0, measureCode: r.1, status: MeasureStatus(rawValue: r.2) ?? .notStarted, reason: r.3, comment: r.4, evidence: r.5,
                    enteredBy: r.6, enteredAt: r.7))
        }
        return result
    }

    /// Records a status update with its audit row, once per idempotency key.
    public func updateStatus(
        measureID: Int64, status: MeasureStatus, reason: String?, comment: String?, evidence: String?, by accountID: Int64,
        requestID: String?, once: IdempotencyKey?
    ) async throws -> (update: MeasureStatusUpdate, replayed: Bool) {
        try await client.transaction(logger: logger) { connection in
            let (update, replayed) = try await Idempotency.run(on: connection, accountID: accountID, once: once, logger: logger) {
                for try await _ in try await connection.query("SELECT 1 FROM measures WHERE id = \(measureID) FOR UPDATE", logger: logger) {}
                var previous: (Int64, String)?
                for try await row in try await connection.query(
                    """
                    SELECT id, status FROM measure_status_updates WHERE measure_id = \(measureID) ORDER BY entered_at DESC, id DESC LIMIT 1
                    """, logger: logger
                ).decode((Int64, String).self) { previous = row }
                var id: Int64 = 0
                for try await value in try await connection.query(
                    """
                    INSERT INTO measure_status_updates (measure_id, status, reason, comment, evidence, entered_by, entered_at, request_id)
                    VALUES (\(measureID), \(status.rawValue), \(reason), \(comment), \(evidence), \(accountID), clock_timestamp(), \(requestID))
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
                try await AuditEvent(
                    accountID: accountID, action: "update_status", entity: "measure", entityID: String(measureID),
                    old: previous.map { ["status": $0.1] }, new: ["status": status.rawValue, "reason": reason ?? ""],
                    requestID: requestID
                ).write(on: connection, logger: logger)
                var view: MeasureStatusUpdate?
                for try await r in try await connection.query(
                    """
                    SELECT u.id, m.code, u.status, u.reason, u.comment, u.evidence, a.username, u.entered_at
                      FROM measure_status_updates u JOIN measures m ON m.id = u.measure_id LEFT JOIN accounts a ON a.id = u.entered_by
                     WHERE u.id = \(id)
                    """, logger: logger
                ).decode((Int64, String, String, String?, String?, String?, String?, Date).self) {
                    view = MeasureStatusUpdate(
                        id: r.0, measureCode: r.1, status: MeasureStatus(rawValue: r.2) ?? .notStarted, reason: r.3, comment: r.4, evidence: r.5,
                        enteredBy: r.6, enteredAt: r.7)
                }
                guard let view else { throw MeasureUpdateLost(measureID: measureID) }
                return view
            }
            return (update, replayed)
        }
    }
}

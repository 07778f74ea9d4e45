import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// An exception as asked for and decided.
public struct ExceptionRecord: Sendable, Equatable {
    public let id: Int64
    public let requestedBy: String?
    public let requestedAt: Date
    public let territoryIDs: [Territory.ID]
    public let periods: [Period]
    public let reason: String
    public let status: ExceptionStatus
    public let until: Day?
    public let decidedBy: String?
    public let decidedAt: Date?
    public let refusal: String?

    /// Granted and not lapsed on `today`.
    public func inForce(on today: Day) -> Bool { status == .granted && until.map { today <= $0 } ?? false }
}

/// Exceptions to the entry locks: asked for, granted or refused, each audited in the same
/// transaction.
public struct ExceptionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let select = """
        SELECT x.id, r.username, x.requested_at, x.territory_ids, x.periods, x.reason, x.status, x.until, d.username, x.decided_at, x.refusal
          FROM entry_exceptions x LEFT JOIN accounts r ON r.id = x.requested_by LEFT JOIN accounts d ON d.id = x.decided_by
        """

    static func records(_ rows: PostgresRowSequence) async throws -> [ExceptionRecord] {
        var result: [ExceptionRecord] = []
        for try await r in rows.decode((Int64, String?, Date, [Int64], [String], String, String, Day?, String?, Date?, String?).self) {
            result.append(
                ExceptionRecord(
                    id: r.0, requestedBy: r.1, requestedAt: r.2, territoryIDs: r.3, periods: r.4.compactMap(Period.init(code:)), reason: r.5,
                    status: ExceptionStatus(rawValue: r.6) ?? .requested, until: r.7, decidedBy: r.8, decidedAt: r.9, refusal: r.10))
        }
        return result
    }

    public func find(_ id: Int64) async throws -> ExceptionRecord? {
        try await Self.records(client.query(PostgresQuery(unsafeSQL: Self.select + " WHERE x.id = $1", binds: Self.binds(id)), logger: logger)).first
    }

    /// Newest first; those touching any of `territories` (nil: all).
    public func list(touching territories: [Territory.ID]?, limit: Int = 200) async throws -> [ExceptionRecord] {
        var binds = PostgresBindings()
        binds.append(territories)
        binds.append(limit)
        return try await Self.records(
            client.query(
                PostgresQuery(
                    unsafeSQL: Self.select
                        + " WHERE ($1::bigint[] IS NULL OR x.territory_ids && $1) ORDER BY x.requested_at DESC, x.id DESC LIMIT $2",
                    binds: binds), logger: logger))
    }

    public func request(territories: [Territory.ID], periods: [Period], reason: String, by accountID: Int64, requestID: String?) async throws
        -> Int64
    {
        try await client.transaction(logger: logger) { connection in
            var id: Int64 = 0
            let codes = periods.map(\.code)
            for try await found in try await connection.query(
                """
                INSERT INTO entry_exceptions (requested_by, territory_ids, periods, reason)
                VALUES (\(accountID), \(territories), \(codes), \(reason)) RETURNING id
                """, logger: logger
            ).decode(Int64.self) { id = found }
            struct Requested: Encodable, Sendable {
                let territoryIds: [Int64]
                let periods: [String]
                let reason: String
            }
            try await AuditEvent(
                accountID: accountID, action: "exception.request", entity: "entry_exception", entityID: String(id),
                new: Requested(territoryIds: territories, periods: codes, reason: reason), requestID: requestID
            ).write(on: connection, logger: logger)
            return id
        }
    }

    /// Grants or refuses a requested exception; false when it was decided already.
    public func decide(_ id: Int64, until: Day?, refusal: String?, by accountID: Int64?, requestID: String?) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let status = until != nil ? ExceptionStatus.granted : .refused
            var decided = false
            for try await _ in try await connection.query(
                """
                UPDATE entry_exceptions SET status = \(status.rawValue), until = \(until), refusal = \(refusal), decided_by = \(accountID),
                       decided_at = now()
                 WHERE id = \(id) AND status = 'requested' RETURNING id
                """, logger: logger
            ).decode(Int64.self) { decided = true }
            guard decided else { return false }
            struct Decision: Encodable, Sendable {
                let status: String
                let until: String?
                let refusal: String?
            }
            try await AuditEvent(
                accountID: accountID, action: "exception.\(status == .granted ? "grant" : "refuse")", entity: "entry_exception",
                entityID: String(id), old: ["status": "requested"], new: Decision(status: status.rawValue, until: until?.iso, refusal: refusal),
                requestID: requestID
            ).write(on: connection, logger: logger)
            return true
        }
    }

    static func binds(_ values: Int64...) -> PostgresBindings {
        var b = PostgresBindings()
        for value in values { b.append(value) }
        return b
    }
}

extension EvaluationRepository {
    /// The cells of a programme whose values were written inside an exception before `cutoff`:
    /// each is flagged `entered_under_exception` by the run.
    public func cellsEnteredUnderException(programmeID: Programme.ID, cutoff: Date) async throws -> [Indicator.ID: Set<TargetCell>] {
        var result: [Indicator.ID: Set<TargetCell>] = [:]
        for try await (indicator, territory, start) in try await client.query(
            """
            SELECT DISTINCT e.indicator_id, e.territory_id, e.period_start
              FROM progress_entries e JOIN indicators i ON i.id = e.indicator_id JOIN sections s ON s.id = i.section_id
             WHERE e.exception_id IS NOT NULL AND s.programme_id = \(programmeID) AND e.entered_at < \(cutoff)
            """, logger: logger
        ).decode((Int64, Int64, Day).self) {
            result[indicator, default: []].insert(TargetCell(territoryID: territory, periodStart: start))
        }
        return result
    }
}

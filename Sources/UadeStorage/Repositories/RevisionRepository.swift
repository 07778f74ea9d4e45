import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// Revisions of approved targets: proposed one at a time or by an import, decided by a second
/// person, read by the evaluator as the target in force on a day.
public struct RevisionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Which revisions a listing shows.
    public struct Filter: Sendable {
        public var status: RevisionStatus?
        public var programmeID: Programme.ID?
        public var indicatorID: Indicator.ID?
        /// Only these territories (nil: every one).
        public var territories: [Territory.ID]?
        /// Only these sections (nil: every one).
        public var sections: [Section.ID]?
        /// Only those proposed before this instant; withdrawn ones left out.
        public var proposedBefore: Date?

        public init(
            status: RevisionStatus? = nil, programmeID: Programme.ID? = nil, indicatorID: Indicator.ID? = nil, territories: [Territory.ID]? = nil,
            sections: [Section.ID]? = nil, proposedBefore: Date? = nil
        ) {
            self.status = status
            self.programmeID = programmeID
            self.indicatorID = indicatorID
            self.territories = territories
            self.sections = sections
            self.proposedBefore = proposedBefore
        }
    }

    static let select = """
        SELECT v.id, p.code, s.id, i.id, i.code, i.name_kk, i.name_ru, i.name_en, i.periodicity, v.territory_id, t.name_kk, t.name_ru,
               t.name_en, v.period_start, v.old_value, v.new_value, v.reason, v.applies_from, v.eases, v.status, a.username, v.proposed_by,
               v.proposed_at, d.username, v.decided_at, v.refusal_reason, v.eased_after_start
          FROM target_revisions v
          JOIN indicators i ON i.id = v.indicator_id JOIN sections s ON s.id = i.section_id JOIN programmes p ON p.id = s.programme_id
          JOIN territories t ON t.id = v.territory_id
          LEFT JOIN accounts a ON a.id = v.proposed_by LEFT JOIN accounts d ON d.id = v.decided_by
        """

    typealias Row = (
        Int64, String, Int64, Int64, String, String, String, String?, String, Int64, String, String, String?, Day, Double, Double, String,
        Day, Bool, String, String?, Int64?, Date, String?, Date?, String?, Bool
    )

    static func revision(_ r: Row) -> TargetRevision? {
        guard let period = Period(start: r.13, periodicity: Periodicity(rawValue: r.8) ?? .quarterly), let status = RevisionStatus(rawValue: r.19)
        else { return nil }
        return TargetRevision(
            id: r.0, programmeCode: r.1, sectionID: r.2, indicatorID: r.3, indicatorCode: r.4,
            indicatorName: LocalizedText(kk: r.5, ru: r.6, en: r.7),
            territoryID: r.9, territoryName: LocalizedText(kk: r.10, ru: r.11, en: r.12), period: period, oldValue: r.14, newValue: r.15,
            reason: r.16, appliesFrom: r.17, eases: r.18, status: status, proposedBy: r.20, proposedByAccount: r.21, proposedAt: r.22,
            decidedBy: r.23, decidedAt: r.24, refusalReason: r.25, easedAfterStart: r.26)
    }

    /// Revisions, newest first.
    public func list(_ filter: Filter, limit: Int = 500) async throws -> [TargetRevision] {
        var result: [TargetRevision] = []
        let query: PostgresQuery = """
            \(unescaped: Self.select)
             WHERE (\(filter.status?.rawValue)::text IS NULL OR v.status = \(filter.status?.rawValue))
               AND (\(filter.programmeID)::bigint IS NULL OR p.id = \(filter.programmeID))
               AND (\(filter.indicatorID)::bigint IS NULL OR i.id = \(filter.indicatorID))
               AND (\(filter.territories)::bigint[] IS NULL OR v.territory_id = ANY(\(filter.territories)))
               AND (\(filter.sections)::bigint[] IS NULL OR s.id = ANY(\(filter.sections)))
               AND (\(filter.proposedBefore)::timestamptz IS NULL
                    OR (v.proposed_at < \(filter.proposedBefore) AND (v.withdrawn_at IS NULL OR v.withdrawn_at >= \(filter.proposedBefore))))
             ORDER BY v.id DESC LIMIT \(limit)
            """
        for try await r in try await client.query(query, logger: logger).decode(Row.self) {
            if let revision = Self.revision(r) { result.append(revision) }
        }
        return result
    }

    /// The approved values of these revisions' targets, by revision id.
    public func approvedValues(of revisions: [TargetRevision]) async throws -> [Int64: Double] {
        guard !revisions.isEmpty else { return [:] }
        var result: [Int64: Double] = [:]
        for try await (id, value) in try await client.query(
            """
            SELECT v.id, t.value FROM target_revisions v
              JOIN targets t ON t.indicator_id = v.indicator_id AND t.territory_id = v.territory_id AND t.period_start = v.period_start
             WHERE v.id = ANY(\(revisions.map(\.id)))
            """, logger: logger
        ).decode((Int64, Double).self) { result[id] = value }
        return result
    }

    public func revision(id: Int64) async throws -> TargetRevision? {
        for try await r in try await client.query("\(unescaped: Self.select) WHERE v.id = \(id)", logger: logger).decode(Row.self) {
            return Self.revision(r)
        }
        return nil
    }

    /// What proposing a revision did.
    public enum Proposal: Sendable, Equatable {
        /// The target had no revision to make: the value is the plan already.
        case unchanged
        /// A pending revision was withdrawn: the value is the one in force.
        case withdrawn(Int64)
        case proposed(TargetRevision)
    }

    /// Proposes `value` for one target of an approved programme, in one transaction with its
    /// audit entry: a pending revision of the same target is withdrawn; the new one is pending
    /// when `RevisionRules` says so, in force otherwise.
    public func propose(
        indicatorID: Indicator.ID, direction: Direction, territoryID: Territory.ID, period: Period, value: Double, reason: String,
        appliesFrom: Day, today: Day, by accountID: Int64?, requestID: String?
    ) async throws -> Proposal? {
        let id: Int64?
        do {
            id = try await client.transaction(logger: logger) { connection -> Int64? in
                // The target's row is locked first; the revisions are read after, in a statement of
                // their own, so that a proposal that committed meanwhile is seen.
                var found = false
                for try await _ in try await connection.query(
                    """
                    SELECT 1 FROM targets WHERE indicator_id = \(indicatorID) AND territory_id = \(territoryID) AND period_start = \(period.start)
                       FOR UPDATE
                    """, logger: logger)
                { found = true }
                guard found else { return nil }
                var standing: (inForce: Double, pending: Int64?, pendingValue: Double?)?
                for try await r in try await connection.query(
                    """
                    SELECT target_in_force(t.indicator_id, t.territory_id, t.period_start, \(today), t.value), p.id, p.new_value
                      FROM targets t
                      LEFT JOIN target_revisions p ON p.indicator_id = t.indicator_id AND p.territory_id = t.territory_id
                                                  AND p.period_start = t.period_start AND p.status = 'pending'
                     WHERE t.indicator_id = \(indicatorID) AND t.territory_id = \(territoryID) AND t.period_start = \(period.start)
                    """, logger: logger
                ).decode((Double, Int64?, Double?).self) { standing = r }
                guard let standing else { return nil }
                if value == (standing.pendingValue ?? standing.inForce) { return 0 }
                if let pending = standing.pending {
                    try await connection.query(
                        "UPDATE target_revisions SET status = 'withdrawn', withdrawn_at = now() WHERE id = \(pending) AND status = 'pending'",
                        logger: logger)
                    try await AuditEvent(
                        accountID: accountID, action: "withdraw", entity: "target_revision", entityID: String(pending), requestID: requestID
                    )
                    .write(on: connection, logger: logger)
                    if value == standing.inForce { return -pending }
                }
                let eases = RevisionRules.eases(direction, from: standing.inForce, to: value)
                let status = RevisionRules.status(direction: direction, from: standing.inForce, to: value, period: period, proposedOn: today)
                let decided = status == .inForce ? accountID : nil
                var id: Int64 = 0
                for try await value in try await connection.query(
                    """
                    INSERT INTO target_revisions (indicator_id, territory_id, period_start, old_value, new_value, reason, applies_from, eases,
                                                  eased_after_start, status, proposed_by, decided_by, decided_at)
                    VALUES (\(indicatorID), \(territoryID), \(period.start), \(standing.inForce), \(value), \(reason), \(appliesFrom), \(eases),
                            \(eases && today >= period.start), \(status.rawValue), \(accountID), \(decided),
                            CASE WHEN \(status.rawValue) = 'in_force' THEN now() END)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
                try await AuditEvent(
                    accountID: accountID, action: "propose", entity: "target_revision", entityID: String(id),
                    old: ["value": standing.inForce], new: ["value": value], requestID: requestID
                ).write(on: connection, logger: logger)
                return id
            }
        } catch let error as PSQLError where (error.serverInfo?[.sqlState] ?? "").hasPrefix("23") {
            // Another change of the same target won the race: nothing was written.
            throw RevisionConflict()
        }
        guard let id else { return nil }
        if id == 0 { return .unchanged }
        if id < 0 { return .withdrawn(-id) }
        return try await revision(id: id).map(Proposal.proposed)
    }

    /// Approves (puts in force) or refuses a pending revision, with its audit entry; nil when it
    /// is no longer pending.
    public func decide(_ id: Int64, approve: Bool, refusal: String?, by accountID: Int64, requestID: String?) async throws -> TargetRevision? {
        let decided: Bool = try await client.transaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query(
                """
                UPDATE target_revisions SET status = \(approve ? RevisionStatus.inForce.rawValue : RevisionStatus.refused.rawValue),
                       decided_by = \(accountID), decided_at = now(), refusal_reason = \(approve ? nil : refusal)
                 WHERE id = \(id) AND status = 'pending' RETURNING id
                """, logger: logger
            ) { found = true }
            guard found else { return false }
            try await AuditEvent(
                accountID: accountID, action: approve ? "approve" : "refuse", entity: "target_revision", entityID: String(id),
                new: approve ? nil : ["reason": refusal ?? ""], requestID: requestID
            ).write(on: connection, logger: logger)
            return true
        }
        return decided ? try await revision(id: id) : nil
    }

    /// The range of values that makes sense for a unit.
    public func unitRange(_ unit: String) async throws -> (min: Double?, max: Double?) {
        for try await (low, high) in try await client.query("SELECT min_value, max_value FROM units WHERE code = \(unit)", logger: logger)
            .decode((Double?, Double?).self)
        {
            return (low, high)
        }
        return (nil, nil)
    }

    /// Overwrites a draft programme's target, with its audit entry; the value it had, or nil when
    /// there is no such target.
    public func overwriteDraft(
        indicatorID: Indicator.ID, territoryID: Territory.ID, period: Period, value: Double, by accountID: Int64?, requestID: String?
    ) async throws -> Double? {
        try await client.transaction(logger: logger) { connection in
            var old: Double?
            for try await previous in try await connection.query(
                """
                SELECT value FROM targets WHERE indicator_id = \(indicatorID) AND territory_id = \(territoryID) AND period_start = \(period.start)
                   FOR UPDATE
                """, logger: logger
            ).decode(Double.self) { old = previous }
            guard let old else { return nil }
            guard old != value else { return old }
            try await connection.query(
                """
                UPDATE targets SET value = \(value)
                 WHERE indicator_id = \(indicatorID) AND territory_id = \(territoryID) AND period_start = \(period.start)
                """, logger: logger)
            try await AuditEvent(
                accountID: accountID, action: "update", entity: "target", entityID: "\(indicatorID)/\(territoryID)/\(period.code)",
                old: ["value": old], new: ["value": value], requestID: requestID
            ).write(on: connection, logger: logger)
            return old
        }
    }

    /// Approves a draft programme: from now on its targets change through revisions.
    public func approve(programmeID: Programme.ID, by accountID: Int64?, requestID: String?) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            var changed = false
            for try await code in try await connection.query(
                """
                UPDATE programmes SET status = 'approved', approved_at = now(), approved_by = \(accountID)
                 WHERE id = \(programmeID) AND status = 'draft' RETURNING code
                """, logger: logger
            ).decode(String.self) {
                changed = true
                try await AuditEvent(accountID: accountID, action: "approve", entity: "programme", entityID: code, requestID: requestID)
                    .write(on: connection, logger: logger)
            }
            return changed
        }
    }
}

/// Another change of the same target came first; nothing was written.
public struct RevisionConflict: Error, Sendable {}

/// A target in force on a run's day where a revision changed it, and whether it was eased
/// after its period began.
public struct RevisedTarget: Sendable, Equatable {
    public let value: Double
    public let easedAfterStart: Bool
}

/// A territory × period of one indicator.
public struct TargetCell: Hashable, Sendable {
    public let territoryID: Territory.ID
    public let periodStart: Day

    public init(territoryID: Territory.ID, periodStart: Day) {
        self.territoryID = territoryID
        self.periodStart = periodStart
    }
}

extension EvaluationRepository {
    /// The targets of a programme that revisions changed, as in force on `asOf`: the latest
    /// revision in force that applies from that day or before and was decided before `cutoff`.
    /// "Eased after its period began": easier than the approved value, through a revision in
    /// force that eased it and was proposed once the period had begun.
    public func targetsInForce(programmeID: Programme.ID, asOf: Day, cutoff: Date) async throws -> [Indicator.ID: [TargetCell: RevisedTarget]] {
        var result: [Indicator.ID: [TargetCell: RevisedTarget]] = [:]
        for try await r in try await client.query(
            """
            SELECT DISTINCT ON (v.indicator_id, v.territory_id, v.period_start)
                   v.indicator_id, v.territory_id, v.period_start, v.new_value,
                   CASE i.direction WHEN 'higher_is_better' THEN v.new_value < t.value ELSE v.new_value > t.value END
                   AND EXISTS (SELECT 1 FROM target_revisions e
                                WHERE e.indicator_id = v.indicator_id AND e.territory_id = v.territory_id AND e.period_start = v.period_start
                                  AND e.status = 'in_force' AND e.eased_after_start AND e.applies_from <= \(asOf) AND e.decided_at < \(cutoff))
              FROM target_revisions v
              JOIN targets t ON t.indicator_id = v.indicator_id AND t.territory_id = v.territory_id AND t.period_start = v.period_start
              JOIN indicators i ON i.id = v.indicator_id JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programmeID) AND v.status = 'in_force' AND v.applies_from <= \(asOf) AND v.decided_at < \(cutoff)
             ORDER BY v.indicator_id, v.territory_id, v.period_start, v.applies_from DESC, v.id DESC
            """, logger: logger
        ).decode((Int64, Int64, Day, Double, Bool).self) {
            result[r.0, default: [:]][TargetCell(territoryID: r.1, periodStart: r.2)] = RevisedTarget(value: r.3, easedAfterStart: r.4)
        }
        return result
    }
}

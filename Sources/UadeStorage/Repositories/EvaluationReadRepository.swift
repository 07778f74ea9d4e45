import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// An evaluation run as recorded: running, completed with its counts and fingerprint, or failed.
public struct EvaluationRun: Sendable, Identifiable {
    public let id: Int64
    public let programmeCode: String
    public let territoryID: Territory.ID?
    public let asOf: Day
    public let graceDays: Int
    public let status: RunStatus
    public let startedAt: Date
    public let finishedAt: Date?
    public let startedBy: String?
    /// Headline statuses of a completed run; nil until it completes.
    public let counts: [EvaluationStatus: Int]?
    public let measureCounts: [MeasureVerdict: Int]?
    public let fingerprint: String?
    public let failure: String?
}

/// A result with what a reader needs to show it: names, owners, the explanation's facts.
public struct ResultView: Sendable {
    public let indicatorId: Int64
    public let indicatorCode: String
    public let indicatorName: LocalizedText
    public let unit: String
    public let unitName: LocalizedText
    public let sectionId: Int64
    public let sectionCode: String
    public let territoryId: Int64
    public let territoryKato: String?
    public let territoryName: LocalizedText
    public let period: Period
    public let status: EvaluationStatus
    public let target: Double
    public let actual: Double?
    public let projected: Double?
    public let gap: Double?
    public let gapPercent: Double?
    public let rolledUp: Bool
    public let ownValue: Double?
    public let reconciliation: Bool
    public let outlier: Bool
    public let sectionOwner: LocalizedText?
    public let indicatorOwner: LocalizedText?
    public let flagExplanation: String?
}

public struct ResultFilter: Sendable {
    public var statuses: [EvaluationStatus]?
    public var sectionCode: String?
    public var territories: [Territory.ID]?
    public var sections: [Section.ID]?
    public var pairs: [IndicatorInTerritory]?
    /// A person who owns the section or the indicator × territory.
    public var ownerPersonID: Int64?
    public var indicatorCode: String?

    public init(
        statuses: [EvaluationStatus]? = nil, sectionCode: String? = nil, territories: [Territory.ID]? = nil, sections: [Section.ID]? = nil,
        pairs: [IndicatorInTerritory]? = nil, ownerPersonID: Int64? = nil, indicatorCode: String? = nil
    ) {
        self.statuses = statuses
        self.sectionCode = sectionCode
        self.territories = territories
        self.sections = sections
        self.pairs = pairs
        self.ownerPersonID = ownerPersonID
        self.indicatorCode = indicatorCode
    }
}

/// One item whose judgement differs between two runs.
public struct DiffRow: Sendable, Equatable {
    public let indicatorCode: String
    public let territoryID: Territory.ID
    public let territoryKato: String?
    public let period: String
    /// Nil when the item was not judged in that run.
    public let before: EvaluationStatus?
    public let after: EvaluationStatus?
    public let change: DiffChange
    /// Names as the classifier and the roadmap have them, so that every row is read in words.
    public var territoryName: LocalizedText? = nil
    public var indicatorName: LocalizedText? = nil
}

/// A flag raised by an evaluation run on one item, with where it stands.
public struct EvaluationFlag: Sendable, Identifiable {
    public let id: Int64
    public let kind: FlagKind
    public let state: FlagState
    public let indicatorCode: String
    public let sectionID: Section.ID
    public let territoryID: Territory.ID
    public let territoryKato: String?
    public let period: String
    public let explanation: String?
    public let explainedBy: String?
    public let explainedAt: Date?
    public let firstRunID: Int64
    /// The run that last opened, reopened or resolved it.
    public let changedInRunID: Int64
    public let reopened: Int
    public let resolvedAt: Date?
}

/// Reading completed evaluation runs (never running or failed ones' results), and flags.
public struct EvaluationReadRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let runSelect = """
        SELECT r.id, p.code, r.territory_id, r.as_of, r.grace_days, r.status, r.started_at, r.finished_at, a.username,
               r.counts::text, r.measure_counts::text, r.fingerprint, r.failure
          FROM evaluation_runs r JOIN programmes p ON p.id = r.programme_id LEFT JOIN accounts a ON a.id = r.started_by
        """

    func runs(_ rows: PostgresRowSequence) async throws -> [EvaluationRun] {
        var result: [EvaluationRun] = []
        for try await r in rows.decode((Int64, String, Int64?, Day, Int32, String, Date, Date?, String?, String?, String?, String?, String?).self) {
            result.append(
                EvaluationRun(
                    id: r.0, programmeCode: r.1, territoryID: r.2, asOf: r.3, graceDays: Int(r.4), status: RunStatus(rawValue: r.5) ?? .failed,
                    startedAt: r.6, finishedAt: r.7, startedBy: r.8, counts: r.9.map(RunCounts.decode), measureCounts: r.10.map(RunCounts.decode),
                    fingerprint: r.11, failure: r.12))
        }
        return result
    }

    public func run(id: Int64) async throws -> EvaluationRun? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await runs(client.query(PostgresQuery(unsafeSQL: Self.runSelect + " WHERE r.id = $1", binds: binds), logger: logger)).first
    }

    /// The runs, newest first. Runs whose process died are marked failed first, so that the
    /// list never shows a dead run as running.
    public func runs(limit: Int, offset: Int) async throws -> [EvaluationRun] {
        try await EvaluationRepository(client: client, logger: logger).failAbandonedRuns()
        var binds = PostgresBindings()
        binds.append(limit)
        binds.append(offset)
        return try await runs(
            client.query(PostgresQuery(unsafeSQL: Self.runSelect + " ORDER BY r.id DESC LIMIT $1 OFFSET $2", binds: binds), logger: logger))
    }

    public func runCount() async throws -> Int {
        for try await count in try await client.query("SELECT count(*)::int FROM evaluation_runs", logger: logger).decode(Int.self) { return count }
        return 0
    }

    /// The latest completed run of a programme (all territories, or a run covering `territory`).
    public func latestCompleted(programmeID: Programme.ID? = nil) async throws -> EvaluationRun? {
        var binds = PostgresBindings()
        binds.append(programmeID)
        return try await runs(
            client.query(
                PostgresQuery(
                    unsafeSQL: Self.runSelect + """
                         WHERE r.status = 'completed' AND ($1::bigint IS NULL OR r.programme_id = $1) ORDER BY r.id DESC LIMIT 1
                        """, binds: binds), logger: logger)
        ).first
    }

    /// A page of a completed run's results, worst first.
    public func results(runID: Int64, filter: ResultFilter, page: PageRequest) async throws -> (items: [ResultView], total: Int) {
        try await page.listing { page in
            var binds = PostgresBindings()
            binds.append(runID)  // $1
            binds.append(filter.statuses?.map(\.rawValue))  // $2
            binds.append(filter.sectionCode)  // $3
            binds.append(filter.territories)  // $4
            binds.append(filter.sections)  // $5
            binds.append(filter.pairs?.map(\.indicatorID))  // $6
            binds.append(filter.pairs?.map(\.territoryID))  // $7
            binds.append(filter.ownerPersonID)  // $8
            binds.append(filter.indicatorCode)  // $9
            binds.append(page.limit)  // $10
            binds.append(page.offset)  // $11
            let sql = """
                SELECT r.indicator_id, i.code, i.name_kk, i.name_ru, i.name_en, i.unit, u.name_kk, u.name_ru, u.name_en, i.periodicity,
                       s.id, s.code, r.territory_id, t.kato, t.name_kk, t.name_ru, t.name_en, r.period_start, r.status, r.target, r.actual,
                       r.projected, r.gap, r.gap_percent, r.rolled_up, r.own_value, r.reconciliation, r.outlier,
                       so.name_kk, so.name_ru, so.name_en, io.name_kk, io.name_ru, io.name_en,
                       (SELECT f.explanation FROM flags f WHERE f.indicator_id = r.indicator_id AND f.territory_id = r.territory_id
                           AND f.period_start = r.period_start AND f.kind = r.status AND f.explanation IS NOT NULL LIMIT 1),
                       count(*) OVER ()
                  FROM evaluation_results r
                  JOIN evaluation_runs run ON run.id = r.run_id AND run.status = 'completed'
                  JOIN indicators i ON i.id = r.indicator_id
                  JOIN units u ON u.code = i.unit
                  JOIN sections s ON s.id = i.section_id
                  JOIN territories t ON t.id = r.territory_id
                  LEFT JOIN people so ON so.id = r.section_owner_id
                  LEFT JOIN people io ON io.id = r.indicator_owner_id
                 WHERE r.run_id = $1
                   AND ($2::text[] IS NULL OR r.status = ANY($2))
                   AND ($3::text IS NULL OR s.code = $3)
                   AND ($4::bigint[] IS NULL OR r.territory_id = ANY($4))
                   AND ($5::bigint[] IS NULL OR i.section_id = ANY($5))
                   AND ($6::bigint[] IS NULL OR (r.indicator_id, r.territory_id) IN (SELECT * FROM unnest($6::bigint[], $7::bigint[])))
                   AND ($8::bigint IS NULL OR r.section_owner_id = $8 OR r.indicator_owner_id = $8)
                   AND ($9::text IS NULL OR i.code = $9)
                 ORDER BY array_position(ARRAY['missed', 'not_reported', 'at_risk', 'on_track', 'achieved', 'not_due'], r.status),
                          r.gap_percent DESC NULLS LAST, s.position, i.position, t.id, r.period_start
                 LIMIT $10 OFFSET $11
                """
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            var items: [ResultView] = []
            var total = 0
            for try await row in rows {
                let cell = row.makeRandomAccess()
                func v<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T { try cell[index].decode(T.self) }
                guard let period = Period(start: try v(17, Day.self), periodicity: Periodicity(rawValue: try v(9, String.self)) ?? .quarterly) else {
                    continue
                }
                let sectionOwner: String? = try v(28)
                let indicatorOwner: String? = try v(31)
                items.append(
                    ResultView(
                        indicatorId: try v(0), indicatorCode: try v(1), indicatorName: LocalizedText(kk: try v(2), ru: try v(3), en: try v(4)),
                        unit: try v(5),
                        unitName: LocalizedText(kk: try v(6), ru: try v(7), en: try v(8)), sectionId: try v(10), sectionCode: try v(11),
                        territoryId: try v(12), territoryKato: try v(13), territoryName: LocalizedText(kk: try v(14), ru: try v(15), en: try v(16)),
                        period: period, status: EvaluationStatus(rawValue: try v(18, String.self)) ?? .notDue,
                        target: try v(19), actual: try v(20), projected: try v(21), gap: try v(22), gapPercent: try v(23), rolledUp: try v(24),
                        ownValue: try v(25), reconciliation: try v(26), outlier: try v(27),
                        sectionOwner: try sectionOwner.map { LocalizedText(kk: $0, ru: try v(29), en: try v(30)) },
                        indicatorOwner: try indicatorOwner.map { LocalizedText(kk: $0, ru: try v(32), en: try v(33)) },
                        flagExplanation: try v(34)))
                total = try v(35)
            }
            return (items, total)
        }
    }

    /// What changed between two completed runs.
    public func diff(from before: Int64, to after: Int64, territories: [Territory.ID]?, page: PageRequest) async throws -> (
        items: [DiffRow], total: Int, counts: DiffCounts
    ) {
        try await page.listing { page in
            var binds = PostgresBindings()
            binds.append(before)
            binds.append(after)
            binds.append(territories)
            binds.append(page.limit)
            binds.append(page.offset)
            let sql = """
                WITH a AS (SELECT * FROM evaluation_results WHERE run_id = $1), b AS (SELECT * FROM evaluation_results WHERE run_id = $2),
                changed AS (
                    SELECT coalesce(a.indicator_id, b.indicator_id) AS indicator_id, coalesce(a.territory_id, b.territory_id) AS territory_id,
                           coalesce(a.period_start, b.period_start) AS period_start, a.status AS before, b.status AS after,
                           \(DiffChange.classifySQL(before: "a.status", after: "b.status")) AS change
                      FROM a FULL JOIN b USING (indicator_id, territory_id, period_start)
                     WHERE a.status IS DISTINCT FROM b.status
                       AND ($3::bigint[] IS NULL OR coalesce(a.territory_id, b.territory_id) = ANY($3)))
                SELECT i.code, c.territory_id, t.kato, i.periodicity, c.period_start, c.before, c.after, c.change, count(*) OVER (),
                       count(*) FILTER (WHERE c.change = 'newly_missed') OVER (), count(*) FILTER (WHERE c.change = 'recovered') OVER (),
                       t.name_kk, t.name_ru, t.name_en, i.name_kk, i.name_ru, i.name_en
                  FROM changed c JOIN indicators i ON i.id = c.indicator_id JOIN territories t ON t.id = c.territory_id
                 ORDER BY array_position(ARRAY['newly_missed', 'recovered', 'changed'], c.change), i.position, c.territory_id, c.period_start
                 LIMIT $4 OFFSET $5
                """
            var items: [DiffRow] = []
            var total = 0
            var counts = DiffCounts()
            for try await r in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(
                    (String, Int64, String?, String, Day, String?, String?, String, Int, Int, Int, String, String, String?, String, String, String?)
                        .self)
            {
                let period = Period(start: r.4, periodicity: Periodicity(rawValue: r.3) ?? .quarterly)
                items.append(
                    DiffRow(
                        indicatorCode: r.0, territoryID: r.1, territoryKato: r.2, period: period?.code ?? r.4.iso,
                        before: r.5.flatMap(EvaluationStatus.init(rawValue:)), after: r.6.flatMap(EvaluationStatus.init(rawValue:)),
                        change: DiffChange(rawValue: r.7) ?? .changed, territoryName: LocalizedText(kk: r.11, ru: r.12, en: r.13),
                        indicatorName: LocalizedText(kk: r.14, ru: r.15, en: r.16)))
                total = r.8
                counts = DiffCounts(newlyMissed: r.9, recovered: r.10, changed: r.8 - r.9 - r.10)
            }
            return (items, total, counts)
        }
    }

    public struct FlagFilter: Sendable {
        public var kinds: [FlagKind]?
        public var states: [FlagState]?
        public var territories: [Territory.ID]?
        public var sections: [Section.ID]?
        public var sectionCode: String?
        public init(
            kinds: [FlagKind]? = nil, states: [FlagState]? = nil, territories: [Territory.ID]? = nil, sections: [Section.ID]? = nil,
            sectionCode: String? = nil
        ) {
            self.kinds = kinds
            self.states = states
            self.territories = territories
            self.sections = sections
            self.sectionCode = sectionCode
        }
    }

    static let flagSelect = """
        SELECT f.id, f.kind, f.state, i.code, i.section_id, f.territory_id, t.kato, i.periodicity, f.period_start, f.explanation, a.username,
               f.explained_at, f.first_run_id, f.changed_in_run_id, f.reopened, f.resolved_at
          FROM flags f JOIN indicators i ON i.id = f.indicator_id JOIN sections s ON s.id = i.section_id
          JOIN territories t ON t.id = f.territory_id LEFT JOIN accounts a ON a.id = f.explained_by
        """

    func flags(_ rows: PostgresRowSequence) async throws -> [(EvaluationFlag, Int)] {
        var result: [(EvaluationFlag, Int)] = []
        for try await row in rows {
            let cell = row.makeRandomAccess()
            func v<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T { try cell[index].decode(T.self) }
            let periodicity = Periodicity(rawValue: try v(7, String.self)) ?? .quarterly
            let start: Day = try v(8)
            let period = Period(start: start, periodicity: periodicity)
            let total: Int = cell.count > 16 ? try v(16) : 0
            result.append(
                (
                    EvaluationFlag(
                        id: try v(0), kind: FlagKind(rawValue: try v(1)) ?? .outlier, state: FlagState(rawValue: try v(2)) ?? .open,
                        indicatorCode: try v(3), sectionID: try v(4), territoryID: try v(5),
                        territoryKato: try v(6), period: period?.code ?? start.iso, explanation: try v(9), explainedBy: try v(10),
                        explainedAt: try v(11), firstRunID: try v(12), changedInRunID: try v(13), reopened: Int(try v(14, Int32.self)),
                        resolvedAt: try v(15)), total
                ))
        }
        return result
    }

    public func flags(_ filter: FlagFilter, page: PageRequest) async throws -> (items: [EvaluationFlag], total: Int) {
        try await page.listing { page in
            var binds = PostgresBindings()
            binds.append(filter.kinds?.map(\.rawValue))
            binds.append(filter.states?.map(\.rawValue))
            binds.append(filter.territories)
            binds.append(filter.sections)
            binds.append(filter.sectionCode)
            binds.append(page.limit)
            binds.append(page.offset)
            let found = try await flags(
                client.query(
                    PostgresQuery(
                        unsafeSQL: Self.flagSelect.replacingOccurrences(of: "f.resolved_at\n", with: "f.resolved_at, count(*) OVER ()\n") + """
                             WHERE ($1::text[] IS NULL OR f.kind = ANY($1)) AND ($2::text[] IS NULL OR f.state = ANY($2))
                               AND ($3::bigint[] IS NULL OR f.territory_id = ANY($3)) AND ($4::bigint[] IS NULL OR i.section_id = ANY($4))
                               AND ($5::text IS NULL OR s.code = $5)
                             ORDER BY f.id LIMIT $6 OFFSET $7
                            """, binds: binds), logger: logger))
            return (found.map(\.0), found.first?.1 ?? 0)
        }
    }

    public func flag(id: Int64) async throws -> EvaluationFlag? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await flags(client.query(PostgresQuery(unsafeSQL: Self.flagSelect + " WHERE f.id = $1", binds: binds), logger: logger)).first?.0
    }

    /// A coordinator's explanation: the flag becomes "explained" (a resolved flag stays resolved).
    public func explain(flagID: Int64, text: String, by accountID: Int64, requestID: String?) async throws -> Bool {
        try await explain(flagIDs: [flagID], text: text, by: accountID, requestID: requestID) == 1
    }

    /// One explanation for several flags (an indicator's flags in one territory), written in one
    /// transaction, each audited. Returns how many flags were found.
    public func explain(flagIDs: [Int64], text: String, by accountID: Int64, requestID: String?) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            var found = 0
            // In id order, so that two explanations of overlapping groups cannot deadlock.
            for flagID in Set(flagIDs).sorted() {
                var old: String?
                var exists = false
                for try await explanation in try await connection.query(
                    "SELECT explanation FROM flags WHERE id = \(flagID) FOR UPDATE", logger: logger
                ).decode(String?.self) {
                    exists = true
                    old = explanation
                }
                guard exists else { continue }
                found += 1
                try await connection.query(
                    """
                    UPDATE flags SET explanation = \(text), explained_by = \(accountID), explained_at = now(),
                           state = CASE WHEN state = 'resolved' THEN 'resolved' ELSE 'explained' END
                     WHERE id = \(flagID)
                    """, logger: logger)
                try await AuditEvent(
                    accountID: accountID, action: "explain", entity: "flag", entityID: String(flagID),
                    old: old.map { ["explanation": $0] }, new: ["explanation": text], requestID: requestID
                )
                .write(on: connection, logger: logger)
            }
            return found
        }
    }
}

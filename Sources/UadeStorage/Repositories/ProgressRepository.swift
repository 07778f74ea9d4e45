import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// An indicator with what validating a value for it needs.
public struct IndicatorContext: Sendable {
    public let indicator: Indicator
    public let sectionID: Section.ID
    public let sectionCode: String
    public let programme: Programme
    public let unit: MeasurementUnit
}

/// A reported value: a first value or a correction, with who entered it and when.
public struct ProgressEntry: Sendable, Codable, Equatable {
    public let id: Int64
    public let indicatorCode: String
    public let territoryId: Int64
    public let territoryKato: String?
    public let period: String
    public let value: Double
    public let comment: String?
    public let evidence: String?
    public let enteredBy: String?
    public let enteredAt: Date
    public let supersedesId: Int64?
    public let correctionReason: String?
    /// Whether a later correction replaced this entry.
    public let superseded: Bool
    /// The last day on which its period's value was on time, by its programme's calendar.
    public var deadline: Day?

    /// Entered after its period's deadline: accepted, and counted against timeliness.
    public var late: Bool {
        guard let deadline else { return false }
        return Day.inKazakhstan(secondsSince1970: enteredAt.timeIntervalSince1970) > deadline
    }
}

/// A value to record: a first value, or a correction of the current one.
public struct NewProgressEntry: Sendable, Hashable, Codable {
    public let indicatorID: Indicator.ID
    public let territoryID: Territory.ID
    public let period: Period
    public let value: Double
    public let comment: String?
    public let evidence: String?
    /// For a correction: the entry it replaces, which must be the current one.
    public let supersedes: Int64?
    public let correctionReason: String?
    /// The exception that reopened its closed period.
    public let exceptionID: Int64?

    public init(
        indicatorID: Indicator.ID, territoryID: Territory.ID, period: Period, value: Double, comment: String?, evidence: String?,
        supersedes: Int64? = nil, correctionReason: String? = nil, exceptionID: Int64? = nil
    ) {
        self.indicatorID = indicatorID
        self.territoryID = territoryID
        self.period = period
        self.value = value
        self.comment = comment
        self.evidence = evidence
        self.supersedes = supersedes
        self.correctionReason = correctionReason
        self.exceptionID = exceptionID
    }
}

/// What the answer to a recorded value names, known to the caller already: the indicator's
/// code, the territory's KATO code and who entered it.
public struct ProgressEntryLabels: Sendable {
    public let indicatorCode: String
    public let territoryKato: String?
    public let enteredBy: String
    public let deadline: Day?

    public init(indicatorCode: String, territoryKato: String?, enteredBy: String, deadline: Day?) {
        self.indicatorCode = indicatorCode
        self.territoryKato = territoryKato
        self.enteredBy = enteredBy
        self.deadline = deadline
    }
}

public enum ProgressWriteError: Error, Sendable, Equatable {
    /// No target for this indicator, territory and period: nothing to report against.
    case noTarget
    /// The indicator was retired on that day: its record is closed.
    case retired(Day)
    /// A value exists already; send a correction of entry `current` instead.
    case valueExists(current: Int64)
    /// The entry to correct is not the current one (someone corrected it first).
    case notCurrent(current: Int64?)
    case unknownEntry(Int64)
}

/// One line of "what is due": an indicator × territory × period with its target and latest value.
public struct DueItem: Sendable, Equatable {
    public let indicatorCode: String
    public let indicatorID: Indicator.ID
    public let indicatorName: String
    public let sectionCode: String
    public let unit: String
    public let direction: Direction
    /// `cumulative`: the target is the running total; the value is what this period added.
    public let accumulation: Accumulation
    public let territoryID: Territory.ID
    public let territoryKato: String?
    public let territoryName: String
    public let period: Period
    public let target: Double
    public let latestValue: Double?
    public let latestEntryID: Int64?
    public let latestEnteredAt: Date?
    /// The programme's calendar: when this item's value is due, and when its period closes.
    public let calendar: ReportingCalendar

    public init(
        indicatorCode: String, indicatorID: Indicator.ID, indicatorName: String, sectionCode: String, unit: String, direction: Direction,
        accumulation: Accumulation, territoryID: Territory.ID, territoryKato: String?, territoryName: String, period: Period, target: Double,
        latestValue: Double?, latestEntryID: Int64?, latestEnteredAt: Date?, calendar: ReportingCalendar = .standard
    ) {
        self.indicatorCode = indicatorCode
        self.indicatorID = indicatorID
        self.indicatorName = indicatorName
        self.sectionCode = sectionCode
        self.unit = unit
        self.direction = direction
        self.accumulation = accumulation
        self.territoryID = territoryID
        self.territoryKato = territoryKato
        self.territoryName = territoryName
        self.period = period
        self.target = target
        self.latestValue = latestValue
        self.latestEntryID = latestEntryID
        self.latestEnteredAt = latestEnteredAt
        self.calendar = calendar
    }

    /// The last day on which its value is on time.
    public var deadline: Day { calendar.deadline(of: period) }

    /// The same line with the value recorded now.
    func withLatest(_ found: (id: Int64, value: Double, enteredAt: Date)?) -> DueItem {
        DueItem(
            indicatorCode: indicatorCode, indicatorID: indicatorID, indicatorName: indicatorName, sectionCode: sectionCode, unit: unit,
            direction: direction, accumulation: accumulation, territoryID: territoryID, territoryKato: territoryKato, territoryName: territoryName,
            period: period, target: target, latestValue: found?.value, latestEntryID: found?.id, latestEnteredAt: found?.enteredAt, calendar: calendar
        )
    }
}

public struct DueFilter: Sendable {
    /// Territories the caller reports for (nil: any).
    public var territories: [Territory.ID]?
    /// Sections owned (Bureau): any territory within them.
    public var sections: [Section.ID]?
    /// Indicator × territory pairs owned (Political Council).
    public var pairs: [IndicatorInTerritory]?
    public var sectionCode: String?
    public var indicatorCode: String?
    public var periods: [Period]
    /// nil for both.
    public var status: DueStatus?
    /// The day the list is read on: open periods come before closed ones.
    public var today: Day = Day(year: 2000, month: 1, day: 1)!

    public init(
        territories: [Territory.ID]? = nil, sections: [Section.ID]? = nil, pairs: [IndicatorInTerritory]? = nil,
        sectionCode: String? = nil, indicatorCode: String? = nil, periods: [Period], status: DueStatus? = nil
    ) {
        self.territories = territories
        self.sections = sections
        self.pairs = pairs
        self.sectionCode = sectionCode
        self.indicatorCode = indicatorCode
        self.periods = periods
        self.status = status
    }
}

public struct ProgressRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func indicatorContext(code: String) async throws -> IndicatorContext? {
        let rows = try await client.query(
            """
            SELECT i.id, i.section_id, i.code, i.name_kk, i.name_ru, i.name_en, i.unit, i.direction, i.aggregation, i.accumulation, i.periodicity,
                   s.code, p.id, p.code, p.level, p.territory_id, p.name_kk, p.name_ru, p.name_en, p.term_start, p.term_end,
                   u.name_kk, u.name_ru, u.name_en, u.min_value, u.max_value, p.status, p.values_due_days, p.entry_closes_days
              FROM indicators i JOIN sections s ON s.id = i.section_id JOIN programmes p ON p.id = s.programme_id JOIN units u ON u.code = i.unit
             WHERE i.code = \(code)
            """, logger: logger)
        for try await r in rows.decode(
            (
                Int64, Int64, String, String, String, String?, String, String, String, String, String,
                String, Int64, String, String, Int64, String, String, String?, Day, Day,
                String, String, String, Double?, Double?, String, Int32, Int32
            ).self)
        {
            let indicator = ProgrammeRepository.indicator(r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10)
            let programme = Programme(
                id: r.12, code: r.13, level: ProgrammeLevel(rawValue: r.14) ?? .republic, territoryID: r.15,
                name: LocalizedText(kk: r.16, ru: r.17, en: r.18), termStart: r.19, termEnd: r.20,
                status: ProgrammeStatus(rawValue: r.26) ?? .draft, calendar: ProgrammeRepository.calendar(r.27, r.28))
            let unit = MeasurementUnit(code: r.6, name: LocalizedText(kk: r.21, ru: r.22, en: r.23), minimum: r.24, maximum: r.25)
            return IndicatorContext(indicator: indicator, sectionID: r.1, sectionCode: r.11, programme: programme, unit: unit)
        }
        return nil
    }

    /// Texts stored before the limits (``TextLimits``) are shown cut to them; the rows stay whole.
    static let entrySelect = """
        SELECT e.id, i.code, e.territory_id, t.kato, i.periodicity, e.period_start, e.value,
               left(e.comment, \(TextLimits.maximum(for: "comment"))), left(e.evidence, \(TextLimits.maximum(for: "evidence"))), a.username,
               e.entered_at, e.supersedes_id, left(e.correction_reason, \(TextLimits.maximum(for: "correction_reason"))),
               EXISTS (SELECT 1 FROM progress_entries s WHERE s.supersedes_id = e.id),
               (CASE i.periodicity WHEN 'quarterly' THEN e.period_start + interval '3 months' ELSE e.period_start + interval '1 year' END)::date
                   - 1 + pr.values_due_days
          FROM progress_entries e
          JOIN indicators i ON i.id = e.indicator_id
          JOIN sections sc ON sc.id = i.section_id
          JOIN programmes pr ON pr.id = sc.programme_id
          JOIN territories t ON t.id = e.territory_id
          LEFT JOIN accounts a ON a.id = e.entered_by
        """

    static func entries(_ rows: PostgresRowSequence) async throws -> [ProgressEntry] {
        var result: [ProgressEntry] = []
        for try await r in rows.decode(
            (Int64, String, Int64, String?, String, Day, Double, String?, String?, String?, Date, Int64?, String?, Bool, Day).self)
        {
            let period = Period(start: r.5, periodicity: Periodicity(rawValue: r.4) ?? .quarterly)
            result.append(
                ProgressEntry(
                    id: r.0, indicatorCode: r.1, territoryId: r.2, territoryKato: r.3, period: period?.code ?? r.5.iso,
                    value: r.6, comment: r.7, evidence: r.8, enteredBy: r.9, enteredAt: r.10, supersedesId: r.11,
                    correctionReason: r.12, superseded: r.13, deadline: r.14))
        }
        return result
    }

    public func entry(id: Int64) async throws -> ProgressEntry? {
        try await Self.entries(
            client.query(
                PostgresQuery(
                    unsafeSQL: Self.entrySelect + " WHERE e.id = $1",
                    binds: {
                        var b = PostgresBindings()
                        b.append(id)
                        return b
                    }()), logger: logger)
        ).first
    }

    /// Every entry of one indicator × territory × period, oldest first.
    public func history(indicatorID: Indicator.ID, territoryID: Territory.ID, period: Period) async throws -> [ProgressEntry] {
        var binds = PostgresBindings()
        binds.append(indicatorID)
        binds.append(territoryID)
        binds.append(period.start)
        return try await Self.entries(
            client.query(
                PostgresQuery(
                    unsafeSQL: Self.entrySelect
                        + " WHERE e.indicator_id = $1 AND e.territory_id = $2 AND e.period_start = $3 ORDER BY e.entered_at, e.id",
                    binds: binds), logger: logger))
    }

    /// Records a value (or a correction) with its audit row, atomically, once per idempotency
    /// key: a retry with the same key and request gets the entry recorded the first time.
    public func record(
        _ entry: NewProgressEntry, by accountID: Int64, labels: ProgressEntryLabels, requestID: String?,
        once: IdempotencyKey?
    ) async throws -> (entry: ProgressEntry, replayed: Bool) {
        guard let once else {
            // One statement is its own transaction: the common case is a single round trip.
            let recorded = try await client.withConnection { try await insert(entry, by: accountID, labels: labels, requestID: requestID, on: $0) }
            return (recorded, false)
        }
        return try await client.transaction(logger: logger) { connection in
            let (recorded, replayed) = try await Idempotency.run(on: connection, accountID: accountID, once: once, logger: logger) {
                try await insert(entry, by: accountID, labels: labels, requestID: requestID, on: connection)
            }
            return (recorded, replayed)
        }
    }

    struct Audited: Encodable, Sendable {
        let value: Double
        let period: String
        let comment: String?
        let evidence: String?
        let correctionReason: String?
    }

    /// The entry, its audit row and the answer in one statement. The current entry is the one
    /// nothing supersedes; two unique indexes keep that to one per cell (one first entry, each
    /// entry corrected at most once), so a write that loses a race to another fails instead of
    /// forking the history, and is answered like one that came second.
    func insert(_ entry: NewProgressEntry, by accountID: Int64, labels: ProgressEntryLabels, requestID: String?, on database: PostgresConnection)
        async throws -> ProgressEntry
    {
        let audited = AuditEvent.json(
            Audited(
                value: entry.value, period: entry.period.code, comment: entry.comment, evidence: entry.evidence,
                correctionReason: entry.correctionReason))
        let statement = RecordValue(
            entry: entry, accountID: accountID, requestID: requestID, action: entry.supersedes == nil ? "report" : "correct",
            audited: audited)
        var outcome: RecordValue.Row?
        do {
            for try await row in try await database.execute(statement, logger: logger) { outcome = row }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another write to this cell committed first.
            let current = try await currentEntry(entry, on: database)
            throw entry.supersedes == nil ? ProgressWriteError.valueExists(current: current ?? 0) : ProgressWriteError.notCurrent(current: current)
        }
        guard let outcome, outcome.targetFound else { throw ProgressWriteError.noTarget }
        if let retired = outcome.retiredOn { throw ProgressWriteError.retired(retired) }
        guard let id = outcome.id, let enteredAt = outcome.enteredAt else {
            if entry.supersedes == nil, let current = outcome.current { throw ProgressWriteError.valueExists(current: current) }
            throw ProgressWriteError.notCurrent(current: outcome.current)
        }
        return ProgressEntry(
            id: id, indicatorCode: labels.indicatorCode, territoryId: entry.territoryID, territoryKato: labels.territoryKato,
            period: entry.period.code, value: entry.value, comment: entry.comment, evidence: entry.evidence, enteredBy: labels.enteredBy,
            enteredAt: enteredAt,
            supersedesId: entry.supersedes, correctionReason: entry.correctionReason, superseded: false, deadline: labels.deadline)
    }

    func currentEntry(_ entry: NewProgressEntry, on database: PostgresConnection) async throws -> Int64? {
        for try await id in try await database.query(
            """
            SELECT id FROM progress_entries
             WHERE indicator_id = \(entry.indicatorID) AND territory_id = \(entry.territoryID) AND period_start = \(entry.period.start)
             ORDER BY entered_at DESC, id DESC LIMIT 1
            """, logger: logger
        ).decode(Int64.self) { return id }
        return nil
    }

    /// The latest value of each item's cell, read now: `items` with their latest values replaced
    /// (a page of a list whose cells and targets were read a moment ago).
    public func withLatestValues(_ items: [DueItem]) async throws -> [DueItem] {
        guard !items.isEmpty else { return items }
        var cells = LatestValues(indicators: [], territories: [], starts: [])
        for item in items {
            cells.indicators.append(item.indicatorID)
            cells.territories.append(item.territoryID)
            cells.starts.append(item.period.start.iso)
        }
        var latest: [Int: (id: Int64, value: Double, enteredAt: Date)] = [:]
        try await client.withConnection { connection in
            for try await (n, id, value, enteredAt) in try await connection.execute(cells, logger: logger) {
                latest[n - 1] = (id, value, enteredAt)
            }
        }
        return items.enumerated().map { index, item in item.withLatest(latest[index]) }
    }

    /// What is due: targets in the filter's scope for the given periods, with their latest values.
    ///
    /// The scope decides how the targets are reached — owned pairs by primary key, territories by
    /// (territory, period), sections by indicator — so a small scope stays cheap on a large
    /// database. Without a status filter the page is cut before the latest values are looked up.
    public func due(_ filter: DueFilter, language: Language, page: PageRequest) async throws -> (items: [DueItem], total: Int) {
        try await page.listing { page in
            let nameColumn =
                switch language {
                case .kk: "coalesce(nullif(%@.name_kk, ''), %@.name_ru, %@.name_en)"
                case .ru: "coalesce(nullif(%@.name_ru, ''), %@.name_kk, %@.name_en)"
                case .en: "coalesce(nullif(%@.name_en, ''), %@.name_ru, %@.name_kk)"
                }
            let indicatorName = nameColumn.replacingOccurrences(of: "%@", with: "i")
            let territoryName = nameColumn.replacingOccurrences(of: "%@", with: "t")
            let quarterStarts = filter.periods.filter { $0.periodicity == .quarterly }.map(\.start)
            let yearStarts = filter.periods.filter { $0.periodicity == .yearly }.map(\.start)

            var binds = PostgresBindings()
            binds.append(quarterStarts + yearStarts)  // $1: every period start, for the index
            binds.append(quarterStarts)  // $2
            binds.append(yearStarts)  // $3
            binds.append(filter.sectionCode)  // $4
            binds.append(filter.indicatorCode)  // $5
            // Every scope joins i (indicator), s (section), t (territory) and g (target).
            let joins =
                "JOIN indicators i ON i.id = g.indicator_id JOIN sections s ON s.id = i.section_id JOIN programmes p ON p.id = s.programme_id JOIN territories t ON t.id = g.territory_id"
            let scope: String
            if let pairs = filter.pairs {
                binds.append(pairs.map(\.indicatorID))  // $6
                binds.append(pairs.map(\.territoryID))  // $7
                scope = """
                    FROM unnest($6::bigint[], $7::bigint[]) AS o(indicator_id, territory_id)
                    JOIN targets g ON g.indicator_id = o.indicator_id AND g.territory_id = o.territory_id AND g.period_start = ANY($1::date[])
                    \(joins) WHERE true
                    """
            } else if let sections = filter.sections {
                binds.append(sections)  // $6
                binds.append(filter.territories)  // $7
                scope = """
                    FROM indicators i0 JOIN targets g ON g.indicator_id = i0.id AND g.period_start = ANY($1::date[])
                    \(joins) WHERE i0.section_id = ANY($6::bigint[]) AND ($7::bigint[] IS NULL OR g.territory_id = ANY($7))
                    """
            } else {
                binds.append(filter.territories)  // $6
                binds.append(Optional<[Int64]>.none)  // $7
                scope = """
                    FROM targets g \(joins)
                    WHERE g.period_start = ANY($1::date[]) AND ($6::bigint[] IS NULL OR g.territory_id = ANY($6)) AND $7::bigint[] IS NULL
                    """
            }
            let matching = """
                SELECT g.indicator_id, g.territory_id, g.period_start, g.value AS target, i.code, \(indicatorName) AS indicator_name,
                       s.code AS section_code, i.unit, i.direction, i.accumulation, i.periodicity, s.position AS s_pos, i.position AS i_pos,
                       t.kato, \(territoryName) AS territory_name, p.values_due_days, p.entry_closes_days,
                       (CASE i.periodicity WHEN 'quarterly' THEN g.period_start + interval '3 months' ELSE g.period_start + interval '1 year' END)::date
                           - 1 + p.values_due_days AS deadline
                  \(scope)
                   AND ((i.periodicity = 'quarterly' AND g.period_start = ANY($2::date[])) OR (i.periodicity = 'yearly' AND g.period_start = ANY($3::date[])))
                   AND ($4::text IS NULL OR s.code = $4)
                   AND ($5::text IS NULL OR i.code = $5)
                   AND i.retired_on IS NULL
                """
            let latest = """
                LEFT JOIN LATERAL (
                     SELECT p.id, p.value, p.entered_at FROM progress_entries p
                      WHERE p.indicator_id = m.indicator_id AND p.territory_id = m.territory_id AND p.period_start = m.period_start
                      ORDER BY p.entered_at DESC, p.id DESC LIMIT 1) e ON true
                """
            // The target in force today (schema/0022).
            let inForce =
                "target_in_force(m.indicator_id, m.territory_id, m.period_start, (now() AT TIME ZONE 'Asia/Almaty')::date, m.target)"
            let select =
                "SELECT m.indicator_id, m.code, m.indicator_name, m.section_code, m.unit, m.direction, m.accumulation, m.territory_id, m.kato, m.territory_name, m.periodicity, m.period_start, \(inForce), e.value, e.id, e.entered_at, m.values_due_days, m.entry_closes_days"
            // Open periods first, the longest overdue first; then the closed ones, which take no
            // values without an exception.
            let order = "(m.deadline + m.entry_closes_days <= $10::date), m.deadline, m.s_pos, m.i_pos, m.territory_id, m.period_start"
            binds.append(page.limit)  // $8
            binds.append(page.offset)  // $9
            binds.append(filter.today)  // $10
            // A cell is reported when it has a first entry (one per cell, schema/0012): a hash
            // anti-join over the territory's first entries (schema/0024), not a probe per target.
            // Only the page's rows then look up their latest values and targets in force.
            let reported = """
                EXISTS (SELECT 1 FROM progress_entries f WHERE f.supersedes_id IS NULL AND f.indicator_id = m.indicator_id
                                  AND f.territory_id = m.territory_id AND f.period_start = m.period_start)
                """
            let condition: String =
                switch filter.status {
                case .missing: "NOT \(reported)"
                case .reported: reported
                case nil: "true"
                }
            let sql = """
                WITH m AS (\(matching)),
                     page AS (SELECT *, count(*) OVER () AS total FROM m WHERE \(condition) ORDER BY \(order) LIMIT $8 OFFSET $9)
                \(select), m.total FROM page m \(latest)
                 ORDER BY \(order)
                """
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            var items: [DueItem] = []
            var total = 0
            for try await row in rows.decode(
                (
                    Int64, String, String, String, String, String, String, Int64, String?, String, String, Day, Double, Double?, Int64?, Date?, Int32,
                    Int32, Int
                )
                .self
            ) {
                let (indicatorID, r) = (
                    row.0, (row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15, row.18)
                )
                let calendar = ProgrammeRepository.calendar(row.16, row.17)
                total = r.15
                // Targets start on a period's first day (a constraint of the schema).
                guard let period = Period(start: r.10, periodicity: Periodicity(rawValue: r.9) ?? .quarterly) else { continue }
                items.append(
                    DueItem(
                        indicatorCode: r.0, indicatorID: indicatorID, indicatorName: r.1, sectionCode: r.2, unit: r.3,
                        direction: Direction(rawValue: r.4) ?? .higherIsBetter, accumulation: Accumulation(rawValue: r.5) ?? .level,
                        territoryID: r.6, territoryKato: r.7, territoryName: r.8, period: period, target: r.11, latestValue: r.12,
                        latestEntryID: r.13, latestEnteredAt: r.14, calendar: calendar))
            }
            if items.isEmpty && page.offset > 0 {
                // Past the last page: the window function saw no rows, so count them apart.
                return (items, try await due(filter, language: language, page: PageRequest(limit: 1, offset: 0)).total)
            }
            return (items, total)
        }
    }

    /// How many targets of these territories (nil: all) and periods have no value yet, counted as
    /// the targets less the cells with a first entry (one per reported cell, schema/0012), both
    /// from indexes (schema/0024); the same targets as ``due(_:language:page:)`` lists as missing.
    public func missingCount(territories: [Territory.ID]?, periods: [Period]) async throws -> Int {
        let quarterStarts = periods.filter { $0.periodicity == .quarterly }.map(\.start)
        let yearStarts = periods.filter { $0.periodicity == .yearly }.map(\.start)
        var binds = PostgresBindings()
        binds.append(quarterStarts + yearStarts)  // $1
        binds.append(quarterStarts)  // $2
        binds.append(yearStarts)  // $3
        binds.append(territories)  // $4
        let cells = { (table: String, alias: String, extra: String) in
            """
            SELECT count(*) FROM \(table) \(alias) JOIN indicators i ON i.id = \(alias).indicator_id
             WHERE \(alias).period_start = ANY($1::date[]) AND ($4::bigint[] IS NULL OR \(alias).territory_id = ANY($4)) \(extra)
               AND i.retired_on IS NULL
               AND ((i.periodicity = 'quarterly' AND \(alias).period_start = ANY($2::date[]))
                    OR (i.periodicity = 'yearly' AND \(alias).period_start = ANY($3::date[])))
            """
        }
        let sql = "SELECT (\(cells("targets", "g", ""))) - (\(cells("progress_entries", "p", "AND p.supersedes_id IS NULL")))"
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// Reporting a value as one prepared statement: checked against the target and the current entry,
/// inserted, audited and answered in one round trip, planned once per connection.
struct RecordValue: PostgresPreparedStatement {
    typealias Row = (targetFound: Bool, retiredOn: Day?, current: Int64?, id: Int64?, enteredAt: Date?)

    // A retired indicator's targets stay (frozen runs and reports name them) but take no values.
    static let sql = """
        WITH target AS (
            SELECT i.retired_on FROM targets t JOIN indicators i ON i.id = t.indicator_id
             WHERE t.indicator_id = $1 AND t.territory_id = $2 AND t.period_start = $3
        ), current AS (
            SELECT id, value FROM progress_entries
             WHERE indicator_id = $1 AND territory_id = $2 AND period_start = $3
             ORDER BY entered_at DESC, id DESC LIMIT 1
        ), entry AS (
            INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, comment, evidence, entered_by, entered_at,
                                          supersedes_id, correction_reason, request_id, exception_id)
            SELECT $1, $2, $3, $4, $5, $6, $7, clock_timestamp(), $8, $9, $10, $13
             WHERE EXISTS (SELECT 1 FROM target WHERE retired_on IS NULL) AND (SELECT id FROM current) IS NOT DISTINCT FROM $8::bigint
            RETURNING id, entered_at
        ), audit AS (
            INSERT INTO audit_log (account_id, action, entity, entity_id, old_value, new_value, request_id)
            SELECT $7, $11, 'progress_entry', entry.id::text,
                   (SELECT jsonb_build_object('entry', c.id, 'value', c.value) FROM current c), $12::text::jsonb, $10
              FROM entry
        )
        SELECT EXISTS (SELECT 1 FROM target), (SELECT retired_on FROM target), (SELECT id FROM current), (SELECT id FROM entry),
               (SELECT entered_at FROM entry)
        """

    static var bindingDataTypes: [PostgresDataType] {
        [.int8, .int8, .date, .float8, .text, .text, .int8, .int8, .text, .text, .text, .text, .int8]
    }

    let entry: NewProgressEntry
    let accountID: Int64
    let requestID: String?
    let action: String
    let audited: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 13)
        bindings.append(entry.indicatorID)
        bindings.append(entry.territoryID)
        bindings.append(entry.period.start)
        bindings.append(entry.value)
        bindings.append(entry.comment)
        bindings.append(entry.evidence)
        bindings.append(accountID)
        bindings.append(entry.supersedes)
        bindings.append(entry.correctionReason)
        bindings.append(requestID)
        bindings.append(action)
        bindings.append(audited)
        bindings.append(entry.exceptionID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let r = try row.decode((Bool, Day?, Int64?, Int64?, Date?).self)
        return (r.0, r.1, r.2, r.3, r.4)
    }
}

/// The latest value of each of a page's cells (by position, from 1), planned once per connection.
struct LatestValues: PostgresPreparedStatement {
    typealias Row = (Int, Int64, Double, Date)

    static let sql = """
        SELECT u.n::int, p.id, p.value, p.entered_at
          FROM unnest($1::bigint[], $2::bigint[], $3::text[]::date[]) WITH ORDINALITY AS u(indicator_id, territory_id, period_start, n)
         CROSS JOIN LATERAL (SELECT id, value, entered_at FROM progress_entries p
                              WHERE p.indicator_id = u.indicator_id AND p.territory_id = u.territory_id AND p.period_start = u.period_start
                              ORDER BY entered_at DESC, id DESC LIMIT 1) p
        """

    static var bindingDataTypes: [PostgresDataType] { [.int8Array, .int8Array, .textArray] }

    var indicators: [Int64]
    var territories: [Int64]
    var starts: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(indicators)
        bindings.append(territories)
        bindings.append(starts)
        return bindings
    }

    /// Cell by cell: decoding the row as one tuple resolves its generic pack at run time, which
    /// cost as much as the rest of the decoding.
    func decodeRow(_ row: PostgresRow) throws -> Row {
        var cells = row.makeIterator()
        guard let n = cells.next(), let id = cells.next(), let value = cells.next(), let enteredAt = cells.next() else {
            throw UnexpectedRow(statement: "LatestValues", columns: row.count)
        }
        return (try n.decode(Int.self), try id.decode(Int64.self), try value.decode(Double.self), try enteredAt.decode(Date.self))
    }
}

/// A prepared statement's row without the columns its SQL selects: a bug, not a user's mistake.
struct UnexpectedRow: Error, CustomStringConvertible {
    let statement: String
    let columns: Int
    var description: String { "\(statement) returned a row of \(columns) columns" }
}

/// How punctually one account reported for one territory: its first values (corrections do not
/// count), how many by their deadline, and the median delay of them all in days (0 when on time).
public struct Timeliness: Sendable, Equatable {
    public let username: String?
    public let territoryID: Territory.ID
    public let values: Int
    public let onTime: Int
    public let medianDelayDays: Double

    public var shareOnTime: Double { values == 0 ? 0 : Double(onTime) / Double(values) }
}

extension ProgressRepository {
    /// Timeliness by account and territory, for these territories (nil: all) and periods (nil: all).
    public func timeliness(territories: [Territory.ID]?, periods: [Period]?) async throws -> [Timeliness] {
        let starts = periods?.map(\.start)
        let kinds = periods?.map(\.periodicity.rawValue)
        let rows = try await client.query(
            """
            WITH f AS (
                SELECT e.entered_by, e.territory_id,
                       (e.entered_at AT TIME ZONE 'Asia/Almaty')::date
                           - ((CASE i.periodicity WHEN 'quarterly' THEN e.period_start + interval '3 months'
                                                  ELSE e.period_start + interval '1 year' END)::date - 1 + pr.values_due_days) AS delay
                  FROM progress_entries e
                  JOIN indicators i ON i.id = e.indicator_id
                  JOIN sections sc ON sc.id = i.section_id
                  JOIN programmes pr ON pr.id = sc.programme_id
                 WHERE e.supersedes_id IS NULL
                   AND (\(territories)::bigint[] IS NULL OR e.territory_id = ANY(\(territories)))
                   AND (\(starts)::date[] IS NULL
                        OR (i.periodicity, e.period_start) IN (SELECT * FROM unnest(\(kinds)::text[], \(starts)::date[])))
            )
            SELECT a.username, f.territory_id, count(*)::int, (count(*) FILTER (WHERE f.delay <= 0))::int,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(f.delay, 0))
              FROM f LEFT JOIN accounts a ON a.id = f.entered_by
             GROUP BY a.username, f.territory_id
             ORDER BY 4::float8 / count(*), a.username NULLS LAST, f.territory_id
            """, logger: logger)
        var result: [Timeliness] = []
        for try await (username, territory, values, onTime, median) in rows.decode((String?, Int64, Int32, Int32, Double).self) {
            result.append(
                Timeliness(username: username, territoryID: territory, values: Int(values), onTime: Int(onTime), medianDelayDays: median))
        }
        return result
    }
}

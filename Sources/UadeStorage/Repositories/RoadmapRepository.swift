import Logging
import PostgresNIO
import UadeDomain

/// A programme's roadmap as stored, in the shape of its workbook: the sheets the export writes
/// and the import compares with. Territories are named by KATO code, or by id where they have
/// none; people by their code. Only the people who own something in the programme are in it.
public struct RoadmapRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The programme's sheets; nil when there is no programme of that code.
    public func sheets(programmeCode: String) async throws -> [RoadmapSheet: SheetTable]? {
        try await client.withConnection { connection in
            // One snapshot for every sheet: an import committed meanwhile is in all or none.
            try await connection.query("START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let sheets = try await sheets(programmeCode: programmeCode, on: connection)
                try await connection.query("COMMIT", logger: logger)
                return sheets
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    func sheets(programmeCode: String, on connection: PostgresConnection) async throws -> [RoadmapSheet: SheetTable]? {
        do {
            var programme: (id: Int64, start: Day, end: Day, row: [SheetCell])?
            for try await r in try await connection.query(
                """
                SELECT p.id, p.code, p.level, coalesce(t.kato, t.id::text), p.name_kk, p.name_ru, p.name_en, p.term_start, p.term_end
                  FROM programmes p JOIN territories t ON t.id = p.territory_id WHERE p.code = \(programmeCode)
                """, logger: logger
            ).decode((Int64, String, String, String, String, String, String?, Day, Day).self) {
                programme = (r.0, r.7, r.8, [.text(r.1), .text(r.2), .text(r.3), .text(r.4), .text(r.5), text(r.6), .date(r.7), .date(r.8)])
            }
            guard let programme else { return nil }
            let id = programme.id
            var result: [RoadmapSheet: SheetTable] = [:]
            result[.programme] = table(.programme, [programme.row])

            var sections: [[SheetCell]] = []
            for try await r in try await connection.query(
                """
                SELECT s.code, p.code, s.name_kk, s.name_ru, s.name_en, s.socially_sensitive, s.position
                  FROM sections s LEFT JOIN sections p ON p.id = s.parent_id
                 WHERE s.programme_id = \(id) ORDER BY s.position, s.id
                """, logger: logger
            ).decode((String, String?, String, String, String?, Bool, Int32).self) {
                sections.append([.text(r.0), text(r.1), .text(r.2), .text(r.3), text(r.4), .bool(r.5), .number(Double(r.6))])
            }
            result[.sections] = table(.sections, sections)

            var indicators: [[SheetCell]] = []
            var periodicities: Set<String> = []
            for try await r in try await connection.query(
                """
                SELECT i.code, s.code, i.name_kk, i.name_ru, i.name_en, i.unit, i.direction, i.aggregation, i.accumulation, i.periodicity
                  FROM indicators i JOIN sections s ON s.id = i.section_id
                 WHERE s.programme_id = \(id) AND i.retired_on IS NULL ORDER BY s.position, s.id, i.position, i.id
                """, logger: logger
            ).decode((String, String, String, String, String?, String, String, String, String, String).self) {
                indicators.append([
                    .text(r.0), .text(r.1), .text(r.2), .text(r.3), text(r.4), .text(r.5), .text(r.6), .text(r.7), .text(r.8), .text(r.9),
                ])
                periodicities.insert(r.9)
            }
            result[.indicators] = table(.indicators, indicators)

            // One column per period of the term: the quarters, then the years, as the
            // programme's indicators need them.
            var periods: [Period] = []
            if periodicities.contains(Periodicity.quarterly.rawValue) {
                periods += Period.all(.quarterly, from: programme.start, through: programme.end)
            }
            if periodicities.contains(Periodicity.yearly.rawValue) { periods += Period.all(.yearly, from: programme.start, through: programme.end) }
            let column = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0 + 2) })
            var targets: [[SheetCell]] = []
            var current: (String, String)?
            var row: [SheetCell] = []
            for try await r in try await connection.query(
                """
                SELECT i.code, coalesce(t.kato, t.id::text), i.periodicity, x.period_start, coalesce(v.new_value, x.value)
                  FROM targets x JOIN indicators i ON i.id = x.indicator_id JOIN sections s ON s.id = i.section_id
                  JOIN territories t ON t.id = x.territory_id
                  -- An approved target as the plan stands: its latest revision in force or pending.
                  LEFT JOIN (SELECT DISTINCT ON (r.indicator_id, r.territory_id, r.period_start) r.indicator_id, r.territory_id, r.period_start,
                                    r.new_value
                               FROM target_revisions r JOIN indicators ri ON ri.id = r.indicator_id JOIN sections rs ON rs.id = ri.section_id
                              WHERE rs.programme_id = \(id) AND r.status IN ('in_force', 'pending')
                              ORDER BY r.indicator_id, r.territory_id, r.period_start, r.id DESC) v
                         ON v.indicator_id = x.indicator_id AND v.territory_id = x.territory_id AND v.period_start = x.period_start
                 WHERE s.programme_id = \(id) AND i.retired_on IS NULL
                 ORDER BY s.position, s.id, i.position, i.id, t.id, x.period_start
                """, logger: logger
            ).decode((String, String, String, Day, Double).self) {
                if current == nil || current! != (r.0, r.1) {
                    if current != nil { targets.append(row) }
                    current = (r.0, r.1)
                    row = [.text(r.0), .text(r.1)] + Array(repeating: SheetCell.empty, count: periods.count)
                }
                if let period = Period(start: r.3, periodicity: Periodicity(rawValue: r.2) ?? .quarterly), let index = column[period] {
                    row[index] = .number(r.4)
                }
            }
            if current != nil { targets.append(row) }
            result[.targets] = SheetTable(
                header: RoadmapSheet.targets.columns.map(\.code) + periods.map(\.code),
                rows: targets.enumerated().map { ($0.offset + 2, $0.element) })

            var measures: [[SheetCell]] = []
            for try await r in try await connection.query(
                """
                SELECT m.code, s.code, coalesce(t.kato, t.id::text), m.text_kk, m.text_ru, m.text_en,
                       coalesce((v.new_value->>'deadline')::date, m.deadline), m.executor
                  FROM measures m JOIN sections s ON s.id = m.section_id JOIN territories t ON t.id = m.territory_id
                  LEFT JOIN item_revisions v ON v.measure_id = m.id AND v.status = 'pending'
                 WHERE s.programme_id = \(id) AND m.retired_on IS NULL ORDER BY m.deadline, m.code
                """, logger: logger
            ).decode((String, String, String, String, String, String?, Day, String).self) {
                measures.append([.text(r.0), .text(r.1), .text(r.2), .text(r.3), .text(r.4), text(r.5), .date(r.6), .text(r.7)])
            }
            result[.measures] = table(.measures, measures)

            var people: [[SheetCell]] = []
            for try await r in try await connection.query(
                """
                SELECT p.code, p.name_kk, p.name_ru, p.name_en, p.position_kk, p.position_ru, p.position_en, p.email,
                       coalesce(t.kato, t.id::text)
                  FROM people p LEFT JOIN territories t ON t.id = p.territory_id
                 WHERE p.id IN (SELECT o.person_id FROM section_owners o JOIN sections s ON s.id = o.section_id WHERE s.programme_id = \(id)
                                UNION
                                SELECT o.person_id FROM indicator_owners o JOIN indicators i ON i.id = o.indicator_id
                                  JOIN sections s ON s.id = i.section_id WHERE s.programme_id = \(id))
                 ORDER BY p.code
                """, logger: logger
            ).decode((String, String, String, String?, String?, String?, String?, String?, String?).self) {
                people.append([.text(r.0), .text(r.1), .text(r.2), text(r.3), text(r.4), text(r.5), text(r.6), text(r.7), text(r.8)])
            }
            result[.people] = table(.people, people)

            var owners: [[SheetCell]] = []
            for try await r in try await connection.query(
                """
                SELECT s.code, NULL::text, NULL::text, p.code, o.valid_from, o.valid_to, 0, s.position, s.id, 0::bigint
                  FROM section_owners o JOIN sections s ON s.id = o.section_id JOIN people p ON p.id = o.person_id
                 WHERE s.programme_id = \(id)
                UNION ALL
                SELECT NULL, i.code, coalesce(t.kato, t.id::text), p.code, o.valid_from, o.valid_to, 1, s.position, i.id, t.id
                  FROM indicator_owners o JOIN indicators i ON i.id = o.indicator_id JOIN sections s ON s.id = i.section_id
                  JOIN territories t ON t.id = o.territory_id JOIN people p ON p.id = o.person_id
                 WHERE s.programme_id = \(id) AND i.retired_on IS NULL
                 ORDER BY 7, 8, 9, 10, 5
                """, logger: logger
            ).decode((String?, String?, String?, String, Day, Day?, Int32, Int32, Int64, Int64).self) {
                owners.append([text(r.0), text(r.1), text(r.2), .text(r.3), .date(r.4), r.5.map(SheetCell.date) ?? .empty])
            }
            result[.owners] = table(.owners, owners)
            return result
        }
    }

    /// What a workbook is checked against: the units, the people known by code, and the codes of
    /// indicators and measures of other programmes.
    public func context(programmeCode: String?, tree: TerritoryTree) async throws -> RoadmapContext {
        var units: Set<String> = []
        var people: Set<String> = []
        var indicators: [String: String] = [:]
        var measures: [String: String] = [:]
        var ranges: [String: (min: Double?, max: Double?)] = [:]
        for try await (code, low, high) in try await client.query("SELECT code, min_value, max_value FROM units", logger: logger).decode(
            (String, Double?, Double?).self)
        {
            units.insert(code)
            ranges[code] = (low, high)
        }
        for try await code in try await client.query("SELECT code FROM people", logger: logger).decode(String.self) { people.insert(code) }
        for try await (code, programme) in try await client.query(
            """
            SELECT i.code, p.code FROM indicators i JOIN sections s ON s.id = i.section_id JOIN programmes p ON p.id = s.programme_id
             WHERE p.code IS DISTINCT FROM \(programmeCode)
            """, logger: logger
        ).decode((String, String).self) { indicators[code] = programme }
        for try await (code, programme) in try await client.query(
            """
            SELECT m.code, p.code FROM measures m JOIN sections s ON s.id = m.section_id JOIN programmes p ON p.id = s.programme_id
             WHERE p.code IS DISTINCT FROM \(programmeCode)
            """, logger: logger
        ).decode((String, String).self) { measures[code] = programme }
        return RoadmapContext(
            tree: tree, units: units, knownPeople: people, foreignIndicatorCodes: indicators, foreignMeasureCodes: measures, unitRanges: ranges)
    }

    /// These people as the people sheet shows them, with the territory each belongs to.
    public func people(codes: [String]) async throws -> (sheet: SheetTable, territories: [String: Territory.ID?]) {
        var rows: [[SheetCell]] = []
        var territories: [String: Territory.ID?] = [:]
        for try await r in try await client.query(
            """
            SELECT p.code, p.name_kk, p.name_ru, p.name_en, p.position_kk, p.position_ru, p.position_en, p.email,
                   coalesce(t.kato, t.id::text), p.territory_id
              FROM people p LEFT JOIN territories t ON t.id = p.territory_id WHERE p.code = ANY(\(codes)) ORDER BY p.code
            """, logger: logger
        ).decode((String, String, String, String?, String?, String?, String?, String?, String?, Int64?).self) {
            rows.append([.text(r.0), .text(r.1), .text(r.2), text(r.3), text(r.4), text(r.5), text(r.6), text(r.7), text(r.8)])
            territories[r.0] = r.9
        }
        return (table(.people, rows), territories)
    }

    func text(_ value: String?) -> SheetCell { value.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }

    func table(_ sheet: RoadmapSheet, _ rows: [[SheetCell]]) -> SheetTable {
        SheetTable(header: sheet.columns.map(\.code), rows: rows.enumerated().map { ($0.offset + 2, $0.element) })
    }
}

/// What writing a workbook did beyond its changes: the rows it kept although they were absent.
public struct RoadmapWriteOutcome: Sendable, Equatable {
    public var programmeID: Programme.ID = 0
    /// Absent targets kept because values were reported against them.
    public var targetsKeptForProgress = 0
    public var targetsRetired = 0
    public var ownersRetired = 0
    /// Indicators and measures left out and retired (kept with an end date).
    public var indicatorsRetired = 0
    public var measuresRetired = 0
    /// Changed targets of an approved programme: revisions in force at once, and those waiting
    /// for a second person.
    public var revisionsInForce = 0
    public var revisionsPending = 0
}

/// How an import revises the targets of an approved programme: with this reason, from this day.
public struct TargetRevisionRequest: Sendable {
    public let reason: String
    public let appliesFrom: Day
    /// The day the revisions are proposed on: whether their periods have begun.
    public let today: Day
    public let accountID: Int64?

    public init(reason: String, appliesFrom: Day, today: Day, accountID: Int64?) {
        self.reason = reason
        self.appliesFrom = appliesFrom
        self.today = today
        self.accountID = accountID
    }
}

extension RoadmapRepository {
    /// Writes a checked workbook in one transaction: the programme, then its sections, indicators,
    /// targets, measures, people and owners, each row inserted or brought up to date; nothing of
    /// a failed write stays. Absent targets and ownerships are removed only with `retireAbsent`,
    /// and a target values were reported against is kept even then. Absent sections, indicators
    /// and measures are kept: they are reported, never removed.
    public func write(
        _ workbook: RoadmapWorkbook, territories: [String: Territory.ID], retireAbsent: Bool, revising: TargetRevisionRequest? = nil,
        today: Day, by accountID: Int64?, requestID: String?, summary: some Encodable & Sendable
    ) async throws -> RoadmapWriteOutcome {
        guard let p = workbook.programme, let home = territories[p.territory] else { throw RoadmapWriteError.incomplete }
        do {
            return try await write(
                workbook, programme: p, home: home, territories: territories, retireAbsent: retireAbsent, revising: revising, today: today,
                by: accountID, requestID: requestID, summary: summary)
        } catch let error as PSQLError where (error.serverInfo?[.sqlState] ?? "").hasPrefix("23") {
            // A rule of the schema the workbook's checks did not foresee (an ownership that
            // overlaps one stored outside the workbook, a row another write changed meanwhile):
            // the transaction rolled back, and the importer is told what PostgreSQL refused.
            throw RoadmapWriteError.conflict(error.serverInfo?[.message] ?? "a constraint of the stored roadmap")
        }
    }

    func write(
        _ workbook: RoadmapWorkbook, programme p: RoadmapWorkbook.ProgrammeRow, home: Territory.ID, territories: [String: Territory.ID],
        retireAbsent: Bool, revising: TargetRevisionRequest?, today: Day, by accountID: Int64?, requestID: String?,
        summary: some Encodable & Sendable
    ) async throws -> RoadmapWriteOutcome {
        try await client.transaction(logger: logger) { connection in
            var outcome = RoadmapWriteOutcome()
            for try await id in try await connection.query(
                """
                INSERT INTO programmes (code, level, territory_id, name_kk, name_ru, name_en, term_start, term_end)
                VALUES (\(p.code), \(p.level.rawValue), \(home), \(p.name.kk ?? ""), \(p.name.ru ?? ""), \(p.name.en), \(p.termStart), \(p.termEnd))
                ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, territory_id = EXCLUDED.territory_id, name_kk = EXCLUDED.name_kk,
                       name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en, term_start = EXCLUDED.term_start, term_end = EXCLUDED.term_end
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { outcome.programmeID = id }
            let programme = outcome.programmeID

            if workbook.present.contains(.sections) { try await writeSections(workbook.sections, programme: programme, on: connection) }
            if workbook.present.contains(.indicators) {
                try await writeIndicators(workbook.indicators, programme: programme, on: connection)
                // An approved programme keeps every indicator and measure it promised.
                if retireAbsent, revising == nil {
                    outcome.indicatorsRetired = try await retire(
                        "indicators", codes: workbook.indicators.map(\.code), programme: programme, on: today, connection: connection)
                }
            }
            if workbook.present.contains(.targets) {
                try await writeTargets(
                    workbook.targets, programme: programme, territories: territories, retireAbsent: retireAbsent, revising: revising,
                    into: &outcome, on: connection)
            }
            if workbook.present.contains(.measures) {
                try await writeMeasures(
                    workbook.measures, programme: programme, territories: territories, keepDeadlines: revising != nil, on: connection)
                if let revising { try await reviseDeadlines(workbook.measures, revising, into: &outcome, on: connection) }
                if retireAbsent, revising == nil {
                    outcome.measuresRetired = try await retire(
                        "measures", codes: workbook.measures.map(\.code), programme: programme, on: today, connection: connection)
                }
            }
            if workbook.present.contains(.people) { try await writePeople(workbook.people, territories: territories, on: connection) }
            if workbook.present.contains(.owners) {
                try await writeOwners(
                    workbook.owners, programme: programme, territories: territories, retireAbsent: retireAbsent, into: &outcome, on: connection)
            }
            try await AuditEvent(
                accountID: accountID, action: "import", entity: "roadmap", entityID: p.code, new: summary, requestID: requestID
            ).write(on: connection, logger: logger)
            return outcome
        }
    }

    func writeTargets(
        _ rows: [RoadmapWorkbook.TargetRow], programme: Programme.ID, territories: [String: Territory.ID], retireAbsent: Bool,
        revising: TargetRevisionRequest?, into outcome: inout RoadmapWriteOutcome, on connection: PostgresConnection
    ) async throws {
        var codes: [String: Int64] = [:]
        for try await (code, id) in try await connection.query(
            "SELECT i.code, i.id FROM indicators i JOIN sections s ON s.id = i.section_id WHERE s.programme_id = \(programme)", logger: logger
        ).decode((String, Int64).self) { codes[code] = id }
        // The cells stream in one COPY, a megabyte at a time: straight into the targets when the
        // programme has none yet (a first import, at the speed of a plain COPY), otherwise into
        // a scratch table that the statements below compare with what is stored.
        var stored = false
        for try await found in try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM targets t JOIN indicators i ON i.id = t.indicator_id JOIN sections s ON s.id = i.section_id
                            WHERE s.programme_id = \(programme))
            """, logger: logger
        ).decode(Bool.self) { stored = found }
        let table = stored ? "roadmap_targets" : "targets"
        if stored {
            try await connection.query(
                "CREATE TEMPORARY TABLE roadmap_targets (indicator_id bigint, territory_id bigint, period_start date, value float8) ON COMMIT DROP",
                logger: logger)
        }
        for row in rows where codes[row.indicatorCode] == nil || territories[row.territory] == nil { throw RoadmapWriteError.incomplete }
        try await connection.copyFrom(table: table, columns: ["indicator_id", "territory_id", "period_start", "value"], logger: logger) { writer in
            var out = CopyText(capacity: 1 << 20)
            for row in rows {
                let indicator = codes[row.indicatorCode] ?? 0
                let territory = territories[row.territory] ?? 0
                for value in row.values {
                    out.integer(indicator)
                    out.tab()
                    out.integer(territory)
                    out.tab()
                    out.text(value.period.start.iso)
                    out.tab()
                    out.number(value.value, missing: "NaN")
                    out.newline()
                }
                if out.count >= 1 << 20 {
                    try await writer.write(out.buffer)
                    out = CopyText(capacity: 1 << 20)
                }
            }
            if out.count > 0 { try await writer.write(out.buffer) }
        }
        guard stored else { return }
        // Indexed, so that comparing with the stored targets stays a lookup per row whatever
        // the planner believes of them (statistics of a freshly loaded table may be missing).
        try await connection.query("CREATE INDEX ON roadmap_targets (indicator_id, territory_id, period_start)", logger: logger)
        try await connection.query("ANALYZE roadmap_targets", logger: logger)
        if let revising {
            try await reviseTargets(revising, into: &outcome, on: connection)
            // An approved programme's targets are the record of what was promised: absent ones are
            // reported, never retired.
            return
        }
        try await connection.query(
            """
            INSERT INTO targets (indicator_id, territory_id, period_start, value)
            SELECT indicator_id, territory_id, period_start, value FROM roadmap_targets
            ON CONFLICT (indicator_id, territory_id, period_start) DO UPDATE SET value = EXCLUDED.value
             WHERE targets.value IS DISTINCT FROM EXCLUDED.value
            """, logger: logger)
        guard retireAbsent else { return }
        let absent = """
            FROM targets t JOIN indicators i ON i.id = t.indicator_id JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programme)
               AND NOT EXISTS (SELECT 1 FROM roadmap_targets r WHERE r.indicator_id = t.indicator_id AND r.territory_id = t.territory_id
                                                               AND r.period_start = t.period_start)
            """
        let reported = """
            (EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = t.indicator_id AND e.territory_id = t.territory_id
                                                        AND e.period_start = t.period_start)
             OR EXISTS (SELECT 1 FROM target_revisions v WHERE v.indicator_id = t.indicator_id AND v.territory_id = t.territory_id
                                                          AND v.period_start = t.period_start))
            """
        for try await kept in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int \(absent) AND \(reported)", binds: PostgresBindings()), logger: logger
        ).decode(Int.self) { outcome.targetsKeptForProgress = kept }
        for try await retired in try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH gone AS (DELETE FROM targets x USING (SELECT t.indicator_id, t.territory_id, t.period_start \(absent) AND NOT \(reported)) d
                                   WHERE x.indicator_id = d.indicator_id AND x.territory_id = d.territory_id AND x.period_start = d.period_start
                                  RETURNING 1)
                    SELECT count(*)::int FROM gone
                    """, binds: PostgresBindings()), logger: logger
        ).decode(Int.self) { outcome.targetsRetired = retired }
    }

    /// Retires the programme's indicators or measures the workbook left out: kept, with `day` as
    /// their end, whatever was reported against them (nothing is deleted: values, frozen runs
    /// and the audit trail name them). How many.
    func retire(_ table: String, codes: [String], programme: Programme.ID, on day: Day, connection: PostgresConnection) async throws -> Int {
        precondition(["indicators", "measures"].contains(table))
        var binds = PostgresBindings()
        binds.append(day)
        binds.append(programme)
        binds.append(codes)
        var count = 0
        for try await retired in try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH gone AS (UPDATE \(table) x SET retired_on = $1 FROM sections s
                                   WHERE s.id = x.section_id AND s.programme_id = $2 AND x.retired_on IS NULL AND x.code <> ALL($3::text[])
                                  RETURNING 1)
                    SELECT count(*)::int FROM gone
                    """, binds: binds), logger: logger
        ).decode(Int.self) { count = retired }
        return count
    }

    /// An approved programme's targets: new ones are added; a changed one gets a revision (a
    /// pending revision of it is withdrawn first), pending when it eases the target after its
    /// period began, in force otherwise — the rules of ``RevisionRules``, set-based.
    func reviseTargets(_ request: TargetRevisionRequest, into outcome: inout RoadmapWriteOutcome, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO targets (indicator_id, territory_id, period_start, value)
            SELECT indicator_id, territory_id, period_start, value FROM roadmap_targets
            ON CONFLICT (indicator_id, territory_id, period_start) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            CREATE TEMPORARY TABLE roadmap_revised ON COMMIT DROP AS
            SELECT r.indicator_id, r.territory_id, r.period_start, r.value AS new_value, f.value AS in_force, p.id AS pending_id,
                   CASE i.direction WHEN 'higher_is_better' THEN r.value < f.value ELSE r.value > f.value END AS eases
              FROM roadmap_targets r
              JOIN targets t ON t.indicator_id = r.indicator_id AND t.territory_id = r.territory_id AND t.period_start = r.period_start
              JOIN indicators i ON i.id = r.indicator_id
              CROSS JOIN LATERAL (SELECT target_in_force(t.indicator_id, t.territory_id, t.period_start, \(request.today), t.value) AS value) f
              LEFT JOIN target_revisions p ON p.indicator_id = t.indicator_id AND p.territory_id = t.territory_id
                                          AND p.period_start = t.period_start AND p.status = 'pending'
             WHERE r.value IS DISTINCT FROM coalesce(p.new_value, f.value)
            """, logger: logger)
        try await connection.query(
            """
            UPDATE target_revisions v SET status = 'withdrawn', withdrawn_at = now() FROM roadmap_revised r
             WHERE v.id = r.pending_id AND v.status = 'pending'
            """, logger: logger)
        for try await (inForce, pending) in try await connection.query(
            """
            WITH added AS (
                INSERT INTO target_revisions (indicator_id, territory_id, period_start, old_value, new_value, reason, applies_from, eases,
                                              eased_after_start, status, proposed_by, decided_by, decided_at)
                SELECT indicator_id, territory_id, period_start, in_force, new_value, \(request.reason), \(request.appliesFrom), eases,
                       eases AND \(request.today) >= period_start,
                       CASE WHEN eases AND \(request.today) >= period_start THEN 'pending' ELSE 'in_force' END,
                       \(request.accountID), CASE WHEN eases AND \(request.today) >= period_start THEN NULL ELSE \(request.accountID) END,
                       CASE WHEN eases AND \(request.today) >= period_start THEN NULL ELSE now() END
                  FROM roadmap_revised WHERE new_value <> in_force
                 ORDER BY indicator_id, territory_id, period_start
                RETURNING status)
            SELECT count(*) FILTER (WHERE status = 'in_force')::int, count(*) FILTER (WHERE status = 'pending')::int FROM added
            """, logger: logger
        ).decode((Int, Int).self) { (outcome.revisionsInForce, outcome.revisionsPending) = (inForce, pending) }
    }

    // Each sheet is written in a few set-based statements over arrays of its columns (a
    // statement per row cost 0.2 ms each: minutes for a national roadmap's 400,000 owners). A
    // row already as stored is not updated, so that importing the same workbook again writes
    // nothing. Absent texts travel as empty strings and are stored as NULL.

    func writeSections(_ rows: [RoadmapWorkbook.SectionRow], programme: Programme.ID, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let codes = rows.map(\.code)
        try await connection.query(
            """
            INSERT INTO sections (programme_id, code, name_kk, name_ru, name_en, socially_sensitive, position)
            SELECT \(programme), code, kk, ru, NULLIF(en, ''), sensitive, position
              FROM unnest(\(codes)::text[], \(rows.map { $0.name.kk ?? "" })::text[], \(rows.map { $0.name.ru ?? "" })::text[],
                          \(rows.map { $0.name.en ?? "" })::text[], \(rows.map(\.sociallySensitive))::bool[], \(rows.map { Int32($0.position) })::int[])
                   AS w(code, kk, ru, en, sensitive, position)
            ON CONFLICT (programme_id, code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
                   name_en = EXCLUDED.name_en, socially_sensitive = EXCLUDED.socially_sensitive, position = EXCLUDED.position
             WHERE (sections.name_kk, sections.name_ru, sections.name_en, sections.socially_sensitive, sections.position)
                   IS DISTINCT FROM (EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.name_en, EXCLUDED.socially_sensitive, EXCLUDED.position)
            """, logger: logger)
        // Parents once every section exists: a child may come before its parent.
        try await connection.query(
            """
            UPDATE sections c SET parent_id = p.id
              FROM unnest(\(codes)::text[], \(rows.map { $0.parentCode ?? "" })::text[]) AS w(code, parent)
              LEFT JOIN sections p ON p.programme_id = \(programme) AND p.code = w.parent
             WHERE c.programme_id = \(programme) AND c.code = w.code AND c.parent_id IS DISTINCT FROM p.id
            """, logger: logger)
    }

    func writeIndicators(_ rows: [RoadmapWorkbook.IndicatorRow], programme: Programme.ID, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO indicators (section_id, code, name_kk, name_ru, name_en, unit, direction, aggregation, accumulation, periodicity, position)
            SELECT s.id, w.code, w.kk, w.ru, NULLIF(w.en, ''), w.unit, w.direction, w.aggregation, w.accumulation, w.periodicity, w.position - 1
              FROM unnest(\(rows.map(\.code))::text[], \(rows.map(\.sectionCode))::text[], \(rows.map { $0.name.kk ?? "" })::text[],
                          \(rows.map { $0.name.ru ?? "" })::text[], \(rows.map { $0.name.en ?? "" })::text[], \(rows.map(\.unit))::text[],
                          \(rows.map(\.direction.rawValue))::text[], \(rows.map(\.aggregation.rawValue))::text[],
                          \(rows.map(\.accumulation.rawValue))::text[], \(rows.map(\.periodicity.rawValue))::text[])
                   WITH ORDINALITY AS w(code, section, kk, ru, en, unit, direction, aggregation, accumulation, periodicity, position)
              JOIN sections s ON s.programme_id = \(programme) AND s.code = w.section
            ON CONFLICT (code) DO UPDATE SET section_id = EXCLUDED.section_id, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
                   name_en = EXCLUDED.name_en, unit = EXCLUDED.unit, direction = EXCLUDED.direction, aggregation = EXCLUDED.aggregation,
                   accumulation = EXCLUDED.accumulation, periodicity = EXCLUDED.periodicity, position = EXCLUDED.position, retired_on = NULL
             WHERE (indicators.section_id, indicators.name_kk, indicators.name_ru, indicators.name_en, indicators.unit, indicators.direction,
                    indicators.aggregation, indicators.accumulation, indicators.periodicity, indicators.position, indicators.retired_on)
                   IS DISTINCT FROM (EXCLUDED.section_id, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.name_en, EXCLUDED.unit, EXCLUDED.direction,
                    EXCLUDED.aggregation, EXCLUDED.accumulation, EXCLUDED.periodicity, EXCLUDED.position, NULL::date)
            """, logger: logger)
    }

    /// An approved programme's deadlines are not overwritten (`keepDeadlines`): they change
    /// through ``reviseDeadlines(_:_:into:on:)``.
    func writeMeasures(
        _ rows: [RoadmapWorkbook.MeasureRow], programme: Programme.ID, territories: [String: Territory.ID], keepDeadlines: Bool,
        on connection: PostgresConnection
    ) async throws {
        guard !rows.isEmpty else { return }
        let places = try rows.map { row in
            guard let territory = territories[row.territory] else { throw RoadmapWriteError.incomplete }
            return territory
        }
        try await connection.query(
            """
            INSERT INTO measures (section_id, territory_id, code, text_kk, text_ru, text_en, deadline, executor)
            SELECT s.id, w.territory, w.code, w.kk, w.ru, NULLIF(w.en, ''), w.deadline::date, w.executor
              FROM unnest(\(rows.map(\.code))::text[], \(rows.map(\.sectionCode))::text[], \(places)::bigint[], \(rows.map { $0.text.kk ?? "" })::text[],
                          \(rows.map { $0.text.ru ?? "" })::text[], \(rows.map { $0.text.en ?? "" })::text[], \(rows.map(\.deadline.iso))::text[],
                          \(rows.map(\.executor))::text[])
                   AS w(code, section, territory, kk, ru, en, deadline, executor)
              JOIN sections s ON s.programme_id = \(programme) AND s.code = w.section
            ON CONFLICT (code) DO UPDATE SET section_id = EXCLUDED.section_id, territory_id = EXCLUDED.territory_id,
                   text_kk = EXCLUDED.text_kk, text_ru = EXCLUDED.text_ru, text_en = EXCLUDED.text_en,
                   deadline = CASE WHEN \(keepDeadlines) THEN measures.deadline ELSE EXCLUDED.deadline END,
                   executor = EXCLUDED.executor, retired_on = NULL
             WHERE (measures.section_id, measures.territory_id, measures.text_kk, measures.text_ru, measures.text_en,
                    CASE WHEN \(keepDeadlines) THEN NULL ELSE measures.deadline END, measures.executor, measures.retired_on)
                   IS DISTINCT FROM (EXCLUDED.section_id, EXCLUDED.territory_id, EXCLUDED.text_kk, EXCLUDED.text_ru, EXCLUDED.text_en,
                    CASE WHEN \(keepDeadlines) THEN NULL ELSE EXCLUDED.deadline END, EXCLUDED.executor, NULL::date)
            """, logger: logger)
    }

    /// An approved programme's changed deadlines, by the rules of ``ItemRevisionRules``,
    /// set-based: a pending revision the workbook does not repeat is withdrawn; then each
    /// deadline that differs from the one in force gets a revision, pending when it postpones
    /// it, in force (and applied) otherwise.
    func reviseDeadlines(
        _ rows: [RoadmapWorkbook.MeasureRow], _ request: TargetRevisionRequest, into outcome: inout RoadmapWriteOutcome,
        on connection: PostgresConnection
    ) async throws {
        guard !rows.isEmpty else { return }
        let codes = rows.map(\.code)
        let deadlines = rows.map(\.deadline.iso)
        try await connection.query(
            """
            UPDATE item_revisions v SET status = 'withdrawn', withdrawn_at = now()
              FROM unnest(\(codes)::text[], \(deadlines)::text[]) AS w(code, deadline) JOIN measures m ON m.code = w.code
             WHERE v.measure_id = m.id AND v.status = 'pending' AND (v.new_value->>'deadline')::date <> w.deadline::date
            """, logger: logger)
        for try await (inForce, pending) in try await connection.query(
            """
            WITH added AS (
                INSERT INTO item_revisions (kind, measure_id, old_value, new_value, reason, eases, status, proposed_by, decided_by, decided_at)
                SELECT 'measure_deadline', m.id, jsonb_build_object('deadline', m.deadline::text), jsonb_build_object('deadline', w.deadline),
                       \(request.reason), w.deadline::date > m.deadline, CASE WHEN w.deadline::date > m.deadline THEN 'pending' ELSE 'in_force' END,
                       \(request.accountID), CASE WHEN w.deadline::date > m.deadline THEN NULL ELSE \(request.accountID) END,
                       CASE WHEN w.deadline::date > m.deadline THEN NULL ELSE now() END
                  FROM unnest(\(codes)::text[], \(deadlines)::text[]) AS w(code, deadline) JOIN measures m ON m.code = w.code
                 WHERE m.deadline <> w.deadline::date
                   AND NOT EXISTS (SELECT 1 FROM item_revisions p WHERE p.measure_id = m.id AND p.status = 'pending')
                 ORDER BY m.id
                RETURNING measure_id, status, new_value),
            applied AS (
                UPDATE measures m SET deadline = (a.new_value->>'deadline')::date FROM added a WHERE a.measure_id = m.id AND a.status = 'in_force'
                RETURNING 1)
            SELECT count(*) FILTER (WHERE status = 'in_force')::int, count(*) FILTER (WHERE status = 'pending')::int FROM added
            """, logger: logger
        ).decode((Int, Int).self) {
            outcome.revisionsInForce += inForce
            outcome.revisionsPending += pending
        }
    }

    func writePeople(_ rows: [RoadmapWorkbook.PersonRow], territories: [String: Territory.ID], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        // 0 stands for "no territory": ids start at 1.
        let places = rows.map { row in row.territory.flatMap { territories[$0] } ?? 0 }
        try await connection.query(
            """
            INSERT INTO people (code, name_kk, name_ru, name_en, position_kk, position_ru, position_en, email, territory_id)
            SELECT code, kk, ru, NULLIF(en, ''), NULLIF(pkk, ''), NULLIF(pru, ''), NULLIF(pen, ''), NULLIF(email, ''), NULLIF(territory, 0)
              FROM unnest(\(rows.map(\.code))::text[], \(rows.map { $0.name.kk ?? "" })::text[], \(rows.map { $0.name.ru ?? "" })::text[],
                          \(rows.map { $0.name.en ?? "" })::text[], \(rows.map { $0.position?.kk ?? "" })::text[],
                          \(rows.map { $0.position?.ru ?? "" })::text[], \(rows.map { $0.position?.en ?? "" })::text[],
                          \(rows.map { $0.email ?? "" })::text[], \(places)::bigint[])
                   AS w(code, kk, ru, en, pkk, pru, pen, email, territory)
            ON CONFLICT (code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
                   position_kk = EXCLUDED.position_kk, position_ru = EXCLUDED.position_ru, position_en = EXCLUDED.position_en,
                   email = EXCLUDED.email, territory_id = EXCLUDED.territory_id
             WHERE (people.name_kk, people.name_ru, people.name_en, people.position_kk, people.position_ru, people.position_en, people.email,
                    people.territory_id)
                   IS DISTINCT FROM (EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.name_en, EXCLUDED.position_kk, EXCLUDED.position_ru,
                    EXCLUDED.position_en, EXCLUDED.email, EXCLUDED.territory_id)
            """, logger: logger)
    }

    func writeOwners(
        _ rows: [RoadmapWorkbook.OwnerRow], programme: Programme.ID, territories: [String: Territory.ID], retireAbsent: Bool,
        into outcome: inout RoadmapWriteOutcome, on connection: PostgresConnection
    ) async throws {
        // An ownership row is the workbook's when it has its key: the section, or the indicator
        // and territory, and the day it begins. Absent ones go first (when asked), so that a
        // period they held can be given to another row; then the rest are brought up to date.
        try await connection.query(
            """
            CREATE TEMPORARY TABLE roadmap_owners (section_id bigint, indicator_id bigint, territory_id bigint, person_id bigint,
                                                   valid_from date, valid_to date) ON COMMIT DROP
            """, logger: logger)
        var sections: [String: Int64] = [:]
        for try await (code, id) in try await connection.query("SELECT code, id FROM sections WHERE programme_id = \(programme)", logger: logger)
            .decode((String, Int64).self)
        { sections[code] = id }
        var indicators: [String: Int64] = [:]
        for try await (code, id) in try await connection.query(
            "SELECT i.code, i.id FROM indicators i JOIN sections s ON s.id = i.section_id WHERE s.programme_id = \(programme)", logger: logger
        ).decode((String, Int64).self) { indicators[code] = id }
        var people: [String: Int64] = [:]
        for try await (code, id) in try await connection.query(
            "SELECT code, id FROM people WHERE code = ANY(\(Array(Set(rows.map(\.personCode)))))", logger: logger
        ).decode((String, Int64).self) { people[code] = id }

        // 0 stands for "none" in the id columns, "" for an open end.
        var batch: (sections: [Int64], indicators: [Int64], territories: [Int64], people: [Int64], from: [String], to: [String]) = (
            [], [], [], [], [], []
        )
        func flush() async throws {
            guard !batch.people.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO roadmap_owners
                SELECT NULLIF(s, 0), NULLIF(i, 0), NULLIF(t, 0), p, f::date, NULLIF(u, '')::date
                  FROM unnest(\(batch.sections)::bigint[], \(batch.indicators)::bigint[], \(batch.territories)::bigint[], \(batch.people)::bigint[],
                              \(batch.from)::text[], \(batch.to)::text[]) AS w(s, i, t, p, f, u)
                """, logger: logger)
            batch = ([], [], [], [], [], [])
        }
        for owner in rows {
            guard let person = people[owner.personCode] else { throw RoadmapWriteError.incomplete }
            if let code = owner.sectionCode {
                guard let section = sections[code] else { throw RoadmapWriteError.incomplete }
                batch.sections.append(section)
                batch.indicators.append(0)
                batch.territories.append(0)
            } else if let code = owner.indicatorCode, let reference = owner.territory, let indicator = indicators[code],
                let territory = territories[reference]
            {
                batch.sections.append(0)
                batch.indicators.append(indicator)
                batch.territories.append(territory)
            } else {
                throw RoadmapWriteError.incomplete
            }
            batch.people.append(person)
            batch.from.append(owner.validFrom.iso)
            batch.to.append(owner.validTo?.iso ?? "")
            if batch.people.count >= 20_000 { try await flush() }
        }
        try await flush()
        try await connection.query("ANALYZE roadmap_owners", logger: logger)

        if retireAbsent {
            for try await count in try await connection.query(
                """
                WITH a AS (DELETE FROM section_owners o USING sections s
                            WHERE s.id = o.section_id AND s.programme_id = \(programme)
                              AND NOT EXISTS (SELECT 1 FROM roadmap_owners w WHERE w.section_id = o.section_id AND w.valid_from = o.valid_from)
                           RETURNING 1),
                     b AS (DELETE FROM indicator_owners o USING indicators i, sections s
                            WHERE i.id = o.indicator_id AND s.id = i.section_id AND s.programme_id = \(programme)
                              AND NOT EXISTS (SELECT 1 FROM roadmap_owners w WHERE w.indicator_id = o.indicator_id AND w.territory_id = o.territory_id
                                                                             AND w.valid_from = o.valid_from)
                           RETURNING 1)
                SELECT ((SELECT count(*) FROM a) + (SELECT count(*) FROM b))::int
                """, logger: logger
            ).decode(Int.self) { outcome.ownersRetired = count }
        }
        try await connection.query(
            """
            UPDATE section_owners o SET person_id = w.person_id, valid_to = w.valid_to FROM roadmap_owners w
             WHERE w.section_id = o.section_id AND w.valid_from = o.valid_from
               AND (o.person_id, o.valid_to) IS DISTINCT FROM (w.person_id, w.valid_to)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO section_owners (section_id, person_id, valid_from, valid_to)
            SELECT w.section_id, w.person_id, w.valid_from, w.valid_to FROM roadmap_owners w
             WHERE w.section_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM section_owners o WHERE o.section_id = w.section_id AND o.valid_from = w.valid_from)
             ORDER BY w.section_id, w.valid_from
            """, logger: logger)
        try await connection.query(
            """
            UPDATE indicator_owners o SET person_id = w.person_id, valid_to = w.valid_to FROM roadmap_owners w
             WHERE w.indicator_id = o.indicator_id AND w.territory_id = o.territory_id AND w.valid_from = o.valid_from
               AND (o.person_id, o.valid_to) IS DISTINCT FROM (w.person_id, w.valid_to)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from, valid_to)
            SELECT w.indicator_id, w.territory_id, w.person_id, w.valid_from, w.valid_to FROM roadmap_owners w
             WHERE w.indicator_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM indicator_owners o WHERE o.indicator_id = w.indicator_id AND o.territory_id = w.territory_id
                                                                  AND o.valid_from = w.valid_from)
             ORDER BY w.indicator_id, w.territory_id, w.valid_from
            """, logger: logger)
    }
}

public enum RoadmapWriteError: Error, Sendable, Equatable {
    /// The workbook was not checked first: a row names something the write cannot find.
    case incomplete
    /// PostgreSQL refused the write (its message); nothing was written.
    case conflict(String)
}

extension RoadmapRepository {
    /// Keeps a previewed workbook for its importer until confirmed (at most an hour); its id.
    public func stage(_ data: [UInt8], retireAbsent: Bool, by accountID: Int64) async throws -> String {
        let id = Secrets.token()
        try await client.query("DELETE FROM roadmap_uploads WHERE created_at < now() - interval '1 hour'", logger: logger)
        try await client.query(
            """
            INSERT INTO roadmap_uploads (id, account_id, data, retire_absent) VALUES (\(id), \(accountID), \(ByteBuffer(bytes: data)), \(retireAbsent))
            """, logger: logger)
        return id
    }

    /// The staged workbook, taken (it can be confirmed once), when it is this account's and fresh.
    public func unstage(_ id: String, by accountID: Int64) async throws -> (data: [UInt8], retireAbsent: Bool)? {
        for try await (buffer, retire) in try await client.query(
            """
            DELETE FROM roadmap_uploads WHERE id = \(id) AND account_id = \(accountID) AND created_at >= now() - interval '1 hour'
            RETURNING data, retire_absent
            """, logger: logger
        ).decode((ByteBuffer, Bool).self) { return (Array(buffer.readableBytesView), retire) }
        return nil
    }
}

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
                 WHERE s.programme_id = \(id) ORDER BY s.position, s.id, i.position, i.id
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
                SELECT i.code, coalesce(t.kato, t.id::text), i.periodicity, x.period_start, x.value
                  FROM targets x JOIN indicators i ON i.id = x.indicator_id JOIN sections s ON s.id = i.section_id
                  JOIN territories t ON t.id = x.territory_id
                 WHERE s.programme_id = \(id)
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
                SELECT m.code, s.code, coalesce(t.kato, t.id::text), m.text_kk, m.text_ru, m.text_en, m.deadline, m.executor
                  FROM measures m JOIN sections s ON s.id = m.section_id JOIN territories t ON t.id = m.territory_id
                 WHERE s.programme_id = \(id) ORDER BY m.deadline, m.code
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
                 WHERE s.programme_id = \(id)
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
}

extension RoadmapRepository {
    /// Writes a checked workbook in one transaction: the programme, then its sections, indicators,
    /// targets, measures, people and owners, each row inserted or brought up to date; nothing of
    /// a failed write stays. Absent targets and ownerships are removed only with `retireAbsent`,
    /// and a target values were reported against is kept even then. Absent sections, indicators
    /// and measures are kept: they are reported, never removed.
    public func write(
        _ workbook: RoadmapWorkbook, territories: [String: Territory.ID], retireAbsent: Bool, by accountID: Int64?, requestID: String?,
        summary: some Encodable & Sendable
    ) async throws -> RoadmapWriteOutcome {
        guard let p = workbook.programme, let home = territories[p.territory] else { throw RoadmapWriteError.incomplete }
        do {
            return try await write(
                workbook, programme: p, home: home, territories: territories, retireAbsent: retireAbsent, by: accountID, requestID: requestID,
                summary: summary)
        } catch let error as PSQLError where (error.serverInfo?[.sqlState] ?? "").hasPrefix("23") {
            // A rule of the schema the workbook's checks did not foresee (an ownership that
            // overlaps one stored outside the workbook, a row another write changed meanwhile):
            // the transaction rolled back, and the importer is told what PostgreSQL refused.
            throw RoadmapWriteError.conflict(error.serverInfo?[.message] ?? "a constraint of the stored roadmap")
        }
    }

    func write(
        _ workbook: RoadmapWorkbook, programme p: RoadmapWorkbook.ProgrammeRow, home: Territory.ID, territories: [String: Territory.ID],
        retireAbsent: Bool, by accountID: Int64?, requestID: String?, summary: some Encodable & Sendable
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

            if workbook.present.contains(.sections) {
                for s in workbook.sections {
                    try await connection.query(
                        """
                        INSERT INTO sections (programme_id, code, name_kk, name_ru, name_en, socially_sensitive, position)
                        VALUES (\(programme), \(s.code), \(s.name.kk ?? ""), \(s.name.ru ?? ""), \(s.name.en), \(s.sociallySensitive), \(s.position))
                        ON CONFLICT (programme_id, code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
                               name_en = EXCLUDED.name_en, socially_sensitive = EXCLUDED.socially_sensitive, position = EXCLUDED.position
                        """, logger: logger)
                }
                // Parents once every section exists: a child may come before its parent.
                for s in workbook.sections {
                    try await connection.query(
                        """
                        UPDATE sections c SET parent_id = (SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(s.parentCode))
                         WHERE c.programme_id = \(programme) AND c.code = \(s.code)
                           AND c.parent_id IS DISTINCT FROM (SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(s.parentCode))
                        """, logger: logger)
                }
            }
            if workbook.present.contains(.indicators) {
                for (position, i) in workbook.indicators.enumerated() {
                    try await connection.query(
                        """
                        INSERT INTO indicators (section_id, code, name_kk, name_ru, name_en, unit, direction, aggregation, accumulation, periodicity, position)
                        VALUES ((SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(i.sectionCode)), \(i.code), \(i.name.kk ?? ""),
                                \(i.name.ru ?? ""), \(i.name.en), \(i.unit), \(i.direction.rawValue), \(i.aggregation.rawValue),
                                \(i.accumulation.rawValue), \(i.periodicity.rawValue), \(position))
                        ON CONFLICT (code) DO UPDATE SET section_id = EXCLUDED.section_id, name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
                               name_en = EXCLUDED.name_en, unit = EXCLUDED.unit, direction = EXCLUDED.direction, aggregation = EXCLUDED.aggregation,
                               accumulation = EXCLUDED.accumulation, periodicity = EXCLUDED.periodicity, position = EXCLUDED.position
                        """, logger: logger)
                }
            }
            if workbook.present.contains(.targets) {
                try await writeTargets(
                    workbook.targets, programme: programme, territories: territories, retireAbsent: retireAbsent, into: &outcome, on: connection)
            }
            if workbook.present.contains(.measures) {
                for m in workbook.measures {
                    guard let territory = territories[m.territory] else { throw RoadmapWriteError.incomplete }
                    try await connection.query(
                        """
                        INSERT INTO measures (section_id, territory_id, code, text_kk, text_ru, text_en, deadline, executor)
                        VALUES ((SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(m.sectionCode)), \(territory), \(m.code),
                                \(m.text.kk ?? ""), \(m.text.ru ?? ""), \(m.text.en), \(m.deadline), \(m.executor))
                        ON CONFLICT (code) DO UPDATE SET section_id = EXCLUDED.section_id, territory_id = EXCLUDED.territory_id,
                               text_kk = EXCLUDED.text_kk, text_ru = EXCLUDED.text_ru, text_en = EXCLUDED.text_en, deadline = EXCLUDED.deadline,
                               executor = EXCLUDED.executor
                        """, logger: logger)
                }
            }
            if workbook.present.contains(.people) {
                for person in workbook.people {
                    let territory = person.territory.flatMap { territories[$0] }
                    try await connection.query(
                        """
                        INSERT INTO people (code, name_kk, name_ru, name_en, position_kk, position_ru, position_en, email, territory_id)
                        VALUES (\(person.code), \(person.name.kk ?? ""), \(person.name.ru ?? ""), \(person.name.en), \(person.position?.kk),
                                \(person.position?.ru), \(person.position?.en), \(person.email), \(territory))
                        ON CONFLICT (code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
                               position_kk = EXCLUDED.position_kk, position_ru = EXCLUDED.position_ru, position_en = EXCLUDED.position_en,
                               email = EXCLUDED.email, territory_id = EXCLUDED.territory_id
                        """, logger: logger)
                }
            }
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
        into outcome: inout RoadmapWriteOutcome, on connection: PostgresConnection
    ) async throws {
        var codes: [String: Int64] = [:]
        for try await (code, id) in try await connection.query(
            "SELECT i.code, i.id FROM indicators i JOIN sections s ON s.id = i.section_id WHERE s.programme_id = \(programme)", logger: logger
        ).decode((String, Int64).self) { codes[code] = id }
        try await connection.query(
            "CREATE TEMPORARY TABLE roadmap_targets (indicator_id bigint, territory_id bigint, period_start date, value float8) ON COMMIT DROP",
            logger: logger)
        var batch: (indicators: [Int64], territories: [Int64], starts: [String], values: [Double]) = ([], [], [], [])
        func flush() async throws {
            guard !batch.values.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO roadmap_targets SELECT * FROM unnest(\(batch.indicators)::bigint[], \(batch.territories)::bigint[], \(batch.starts)::date[],
                                                                  \(batch.values)::float8[])
                """, logger: logger)
            batch = ([], [], [], [])
        }
        for row in rows {
            guard let indicator = codes[row.indicatorCode], let territory = territories[row.territory] else { throw RoadmapWriteError.incomplete }
            for value in row.values {
                batch.indicators.append(indicator)
                batch.territories.append(territory)
                batch.starts.append(value.period.start.iso)
                batch.values.append(value.value)
            }
            if batch.values.count >= 20_000 { try await flush() }
        }
        try await flush()
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
            EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = t.indicator_id AND e.territory_id = t.territory_id
                                                       AND e.period_start = t.period_start)
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

    func writeOwners(
        _ rows: [RoadmapWorkbook.OwnerRow], programme: Programme.ID, territories: [String: Territory.ID], retireAbsent: Bool,
        into outcome: inout RoadmapWriteOutcome, on connection: PostgresConnection
    ) async throws {
        // Ownership rows are the workbook's when they have its key (the section, or the indicator
        // and territory, and the day it begins); those are brought up to date.
        var keptSections: [Int64] = []
        var keptIndicators: [Int64] = []
        for owner in rows {
            if let section = owner.sectionCode {
                var id: Int64?
                for try await value in try await connection.query(
                    """
                    UPDATE section_owners SET person_id = (SELECT id FROM people WHERE code = \(owner.personCode)), valid_to = \(owner.validTo)
                     WHERE section_id = (SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(section)) AND valid_from = \(owner.validFrom)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
                if id == nil {
                    for try await value in try await connection.query(
                        """
                        INSERT INTO section_owners (section_id, person_id, valid_from, valid_to)
                        VALUES ((SELECT id FROM sections WHERE programme_id = \(programme) AND code = \(section)),
                                (SELECT id FROM people WHERE code = \(owner.personCode)), \(owner.validFrom), \(owner.validTo))
                        RETURNING id
                        """, logger: logger
                    ).decode(Int64.self) { id = value }
                }
                if let id { keptSections.append(id) }
            } else if let indicator = owner.indicatorCode, let reference = owner.territory, let territory = territories[reference] {
                var id: Int64?
                for try await value in try await connection.query(
                    """
                    UPDATE indicator_owners SET person_id = (SELECT id FROM people WHERE code = \(owner.personCode)), valid_to = \(owner.validTo)
                     WHERE indicator_id = (SELECT id FROM indicators WHERE code = \(indicator)) AND territory_id = \(territory)
                       AND valid_from = \(owner.validFrom)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { id = value }
                if id == nil {
                    for try await value in try await connection.query(
                        """
                        INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from, valid_to)
                        VALUES ((SELECT id FROM indicators WHERE code = \(indicator)), \(territory),
                                (SELECT id FROM people WHERE code = \(owner.personCode)), \(owner.validFrom), \(owner.validTo))
                        RETURNING id
                        """, logger: logger
                    ).decode(Int64.self) { id = value }
                }
                if let id { keptIndicators.append(id) }
            }
        }
        guard retireAbsent else { return }
        for try await count in try await connection.query(
            """
            WITH a AS (DELETE FROM section_owners o USING sections s
                        WHERE s.id = o.section_id AND s.programme_id = \(programme) AND o.id <> ALL(\(keptSections)) RETURNING 1),
                 b AS (DELETE FROM indicator_owners o USING indicators i, sections s
                        WHERE i.id = o.indicator_id AND s.id = i.section_id AND s.programme_id = \(programme) AND o.id <> ALL(\(keptIndicators))
                        RETURNING 1)
            SELECT ((SELECT count(*) FROM a) + (SELECT count(*) FROM b))::int
            """, logger: logger
        ).decode(Int.self) { outcome.ownersRetired = count }
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

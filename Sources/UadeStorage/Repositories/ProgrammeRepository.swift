import Logging
import PostgresNIO
import UadeDomain

/// Programmes, sections, indicators and targets: the roadmaps as loaded by administrators.
public struct ProgrammeRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func programmes() async throws -> [Programme] {
        try await decodeProgrammes(
            client.query(
                """
                SELECT id, code, level, territory_id, name_kk, name_ru, name_en, term_start, term_end, status, values_due_days, entry_closes_days
                  FROM programmes ORDER BY id
                """, logger: logger))
    }

    public func programme(code: String) async throws -> Programme? {
        try await decodeProgrammes(
            client.query(
                """
                SELECT id, code, level, territory_id, name_kk, name_ru, name_en, term_start, term_end, status, values_due_days, entry_closes_days
                  FROM programmes WHERE code = \(code)
                """, logger: logger)
        ).first
    }

    private func decodeProgrammes(_ rows: PostgresRowSequence) async throws -> [Programme] {
        var result: [Programme] = []
        for try await row in rows.decode((Int64, String, String, Int64, String, String, String?, Day, Day, String, Int32, Int32).self) {
            result.append(
                Programme(
                    id: row.0, code: row.1, level: ProgrammeLevel(rawValue: row.2) ?? .republic, territoryID: row.3,
                    name: LocalizedText(kk: row.4, ru: row.5, en: row.6), termStart: row.7, termEnd: row.8,
                    status: ProgrammeStatus(rawValue: row.9) ?? .draft, calendar: Self.calendar(row.10, row.11)
                ))
        }
        return result
    }

    /// The stored calendar; the schema holds its days within the rule's bounds.
    static func calendar(_ dueDays: Int32, _ closesDays: Int32) -> ReportingCalendar {
        ReportingCalendar(dueDays: Int(dueDays), closesDays: Int(closesDays)) ?? .standard
    }

    /// Sets a programme's reporting calendar, audited with its old days.
    public func setCalendar(programmeID: Programme.ID, _ calendar: ReportingCalendar, by accountID: Int64?, requestID: String?) async throws {
        struct Days: Encodable, Sendable {
            let valuesDueDays: Int
            let entryClosesDays: Int
        }
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT values_due_days, entry_closes_days FROM programmes WHERE id = \(programmeID) FOR UPDATE", logger: logger)
            var old: Days?
            for try await (due, closes) in rows.decode((Int32, Int32).self) { old = Days(valuesDueDays: Int(due), entryClosesDays: Int(closes)) }
            try await connection.query(
                """
                UPDATE programmes SET values_due_days = \(calendar.dueDays), entry_closes_days = \(calendar.closesDays)
                 WHERE id = \(programmeID)
                """, logger: logger)
            try await AuditEvent(
                accountID: accountID, action: "programme.calendar", entity: "programme", entityID: String(programmeID), old: old,
                new: Days(valuesDueDays: calendar.dueDays, entryClosesDays: calendar.closesDays), requestID: requestID
            ).write(on: connection, logger: logger)
        }
    }

    /// Whether a section or an indicator of that code exists (in any programme).
    public func exists(sectionCode code: String) async throws -> Bool {
        for try await found in try await client.query("SELECT EXISTS (SELECT 1 FROM sections WHERE code = \(code))", logger: logger).decode(Bool.self)
        {
            return found
        }
        return false
    }

    public func exists(indicatorCode code: String) async throws -> Bool {
        for try await found in try await client.query("SELECT EXISTS (SELECT 1 FROM indicators WHERE code = \(code))", logger: logger).decode(
            Bool.self)
        {
            return found
        }
        return false
    }

    public func sections(programmeID: Programme.ID) async throws -> [Section] {
        let rows = try await client.query(
            """
            SELECT id, programme_id, parent_id, code, name_kk, name_ru, name_en, socially_sensitive, position
              FROM sections WHERE programme_id = \(programmeID) ORDER BY position, code
            """, logger: logger)
        var result: [Section] = []
        for try await row in rows.decode((Int64, Int64, Int64?, String, String, String, String?, Bool, Int32).self) {
            result.append(
                Section(
                    id: row.0, programmeID: row.1, parentID: row.2, code: row.3,
                    name: LocalizedText(kk: row.4, ru: row.5, en: row.6), sociallySensitive: row.7, position: Int(row.8)
                ))
        }
        return result
    }

    public struct IndicatorFilter: Sendable {
        public var programmeID: Programme.ID?
        public var sectionCode: String?
        public init(programmeID: Programme.ID? = nil, sectionCode: String? = nil) {
            self.programmeID = programmeID
            self.sectionCode = sectionCode
        }
    }

    /// A page of indicators with the section they belong to, and the total count.
    public func indicators(_ filter: IndicatorFilter, page: PageRequest) async throws -> (items: [(Indicator, sectionCode: String)], total: Int) {
        try await page.listing { page in
            let rows = try await client.query(
                """
                SELECT i.id, i.section_id, i.code, i.name_kk, i.name_ru, i.name_en, i.unit, i.direction,
                       i.aggregation, i.accumulation, i.periodicity, s.code, count(*) OVER ()
                  FROM indicators i JOIN sections s ON s.id = i.section_id
                 WHERE (\(filter.programmeID)::bigint IS NULL OR s.programme_id = \(filter.programmeID))
                   AND (\(filter.sectionCode)::text IS NULL OR s.code = \(filter.sectionCode))
                 ORDER BY s.position, i.position, i.code
                 LIMIT \(page.limit) OFFSET \(page.offset)
                """, logger: logger)
            var items: [(Indicator, sectionCode: String)] = []
            var total = 0
            for try await row in rows.decode(
                (Int64, Int64, String, String, String, String?, String, String, String, String, String, String, Int).self)
            {
                items.append((Self.indicator(row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10), row.11))
                total = row.12
            }
            if items.isEmpty, page.offset > 0 {
                total = try await countIndicators(filter)
            }
            return (items, total)
        }
    }

    private func countIndicators(_ filter: IndicatorFilter) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*) FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE (\(filter.programmeID)::bigint IS NULL OR s.programme_id = \(filter.programmeID))
               AND (\(filter.sectionCode)::text IS NULL OR s.code = \(filter.sectionCode))
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    public func indicator(code: String) async throws -> (Indicator, sectionCode: String, programmeID: Programme.ID)? {
        let rows = try await client.query(
            """
            SELECT i.id, i.section_id, i.code, i.name_kk, i.name_ru, i.name_en, i.unit, i.direction,
                   i.aggregation, i.accumulation, i.periodicity, s.code, s.programme_id
              FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE i.code = \(code)
            """, logger: logger)
        for try await row in rows.decode((Int64, Int64, String, String, String, String?, String, String, String, String, String, String, Int64).self)
        {
            return (Self.indicator(row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10), row.11, row.12)
        }
        return nil
    }

    static func indicator(
        _ id: Int64, _ sectionID: Int64, _ code: String, _ kk: String, _ ru: String, _ en: String?, _ unit: String,
        _ direction: String, _ aggregation: String, _ accumulation: String, _ periodicity: String
    ) -> Indicator {
        Indicator(
            id: id, sectionID: sectionID, code: code, name: LocalizedText(kk: kk, ru: ru, en: en), unit: unit,
            direction: Direction(rawValue: direction) ?? .higherIsBetter,
            aggregation: Aggregation(rawValue: aggregation) ?? .none,
            accumulation: Accumulation(rawValue: accumulation) ?? .level,
            periodicity: Periodicity(rawValue: periodicity) ?? .quarterly
        )
    }

    public func units() async throws -> [MeasurementUnit] {
        let rows = try await client.query("SELECT code, name_kk, name_ru, name_en, min_value, max_value FROM units ORDER BY code", logger: logger)
        var result: [MeasurementUnit] = []
        for try await row in rows.decode((String, String, String, String, Double?, Double?).self) {
            result.append(MeasurementUnit(code: row.0, name: LocalizedText(kk: row.1, ru: row.2, en: row.3), minimum: row.4, maximum: row.5))
        }
        return result
    }

    public struct TargetFilter: Sendable {
        public var indicatorID: Indicator.ID?
        public var programmeID: Programme.ID?
        public var territoryID: Territory.ID?
        public var period: Period?
        public init(indicatorID: Indicator.ID? = nil, programmeID: Programme.ID? = nil, territoryID: Territory.ID? = nil, period: Period? = nil) {
            self.indicatorID = indicatorID
            self.programmeID = programmeID
            self.territoryID = territoryID
            self.period = period
        }
    }

    public struct TargetRow: Sendable {
        public let indicatorCode: String
        public let territoryID: Territory.ID
        public let period: Period
        public let target: Double
    }

    /// A page of targets, in indicator, territory and period order.
    public func targets(_ filter: TargetFilter, page: PageRequest) async throws -> (items: [TargetRow], total: Int) {
        try await page.listing { page in
            let periodStart = filter.period?.start
            let rows = try await client.query(
                """
                SELECT i.code, i.periodicity, t.territory_id, t.period_start, t.value, count(*) OVER ()
                  FROM targets t
                  JOIN indicators i ON i.id = t.indicator_id
                  JOIN sections s ON s.id = i.section_id
                 WHERE (\(filter.indicatorID)::bigint IS NULL OR t.indicator_id = \(filter.indicatorID))
                   AND (\(filter.programmeID)::bigint IS NULL OR s.programme_id = \(filter.programmeID))
                   AND (\(filter.territoryID)::bigint IS NULL OR t.territory_id = \(filter.territoryID))
                   AND (\(periodStart)::date IS NULL OR t.period_start = \(periodStart))
                 ORDER BY s.position, i.position, i.code, t.territory_id, t.period_start
                 LIMIT \(page.limit) OFFSET \(page.offset)
                """, logger: logger)
            var items: [TargetRow] = []
            var total = 0
            for try await row in rows.decode((String, String, Int64, Day, Double, Int).self) {
                let periodicity = Periodicity(rawValue: row.1) ?? .quarterly
                guard let period = Period(start: row.3, periodicity: periodicity) else { continue }
                items.append(TargetRow(indicatorCode: row.0, territoryID: row.2, period: period, target: row.4))
                total = row.5
            }
            return (items, total)
        }
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// One indicator × territory of a run, as a heatmap or a progress page reads it.
public struct HeadlineItem: Sendable {
    public let territoryID: Territory.ID
    public let sectionID: Section.ID
    public let indicatorID: Indicator.ID
    /// The run's statuses in period order.
    public let statuses: [EvaluationStatus]

    public var headline: EvaluationStatus { Standing.headline(ofOrdered: statuses) }
}

/// A target with the value currently standing for it.
public struct TargetSeriesPoint: Sendable, Equatable {
    public let period: Period
    public let target: Double
    public let value: Double?
}

/// Who is accountable for what, and where nobody is.
public struct CoverageGaps: Sendable {
    public struct UnownedSection: Sendable {
        public let sectionID: Section.ID
        public let code: String
        public let name: LocalizedText
        public let programmeCode: String
    }
    public struct UnownedIndicators: Sendable {
        public let territoryID: Territory.ID
        /// Indicator × territory pairs in socially sensitive sections with targets but no owner.
        public let count: Int
        /// A few of them, to start with.
        public let examples: [String]
    }
    public let sections: [UnownedSection]
    public let indicators: [UnownedIndicators]
}

public struct PersonChoice: Sendable {
    public let id: Int64
    public let name: LocalizedText
    public let territoryID: Territory.ID?
}

public enum OwnershipError: Error, Equatable, Sendable {
    case unknownPerson
    case unknownSection
    case unknownIndicator
    case noTargets
}

/// Reads behind the web pages that no API route needed: heatmap items, an indicator's series,
/// ownership coverage; and ownership handovers, which close one validity period and open the next.
public struct DashboardRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The items of a run in the given sections and territories (nil: all).
    public func headlineItems(runID: Int64, sections: [Section.ID]?, territories: [Territory.ID]?, pairs: [IndicatorInTerritory]? = nil) async throws
        -> [HeadlineItem]
    {
        var binds = PostgresBindings()
        binds.append(runID)
        binds.append(sections)
        binds.append(territories)
        binds.append(pairs.map { $0.map(\.indicatorID) })
        binds.append(pairs.map { $0.map(\.territoryID) })
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT e.territory_id, i.section_id, e.indicator_id, e.statuses
                      FROM evaluation_items e JOIN indicators i ON i.id = e.indicator_id
                     WHERE e.run_id = $1
                       AND ($2::bigint[] IS NULL OR i.section_id = ANY($2))
                       AND ($3::bigint[] IS NULL OR e.territory_id = ANY($3))
                       AND ($4::bigint[] IS NULL OR (e.indicator_id, e.territory_id) IN (SELECT * FROM unnest($4::bigint[], $5::bigint[])))
                    """, binds: binds), logger: logger)
        var items: [HeadlineItem] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let statuses = try BinaryArray.strings(cells[3]).map { EvaluationStatus(rawValue: $0) ?? .notDue }
            items.append(
                HeadlineItem(
                    territoryID: try cells[0].decode(Int64.self), sectionID: try cells[1].decode(Int64.self),
                    indicatorID: try cells[2].decode(Int64.self), statuses: statuses))
        }
        return items
    }

    /// A run's items counted by territory, column (section, or indicator when `byIndicator`) and
    /// status sequence: what a heatmap cell and its roll-up need, without one row per item.
    public func heatmapEntries(runID: Int64, sections: [Section.ID]?, territories: [Territory.ID], byIndicator: Bool) async throws
        -> [Heatmap.Entry]
    {
        var binds = PostgresBindings()
        binds.append(runID)
        binds.append(sections)
        binds.append(territories)
        binds.append(byIndicator)
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT e.territory_id, CASE WHEN $4 THEN e.indicator_id ELSE i.section_id END, e.statuses, count(*)
                      FROM evaluation_items e JOIN indicators i ON i.id = e.indicator_id
                     WHERE e.run_id = $1
                       AND ($2::bigint[] IS NULL OR i.section_id = ANY($2))
                       AND e.territory_id = ANY($3)
                     GROUP BY 1, 2, 3
                    """, binds: binds), logger: logger)
        var entries: [Heatmap.Entry] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let statuses = try BinaryArray.strings(cells[2]).map { EvaluationStatus(rawValue: $0) ?? .notDue }
            entries.append(
                Heatmap.Entry(
                    territory: try cells[0].decode(Int64.self), column: try cells[1].decode(Int64.self),
                    headline: Standing.headline(ofOrdered: statuses), count: Int(try cells[3].decode(Int64.self))))
        }
        return entries
    }

    /// Every target of an indicator in a territory with the value standing for it now, in order.
    public func series(indicatorID: Indicator.ID, territoryID: Territory.ID, periodicity: Periodicity) async throws -> [TargetSeriesPoint] {
        let rows = try await client.query(
            """
            SELECT g.period_start,
                   -- The target in force today (schema/0022).
                   target_in_force(g.indicator_id, g.territory_id, g.period_start, (now() AT TIME ZONE 'Asia/Almaty')::date, g.value),
                   (SELECT e.value FROM progress_entries e
                     WHERE e.indicator_id = g.indicator_id AND e.territory_id = g.territory_id AND e.period_start = g.period_start
                     ORDER BY e.entered_at DESC, e.id DESC LIMIT 1)
              FROM targets g WHERE g.indicator_id = \(indicatorID) AND g.territory_id = \(territoryID)
             ORDER BY g.period_start
            """, logger: logger)
        var points: [TargetSeriesPoint] = []
        for try await (start, target, value) in rows.decode((Day, Double, Double?).self) {
            guard let period = Period(start: start, periodicity: periodicity) else { continue }
            points.append(TargetSeriesPoint(period: period, target: target, value: value))
        }
        return points
    }

    public struct IndicatorName: Sendable {
        public let id: Indicator.ID
        public let code: String
        public let name: LocalizedText
        public let sectionID: Section.ID
    }

    /// Codes and names of indicators, in the catalogue's order.
    public func indicatorNames(sections: [Section.ID]?, ids: [Indicator.ID]? = nil) async throws -> [IndicatorName] {
        var result: [IndicatorName] = []
        for try await (id, code, kk, ru, en, section) in try await client.query(
            """
            SELECT i.id, i.code, i.name_kk, i.name_ru, i.name_en, i.section_id FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE (\(sections)::bigint[] IS NULL OR i.section_id = ANY(\(sections)))
               AND (\(ids)::bigint[] IS NULL OR i.id = ANY(\(ids)))
             ORDER BY s.position, s.code, i.position, i.code
            """, logger: logger
        ).decode((Int64, String, String, String, String?, Int64).self) {
            result.append(IndicatorName(id: id, code: code, name: LocalizedText(kk: kk, ru: ru, en: en), sectionID: section))
        }
        return result
    }

    public func people() async throws -> [PersonChoice] {
        var result: [PersonChoice] = []
        for try await (id, kk, ru, en, territory) in try await client.query(
            """
            SELECT id, name_kk, name_ru, name_en, territory_id FROM people ORDER BY name_ru, id
            """, logger: logger
        ).decode((Int64, String, String, String?, Int64?).self) {
            result.append(PersonChoice(id: id, name: LocalizedText(kk: kk, ru: ru, en: en), territoryID: territory))
        }
        return result
    }

    /// Socially sensitive sections with no Bureau member on `day`, and per territory the
    /// indicators of such sections that have targets there but no Political Council member.
    public func coverageGaps(on day: Day, examplesPerTerritory: Int = 5) async throws -> CoverageGaps {
        var sections: [CoverageGaps.UnownedSection] = []
        for try await (id, code, kk, ru, en, programme) in try await client.query(
            """
            SELECT s.id, s.code, s.name_kk, s.name_ru, s.name_en, p.code
              FROM sections s JOIN programmes p ON p.id = s.programme_id
             WHERE s.socially_sensitive
               AND NOT EXISTS (SELECT 1 FROM section_owners o WHERE o.section_id = s.id
                                  AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day)))
             ORDER BY p.code, s.position, s.code
            """, logger: logger
        ).decode((Int64, String, String, String, String?, String).self) {
            sections.append(.init(sectionID: id, code: code, name: LocalizedText(kk: kk, ru: ru, en: en), programmeCode: programme))
        }
        var indicators: [CoverageGaps.UnownedIndicators] = []
        for try await (territory, count, examples) in try await client.query(
            """
            WITH pairs AS (
                SELECT DISTINCT g.indicator_id, g.territory_id
                  FROM targets g JOIN indicators i ON i.id = g.indicator_id JOIN sections s ON s.id = i.section_id
                 WHERE s.socially_sensitive),
            unowned AS (
                SELECT p.territory_id, i.code
                  FROM pairs p JOIN indicators i ON i.id = p.indicator_id
                 WHERE NOT EXISTS (SELECT 1 FROM indicator_owners o
                                    WHERE o.indicator_id = p.indicator_id AND o.territory_id = p.territory_id
                                      AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))))
            SELECT territory_id, count(*)::int, (array_agg(code ORDER BY code))[1:\(examplesPerTerritory)]
              FROM unowned GROUP BY territory_id ORDER BY count(*) DESC, territory_id
            """, logger: logger
        ).decode((Int64, Int, [String]).self) {
            indicators.append(.init(territoryID: territory, count: count, examples: examples))
        }
        return CoverageGaps(sections: sections, indicators: indicators)
    }

    /// Hands a section to a Bureau member from `day` on; whoever held it stops the day before.
    public func assignSection(_ sectionID: Section.ID, to personID: Int64, from day: Day, by accountID: Int64?, requestID: String?) async throws {
        try await client.transaction(logger: logger) { connection in
            try await requirePerson(personID, on: connection)
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM sections WHERE id = \(sectionID) FOR UPDATE", logger: logger) {
                exists = true
            }
            guard exists else { throw OwnershipError.unknownSection }
            let previous = try await handOver(table: "section_owners", key: "section_id = $1", keyBinds: [sectionID], day: day, on: connection)
            try await connection.query(
                """
                INSERT INTO section_owners (section_id, person_id, valid_from) VALUES (\(sectionID), \(personID), \(day))
                """, logger: logger)
            try await AuditEvent(
                accountID: accountID, action: "assign", entity: "section_owner", entityID: String(sectionID),
                old: previous.map { ["person_id": String($0)] }, new: ["person_id": String(personID), "valid_from": day.iso],
                requestID: requestID
            ).write(on: connection, logger: logger)
        }
    }

    /// Hands an indicator in a territory to a Political Council member from `day` on.
    public func assignIndicator(
        _ indicatorID: Indicator.ID, territoryID: Territory.ID, to personID: Int64, from day: Day,
        by accountID: Int64?, requestID: String?
    ) async throws {
        try await client.transaction(logger: logger) { connection in
            try await requirePerson(personID, on: connection)
            var hasTargets = false
            for try await _ in try await connection.query(
                """
                SELECT 1 FROM targets WHERE indicator_id = \(indicatorID) AND territory_id = \(territoryID) LIMIT 1
                """, logger: logger)
            { hasTargets = true }
            guard hasTargets else { throw OwnershipError.noTargets }
            // Serialises handovers of the same pair: one 64-bit key of its own, apart from the
            // locks of runs and migrations.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended('indicator_owner:' || \(indicatorID)::text || ':' || \(territoryID)::text, 0))",
                logger: logger)
            let previous = try await handOver(
                table: "indicator_owners", key: "indicator_id = $1 AND territory_id = $2",
                keyBinds: [indicatorID, territoryID], day: day, on: connection)
            try await connection.query(
                """
                INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from)
                VALUES (\(indicatorID), \(territoryID), \(personID), \(day))
                """, logger: logger)
            try await AuditEvent(
                accountID: accountID, action: "assign", entity: "indicator_owner", entityID: "\(indicatorID):\(territoryID)",
                old: previous.map { ["person_id": String($0)] }, new: ["person_id": String(personID), "valid_from": day.iso],
                requestID: requestID
            ).write(on: connection, logger: logger)
        }
    }

    func requirePerson(_ personID: Int64, on connection: PostgresConnection) async throws {
        var exists = false
        for try await _ in try await connection.query("SELECT 1 FROM people WHERE id = \(personID)", logger: logger) { exists = true }
        guard exists else { throw OwnershipError.unknownPerson }
    }

    /// Ends the current holder's period the day before `day` (or drops a period that would start
    /// on or after it), and returns who held it.
    func handOver(table: String, key: String, keyBinds: [Int64], day: Day, on connection: PostgresConnection) async throws -> Int64? {
        func binds() -> PostgresBindings {
            var b = PostgresBindings()
            for value in keyBinds { b.append(value) }
            b.append(day)
            return b
        }
        let n = keyBinds.count + 1
        var previous: Int64?
        for try await person in try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT person_id FROM \(table) WHERE \(key) AND valid_from <= $\(n) AND (valid_to IS NULL OR valid_to > $\(n))
                    """, binds: binds()), logger: logger
        ).decode(Int64.self) { previous = person }
        try await connection.query(
            PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE \(key) AND valid_from >= $\(n)", binds: binds()), logger: logger)
        try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(table) SET valid_to = $\(n) WHERE \(key) AND valid_from < $\(n) AND (valid_to IS NULL OR valid_to > $\(n))
                    """, binds: binds()), logger: logger)
        return previous
    }
}

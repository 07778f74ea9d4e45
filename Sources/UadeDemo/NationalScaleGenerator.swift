import Foundation
import Logging
import NIOCore
import PostgresNIO
import UadeDomain
import UadeStorage

/// A synthetic dataset at national scale for benchmarks: ~220 territories (the real ones plus
/// generated districts), one republic roadmap of 2,000 indicators with quarterly targets for
/// every territory over 2022–2026 (~8.8M targets) and 14 quarters of progress (~6.2M entries),
/// streamed with COPY. It lives in its own database so it never mixes with the demo.
public struct NationalScaleGenerator: Sendable {
    public static let programmeCode = "NATIONAL-2022"
    static let factKey = "national_scale_data"
    public static let indicatorCount = 2_000
    public static let sectionCount = 20
    public static let reportedQuarters = 14
    /// Synthetic districts fill the real classifier up to this many territories.
    public static let territoryTotal = 220

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public struct Counts: Sendable, CustomStringConvertible {
        public let territories: Int
        public let indicators: Int
        public let targets: Int
        public let progressEntries: Int
        public let indicatorOwners: Int
        public var description: String {
            "territories \(territories), indicators \(indicators), targets \(targets), progress entries \(progressEntries), indicator owners \(indicatorOwners)"
        }
    }

    public func counts() async throws -> Counts {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM territories), (SELECT count(*) FROM indicators), (SELECT count(*) FROM targets),
                   (SELECT count(*) FROM progress_entries), (SELECT count(*) FROM indicator_owners)
            """, logger: logger)
        for try await r in rows.decode((Int, Int, Int, Int, Int).self) {
            return Counts(territories: r.0, indicators: r.1, targets: r.2, progressEntries: r.3, indicatorOwners: r.4)
        }
        return Counts(territories: 0, indicators: 0, targets: 0, progressEntries: 0, indicatorOwners: 0)
    }

    public func loadIfMissing(progress: @Sendable (String) -> Void) async throws -> Counts? {
        for try await _ in try await client.query("SELECT 1 FROM installation_facts WHERE key = \(Self.factKey)", logger: logger) {
            return nil
        }
        return try await load(progress: progress)
    }

    /// Replaces whatever the database holds with a fresh synthetic dataset.
    public func load(progress: @Sendable (String) -> Void) async throws -> Counts {
        let started = ContinuousClock.now
        func elapsed() -> String {
            let d = ContinuousClock.now - started
            return String(format: "%.1fs", d.inSeconds)
        }
        try await client.withConnection { connection in
            progress("national: clearing the database")
            try await connection.query(
                """
                TRUNCATE audit_log, progress_entries, measure_status_updates, measures, indicator_owners, section_owners,
                         account_roles, accounts, people, targets, indicators, sections, programmes, territories, installation_facts
                         RESTART IDENTITY CASCADE
                """, logger: logger)

            // Territories: the real classifier plus synthetic districts under regions that have none listed.
            let catalogue = try DemoCatalogue.load()
            var idsByKATO: [String: Int64] = [:]
            var territoryIDs: [Int64] = []
            var regionsWithoutDistricts: [Int64] = []
            let parentsInFile = Set(catalogue.territories.compactMap(\.parentKATO))
            for row in catalogue.territories {
                let parent = row.parentKATO.flatMap { idsByKATO[$0] }
                let rows = try await connection.query(
                    """
                    INSERT INTO territories (kato, kind, parent_id, name_kk, name_ru, name_en)
                    VALUES (\(row.kato), \(row.kind.rawValue), \(parent), \(row.name.kk ?? ""), \(row.name.ru ?? ""), \(row.name.en))
                    RETURNING id
                    """, logger: logger)
                for try await id in rows.decode(Int64.self) {
                    territoryIDs.append(id)
                    if let kato = row.kato { idsByKATO[kato] = id }
                    if row.kind == .region, let kato = row.kato, !parentsInFile.contains(kato) { regionsWithoutDistricts.append(id) }
                }
            }
            var syntheticNumber = 0
            let synthetic = max(0, Self.territoryTotal - territoryIDs.count)
            for (regionIndex, region) in regionsWithoutDistricts.enumerated() {
                let share = synthetic / regionsWithoutDistricts.count + (regionIndex < synthetic % regionsWithoutDistricts.count ? 1 : 0)
                for _ in 0..<share {
                    syntheticNumber += 1
                    let rows = try await connection.query(
                        """
                        INSERT INTO territories (kind, parent_id, name_kk, name_ru, name_en)
                        VALUES ('district', \(region), \("Синтетикалық аудан \(syntheticNumber)"), \("Синтетический район \(syntheticNumber)"), \("Synthetic District \(syntheticNumber)"))
                        RETURNING id
                        """, logger: logger)
                    for try await id in rows.decode(Int64.self) { territoryIDs.append(id) }
                }
            }
            progress("national: \(territoryIDs.count) territories (\(elapsed()))")

            // One roadmap, 20 sections, 2,000 indicators of every kind.
            var programmeID: Int64 = 0
            for try await id in try await connection.query(
                """
                INSERT INTO programmes (code, level, territory_id, name_kk, name_ru, name_en, term_start, term_end, status, approved_at)
                VALUES (\(Self.programmeCode), 'republic', \(territoryIDs[0]), 'Ұлттық ауқымдағы синтетикалық жол картасы',
                        'Синтетическая дорожная карта национального масштаба', 'Synthetic national-scale roadmap',
                        DATE '2022-01-01', DATE '2026-12-31', 'approved', now())
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { programmeID = id }
            try await connection.query(
                """
                INSERT INTO sections (programme_id, code, name_kk, name_ru, name_en, socially_sensitive, position)
                SELECT \(programmeID), 'S' || lpad(n::text, 2, '0'), n || '-бөлім', 'Раздел ' || n, 'Section ' || n, n <= 8, n
                  FROM generate_series(1, \(Self.sectionCount)) AS n
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO indicators (section_id, code, name_kk, name_ru, name_en, unit, direction, aggregation, accumulation, periodicity, position)
                SELECT s.id, 'N' || lpad(n::text, 4, '0'), n || '-көрсеткіш', 'Показатель ' || n, 'Indicator ' || n,
                       (ARRAY['count', 'percent', 'person', 'km', 'tenge_mln'])[1 + n % 5],
                       CASE WHEN n % 4 = 0 THEN 'lower_is_better' ELSE 'higher_is_better' END,
                       (ARRAY['sum', 'average', 'sum', 'max', 'none'])[1 + n % 5],
                       CASE WHEN n % 5 IN (0, 2) THEN 'cumulative' ELSE 'level' END,
                       'quarterly', n
                  FROM generate_series(1, \(Self.indicatorCount)) AS n
                  JOIN sections s ON s.programme_id = \(programmeID) AND s.position = 1 + (n - 1) % \(Self.sectionCount)
                """, logger: logger)
            var indicators: [(id: Int64, n: Int)] = []
            for try await (id, position) in try await connection.query(
                "SELECT id, position FROM indicators ORDER BY id", logger: logger
            ).decode((Int64, Int32).self) { indicators.append((id, Int(position))) }
            progress("national: \(indicators.count) indicators (\(elapsed()))")

            let periods = Period.all(.quarterly, from: Day(year: 2022, month: 1, day: 1)!, through: Day(year: 2026, month: 12, day: 31)!)
            let periodText = periods.map { Array("\($0.start.iso)".utf8) }
            let reportedText = periods.map { Array("\($0.end.adding(days: 10).iso) 11:00:00+05".utf8) }

            // Targets first, one COPY per territory so each statement's checks stay small; then the
            // progress entries, after ANALYZE, so their foreign-key checks are planned on real sizes.
            var targetRows = 0
            var entryRows = 0
            for phase in ["targets", "progress_entries"] {
                var random = SeededGenerator(seed: 8_800_000)
                var nextReport = 1_000_000
                for (index, territory) in territoryIDs.enumerated() {
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(4 << 20)
                    let territoryText = Array(String(territory).utf8)
                    for indicator in indicators {
                        let cumulative = indicator.n % 5 == 0 || indicator.n % 5 == 2
                        let percent = indicator.n % 5 == 1
                        let base = percent ? 40 + indicator.n % 50 : 100 + (indicator.n * 37 + index * 11) % 900
                        let performance = random.uniform(0.6...1.2)
                        let indicatorText = Array(String(indicator.id).utf8)
                        for (p, period) in periodText.enumerated() {
                            let target = cumulative ? base * (p + 1) / 4 : (percent ? min(100, base + p) : base + p * 3)
                            if phase == "targets" {
                                buffer.writeBytes(indicatorText)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                buffer.writeBytes(territoryText)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                buffer.writeBytes(period)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                Self.writeInt(target, to: &buffer)
                                buffer.writeInteger(UInt8(ascii: "\n"))
                                targetRows += 1
                            } else if p < Self.reportedQuarters {
                                let raw = cumulative ? Double(base) / 4 * performance : Double(target) * performance
                                let value = percent ? min(100, Int(raw)) : Int(raw)
                                buffer.writeBytes(indicatorText)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                buffer.writeBytes(territoryText)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                buffer.writeBytes(period)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                Self.writeInt(value, to: &buffer)
                                buffer.writeInteger(UInt8(ascii: "\t"))
                                buffer.writeBytes(reportedText[p])
                                buffer.writeInteger(UInt8(ascii: "\n"))
                                entryRows += 1
                            }
                        }
                    }
                    let rows = buffer
                    let columns =
                        phase == "targets"
                        ? ["indicator_id", "territory_id", "period_start", "value"]
                        : ["indicator_id", "territory_id", "period_start", "value", "entered_at"]
                    try await connection.copyFrom(table: phase, columns: columns, logger: logger) { writer in
                        try await writer.write(rows)
                    }
                    let count = phase == "targets" ? targetRows : entryRows
                    if count >= nextReport || index == territoryIDs.count - 1 {
                        progress("national: \(phase) \(count) (\(index + 1)/\(territoryIDs.count) territories, \(elapsed()))")
                        nextReport = count + 1_000_000
                    }
                }
                try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(phase)"), logger: logger)
            }

            // One Political Council member per territory owns its indicators there; every tenth is left unowned.
            try await connection.query(
                """
                INSERT INTO people (name_kk, name_ru, name_en, territory_id)
                SELECT 'Саяси кеңес мүшесі ' || id, 'Член Политсовета ' || id, 'Council member ' || id, id FROM territories
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from)
                SELECT i.id, p.territory_id, p.id, DATE '2022-01-01'
                  FROM indicators i CROSS JOIN people p
                 WHERE (i.id + p.territory_id) % 10 <> 0
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO section_owners (section_id, person_id, valid_from)
                SELECT s.id, (SELECT min(id) FROM people), DATE '2022-01-01' FROM sections s WHERE s.socially_sensitive
                """, logger: logger)
            progress("national: owners assigned (\(elapsed()))")
            try await connection.query("ANALYZE", logger: logger)
            try await connection.query("INSERT INTO installation_facts (key, value) VALUES (\(Self.factKey), 'national')", logger: logger)
            progress("national: done (\(elapsed()))")
        }
        return try await counts()
    }

    static func writeInt(_ value: Int, to buffer: inout ByteBuffer) {
        var v = value
        if v < 0 {
            buffer.writeInteger(UInt8(ascii: "-"))
            v = -v
        }
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        buffer.writeBytes(digits.reversed())
    }
}

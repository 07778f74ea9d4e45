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

    func text(_ value: String?) -> SheetCell { value.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }

    func table(_ sheet: RoadmapSheet, _ rows: [[SheetCell]]) -> SheetTable {
        SheetTable(header: sheet.columns.map(\.code), rows: rows.enumerated().map { ($0.offset + 2, $0.element) })
    }
}

import Foundation
import Logging
import PostgresNIO
import Testing
import UadeDomain
import UadeEvaluator
import UadeHTTP
import UadeReports
import UadeServices
import UadeStorage
import UadeTestSupport

/// The demo hearings' reports against the runs in the database, recomputed here in plain SQL:
/// counts by status, each missed item's figures and owner, measures and resolutions.
@Suite("Hearing report figures")
struct ReportFiguresTests {
    /// The demo's hearings: 1 held (June run), 2 the Kyzylorda Region follow-up, 3 the Mazhilis hearing.
    static let regional: Int64 = 2
    static let republic: Int64 = 3

    func report(_ client: PostgresClient, _ id: Int64, _ language: Language = .en) async throws -> (HearingReport, Hearing) {
        let hearing = try #require(try await HearingRepository(client: client, logger: TestDatabase.logger).hearing(id: id))
        let facts = try await ReportRepository(client: client, logger: TestDatabase.logger).facts(for: hearing)
        return (ReportBuilder.build(facts, language: language), hearing)
    }

    /// Headline statuses computed by SQL alone, with the rule of docs/reports.md.
    func expectedCounts(_ client: PostgresClient, _ hearing: Hearing, scope: [Int64], sections: [Int64]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (status, count) in try await client.query(
            """
            WITH r AS (
                SELECT e.* FROM evaluation_results e JOIN indicators i ON i.id = e.indicator_id
                 WHERE e.run_id = \(hearing.runID) AND e.territory_id = ANY(\(scope)) AND i.section_id = ANY(\(sections))),
            pairs AS (SELECT DISTINCT indicator_id, territory_id FROM r),
            due AS (SELECT DISTINCT ON (indicator_id, territory_id) indicator_id, territory_id, period_start, status FROM r
                     WHERE status IN ('achieved', 'missed', 'not_reported') ORDER BY indicator_id, territory_id, period_start DESC),
            outlook AS (SELECT DISTINCT ON (r.indicator_id, r.territory_id) r.indicator_id, r.territory_id, r.status
                          FROM r LEFT JOIN due d USING (indicator_id, territory_id)
                         WHERE r.status NOT IN ('achieved', 'missed', 'not_reported') AND (d.period_start IS NULL OR r.period_start > d.period_start)
                         ORDER BY r.indicator_id, r.territory_id, r.period_start)
            SELECT CASE WHEN d.status IN ('missed', 'not_reported') THEN d.status WHEN o.status = 'at_risk' THEN 'at_risk'
                        ELSE coalesce(d.status, o.status, 'not_due') END, count(*)::bigint
              FROM pairs p LEFT JOIN due d USING (indicator_id, territory_id) LEFT JOIN outlook o USING (indicator_id, territory_id)
             GROUP BY 1
            """, logger: TestDatabase.logger
        ).decode((String, Int).self) {
            counts[status] = count
        }
        return counts
    }

    func checkAgainstDatabase(_ client: PostgresClient, _ id: Int64) async throws -> HearingReport {
        let (report, hearing) = try await report(client, id)
        let tree = try await TerritoryRepository(client: client, logger: TestDatabase.logger).tree()
        let scope = HearingRules.territoriesInScope(hearing.territoryID, depth: hearing.depth, tree: tree)
        let sections = HearingRules.sections(
            hearing.sectionsChoice, chosen: hearing.sectionIDs,
            of: try await ProgrammeRepository(client: client, logger: TestDatabase.logger).sections(programmeID: hearing.programmeID))
        let expected = try await expectedCounts(client, hearing, scope: scope, sections: sections.map(\.id))
        let got = Dictionary(uniqueKeysWithValues: report.summary.statuses.filter { $0.count > 0 }.map { ($0.status, $0.count) })
        #expect(got == expected)
        #expect(report.summary.total == expected.values.reduce(0, +))
        #expect(report.summary.total > 0)
        #expect(report.cover.runId == hearing.runID)
        #expect(report.sections.map(\.code) == sections.map(\.code))

        // Every missed and at-risk item: target, actual, gap and owner as stored in the run.
        var stored: [String: (Double, Double?, Double?, Double?, String, String?)] = [:]
        for try await r in try await client.query(
            """
            SELECT i.code, e.territory_id, e.period_start, i.periodicity, e.target, e.actual, e.gap, e.gap_percent, e.status, p.name_en
              FROM evaluation_results e JOIN indicators i ON i.id = e.indicator_id LEFT JOIN people p ON p.id = e.indicator_owner_id
             WHERE e.run_id = \(hearing.runID) AND e.territory_id = ANY(\(scope)) AND e.status IN ('missed', 'at_risk')
            """, logger: TestDatabase.logger
        ).decode((String, Int64, Day, String, Double, Double?, Double?, Double?, String, String?).self) {
            let period = Period(start: r.2, periodicity: Periodicity(rawValue: r.3)!)!
            stored["\(r.0)|\(r.1)|\(period.code)"] = (r.4, r.5, r.6, r.7, r.8, r.9)
        }
        #expect(!report.slipping.isEmpty)
        for item in report.slipping {
            let row = try #require(
                stored["\(item.indicatorCode)|\(item.territoryId)|\(item.period)"], "\(item.indicatorCode) \(item.territory) \(item.period)")
            #expect(item.target == row.0)
            #expect(item.actual == row.1)
            #expect(item.gap == row.2)
            #expect(item.gapPercent == row.3)
            #expect(item.status == row.4)
            #expect(item.councilMember == row.5)
            #expect(scope.contains(item.territoryId))
        }
        // Worst first: every missed item before every at-risk one, gaps descending within each.
        let statuses = report.slipping.map(\.status)
        #expect(statuses == statuses.sorted { $0 == "missed" && $1 != "missed" })
        let missedGaps = report.slipping.filter { $0.status == "missed" }.map { $0.gapPercent ?? -.infinity }
        #expect(missedGaps == missedGaps.sorted(by: >))
        return report
    }

    @Test("a regional hearing's figures are the run's figures")
    func regional() async throws {
        try await withTestDatabase(.hearings) { client, _ throws in
            let report = try await checkAgainstDatabase(client, Self.regional)
            #expect(report.cover.territory == "Kyzylorda Region")
            // The follow-up compares with the June hearing of the same faction, on the June run.
            #expect(report.summary.comparedWith?.contains("Compared with the previous hearing") == true)
            #expect(report.summary.statuses.allSatisfy { $0.previous != nil })
            // Resolutions of the June hearing: one overdue (1 September), one due within 30 days and not started.
            #expect(report.openResolutions.map(\.verdict) == ["missed", "at_risk"])
            #expect(report.openResolutions.allSatisfy { $0.adoptedAt?.contains("2026-07-10") == true })
            #expect(report.questions.count == 2)
            #expect(report.questions[0].questions.count == min(10, report.slipping.filter { $0.status == "missed" }.count))
            // Overdue measures are those the run found missed in the region and its districts.
            let overdue = try await count(
                client,
                """
                SELECT count(*) FROM evaluation_measure_results e JOIN measures m ON m.id = e.measure_id
                 WHERE e.run_id = (SELECT run_id FROM hearings WHERE id = 2) AND e.verdict = 'missed'
                   AND m.territory_id IN (SELECT id FROM territories WHERE kato = '430000000' OR parent_id = (SELECT id FROM territories WHERE kato = '430000000'))
                """)
            #expect(report.overdueMeasures.count == overdue)
        }
    }

    @Test("a republic hearing on the socially sensitive sections: the republic and its regions")
    func republic() async throws {
        try await withTestDatabase(.hearings) { client, _ throws in
            let report = try await checkAgainstDatabase(client, Self.republic)
            #expect(report.cover.sections == "socially sensitive sections")
            #expect(report.sections.allSatisfy { $0.sociallySensitive })
            #expect(report.sections.allSatisfy { $0.bureauMember != nil })
            #expect(report.scorecards.contains { $0.role == "bureau_member" })
            // No earlier Mazhilis hearing: the comparison is with the June run.
            #expect(report.summary.comparedWith?.contains("previous run") == true)
        }
    }

    @Test("a resolution is a measure: the next evaluation judges it")
    func resolutionsAreJudged() async throws {
        try await withTestDatabase(.hearings) { client, _ throws in
            let hearings = HearingRepository(client: client, logger: TestDatabase.logger)
            let housing = try #require(
                try await ProgrammeRepository(client: client, logger: TestDatabase.logger).sections(programmeID: 1).first { $0.code == "HOUSING" })
            let held = try #require(try await hearings.hearing(id: 1))
            let resolution = try await hearings.addResolution(
                hearingID: held.id,
                ResolutionDraft(
                    text: "Отчитаться о вводе жилья", sectionID: housing.id, territoryID: held.territoryID,
                    deadline: Day(year: 2026, month: 10, day: 1)!,
                    executor: "Управление строительства", ownerPersonID: nil), by: nil, requestID: "test")
            #expect(resolution.measureCode == "H1-R3")
            #expect(resolution.status == .notStarted)
            let summary = try await EvaluationRunner(client: client, logger: TestDatabase.logger).run(
                EvaluationRequest(asOf: Day(year: 2026, month: 11, day: 20)!))
            let verdict = try await count(
                client,
                """
                SELECT count(*) FROM evaluation_measure_results e JOIN measures m ON m.id = e.measure_id
                 WHERE e.run_id = \(summary.runID) AND m.code = 'H1-R3' AND e.verdict = 'missed'
                """)
            #expect(verdict == 1)
            // Its audit row is written with it.
            #expect(
                try await count(client, "SELECT count(*) FROM audit_log WHERE entity = 'hearing_resolution' AND entity_id = \(String(resolution.id))")
                    == 1)
        }
    }

    @Test("a held hearing keeps its run, in the database too")
    func heldHearingKeepsItsRun() async throws {
        try await withTestDatabase(.hearings) { client, _ throws in
            let hearings = HearingRepository(client: client, logger: TestDatabase.logger)
            let held = try #require(try await hearings.hearing(id: 1))
            var draft = HearingDraft(held)
            draft.runID = 2
            await #expect(throws: HearingError.runFrozen) { try await hearings.update(id: 1, draft, by: nil, requestID: "test") }
            await #expect(throws: PSQLError.self) {
                try await client.query("UPDATE hearings SET run_id = 2 WHERE id = 1", logger: TestDatabase.logger)
            }
            draft.runID = held.runID
            draft.title = "Renamed"
            #expect(try await hearings.update(id: 1, draft, by: nil, requestID: "test").title == "Renamed")
        }
    }

    @Test("the same hearing and run give the same bytes; the fingerprint is the same in every language")
    func deterministic() async throws {
        try await withTestDatabase(.hearings) { client, _ throws in
            let service = ReportService(client: client, logger: TestDatabase.logger)
            var fingerprints: Set<String> = []
            for format in ReportFormat.allCases {
                let a = try #require(try await service.render(hearingID: Self.regional, format: format, language: .kk))
                let b = try #require(try await service.render(hearingID: Self.regional, format: format, language: .kk))
                #expect(a.data == b.data, "\(format)")
                fingerprints.insert(a.fingerprint)
            }
            fingerprints.insert(try #require(try await service.render(hearingID: Self.regional, format: .json, language: .en)).fingerprint)
            #expect(fingerprints.count == 1)
            let other = try #require(try await service.render(hearingID: Self.republic, format: .json, language: .en))
            #expect(!fingerprints.contains(other.fingerprint))
        }
    }

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(sql, logger: TestDatabase.logger).decode(Int.self) { return value }
        return -1
    }
}

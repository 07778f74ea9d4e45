import Foundation
import Logging
import PostgresNIO
import UadeDomain

public enum ReportError: Error, Equatable, Sendable {
    /// The hearing's run is not a completed run (it never is once completed, but a run id may be wrong).
    case runNotCompleted(Int64)
}

/// Reads everything a hearing report says from the hearing's frozen run: its items (one row per
/// indicator × territory with the periods as arrays, written with the run), then names, owners,
/// flags and measures.
public struct ReportRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func facts(for hearing: Hearing, partForSections: [Section.ID]? = nil) async throws -> ReportFacts {
        // The parts are independent reads: they run side by side on the pool's connections.
        async let treeRead = TerritoryRepository(client: client, logger: logger).tree()
        async let runRead = runPart(hearing.runID)
        async let sectionsRead = ProgrammeRepository(client: client, logger: logger).sections(programmeID: hearing.programmeID)
        let (tree, run, allSections) = try await (treeRead, runRead, sectionsRead)
        let scope = HearingRules.territoriesInScope(hearing.territoryID, depth: hearing.depth, tree: tree)
        var sections = HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs, of: allSections)
        if let part = partForSections { sections = sections.filter { part.contains($0.id) } }
        let sectionIDs = sections.map(\.id)
        async let bureauRead = bureauMembers(sectionIDs, on: run.asOf)
        async let overdueRead = overdueMeasures(runID: run.id, territories: scope, sections: sectionIDs)
        async let resolutionsRead = openResolutions(before: hearing, runID: run.id, sections: sectionIDs)
        let indicators = try await indicators(sectionIDs)
        async let explanationsRead = explanations(territories: scope, indicators: indicators.map(\.id))
        async let comparisonRead = comparison(
            hearing, run: run, ancestry: tree.ancestry(of: hearing.territoryID), territories: scope,
            indicators: indicators)
        async let revisionsRead = revisions(programmeID: hearing.programmeID, asOf: run.asOf, territories: scope, sections: sectionIDs)
        let rows = try await itemRows(runID: run.id, territories: scope, indicators: indicators)
        let people = try await names(Set(rows.flatMap { [$0.councilMemberID, $0.bureauMemberID] }.compactMap { $0 }))
        let (bureau, explanations) = try await (bureauRead, explanationsRead)

        // Items in report order: section, indicator position and code, then territory in scope order.
        let territoryOrder = Dictionary(uniqueKeysWithValues: scope.enumerated().map { ($1, $0) })
        let sectionOrder = Dictionary(uniqueKeysWithValues: sections.enumerated().map { ($1.id, $0) })
        let indicatorsInOrder = indicators.sorted {
            (sectionOrder[$0.sectionID] ?? 0, $0.position, $0.code) < (sectionOrder[$1.sectionID] ?? 0, $1.position, $1.code)
        }
        let indicatorRank = Dictionary(uniqueKeysWithValues: indicatorsInOrder.enumerated().map { ($1.id, $0) })
        let ordered = rows.compactMap { row in
            indicatorRank[row.indicatorID].map { (rank: ($0, territoryOrder[row.territoryID] ?? 0), row: row) }
        }.sorted { $0.rank < $1.rank }
        let items = ordered.map { entry -> ReportFacts.Item in
            let (row, indicator) = (entry.row, indicatorsInOrder[entry.rank.0])
            var notes: [Period: String] = [:]
            for (start, text) in explanations[IndicatorInTerritory(indicatorID: row.indicatorID, territoryID: row.territoryID)] ?? [] {
                if let period = Period(start: start, periodicity: indicator.periodicity) { notes[period] = text }
            }
            return ReportFacts.Item(
                indicatorID: indicator.id, indicatorCode: indicator.code, indicatorName: indicator.name, unit: indicator.unitName,
                sectionID: indicator.sectionID, territoryID: row.territoryID, series: row.series,
                councilMemberID: row.councilMemberID, councilMember: row.councilMemberID.flatMap { people[$0] },
                bureauMemberID: row.bureauMemberID, bureauMember: row.bureauMemberID.flatMap { people[$0] }, explanations: notes)
        }

        let territories = scope.compactMap { id -> ReportFacts.TerritoryPart? in
            tree.byID[id].map { ReportFacts.TerritoryPart(id: $0.id, kato: $0.kato?.value, name: $0.name, parentID: $0.parentID) }
        }
        let factionTerritory = tree.byID[hearing.factionTerritoryID]?.name ?? LocalizedText(kk: nil, ru: nil, en: String(hearing.factionTerritoryID))
        return ReportFacts(
            hearing: .init(
                id: hearing.id, title: hearing.title, faction: hearing.faction, factionTerritory: factionTerritory, heldOn: hearing.heldOn,
                status: hearing.status, territoryID: hearing.territoryID, depth: hearing.depth, sectionsChoice: hearing.sectionsChoice,
                officials: hearing.officials),
            run: run, territories: territories,
            sections: sections.map {
                .init(id: $0.id, code: $0.code, name: $0.name, sociallySensitive: $0.sociallySensitive, bureauMember: bureau[$0.id])
            },
            items: items,
            overdueMeasures: try await overdueRead,
            openResolutions: try await resolutionsRead,
            comparison: try await comparisonRead,
            partForSections: partForSections,
            revisions: try await revisionsRead)
    }

    /// Revisions of the scope's targets proposed by the end of the run's day, as they stood then
    /// (decided later: still pending), oldest first: the same run always gives the same list.
    func revisions(programmeID: Programme.ID, asOf: Day, territories: [Territory.ID], sections: [Section.ID]) async throws
        -> [ReportFacts.RevisionPart]
    {
        let cutoff = Date(timeIntervalSince1970: asOf.endInKazakhstanSecondsSince1970)
        let repository = RevisionRepository(client: client, logger: logger)
        let found = try await repository.list(
            .init(programmeID: programmeID, territories: territories, sections: sections, proposedBefore: cutoff), limit: 10_000
        ).reversed()
        let approved = try await repository.approvedValues(of: Array(found))
        return found.map { revision in
            let decidedThen = revision.decidedAt.map { $0 < cutoff } ?? false
            return ReportFacts.RevisionPart(
                revision: revision, approved: approved[revision.id] ?? revision.oldValue, status: decidedThen ? revision.status : .pending)
        }
    }

    // MARK: - The parts

    func runPart(_ id: Int64) async throws -> ReportFacts.RunPart {
        for try await r in try await client.query(
            """
            SELECT r.id, p.code, p.name_kk, p.name_ru, p.name_en, r.as_of, r.grace_days, r.finished_at, coalesce(r.fingerprint, '')
              FROM evaluation_runs r JOIN programmes p ON p.id = r.programme_id
             WHERE r.id = \(id) AND r.status = 'completed'
            """, logger: logger
        ).decode((Int64, String, String, String, String?, Day, Int32, Date, String).self) {
            return ReportFacts.RunPart(
                id: r.0, programmeCode: r.1, programmeName: LocalizedText(kk: r.2, ru: r.3, en: r.4), asOf: r.5,
                graceDays: Int(r.6), finishedAt: r.7, fingerprint: r.8)
        }
        throw ReportError.runNotCompleted(id)
    }

    struct IndicatorRow {
        let id: Int64
        let code: String
        let name: LocalizedText
        let unitName: LocalizedText
        let sectionID: Int64
        let position: Int
        let periodicity: Periodicity
    }

    func indicators(_ sections: [Section.ID]) async throws -> [IndicatorRow] {
        var result: [IndicatorRow] = []
        for try await r in try await client.query(
            """
            SELECT i.id, i.code, i.name_kk, i.name_ru, i.name_en, u.name_kk, u.name_ru, u.name_en, i.section_id, i.position, i.periodicity
              FROM indicators i JOIN units u ON u.code = i.unit WHERE i.section_id = ANY(\(sections))
            """, logger: logger
        ).decode((Int64, String, String, String, String?, String, String, String, Int64, Int32, String).self) {
            result.append(
                IndicatorRow(
                    id: r.0, code: r.1, name: LocalizedText(kk: r.2, ru: r.3, en: r.4), unitName: LocalizedText(kk: r.5, ru: r.6, en: r.7),
                    sectionID: r.8, position: Int(r.9), periodicity: Periodicity(rawValue: r.10) ?? .quarterly))
        }
        return result
    }

    /// One indicator × territory of a run, its periods already turned into points.
    struct ItemRow {
        let indicatorID: Int64
        let territoryID: Int64
        let series: [ReportFacts.Point]
        let councilMemberID: Int64?
        let bureauMemberID: Int64?
    }

    /// Read in parts side by side: turning the arrays into points is most of the time, and it
    /// then uses every core.
    func itemRows(runID: Int64, territories: [Territory.ID], indicators: [IndicatorRow]) async throws -> [ItemRow] {
        let periodicity = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id, $0.periodicity) })
        let parts = Swift.max(1, Swift.min(Self.parallelReads, territories.count))
        let chunks = (0..<parts).map { part in stride(from: part, to: territories.count, by: parts).map { territories[$0] } }
        return try await withThrowingTaskGroup(of: [ItemRow].self) { group in
            for chunk in chunks {
                group.addTask { try await itemRowsPart(runID: runID, territories: chunk, periodicity: periodicity) }
            }
            var rows: [ItemRow] = []
            for try await part in group { rows += part }
            return rows
        }
    }

    static let parallelReads = 4

    private func itemRowsPart(runID: Int64, territories: [Territory.ID], periodicity: [Indicator.ID: Periodicity]) async throws -> [ItemRow] {
        var result: [ItemRow] = []
        let indicators = Array(periodicity.keys)
        let rows = try await client.query(
            """
            SELECT indicator_id, territory_id, days, statuses, targets, actuals, projected, gaps, gap_percents, reconciliation, outliers,
                   indicator_owner_id, section_owner_id
              FROM evaluation_items
             WHERE run_id = \(runID) AND territory_id = ANY(\(territories))
               AND indicator_id IN (SELECT unnest(\(indicators)::bigint[]))
            """, logger: logger)
        for try await row in rows {
            let c = row.makeRandomAccess()
            let indicatorID = try c[0].decode(Int64.self)
            let days = try BinaryArray.int32s(c[2])
            let statuses = try BinaryArray.strings(c[3])
            let targets = try BinaryArray.doubles(c[4])
            let actuals = try BinaryArray.doubles(c[5])
            let projected = try BinaryArray.doubles(c[6])
            let gaps = try BinaryArray.doubles(c[7])
            let gapPercents = try BinaryArray.doubles(c[8])
            let reconciliation = try BinaryArray.bools(c[9])
            let outliers = try BinaryArray.bools(c[10])
            // The arrays follow `days`; missing values travel as NaN.
            func value(_ array: [Double], _ i: Int) -> Double? { i < array.count && !array[i].isNaN ? array[i] : nil }
            let kind = periodicity[indicatorID] ?? .quarterly
            let series = days.indices.compactMap { i -> ReportFacts.Point? in
                guard i < statuses.count, i < targets.count,
                    let period = Period(start: Day(daysSinceEpoch: Int(days[i])), periodicity: kind)
                else { return nil }
                return ReportFacts.Point(
                    period: period, status: EvaluationStatus(rawValue: statuses[i]) ?? .notDue, target: targets[i],
                    actual: value(actuals, i), projected: value(projected, i), gap: value(gaps, i), gapPercent: value(gapPercents, i),
                    reconciliation: i < reconciliation.count && reconciliation[i], outlier: i < outliers.count && outliers[i])
            }
            result.append(
                ItemRow(
                    indicatorID: indicatorID, territoryID: try c[1].decode(Int64.self), series: series,
                    councilMemberID: try c[11].decode(Int64?.self), bureauMemberID: try c[12].decode(Int64?.self)))
        }
        return result
    }

    func bureauMembers(_ sections: [Section.ID], on day: Day) async throws -> [Section.ID: LocalizedText] {
        var result: [Section.ID: LocalizedText] = [:]
        for try await r in try await client.query(
            """
            SELECT o.section_id, p.name_kk, p.name_ru, p.name_en
              FROM section_owners o JOIN people p ON p.id = o.person_id
             WHERE o.section_id = ANY(\(sections)) AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))
            """, logger: logger
        ).decode((Int64, String, String, String?).self) {
            result[r.0] = LocalizedText(kk: r.1, ru: r.2, en: r.3)
        }
        return result
    }

    func names(_ people: Set<Int64>) async throws -> [Int64: LocalizedText] {
        var result: [Int64: LocalizedText] = [:]
        guard !people.isEmpty else { return result }
        for try await r in try await client.query(
            """
            SELECT id, name_kk, name_ru, name_en FROM people WHERE id = ANY(\(Array(people)))
            """, logger: logger
        ).decode((Int64, String, String, String?).self) {
            result[r.0] = LocalizedText(kk: r.1, ru: r.2, en: r.3)
        }
        return result
    }

    /// Coordinators' explanations on flags, by indicator × territory and period start.
    func explanations(territories: [Territory.ID], indicators: [Indicator.ID]) async throws -> [IndicatorInTerritory: [(Day, String)]] {
        var result: [IndicatorInTerritory: [(Day, String)]] = [:]
        for try await r in try await client.query(
            """
            SELECT indicator_id, territory_id, period_start, explanation FROM flags
             WHERE territory_id = ANY(\(territories)) AND indicator_id IN (SELECT unnest(\(indicators)::bigint[])) AND explanation IS NOT NULL
               AND kind IN ('missed', 'not_reported', 'at_risk')
             ORDER BY indicator_id, territory_id, period_start, kind
            """, logger: logger
        ).decode((Int64, Int64, Day, String).self) {
            result[IndicatorInTerritory(indicatorID: r.0, territoryID: r.1), default: []].append((r.2, r.3))
        }
        return result
    }

    func overdueMeasures(runID: Int64, territories: [Territory.ID], sections: [Section.ID]) async throws -> [ReportFacts.MeasurePart] {
        var result: [ReportFacts.MeasurePart] = []
        for try await r in try await client.query(
            """
            SELECT m.code, m.text_kk, m.text_ru, m.text_en, m.territory_id, m.section_id, m.deadline, m.executor, e.verdict
              FROM evaluation_measure_results e JOIN measures m ON m.id = e.measure_id
             WHERE e.run_id = \(runID) AND e.verdict = 'missed' AND m.territory_id = ANY(\(territories)) AND m.section_id = ANY(\(sections))
             ORDER BY m.deadline, m.code
            """, logger: logger
        ).decode((String, String, String, String?, Int64, Int64, Day, String, String).self) {
            result.append(
                .init(
                    code: r.0, text: LocalizedText(kk: r.1, ru: r.2, en: r.3), territoryID: r.4, sectionID: r.5, deadline: r.6,
                    executor: r.7, verdict: MeasureVerdict(rawValue: r.8)))
        }
        return result
    }

    /// Resolutions of the same faction's earlier hearings that the run does not find done or cancelled.
    func openResolutions(before hearing: Hearing, runID: Int64, sections: [Section.ID]) async throws -> [ReportFacts.MeasurePart] {
        var result: [ReportFacts.MeasurePart] = []
        for try await r in try await client.query(
            """
            SELECT m.code, m.text_kk, m.text_ru, m.text_en, m.territory_id, m.section_id, m.deadline, m.executor, e.verdict, h.title, h.held_on
              FROM hearing_resolutions hr
              JOIN hearings h ON h.id = hr.hearing_id
              JOIN measures m ON m.id = hr.measure_id
              LEFT JOIN evaluation_measure_results e ON e.run_id = \(runID) AND e.measure_id = m.id
             WHERE h.faction = \(hearing.faction.rawValue) AND h.faction_territory_id = \(hearing.factionTerritoryID)
               AND (h.held_on, h.id) < (\(hearing.heldOn), \(hearing.id))
               AND m.section_id = ANY(\(sections))
               AND (e.verdict IS NULL OR e.verdict NOT IN ('done', 'cancelled'))
             ORDER BY h.held_on, h.id, hr.id
            """, logger: logger
        ).decode((String, String, String, String?, Int64, Int64, Day, String, String?, String, Day).self) {
            result.append(
                .init(
                    code: r.0, text: LocalizedText(kk: r.1, ru: r.2, en: r.3), territoryID: r.4, sectionID: r.5, deadline: r.6,
                    executor: r.7, verdict: r.8.flatMap(MeasureVerdict.init(rawValue:)), hearingTitle: r.9, hearingDate: r.10))
        }
        return result
    }

    /// The previous hearing of the same faction on the same territory with another run; else the
    /// previous completed run covering the territory. Judged over this hearing's own scope.
    func comparison(
        _ hearing: Hearing, run: ReportFacts.RunPart, ancestry: [Territory.ID], territories: [Territory.ID],
        indicators: [IndicatorRow]
    ) async throws -> ReportFacts.Comparison? {
        var basis: ReportFacts.Comparison.Basis?
        var previousRun: Int64?
        for try await r in try await client.query(
            """
            SELECT h.title, h.held_on, h.run_id FROM hearings h JOIN evaluation_runs r ON r.id = h.run_id AND r.status = 'completed'
             WHERE h.faction = \(hearing.faction.rawValue) AND h.faction_territory_id = \(hearing.factionTerritoryID)
               AND h.territory_id = \(hearing.territoryID) AND (h.held_on, h.id) < (\(hearing.heldOn), \(hearing.id)) AND h.run_id <> \(run.id)
             ORDER BY h.held_on DESC, h.id DESC LIMIT 1
            """, logger: logger
        ).decode((String, Day, Int64).self) {
            basis = .hearing(title: r.0, heldOn: r.1, runID: r.2)
            previousRun = r.2
        }
        if basis == nil {
            for try await r in try await client.query(
                """
                SELECT id, as_of FROM evaluation_runs
                 WHERE programme_id = \(hearing.programmeID) AND status = 'completed' AND id < \(run.id)
                   AND (territory_id IS NULL OR territory_id = ANY(\(ancestry)))
                 ORDER BY id DESC LIMIT 1
                """, logger: logger
            ).decode((Int64, Day).self) {
                basis = .run(id: r.0, asOf: r.1)
                previousRun = r.0
            }
        }
        guard let basis, let previousRun else { return nil }
        let rows = try await itemRows(runID: previousRun, territories: territories, indicators: indicators)
        return ReportFacts.Comparison(basis: basis, standings: rows.map { Standing(series: $0.series) })
    }
}

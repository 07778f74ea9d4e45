import Crypto
import Foundation
import UadeDomain

/// Arranges a run's facts into a hearing report in one language. Pure: the same facts give the
/// same report, byte for byte once rendered.
public enum ReportBuilder {
    /// Questions per official: the worst missed items of their territory, the rest counted.
    public static let questionsPerOfficial = 10

    public static func build(_ facts: ReportFacts, language: Language) -> HearingReport {
        let l = { (label: Label) in label.text(language) }
        let territories = Dictionary(uniqueKeysWithValues: facts.territories.map { ($0.id, $0) })
        let territoryOrder = Dictionary(uniqueKeysWithValues: facts.territories.enumerated().map { ($1.id, $0) })
        let sections = Dictionary(uniqueKeysWithValues: facts.sections.map { ($0.id, $0) })
        let sectionOrder = Dictionary(uniqueKeysWithValues: facts.sections.enumerated().map { ($1.id, $0) })
        let territoryName = { (id: Territory.ID) in territories[id]?.name.resolved(language) ?? String(id) }
        let standings = facts.items.map { Standing(series: $0.series) }
        let n = { (value: Double) in NumberFormat.format(value, language) }

        // 1. Cover
        let fingerprint = fingerprint(of: facts, standings: standings)
        let sectionsText: String =
            switch facts.hearing.sectionsChoice {
            case .all: l(.sectionsAll)
            case .sociallySensitive: l(.sectionsSensitive)
            case .chosen: facts.sections.map { $0.name.resolved(language) }.joined(separator: "; ")
            }
        let cover = HearingReport.Cover(
            hearingId: facts.hearing.id, title: facts.hearing.title,
            faction: facts.hearing.faction.heading(language),
            factionTerritory: facts.hearing.factionTerritory.resolved(language), heldOn: facts.hearing.heldOn.iso,
            status: facts.hearing.status.word(language),
            territory: territoryName(facts.hearing.territoryID), territoryKato: territories[facts.hearing.territoryID]?.kato,
            depth: facts.hearing.depth, sections: sectionsText, programme: facts.run.programmeName.resolved(language),
            asOf: facts.run.asOf.iso, runId: facts.run.id, graceDays: facts.run.graceDays,
            generatedAt: iso8601(facts.run.finishedAt), runFingerprint: facts.run.fingerprint, fingerprint: fingerprint,
            partForSections: facts.partForSections.map { ids in ids.compactMap { sections[$0]?.name.resolved(language) } })

        // 2. Summary, against the previous hearing or run
        let counts = headlineCounts(standings)
        let previous = facts.comparison.map { headlineCounts($0.standings) }
        let total = standings.count
        let summary = HearingReport.Summary(
            total: total,
            statuses: EvaluationStatus.allCases.map { status in
                let count = counts[status, default: 0]
                let before = previous.map { $0[status, default: 0] }
                return HearingReport.StatusCount(
                    status: status.rawValue, label: status.word(language), count: count,
                    share: total == 0 ? 0 : Double(count) / Double(total) * 100,
                    previous: before, change: before.map { count - $0 })
            },
            comparedWith: facts.comparison.map { comparison in
                switch comparison.basis {
                case .hearing(let title, let heldOn, let runID): "\(l(.comparedWithHearing)): «\(title)», \(heldOn.iso) (\(l(.run)) \(runID))"
                case .run(let id, let asOf): "\(l(.comparedWithRun)): \(id), \(l(.asOf).lowercased()) \(asOf.iso)"
                }
            })

        // 3. By section
        var sectionBlocks: [HearingReport.SectionBlock] = []
        let indexesBySection = Dictionary(grouping: facts.items.indices, by: { facts.items[$0].sectionID })
        for section in facts.sections {
            let indexes = indexesBySection[section.id] ?? []
            var byIndicator: [Indicator.ID: [Int]] = [:]
            var indicatorOrder: [Indicator.ID] = []
            for index in indexes {
                let id = facts.items[index].indicatorID
                if byIndicator[id] == nil { indicatorOrder.append(id) }
                byIndicator[id, default: []].append(index)
            }
            let lines = indicatorOrder.map { id -> HearingReport.IndicatorLine in
                let group = byIndicator[id]!
                let own = group.first { facts.items[$0].territoryID == facts.hearing.territoryID }
                let shown = facts.items[own ?? group[0]]
                let ownStatus = own.map { standings[$0].headline }
                return HearingReport.IndicatorLine(
                    code: shown.indicatorCode, name: shown.indicatorName.resolved(language), unit: shown.unit.resolved(language),
                    status: ownStatus?.rawValue, statusLabel: ownStatus.map { $0.word(language) },
                    counts: statusDictionary(headlineCounts(group.map { standings[$0] })),
                    trend: trend(shown.series, asOf: facts.run.asOf))
            }
            sectionBlocks.append(
                HearingReport.SectionBlock(
                    code: section.code, name: section.name.resolved(language), sociallySensitive: section.sociallySensitive,
                    bureauMember: section.bureauMember?.resolved(language),
                    counts: statusDictionary(headlineCounts(indexes.map { standings[$0] })), indicators: lines))
        }

        // 4. Missed and at risk, worst first
        func item(_ index: Int) -> HearingReport.Item {
            let fact = facts.items[index]
            let point = standings[index].headlinePoint!
            let status = standings[index].headline
            let unit = fact.unit.resolved(language)
            return HearingReport.Item(
                indicatorCode: fact.indicatorCode, indicatorName: fact.indicatorName.resolved(language),
                sectionCode: sections[fact.sectionID]?.code ?? "", territoryId: fact.territoryID, territory: territoryName(fact.territoryID),
                territoryKato: territories[fact.territoryID]?.kato, period: point.period.code, status: status.rawValue,
                statusLabel: status.word(language), unit: unit, target: point.target, actual: point.actual,
                projected: point.projected, gap: point.gap, gapPercent: point.gapPercent, trend: trend(fact.series, asOf: facts.run.asOf),
                councilMember: fact.councilMember?.resolved(language), bureauMember: fact.bureauMember?.resolved(language),
                explanation: Explanation.sentence(
                    .init(
                        status: status, period: point.period, target: point.target, actual: point.actual,
                        projected: point.projected, gap: point.gap, gapPercent: point.gapPercent, unit: unit,
                        graceDays: facts.run.graceDays), in: language),
                coordinatorExplanation: fact.explanations[point.period])
        }
        let worstFirst = { (a: Int, b: Int) -> Bool in
            let (x, y) = (standings[a], standings[b])
            if x.headline != y.headline { return x.headline < y.headline }
            let (gx, gy) = (x.headlinePoint?.gapPercent ?? -Double.infinity, y.headlinePoint?.gapPercent ?? -Double.infinity)
            if gx != gy { return gx > gy }
            let (ix, iy) = (facts.items[a], facts.items[b])
            let (sx, sy) = (sectionOrder[ix.sectionID] ?? 0, sectionOrder[iy.sectionID] ?? 0)
            if sx != sy { return sx < sy }
            if ix.indicatorCode != iy.indicatorCode { return ix.indicatorCode < iy.indicatorCode }
            return (territoryOrder[ix.territoryID] ?? 0) < (territoryOrder[iy.territoryID] ?? 0)
        }
        let slippingIndexes = facts.items.indices.filter { [.missed, .atRisk].contains(standings[$0].headline) }.sorted(by: worstFirst)
        let slipping = slippingIndexes.map(item)

        // 5. Scorecards
        struct Tally {
            var name: LocalizedText
            var items = 0, achieved = 0, missed = 0, notReported = 0, atRisk = 0
        }
        var bureau: [Int64: Tally] = [:]
        var council: [Int64: Tally] = [:]
        func count(_ tally: inout Tally, _ standing: Standing) {
            tally.items += 1
            switch standing.due?.status {
            case .achieved: tally.achieved += 1
            case .missed: tally.missed += 1
            case .notReported: tally.notReported += 1
            default: break
            }
            if standing.outlook?.status == .atRisk { tally.atRisk += 1 }
        }
        for (index, fact) in facts.items.enumerated() {
            if let id = fact.bureauMemberID, let name = fact.bureauMember { count(&bureau[id, default: Tally(name: name)], standings[index]) }
            if let id = fact.councilMemberID, let name = fact.councilMember { count(&council[id, default: Tally(name: name)], standings[index]) }
        }
        func cards(_ tallies: [Int64: Tally], role: Role) -> [HearingReport.Scorecard] {
            tallies.values.map { t in
                let judged = t.achieved + t.missed + t.notReported
                return HearingReport.Scorecard(
                    role: role.rawValue, roleLabel: role.heading(language), owner: t.name.resolved(language), items: t.items, achieved: t.achieved,
                    missed: t.missed, notReported: t.notReported, atRisk: t.atRisk,
                    shareAchieved: judged == 0 ? nil : Double(t.achieved) / Double(judged) * 100)
            }.sorted { a, b in
                let (x, y) = (a.shareAchieved ?? .infinity, b.shareAchieved ?? .infinity)
                return x != y ? x < y : a.owner < b.owner
            }
        }
        let scorecards = cards(bureau, role: .bureauMember) + cards(council, role: .councilMember)

        // 6. Measures and resolutions
        func measureRow(_ m: ReportFacts.MeasurePart) -> HearingReport.MeasureRow {
            HearingReport.MeasureRow(
                code: m.code, text: m.text.resolved(language), territory: territoryName(m.territoryID), deadline: m.deadline.iso,
                executor: m.executor, verdict: m.verdict?.rawValue, verdictLabel: m.verdict?.word(language) ?? l(.notJudgedYet),
                adoptedAt: m.hearingTitle.map { title in "«\(title)»" + (m.hearingDate.map { ", \($0.iso)" } ?? "") })
        }

        // 7. Data quality
        var qualityRows: [HearingReport.QualityRow] = []
        var reconciliation = 0
        var outliers = 0
        var unowned = 0
        for (index, fact) in facts.items.enumerated() {
            let name = fact.indicatorName.resolved(language)
            if standings[index].headline == .notReported, let point = standings[index].headlinePoint {
                qualityRows.append(
                    .init(
                        kind: "not_reported", kindLabel: l(.notReportedItems), indicatorCode: fact.indicatorCode, indicatorName: name,
                        territory: territoryName(fact.territoryID), period: point.period.code, value: nil, target: point.target))
            }
            // The latest verdict's flags: older periods' flags stay listed in the API (GET /flags).
            for point in [standings[index].headlinePoint].compactMap({ $0 }) where point.reconciliation || point.outlier {
                if point.reconciliation { reconciliation += 1 }
                if point.outlier { outliers += 1 }
                let kind = point.reconciliation ? "reconciliation" : "outlier"
                qualityRows.append(
                    .init(
                        kind: kind, kindLabel: l(point.reconciliation ? .reconciliationFlags : .outlierFlags),
                        indicatorCode: fact.indicatorCode, indicatorName: name, territory: territoryName(fact.territoryID),
                        period: point.period.code, value: point.actual, target: point.target))
            }
            if fact.councilMemberID == nil || fact.bureauMemberID == nil { unowned += 1 }
        }
        let unownedBySection = facts.sections.compactMap { section -> HearingReport.UnownedRow? in
            let indexes = indexesBySection[section.id] ?? []
            let withoutCouncil = indexes.filter { facts.items[$0].councilMemberID == nil }.count
            let bureauMissing = section.sociallySensitive && section.bureauMember == nil
            guard withoutCouncil > 0 || bureauMissing else { return nil }
            return .init(
                section: section.name.resolved(language), bureauMemberMissing: bureauMissing, itemsWithoutCouncilMember: withoutCouncil,
                items: indexes.count)
        }
        let dataQuality = HearingReport.DataQuality(
            notReported: counts[.notReported, default: 0], reconciliation: reconciliation,
            outliers: outliers, unowned: unowned, rows: qualityRows, unownedBySection: unownedBySection)

        // 8. Questions, for each official, about the missed items of their territory
        var children: [Territory.ID: [Territory.ID]] = [:]
        for t in facts.territories { if let parent = t.parentID { children[parent, default: []].append(t.id) } }
        func below(_ id: Territory.ID) -> Set<Territory.ID> {
            var result: Set<Territory.ID> = [id]
            var queue = [id]
            while let next = queue.popLast() {
                for child in children[next] ?? [] where result.insert(child).inserted { queue.append(child) }
            }
            return result
        }
        let missedIndexes = slippingIndexes.filter { standings[$0].headline == .missed }
        let questions = facts.hearing.officials.map { official -> HearingReport.QuestionBlock in
            let area = below(official.territoryID)
            let theirs = missedIndexes.filter { area.contains(facts.items[$0].territoryID) }
            let asked = theirs.prefix(questionsPerOfficial).map { index -> String in
                let fact = facts.items[index]
                let point = standings[index].headlinePoint!
                return QuestionText.missed(
                    indicator: fact.indicatorName.resolved(language), territory: territoryName(fact.territoryID),
                    period: point.period.code, actual: n(point.actual ?? 0), target: n(point.target),
                    unit: fact.unit.resolved(language), gapPercent: point.gapPercent.map(n), language: language)
            }
            return HearingReport.QuestionBlock(
                official: official.name, office: official.office, territory: territoryName(official.territoryID),
                questions: asked, more: theirs.count - asked.count)
        }

        return HearingReport(
            language: language.rawValue, cover: cover, summary: summary, sections: sectionBlocks, slipping: slipping,
            scorecards: scorecards, scorecardFormula: l(.scorecardFormula),
            overdueMeasures: facts.overdueMeasures.map(measureRow), openResolutions: facts.openResolutions.map(measureRow),
            dataQuality: dataQuality, questions: questions)
    }

    static func headlineCounts(_ standings: [Standing]) -> [EvaluationStatus: Int] {
        var counts: [EvaluationStatus: Int] = [:]
        for standing in standings { counts[standing.headline, default: 0] += 1 }
        return counts
    }

    static func statusDictionary(_ counts: [EvaluationStatus: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    /// Targets over the whole term, actuals as known on the as-of date.
    static func trend(_ series: [ReportFacts.Point], asOf: Day) -> [HearingReport.TrendPoint] {
        series.sorted { $0.period < $1.period }.map { HearingReport.TrendPoint(period: $0.period.code, target: $0.target, actual: $0.actual) }
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// SHA-256 over the report's data in a fixed text form: the hearing, the run, the scope and
    /// every item's standing, measure and comparison figure. Languages and formats do not enter it.
    public static func fingerprint(of facts: ReportFacts, standings: [Standing]? = nil) -> String {
        let standings = standings ?? facts.items.map { Standing(series: $0.series) }
        var text = ""
        let h = facts.hearing
        text +=
            "hearing|\(h.id)|\(h.title)|\(h.faction.rawValue)|\(h.heldOn.iso)|\(h.status.rawValue)|\(h.territoryID)|\(h.depth)|\(h.sectionsChoice.rawValue)\n"
        for o in h.officials { text += "official|\(o.name)|\(o.office)|\(o.territoryID)\n" }
        text += "run|\(facts.run.id)|\(facts.run.fingerprint)|\(facts.run.asOf.iso)|\(facts.run.graceDays)\n"
        text += "territories|\(facts.territories.map { String($0.id) }.joined(separator: ","))\n"
        text += "sections|\(facts.sections.map { String($0.id) }.joined(separator: ","))\n"
        if let part = facts.partForSections { text += "part|\(part.map(String.init).joined(separator: ","))\n" }
        func d(_ value: Double?) -> String { value.map { String($0) } ?? "-" }
        for (item, standing) in zip(facts.items, standings) {
            let p = standing.headlinePoint
            text += "item|\(item.indicatorCode)|\(item.territoryID)|\(standing.headline.rawValue)|\(p?.period.code ?? "-")|\(d(p?.target))|"
            text += "\(d(p?.actual))|\(d(p?.gap))|\(item.councilMemberID.map(String.init) ?? "-")|\(item.bureauMemberID.map(String.init) ?? "-")|"
            text += "\(p.flatMap { item.explanations[$0.period] } ?? "")\n"
        }
        for m in facts.overdueMeasures { text += "overdue|\(m.code)|\(m.verdict?.rawValue ?? "-")\n" }
        for m in facts.openResolutions { text += "resolution|\(m.code)|\(m.verdict?.rawValue ?? "-")\n" }
        if let comparison = facts.comparison {
            text += "compared|\(comparison.basis)|"
            text +=
                headlineCounts(comparison.standings).sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",") + "\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

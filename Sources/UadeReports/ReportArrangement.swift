import Foundation
import UadeDomain

/// A run's facts arranged into the parts of a hearing report, one function per part, in one
/// language. Every renderer (HTML, DOCX, CSV, JSON) takes the parts from here.
struct ReportArrangement {
    let facts: ReportFacts
    let language: Language
    let standings: [Standing]
    let territories: [Territory.ID: ReportFacts.TerritoryPart]
    let territoryOrder: [Territory.ID: Int]
    let sectionsByID: [Section.ID: ReportFacts.SectionPart]
    let sectionOrder: [Section.ID: Int]
    let indexesBySection: [Section.ID: [Int]]
    /// Missed and at-risk items, worst first.
    let slippingIndexes: [Int]

    init(_ facts: ReportFacts, language: Language) {
        self.facts = facts
        self.language = language
        let standings = facts.items.map { Standing(series: $0.series) }
        self.standings = standings
        territories = Dictionary(uniqueKeysWithValues: facts.territories.map { ($0.id, $0) })
        let territoryOrder = Dictionary(uniqueKeysWithValues: facts.territories.enumerated().map { ($1.id, $0) })
        self.territoryOrder = territoryOrder
        sectionsByID = Dictionary(uniqueKeysWithValues: facts.sections.map { ($0.id, $0) })
        let sectionOrder = Dictionary(uniqueKeysWithValues: facts.sections.enumerated().map { ($1.id, $0) })
        self.sectionOrder = sectionOrder
        indexesBySection = Dictionary(grouping: facts.items.indices, by: { facts.items[$0].sectionID })
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
        // An item is slipping only when it has a headline point: its status came from one.
        slippingIndexes = facts.items.indices.filter { [.missed, .atRisk].contains(standings[$0].headline) && standings[$0].headlinePoint != nil }
            .sorted(by: worstFirst)
    }

    func l(_ label: Label) -> String { label.text(language) }
    func n(_ value: Double) -> String { NumberFormat.format(value, language) }
    func territoryName(_ id: Territory.ID) -> String { territories[id]?.name.resolved(language) ?? String(id) }

    // MARK: 1. Cover

    func cover() -> HearingReport.Cover {
        let hearing = facts.hearing
        let sectionsText: String =
            switch hearing.sectionsChoice {
            case .all: l(.sectionsAll)
            case .sociallySensitive: l(.sectionsSensitive)
            case .chosen: facts.sections.map { $0.name.resolved(language) }.joined(separator: "; ")
            }
        return HearingReport.Cover(
            hearingId: hearing.id, title: hearing.title, faction: hearing.faction.heading(language),
            factionTerritory: hearing.factionTerritory.resolved(language), heldOn: hearing.heldOn.iso, status: hearing.status.word(language),
            territory: territoryName(hearing.territoryID), territoryKato: territories[hearing.territoryID]?.kato,
            depth: hearing.depth, sections: sectionsText, programme: facts.run.programmeName.resolved(language),
            asOf: facts.run.asOf.iso, runId: facts.run.id, graceDays: facts.run.graceDays,
            generatedAt: ReportBuilder.iso8601(facts.run.finishedAt), runFingerprint: facts.run.fingerprint,
            fingerprint: ReportBuilder.fingerprint(of: facts, standings: standings),
            partForSections: facts.partForSections.map { ids in ids.compactMap { sectionsByID[$0]?.name.resolved(language) } })
    }

    // MARK: 2. Summary, against the previous hearing or run

    func summary() -> HearingReport.Summary {
        let counts = ReportBuilder.headlineCounts(standings)
        let previous = facts.comparison.map { ReportBuilder.headlineCounts($0.standings) }
        let total = standings.count
        return HearingReport.Summary(
            total: total,
            statuses: EvaluationStatus.allCases.map { status in
                let count = counts[status, default: 0]
                let before = previous.map { $0[status, default: 0] }
                return HearingReport.StatusCount(
                    status: status.rawValue, label: status.word(language), count: count,
                    share: total == 0 ? 0 : Double(count) / Double(total) * 100, previous: before, change: before.map { count - $0 })
            },
            comparedWith: facts.comparison.map { comparison in
                switch comparison.basis {
                case .hearing(let title, let heldOn, let runID): "\(l(.comparedWithHearing)): «\(title)», \(heldOn.iso) (\(l(.run)) \(runID))"
                case .run(let id, let asOf): "\(l(.comparedWithRun)): \(id), \(l(.asOf).lowercased()) \(asOf.iso)"
                }
            })
    }

    // MARK: 3. By section

    func sections() -> [HearingReport.SectionBlock] {
        facts.sections.map { section in
            let indexes = indexesBySection[section.id] ?? []
            var byIndicator: [Indicator.ID: [Int]] = [:]
            var indicatorOrder: [Indicator.ID] = []
            for index in indexes {
                let id = facts.items[index].indicatorID
                if byIndicator[id] == nil { indicatorOrder.append(id) }
                byIndicator[id, default: []].append(index)
            }
            let lines = indicatorOrder.map { id in indicatorLine(byIndicator[id] ?? []) }
            return HearingReport.SectionBlock(
                code: section.code, name: section.name.resolved(language), sociallySensitive: section.sociallySensitive,
                bureauMember: section.bureauMember?.resolved(language),
                counts: ReportBuilder.statusDictionary(ReportBuilder.headlineCounts(indexes.map { standings[$0] })), indicators: lines)
        }
    }

    /// One indicator over the territories in scope; `group` is never empty.
    func indicatorLine(_ group: [Int]) -> HearingReport.IndicatorLine {
        let own = group.first { facts.items[$0].territoryID == facts.hearing.territoryID }
        let shown = facts.items[own ?? group[0]]
        let ownStatus = own.map { standings[$0].headline }
        return HearingReport.IndicatorLine(
            code: shown.indicatorCode, name: shown.indicatorName.resolved(language), unit: shown.unit.resolved(language),
            status: ownStatus?.rawValue, statusLabel: ownStatus.map { $0.word(language) },
            counts: ReportBuilder.statusDictionary(ReportBuilder.headlineCounts(group.map { standings[$0] })),
            trend: ReportBuilder.trend(shown.series, asOf: facts.run.asOf))
    }

    // MARK: 4. Missed and at risk, worst first

    func slipping() -> [HearingReport.Item] {
        slippingIndexes.compactMap(item)
    }

    func item(_ index: Int) -> HearingReport.Item? {
        let fact = facts.items[index]
        guard let point = standings[index].headlinePoint else { return nil }
        let status = standings[index].headline
        let unit = fact.unit.resolved(language)
        return HearingReport.Item(
            indicatorCode: fact.indicatorCode, indicatorName: fact.indicatorName.resolved(language),
            sectionCode: sectionsByID[fact.sectionID]?.code ?? "", territoryId: fact.territoryID, territory: territoryName(fact.territoryID),
            territoryKato: territories[fact.territoryID]?.kato, period: point.period.code, status: status.rawValue,
            statusLabel: status.word(language), unit: unit, target: point.target, actual: point.actual,
            projected: point.projected, gap: point.gap, gapPercent: point.gapPercent, trend: ReportBuilder.trend(fact.series, asOf: facts.run.asOf),
            councilMember: fact.councilMember?.resolved(language), bureauMember: fact.bureauMember?.resolved(language),
            explanation: Explanation.sentence(
                .init(
                    status: status, period: point.period, target: point.target, actual: point.actual,
                    projected: point.projected, gap: point.gap, gapPercent: point.gapPercent, unit: unit,
                    graceDays: facts.run.graceDays), in: language),
            coordinatorExplanation: fact.explanations[point.period])
    }

    // MARK: 5. Scorecards

    struct Tally {
        var name: LocalizedText
        var items = 0, achieved = 0, missed = 0, notReported = 0, atRisk = 0, notDue = 0

        /// By the headline, as the summary counts: an owner's figures add up to the report's.
        mutating func count(_ standing: Standing) {
            items += 1
            switch standing.headline {
            case .achieved: achieved += 1
            case .missed: missed += 1
            case .notReported: notReported += 1
            case .atRisk: atRisk += 1
            case .notDue: notDue += 1
            case .onTrack: break
            }
        }
    }

    func scorecards() -> [HearingReport.Scorecard] {
        var bureau: [Int64: Tally] = [:]
        var council: [Int64: Tally] = [:]
        for (index, fact) in facts.items.enumerated() {
            if let id = fact.bureauMemberID, let name = fact.bureauMember { bureau[id, default: Tally(name: name)].count(standings[index]) }
            if let id = fact.councilMemberID, let name = fact.councilMember { council[id, default: Tally(name: name)].count(standings[index]) }
        }
        return cards(bureau, role: .bureauMember) + cards(council, role: .councilMember)
    }

    func cards(_ tallies: [Int64: Tally], role: Role) -> [HearingReport.Scorecard] {
        tallies.values.map { t in
            let judged = t.items - t.notDue
            return HearingReport.Scorecard(
                role: role.rawValue, roleLabel: role.heading(language), owner: t.name.resolved(language), items: t.items, achieved: t.achieved,
                missed: t.missed, notReported: t.notReported, atRisk: t.atRisk,
                shareAchieved: judged == 0 ? nil : Double(t.achieved) / Double(judged) * 100)
        }.sorted { a, b in
            let (x, y) = (a.shareAchieved ?? .infinity, b.shareAchieved ?? .infinity)
            return x != y ? x < y : a.owner < b.owner
        }
    }

    // MARK: 6. Measures and resolutions

    func measureRow(_ m: ReportFacts.MeasurePart) -> HearingReport.MeasureRow {
        HearingReport.MeasureRow(
            code: m.code, text: m.text.resolved(language), territory: territoryName(m.territoryID), deadline: m.deadline.iso,
            executor: m.executor, verdict: m.verdict?.rawValue, verdictLabel: m.verdict?.word(language) ?? l(.notJudgedYet),
            adoptedAt: m.hearingTitle.map { title in "«\(title)»" + (m.hearingDate.map { ", \($0.iso)" } ?? "") })
    }

    // MARK: 7. Data quality

    func dataQuality() -> HearingReport.DataQuality {
        var rows: [HearingReport.QualityRow] = []
        var reconciliation = 0
        var outliers = 0
        var unowned = 0
        for (index, fact) in facts.items.enumerated() {
            let name = fact.indicatorName.resolved(language)
            if standings[index].headline == .notReported, let point = standings[index].headlinePoint {
                rows.append(
                    .init(
                        kind: FlagKind.notReported.rawValue, kindLabel: l(.notReportedItems), indicatorCode: fact.indicatorCode, indicatorName: name,
                        territory: territoryName(fact.territoryID), period: point.period.code, value: nil, target: point.target))
            }
            // The latest verdict's flags: older periods' flags stay listed in the API (GET /flags).
            if let point = standings[index].headlinePoint, point.reconciliation || point.outlier {
                if point.reconciliation { reconciliation += 1 }
                if point.outlier { outliers += 1 }
                let kind: FlagKind = point.reconciliation ? .reconciliation : .outlier
                rows.append(
                    .init(
                        kind: kind.rawValue, kindLabel: l(point.reconciliation ? .reconciliationFlags : .outlierFlags),
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
        return HearingReport.DataQuality(
            notReported: standings.filter { $0.headline == .notReported }.count, reconciliation: reconciliation,
            outliers: outliers, unowned: unowned, rows: rows, unownedBySection: unownedBySection, revisions: revisions(),
            easedTargets: Set(
                facts.revisions.filter { $0.status == .inForce && $0.revision.easedAfterStart }.map {
                    "\($0.revision.indicatorID)|\($0.revision.territoryID)|\($0.revision.period.code)"
                }
            ).count)
    }

    /// The revisions of the scope's targets, oldest first, each in words.
    func revisions() -> [HearingReport.RevisionLine] {
        facts.revisions.map { part in
            let r = part.revision
            let direction = r.newValue < r.oldValue ? l(.lowered) : l(.raised)
            let by = r.proposedBy.map { " \(l(.by)) \($0)" } ?? ""
            let description =
                "\(direction) \(n(r.oldValue)) → \(n(r.newValue)) \(l(.from)) \(r.appliesFrom.iso)\(by): \(r.reason) (\(part.status.word(language)))"
            return HearingReport.RevisionLine(
                indicatorCode: r.indicatorCode, indicatorName: r.indicatorName.resolved(language), territory: territoryName(r.territoryID),
                period: r.period.code, approved: part.approved, oldValue: r.oldValue, newValue: r.newValue, appliesFrom: r.appliesFrom.iso,
                proposedBy: r.proposedBy, reason: r.reason, status: part.status.rawValue, statusLabel: part.status.word(language), eases: r.eases,
                description: description)
        }
    }

    // MARK: 8. Questions, for each official, about the missed items of their territory

    func questions() -> [HearingReport.QuestionBlock] {
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
        let missed = slippingIndexes.filter { standings[$0].headline == .missed }
        return facts.hearing.officials.map { official in
            let area = below(official.territoryID)
            let theirs = missed.filter { area.contains(facts.items[$0].territoryID) }
            let asked = theirs.prefix(ReportBuilder.questionsPerOfficial).compactMap { index -> String? in
                let fact = facts.items[index]
                guard let point = standings[index].headlinePoint else { return nil }
                return QuestionText.missed(
                    indicator: fact.indicatorName.resolved(language), territory: territoryName(fact.territoryID),
                    period: point.period.code, actual: n(point.actual ?? 0), target: n(point.target),
                    unit: UnitWords.after(point.target, fact.unit.resolved(language), language), gapPercent: point.gapPercent.map(n),
                    exceeded: (point.actual ?? -.infinity) > point.target, language: language)
            }
            return HearingReport.QuestionBlock(
                official: official.name, office: official.office, territory: territoryName(official.territoryID),
                questions: asked, more: theirs.count - asked.count)
        }
    }
}

import Foundation

/// Everything a hearing report says, read from one frozen evaluation run: the facts, before
/// any language or format. The storage layer fills it; the report builder only arranges it.
public struct ReportFacts: Sendable {
    public struct HearingPart: Sendable {
        public let id: Hearing.ID
        public let title: String
        public let faction: Faction
        public let factionTerritory: LocalizedText
        public let heldOn: Day
        public let status: HearingStatus
        public let territoryID: Territory.ID
        public let depth: Int
        public let sectionsChoice: SectionsChoice
        public let officials: [Official]

        public init(
            id: Hearing.ID, title: String, faction: Faction, factionTerritory: LocalizedText, heldOn: Day, status: HearingStatus,
            territoryID: Territory.ID, depth: Int, sectionsChoice: SectionsChoice, officials: [Official]
        ) {
            self.id = id
            self.title = title
            self.faction = faction
            self.factionTerritory = factionTerritory
            self.heldOn = heldOn
            self.status = status
            self.territoryID = territoryID
            self.depth = depth
            self.sectionsChoice = sectionsChoice
            self.officials = officials
        }
    }

    public struct RunPart: Sendable {
        public let id: Int64
        public let programmeCode: String
        public let programmeName: LocalizedText
        public let asOf: Day
        public let graceDays: Int
        /// When the run completed: the report's "generated" time, so that output never depends on the clock.
        public let finishedAt: Date
        public let fingerprint: String

        public init(id: Int64, programmeCode: String, programmeName: LocalizedText, asOf: Day, graceDays: Int, finishedAt: Date, fingerprint: String)
        {
            self.id = id
            self.programmeCode = programmeCode
            self.programmeName = programmeName
            self.asOf = asOf
            self.graceDays = graceDays
            self.finishedAt = finishedAt
            self.fingerprint = fingerprint
        }
    }

    public struct TerritoryPart: Sendable {
        public let id: Territory.ID
        public let kato: String?
        public let name: LocalizedText
        public let parentID: Territory.ID?

        public init(id: Territory.ID, kato: String?, name: LocalizedText, parentID: Territory.ID?) {
            self.id = id
            self.kato = kato
            self.name = name
            self.parentID = parentID
        }
    }

    public struct SectionPart: Sendable {
        public let id: Section.ID
        public let code: String
        public let name: LocalizedText
        public let sociallySensitive: Bool
        public let bureauMember: LocalizedText?

        public init(id: Section.ID, code: String, name: LocalizedText, sociallySensitive: Bool, bureauMember: LocalizedText?) {
            self.id = id
            self.code = code
            self.name = name
            self.sociallySensitive = sociallySensitive
            self.bureauMember = bureauMember
        }
    }

    /// One judged target of the run, with the run's flags on it.
    public struct Point: Sendable, Equatable {
        public let judgement: Judgement
        public let reconciliation: Bool
        public let outlier: Bool

        public var period: Period { judgement.period }
        public var status: EvaluationStatus { judgement.status }
        public var target: Double { judgement.target }
        public var actual: Double? { judgement.actual }
        public var projected: Double? { judgement.projected }
        public var gap: Double? { judgement.gap }
        public var gapPercent: Double? { judgement.gapPercent }

        public init(
            period: Period, status: EvaluationStatus, target: Double, actual: Double?, projected: Double?, gap: Double?, gapPercent: Double?,
            reconciliation: Bool = false, outlier: Bool = false
        ) {
            judgement = Judgement(
                period: period, status: status, target: target, actual: actual, projected: projected, gap: gap, gapPercent: gapPercent)
            self.reconciliation = reconciliation
            self.outlier = outlier
        }
    }

    /// An indicator in one territory, with every period the run judged.
    public struct Item: Sendable {
        public let indicatorID: Indicator.ID
        public let indicatorCode: String
        public let indicatorName: LocalizedText
        public let unit: LocalizedText
        public let sectionID: Section.ID
        public let territoryID: Territory.ID
        public let series: [Point]
        public let councilMemberID: Int64?
        public let councilMember: LocalizedText?
        public let bureauMemberID: Int64?
        public let bureauMember: LocalizedText?
        /// Coordinators' explanations on this item's flags, by the flag's period.
        public let explanations: [Period: String]

        public init(
            indicatorID: Indicator.ID, indicatorCode: String, indicatorName: LocalizedText, unit: LocalizedText, sectionID: Section.ID,
            territoryID: Territory.ID, series: [Point], councilMemberID: Int64?, councilMember: LocalizedText?,
            bureauMemberID: Int64?, bureauMember: LocalizedText?, explanations: [Period: String] = [:]
        ) {
            self.indicatorID = indicatorID
            self.indicatorCode = indicatorCode
            self.indicatorName = indicatorName
            self.unit = unit
            self.sectionID = sectionID
            self.territoryID = territoryID
            self.series = series
            self.councilMemberID = councilMemberID
            self.councilMember = councilMember
            self.bureauMemberID = bureauMemberID
            self.bureauMember = bureauMember
            self.explanations = explanations
        }
    }

    /// A measure judged by the run: overdue ones, and the resolutions of earlier hearings.
    public struct MeasurePart: Sendable {
        public let code: String
        public let text: LocalizedText
        public let territoryID: Territory.ID
        public let sectionID: Section.ID
        public let deadline: Day
        public let executor: String
        /// The run's verdict; nil when the measure is newer than the run.
        public let verdict: MeasureVerdict?
        /// The hearing that adopted it, for resolutions.
        public let hearingTitle: String?
        public let hearingDate: Day?

        public init(
            code: String, text: LocalizedText, territoryID: Territory.ID, sectionID: Section.ID, deadline: Day, executor: String,
            verdict: MeasureVerdict?, hearingTitle: String? = nil, hearingDate: Day? = nil
        ) {
            self.code = code
            self.text = text
            self.territoryID = territoryID
            self.sectionID = sectionID
            self.deadline = deadline
            self.executor = executor
            self.verdict = verdict
            self.hearingTitle = hearingTitle
            self.hearingDate = hearingDate
        }
    }

    /// What the report compares its summary with: the previous hearing of the same faction and
    /// scope, or else the previous run; its items are judged over the same scope.
    public struct Comparison: Sendable {
        public enum Basis: Sendable, Equatable {
            case hearing(title: String, heldOn: Day, runID: Int64)
            case run(id: Int64, asOf: Day)
        }
        public let basis: Basis
        public let standings: [Standing]

        public init(basis: Basis, standings: [Standing]) {
            self.basis = basis
            self.standings = standings
        }
    }

    public let hearing: HearingPart
    public let run: RunPart
    /// In scope order: the hearing's territory first, then each level below.
    public let territories: [TerritoryPart]
    public let sections: [SectionPart]
    public let items: [Item]
    public let overdueMeasures: [MeasurePart]
    public let openResolutions: [MeasurePart]
    public let comparison: Comparison?
    /// Set when the report is the part of a Bureau member: only these sections are shown.
    public let partForSections: [Section.ID]?
    /// Revisions of targets in the report's scope known on the run's as-of date, oldest first.
    public let revisions: [RevisionPart]

    /// A revision as the run's day knew it: where it stood then, beside the approved target.
    public struct RevisionPart: Sendable, Equatable {
        public let revision: TargetRevision
        public let approved: Double
        public let status: RevisionStatus

        public init(revision: TargetRevision, approved: Double, status: RevisionStatus) {
            self.revision = revision
            self.approved = approved
            self.status = status
        }
    }

    public init(
        hearing: HearingPart, run: RunPart, territories: [TerritoryPart], sections: [SectionPart], items: [Item],
        overdueMeasures: [MeasurePart], openResolutions: [MeasurePart], comparison: Comparison?, partForSections: [Section.ID]?,
        revisions: [RevisionPart] = []
    ) {
        self.hearing = hearing
        self.run = run
        self.territories = territories
        self.sections = sections
        self.items = items
        self.overdueMeasures = overdueMeasures
        self.openResolutions = openResolutions
        self.comparison = comparison
        self.partForSections = partForSections
        self.revisions = revisions
    }
}

/// Where an indicator in a territory stands as of the run: its latest due period's verdict
/// (achieved, missed, not reported) and its outlook for the next period not yet due.
public struct Standing: Sendable, Equatable {
    public let due: ReportFacts.Point?
    public let outlook: ReportFacts.Point?

    public init(due: ReportFacts.Point?, outlook: ReportFacts.Point?) {
        self.due = due
        self.outlook = outlook
    }

    /// Reads a run's series: the last point whose verdict is final, and the first point after it.
    public init(series: [ReportFacts.Point]) {
        let sorted = series.sorted { $0.period < $1.period }
        let final: Set<EvaluationStatus> = [.achieved, .missed, .notReported]
        let lastDue = sorted.lastIndex { final.contains($0.status) }
        due = lastDue.map { sorted[$0] }
        let after = lastDue.map { sorted.index(after: $0) } ?? sorted.startIndex
        outlook = sorted[after...].first { !final.contains($0.status) }
    }

    /// The one status a hearing hears: a missed or unreported period comes first, then a
    /// forecast that the next target will be missed, then the latest verdict.
    public var headline: EvaluationStatus { Self.headline(due: due?.status, outlook: outlook?.status) }

    static let final: Set<EvaluationStatus> = [.achieved, .missed, .notReported]

    /// The same reading for statuses alone, already in period order (heatmaps read millions).
    public static func headline(ofOrdered statuses: [EvaluationStatus]) -> EvaluationStatus {
        let lastDue = statuses.lastIndex { final.contains($0) }
        let after = lastDue.map { $0 + 1 } ?? 0
        return headline(due: lastDue.map { statuses[$0] }, outlook: statuses[after...].first { !final.contains($0) })
    }

    /// Which of the ordered statuses ``headline(ofOrdered:)`` speaks of, so that a page says the
    /// verdict with its own period and explanation; nil for an empty list.
    public static func headlineIndex(ofOrdered statuses: [EvaluationStatus]) -> Int? {
        let lastDue = statuses.lastIndex { final.contains($0) }
        let after = lastDue.map { $0 + 1 } ?? 0
        let outlook = statuses[after...].firstIndex { !final.contains($0) }
        if let lastDue, statuses[lastDue] == .missed || statuses[lastDue] == .notReported { return lastDue }
        if let outlook, statuses[outlook] == .atRisk { return outlook }
        return lastDue ?? outlook
    }

    static func headline(due: EvaluationStatus?, outlook: EvaluationStatus?) -> EvaluationStatus {
        if let due, due == .missed || due == .notReported { return due }
        if outlook == .atRisk { return .atRisk }
        return due ?? outlook ?? .notDue
    }

    /// The point behind ``headline``.
    public var headlinePoint: ReportFacts.Point? {
        if let due, due.status == .missed || due.status == .notReported { return due }
        if let outlook, outlook.status == .atRisk { return outlook }
        return due ?? outlook
    }
}

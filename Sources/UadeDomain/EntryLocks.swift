/// What a held hearing heard: its territory and the levels below it that its report covered, its
/// sections, and every period that had ended by its run's as-of date. What was heard must not
/// change underneath the record, so these cells take no more values once it is marked held.
public struct HeardScope: Sendable, Hashable {
    public let hearingID: Int64
    public let title: String
    public let heldOn: Day
    public let programmeID: Programme.ID
    public let territoryID: Territory.ID
    /// How many levels below `territoryID` the hearing looked (0 for the territory alone).
    public let depth: Int
    /// nil for every section of the programme.
    public let sectionIDs: Set<Section.ID>?
    public let asOf: Day

    public init(
        hearingID: Int64, title: String, heldOn: Day, programmeID: Programme.ID, territoryID: Territory.ID, depth: Int,
        sectionIDs: Set<Section.ID>?, asOf: Day
    ) {
        self.hearingID = hearingID
        self.title = title
        self.heldOn = heldOn
        self.programmeID = programmeID
        self.territoryID = territoryID
        self.depth = depth
        self.sectionIDs = sectionIDs
        self.asOf = asOf
    }

    /// - Parameter ancestry: the cell's territory first, then its parent, and so on up.
    public func covers(period: Period, section: Section.ID, programme: Programme.ID, ancestry: [Territory.ID]) -> Bool {
        guard programme == programmeID, period.end <= asOf, sectionIDs?.contains(section) ?? true,
            let distance = ancestry.firstIndex(of: territoryID)
        else { return false }
        return distance <= depth
    }
}

/// Why a period takes no more values in a territory.
public enum EntryClosure: Sendable, Hashable {
    /// The programme's calendar closed it `closesDays` after its deadline.
    case calendar(since: Day, closesDays: Int)
    /// A held hearing heard it.
    case heard(HeardScope)

    public var since: Day {
        switch self {
        case .calendar(let since, _): since
        case .heard(let scope): scope.heldOn
        }
    }

    /// The refusal, for the API in English and for the pages in their language:
    /// "2025-Q4 closed on 2026-02-14: 30 days after its deadline".
    public func problem(for period: Period, field: String = "period") -> FieldProblem {
        func words(_ language: Language) -> String {
            let day = since.written(language)
            switch (self, language) {
            case (.calendar(_, let days), .en):
                return "\(period.code) closed on \(day): \(Plural.count(days, .day, .en)) after its deadline"
            case (.calendar(_, let days), .ru):
                return "Период \(period.code) закрыт для ввода с \(day): через \(Plural.count(days, .day, .ru)) после срока сдачи"
            case (.calendar(_, let days), .kk):
                return "\(period.code) кезеңі \(day) бастап енгізуге жабық: тапсыру мерзімінен \(days) күн өткен соң"
            case (.heard(let scope), .en):
                return "\(period.code) closed on \(day): it was heard at the hearing «\(scope.title)»"
            case (.heard(let scope), .ru):
                return "Период \(period.code) закрыт для ввода с \(day): он рассмотрен на заслушивании «\(scope.title)»"
            case (.heard(let scope), .kk):
                return "\(period.code) кезеңі \(day) бастап енгізуге жабық: ол «\(scope.title)» тыңдауында қаралды"
            }
        }
        return FieldProblem(field: field, reason: words(.en), words: LocalizedText(kk: words(.kk), ru: words(.ru), en: words(.en)))
    }
}

/// A granted exception: closed periods reopened for some territories (each with the territories
/// below it) through its `until` day.
public struct EntryException: Sendable, Hashable {
    public let id: Int64
    public let territoryIDs: [Territory.ID]
    public let periods: Set<Period>
    public let until: Day

    public init(id: Int64, territoryIDs: [Territory.ID], periods: Set<Period>, until: Day) {
        self.id = id
        self.territoryIDs = territoryIDs
        self.periods = periods
        self.until = until
    }

    /// - Parameter ancestry: the cell's territory first, then its parent, and so on up.
    public func covers(period: Period, ancestry: [Territory.ID], on today: Day) -> Bool {
        today <= until && periods.contains(period) && territoryIDs.contains(where: ancestry.contains)
    }
}

/// Where an exception stands.
public enum ExceptionStatus: String, Sendable, CaseIterable, Codable {
    case requested, granted, refused
}

/// Whether a cell takes a value today.
public enum EntryDecision: Sendable, Hashable {
    case open
    /// Closed, but reopened by this exception: the value is taken and names it.
    case reopened(exceptionID: Int64, closure: EntryClosure)
    case closed(EntryClosure)
}

/// The rule that closes periods for entry: each programme's calendar, and the hearings held.
/// Read afresh for each write, so that a calendar changed or a hearing marked held on another
/// server applies at once.
public struct EntryLocks: Sendable {
    public let calendars: [Programme.ID: ReportingCalendar]
    public let heard: [HeardScope]
    /// Granted exceptions (lapsed ones do nothing).
    public let exceptions: [EntryException]

    /// - Parameter calendars: a programme missing here has the standard calendar.
    public init(calendars: [Programme.ID: ReportingCalendar], heard: [HeardScope], exceptions: [EntryException] = []) {
        self.calendars = calendars
        self.heard = heard
        self.exceptions = exceptions
    }

    /// Open, closed, or closed and reopened by a granted exception in force (the one that lasts
    /// longest, when several do).
    public func decision(of period: Period, section: Section.ID, programme: Programme.ID, ancestry: [Territory.ID], today: Day) -> EntryDecision {
        guard let closure = closure(of: period, section: section, programme: programme, ancestry: ancestry, today: today) else { return .open }
        let reopening = exceptions.filter { $0.covers(period: period, ancestry: ancestry, on: today) }.max { ($0.until, $0.id) < ($1.until, $1.id) }
        if let reopening { return .reopened(exceptionID: reopening.id, closure: closure) }
        return .closed(closure)
    }

    /// Why `period` takes no values for a cell on `today`, the earliest reason first; nil when
    /// it is open.
    /// - Parameter ancestry: the cell's territory first, then its parent, and so on up.
    public func closure(
        of period: Period, section: Section.ID, programme: Programme.ID, ancestry: [Territory.ID], today: Day
    ) -> EntryClosure? {
        var reasons: [EntryClosure] = []
        let calendar = calendars[programme] ?? .standard
        if !calendar.isOpen(period, on: today) { reasons.append(.calendar(since: calendar.closesOn(period), closesDays: calendar.closesDays)) }
        for scope in heard where scope.covers(period: period, section: section, programme: programme, ancestry: ancestry) {
            reasons.append(.heard(scope))
        }
        return reasons.min { $0.since < $1.since }
    }
}

/// The level of a roadmap: the republic's, a region's, a city's or a district's.
public enum ProgrammeLevel: String, Sendable, Codable, CaseIterable {
    case republic
    case region
    case city
    case district
}

/// An election programme turned into a roadmap for one territory over one term.
public struct Programme: Sendable, Hashable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let code: String
    public let level: ProgrammeLevel
    public let territoryID: Territory.ID
    public let name: LocalizedText
    public let termStart: Day
    public let termEnd: Day
    /// A draft's targets are overwritten by each import; an approved programme's change through revisions.
    public let status: ProgrammeStatus
    /// When its values are due and when its periods close for entry.
    public let calendar: ReportingCalendar

    public init(
        id: ID, code: String, level: ProgrammeLevel, territoryID: Territory.ID, name: LocalizedText, termStart: Day, termEnd: Day,
        status: ProgrammeStatus = .approved, calendar: ReportingCalendar = .standard
    ) {
        self.id = id
        self.code = code
        self.level = level
        self.territoryID = territoryID
        self.name = name
        self.termStart = termStart
        self.termEnd = termEnd
        self.status = status
        self.calendar = calendar
    }

    /// Whether a period lies wholly inside the term: targets and values outside it are refused.
    public func covers(_ period: Period) -> Bool {
        period.start >= termStart && period.end <= termEnd
    }

    /// How long after the term a run may still judge it: the last periods' values come in late.
    public static let evaluationDaysAfterTerm = 366

    /// Why a run as of `day` would be a mistake, or nil: before the term nothing is due, so such
    /// a run would resolve every open flag (and the next run reopen them); long after it, nothing
    /// can change any more.
    public func problem(evaluatingAsOf day: Day) -> String? {
        let last = termEnd.adding(days: Self.evaluationDaysAfterTerm)
        guard day >= termStart, day <= last else {
            return "must lie within the programme's term \(termStart.iso) – \(termEnd.iso) (or up to \(last.iso), a year after it), not \(day.iso)"
        }
        return nil
    }
}

/// A section of a roadmap (раздел / бөлім); sections nest.
public struct Section: Sendable, Hashable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let programmeID: Programme.ID
    public let parentID: ID?
    public let code: String
    public let name: LocalizedText
    /// Socially sensitive sections are each owned by a member of the Bureau.
    public let sociallySensitive: Bool
    public let position: Int

    public init(id: ID, programmeID: Programme.ID, parentID: ID?, code: String, name: LocalizedText, sociallySensitive: Bool, position: Int) {
        self.id = id
        self.programmeID = programmeID
        self.parentID = parentID
        self.code = code
        self.name = name
        self.sociallySensitive = sociallySensitive
        self.position = position
    }
}

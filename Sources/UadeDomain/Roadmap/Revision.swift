import Foundation

/// Whether a programme's targets may still be overwritten (a draft) or change only through
/// revisions (approved).
public enum ProgrammeStatus: String, Sendable, CaseIterable {
    case draft
    case approved
}

/// Where a revision of an approved target stands.
public enum RevisionStatus: String, Sendable, CaseIterable {
    /// Eases a target after its period began: waits for a second person.
    case pending
    /// The target from its day on.
    case inForce = "in_force"
    /// Refused by the second person, with a reason.
    case refused
    /// Replaced by a newer revision of the same target before anyone decided.
    case withdrawn
}

/// The rules a change of an approved target follows. Pure.
public enum RevisionRules {
    /// Whether moving a target from `old` to `new` makes it easier to meet.
    public static func eases(_ direction: Direction, from old: Double, to new: Double) -> Bool {
        switch direction {
        case .higherIsBetter: new < old
        case .lowerIsBetter: new > old
        }
    }

    /// A revision that eases a target once its period has begun waits for a second person's
    /// approval; any other is in force at once.
    public static func status(direction: Direction, from old: Double, to new: Double, period: Period, proposedOn day: Day) -> RevisionStatus {
        eases(direction, from: old, to: new) && day >= period.start ? .pending : .inForce
    }

    /// Why `decider` may not decide a revision proposed by `proposer`: the approval is a second
    /// person's. Nil when they differ.
    public static func problem(decidedBy decider: Int64, proposedBy proposer: Int64?) -> String? {
        decider == proposer ? "a revision is approved or refused by someone other than the person who proposed it" : nil
    }

    /// What a reason must be: written out, within the length of a text field.
    public static func problem(reason: String) -> String? {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "a revision needs a reason" }
        if trimmed.count > TextLimits.note { return "at most \(TextLimits.note) characters" }
        return nil
    }
}

/// A revision of one target, as its lists and reports show it.
public struct TargetRevision: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let programmeCode: String
    public let sectionID: Section.ID
    public let indicatorID: Indicator.ID
    public let indicatorCode: String
    public let indicatorName: LocalizedText
    public let territoryID: Territory.ID
    public let territoryName: LocalizedText
    public let period: Period
    public let oldValue: Double
    public let newValue: Double
    public let reason: String
    public let appliesFrom: Day
    public let eases: Bool
    public let status: RevisionStatus
    public let proposedBy: String?
    public let proposedByAccount: Int64?
    public let proposedAt: Date
    public let decidedBy: String?
    public let decidedAt: Date?
    public let refusalReason: String?
    /// It eased the target once its period had begun: the ones the evaluator flags when in force.
    public let easedAfterStart: Bool

    public init(
        id: Int64, programmeCode: String, sectionID: Section.ID, indicatorID: Indicator.ID, indicatorCode: String,
        indicatorName: LocalizedText, territoryID: Territory.ID, territoryName: LocalizedText, period: Period, oldValue: Double,
        newValue: Double, reason: String, appliesFrom: Day, eases: Bool, status: RevisionStatus, proposedBy: String?,
        proposedByAccount: Int64?, proposedAt: Date, decidedBy: String?, decidedAt: Date?, refusalReason: String?, easedAfterStart: Bool = false
    ) {
        self.id = id
        self.programmeCode = programmeCode
        self.sectionID = sectionID
        self.indicatorID = indicatorID
        self.indicatorCode = indicatorCode
        self.indicatorName = indicatorName
        self.territoryID = territoryID
        self.territoryName = territoryName
        self.period = period
        self.oldValue = oldValue
        self.newValue = newValue
        self.reason = reason
        self.appliesFrom = appliesFrom
        self.eases = eases
        self.status = status
        self.proposedBy = proposedBy
        self.proposedByAccount = proposedByAccount
        self.proposedAt = proposedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.refusalReason = refusalReason
        self.easedAfterStart = easedAfterStart
    }
}

/// What a single edit of an approved programme changes besides a target.
public enum ItemChange: Sendable, Equatable {
    case names(old: LocalizedText, new: LocalizedText)
    case deadline(old: Day, new: Day)

    public var kind: ItemRevisionKind {
        switch self {
        case .names: .indicatorNames
        case .deadline: .measureDeadline
        }
    }
}

public enum ItemRevisionKind: String, Sendable, CaseIterable {
    case indicatorNames = "indicator_names"
    case measureDeadline = "measure_deadline"
}

/// The rules a change of an indicator's names or a measure's deadline follows. Pure.
public enum ItemRevisionRules {
    /// Postponing a deadline eases the promise; bringing it forward or renaming does not.
    public static func eases(_ change: ItemChange) -> Bool {
        switch change {
        case .names: false
        case .deadline(let old, let new): new > old
        }
    }

    /// In an approved programme a postponed deadline waits for a second person (the measure's
    /// period, the programme's term, has begun once it is approved); any other change is in
    /// force at once.
    public static func status(_ change: ItemChange) -> RevisionStatus {
        eases(change) ? .pending : .inForce
    }

    /// What is wrong with new names: Kazakh and Russian are required, every name is one line of
    /// at most ``TextLimits/title`` characters.
    public static func problems(names: LocalizedText) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        for (field, value, required) in [("name_kk", names.kk, true), ("name_ru", names.ru, true), ("name_en", names.en, false)] {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty {
                if required { problems.append(FieldProblem(field: field, reason: "required")) }
            } else if trimmed.count > TextLimits.title {
                problems.append(FieldProblem(field: field, reason: "at most \(TextLimits.title) characters"))
            } else if trimmed.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 32 } ?? false) }) {
                problems.append(FieldProblem(field: field, reason: "must be one line of text"))
            }
        }
        return problems
    }

    /// A deadline within the programme's term (a measure may be moved to its last day, not after).
    public static func problem(deadline: Day, termStart: Day, termEnd: Day) -> String? {
        deadline < termStart || deadline > termEnd ? "must lie within the programme's term \(termStart.iso) – \(termEnd.iso)" : nil
    }
}

/// A revision of an indicator's names or a measure's deadline, as lists show it.
public struct ItemRevision: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let programmeCode: String
    public let sectionID: Section.ID
    /// The indicator's or the measure's code.
    public let subjectCode: String
    /// The measure's territory; nil for an indicator.
    public let territoryID: Territory.ID?
    public let change: ItemChange
    public let reason: String
    public let status: RevisionStatus
    public let proposedBy: String?
    public let proposedByAccount: Int64?
    public let proposedAt: Date
    public let decidedBy: String?
    public let decidedAt: Date?
    public let refusalReason: String?

    public init(
        id: Int64, programmeCode: String, sectionID: Section.ID, subjectCode: String, territoryID: Territory.ID?, change: ItemChange,
        reason: String, status: RevisionStatus, proposedBy: String?, proposedByAccount: Int64?, proposedAt: Date, decidedBy: String?,
        decidedAt: Date?, refusalReason: String?
    ) {
        self.id = id
        self.programmeCode = programmeCode
        self.sectionID = sectionID
        self.subjectCode = subjectCode
        self.territoryID = territoryID
        self.change = change
        self.reason = reason
        self.status = status
        self.proposedBy = proposedBy
        self.proposedByAccount = proposedByAccount
        self.proposedAt = proposedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.refusalReason = refusalReason
    }
}

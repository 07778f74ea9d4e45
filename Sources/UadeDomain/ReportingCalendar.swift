/// When a programme's values for a period are due, and when the period closes for entry.
///
/// A period's values are due `dueDays` after the period ends; the period closes for entry
/// `closesDays` after that deadline (entry is refused from that day on). The defaults are the
/// party's: 15 and 30 days. A value entered after its deadline is accepted and counts as late.
public struct ReportingCalendar: Sendable, Hashable {
    public static let defaultDueDays = 15
    public static let defaultClosesDays = 30
    /// Neither may be more than a year: a period that stays open for longer is never closed. A
    /// period closes at least a day after its deadline, so that the deadline itself is open.
    public static let allowedDueDays = 0...366
    public static let allowedClosesDays = 1...366

    public let dueDays: Int
    public let closesDays: Int

    public static let standard = ReportingCalendar(uncheckedDueDays: defaultDueDays, closesDays: defaultClosesDays)

    /// Nil when a count of days is outside ``allowedDueDays`` or ``allowedClosesDays``.
    public init?(dueDays: Int, closesDays: Int) {
        guard Self.allowedDueDays.contains(dueDays), Self.allowedClosesDays.contains(closesDays) else { return nil }
        self.init(uncheckedDueDays: dueDays, closesDays: closesDays)
    }

    private init(uncheckedDueDays dueDays: Int, closesDays: Int) {
        self.dueDays = dueDays
        self.closesDays = closesDays
    }

    /// The last day on which a value for `period` is on time.
    public func deadline(of period: Period) -> Day { period.end.adding(days: dueDays) }

    /// The first day on which `period` is closed for entry.
    public func closesOn(_ period: Period) -> Day { deadline(of: period).adding(days: closesDays) }

    /// Whether a value for `period` entered on `day` is late.
    public func isLate(enteredOn day: Day, for period: Period) -> Bool { day > deadline(of: period) }

    /// Where `period` stands on `today`.
    public enum Standing: Sendable, Hashable {
        /// The period has not ended: values may be entered, none is due yet.
        case running(due: Day)
        /// Ended, and its values are due on `due` (today included).
        case due(on: Day, inDays: Int)
        /// Past its deadline by `days`, still open until `closes`.
        case overdue(days: Int, closes: Day)
        /// Closed for entry since `since`.
        case closed(since: Day)

        /// The standing without its days, as the API names it.
        public enum Kind: String, Sendable, CaseIterable {
            case running, due, overdue, closed
        }

        public var kind: Kind {
            switch self {
            case .running: .running
            case .due: .due
            case .overdue: .overdue
            case .closed: .closed
            }
        }
    }

    public func standing(of period: Period, on today: Day) -> Standing {
        let deadline = deadline(of: period)
        let closes = closesOn(period)
        if today >= closes { return .closed(since: closes) }
        if today > deadline { return .overdue(days: deadline.days(until: today), closes: closes) }
        if today > period.end { return .due(on: deadline, inDays: today.days(until: deadline)) }
        return .running(due: deadline)
    }

    /// Whether a value for `period` may be entered on `today`.
    public func isOpen(_ period: Period, on today: Day) -> Bool { today < closesOn(period) }
}

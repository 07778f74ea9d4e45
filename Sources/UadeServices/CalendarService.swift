import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A change to a programme's reporting calendar; a day count left out stays as it is.
public struct CalendarChange: Sendable, Hashable {
    public var valuesDueDays: Int?
    public var entryClosesDays: Int?

    public init(valuesDueDays: Int?, entryClosesDays: Int?) {
        self.valuesDueDays = valuesDueDays
        self.entryClosesDays = entryClosesDays
    }
}

/// The reporting calendar of each programme: when values are due and when periods close for
/// entry. Set by administrators and the programme office of the programme's territory.
public struct CalendarService: Sendable {
    let programmes: ProgrammeRepository
    let progress: ProgressRepository
    let roadmaps: RoadmapService
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = Day.todayInKazakhstan) {
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.progress = ProgressRepository(client: client, logger: logger)
        self.roadmaps = RoadmapService(client: client, logger: logger, policies: policies, today: today)
        self.policies = policies
    }

    /// How punctually each coordinator reported for each territory: administrators see every
    /// territory, a coordinator the territories they report for.
    /// - Throws: ``ServiceFailure`` `.forbidden` for a caller who is neither, or for a territory
    ///   outside a coordinator's.
    public func timeliness(territory: Territory.ID?, periods: [Period]?, by caller: Caller) async throws -> [Timeliness] {
        let policy = try await policies.policy()
        var scope = policy.visibleTerritories(caller, roles: [.coordinator])
        if scope?.isEmpty == true { throw ServiceFailure.forbidden("timeliness is for administrators and coordinators") }
        if let territory {
            let below = policy.tree.subtree(of: territory)
            if let visible = scope, !visible.contains(territory) {
                throw ServiceFailure.forbidden("outside the territories this account reports for")
            }
            scope = below
        }
        return try await progress.timeliness(territories: scope.map { Array($0) }, periods: periods)
    }

    /// Where each period stands today under the programmes' calendars: one line per distinct
    /// standing, so that programmes sharing a calendar say it once.
    public func standings(of periods: [Period], on today: Day) async throws -> [(period: Period, standing: ReportingCalendar.Standing)] {
        let calendars = Set(try await programmes.programmes().map(\.calendar))
        return periods.flatMap { period in
            Set(calendars.map { $0.standing(of: period, on: today) }).sorted { "\($0)" < "\($1)" }.map { (period, $0) }
        }
    }

    /// - Throws: ``ServiceFailure`` `.notFound`.
    public func programme(_ code: String) async throws -> Programme {
        guard let programme = try await programmes.programme(code: code) else { throw ServiceFailure.notFound("no programme \(code)") }
        return programme
    }

    /// Sets the calendar, audited; writes already made keep their time, and their lateness is
    /// read against the calendar in force when it is read.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.invalid` naming
    ///   `values_due_days` or `entry_closes_days` outside their bounds.
    public func setCalendar(programme code: String, _ change: CalendarChange, by requester: Requester, requestID: String?) async throws
        -> Programme
    {
        let programme = try await roadmaps.requireManaging(code, by: requester)
        let due = change.valuesDueDays ?? programme.calendar.dueDays
        let closes = change.entryClosesDays ?? programme.calendar.closesDays
        var problems: [FieldProblem] = []
        if !ReportingCalendar.allowedDueDays.contains(due) {
            problems.append(Self.outOfBounds("values_due_days", ReportingCalendar.allowedDueDays))
        }
        if !ReportingCalendar.allowedClosesDays.contains(closes) {
            problems.append(Self.outOfBounds("entry_closes_days", ReportingCalendar.allowedClosesDays))
        }
        try ServiceFailure.throwIfAny(problems)
        guard let calendar = ReportingCalendar(dueDays: due, closesDays: closes) else {
            throw ServiceFailure.invalid("values_due_days", "out of bounds")
        }
        try await programmes.setCalendar(programmeID: programme.id, calendar, by: requester.accountID, requestID: requestID)
        return try await self.programme(code)
    }

    static func outOfBounds(_ field: String, _ bounds: ClosedRange<Int>) -> FieldProblem {
        FieldProblem(
            field: field, reason: "must be a whole number of days from \(bounds.lowerBound) to \(bounds.upperBound)",
            words: LocalizedText(
                kk: "\(bounds.lowerBound)-ден \(bounds.upperBound)-ге дейінгі күн саны болуы керек",
                ru: "нужно целое число дней от \(bounds.lowerBound) до \(bounds.upperBound)",
                en: "must be a whole number of days from \(bounds.lowerBound) to \(bounds.upperBound)"))
    }
}

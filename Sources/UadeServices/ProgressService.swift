import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What a coordinator has due, as the API (`GET /api/v1/due`), the due page and the home page
/// ask for it: who may see which territories is decided here.
public struct DueQuery: Sendable {
    /// A territory: it and everything below it; nil for all the caller's.
    public var territory: Territory.ID?
    public var sectionCode: String?
    public var indicatorCode: String?
    public var periods: [Period]
    public var status: DueStatus?

    public init(territory: Territory.ID? = nil, sectionCode: String? = nil, indicatorCode: String? = nil, periods: [Period], status: DueStatus? = nil)
    {
        self.territory = territory
        self.sectionCode = sectionCode
        self.indicatorCode = indicatorCode
        self.periods = periods
        self.status = status
    }
}

/// A value a coordinator reports for an indicator, territory and period.
public struct ProgressReport: Sendable, Hashable {
    public var indicator: String?
    /// KATO code or id.
    public var territory: String?
    /// `2025`, `2025-Q3`.
    public var period: String?
    public var value: Double?
    public var comment: String?
    public var evidence: String?

    public init(indicator: String?, territory: String?, period: String?, value: Double?, comment: String? = nil, evidence: String? = nil) {
        self.indicator = indicator
        self.territory = territory
        self.period = period
        self.value = value
        self.comment = comment
        self.evidence = evidence
    }
}

/// A new value replacing the current entry, with the reason why.
public struct ProgressCorrection: Sendable, Hashable {
    public var value: Double?
    public var reason: String?
    public var comment: String?
    public var evidence: String?

    public init(value: Double?, reason: String?, comment: String? = nil, evidence: String? = nil) {
        self.value = value
        self.reason = reason
        self.comment = comment
        self.evidence = evidence
    }
}

/// An entry as written, or as written the first time when the same write came again with its key.
public struct RecordedEntry: Sendable {
    public let entry: ProgressEntry
    public let replayed: Bool
}

/// The indicator, territory and period of a value, each found.
public struct ProgressCell: Sendable {
    public let context: IndicatorContext
    public let territory: Territory
    public let period: Period

    public var resource: Resource {
        Resource(territoryID: territory.id, sectionID: context.sectionID, indicatorID: context.indicator.id)
    }
}

/// Reporting and correcting values, and what is due: for the API, the entry page and the home page.
public struct ProgressService: Sendable {
    let progress: ProgressRepository
    let programmes: ProgrammeRepository
    let indicators: IndicatorDirectory
    let hearings: HearingRepository
    let policies: any PolicySource
    let today: @Sendable () -> Day

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, catalogueLifetime: Duration = .seconds(30),
        today: @escaping @Sendable () -> Day = Day.todayInKazakhstan
    ) {
        self.progress = ProgressRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.indicators = IndicatorDirectory(progress: progress, lifetime: catalogueLifetime)
        self.hearings = HearingRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
    }

    // MARK: Reading

    /// One entry, for a caller who may read its cell.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`.
    public func entry(_ id: Int64, by caller: Caller) async throws -> ProgressEntry {
        guard let entry = try await progress.entry(id: id), let context = try await indicators.context(code: entry.indicatorCode) else {
            throw ServiceFailure.notFound("no progress entry \(id)")
        }
        try await require(
            .readProgress, Resource(territoryID: entry.territoryId, sectionID: context.sectionID, indicatorID: context.indicator.id), by: caller)
        return entry
    }

    /// Every entry of a cell, oldest first.
    /// - Throws: ``ServiceFailure`` `.invalid` naming the codes not found, `.forbidden`.
    public func history(indicator: String?, territory: String?, period: String?, by caller: Caller) async throws -> (
        cell: ProgressCell, entries: [ProgressEntry]
    ) {
        var problems: [FieldProblem] = []
        for (field, value) in [("indicator", indicator), ("territory", territory), ("period", period)] where value == nil {
            problems.append(FieldProblem(field: field, reason: "is required"))
        }
        let cell = try await cell(indicator: indicator, territory: territory, period: period, problems: &problems)
        try ServiceFailure.throwIfAny(problems)
        guard let cell else { throw ServiceFailure.invalid("indicator", "is required") }
        try await require(.readProgress, cell.resource, by: caller)
        return (cell, try await progress.history(indicatorID: cell.context.indicator.id, territoryID: cell.territory.id, period: cell.period))
    }

    func require(_ action: Action, _ resource: Resource, by caller: Caller) async throws {
        if case .deny(let reason) = try await policies.policy().decide(caller, action, resource) { throw ServiceFailure.forbidden(reason) }
    }

    // MARK: Writing

    /// Whether the caller reports anywhere: asked before a body or form is read.
    /// - Throws: ``ServiceFailure`` `.forbidden`.
    public func requireReporting(by caller: Caller) async throws {
        if case .deny(let reason) = try await policies.policy().decide(caller, .writeProgress) { throw ServiceFailure.forbidden(reason) }
    }

    /// The cell named by codes, each checked; nil (with `problems`) when one is not found.
    public func cell(indicator code: String?, territory reference: String?, period text: String?, problems: inout [FieldProblem]) async throws
        -> ProgressCell?
    {
        let tree = try await policies.policy().tree
        var context: IndicatorContext?
        if let code {
            context = try await indicators.context(code: code)
            if context == nil { problems.append(FieldProblem(field: "indicator", reason: "no indicator with code '\(code)'")) }
        }
        var territory: Territory?
        if let reference {
            territory = tree.find(reference)
            if territory == nil { problems.append(FieldProblem(field: "territory", reason: "no territory with KATO code or id '\(reference)'")) }
        }
        var period: Period?
        if let text {
            period = Period(code: text)
            if period == nil { problems.append(FieldProblem(field: "period", reason: "must be a year (2024) or a quarter (2024-Q3), not '\(text)'")) }
        }
        guard let context, let territory, let period else { return nil }
        return ProgressCell(context: context, territory: territory, period: period)
    }

    /// Records a first value for a cell.
    /// - Parameters:
    ///   - unreadable: what the presentation could not read, named as the report's fields.
    ///   - key: the client's idempotency key: a retry of the same report gets the same entry.
    /// - Throws: ``ServiceFailure``: `.forbidden` for a cell outside the caller's territories
    ///   (whatever else is wrong), `.invalid` naming every field, `.conflict` (`value-exists`,
    ///   `idempotency-key-reused`).
    public func report(
        _ report: ProgressReport, by caller: Caller, key: String?, requestID: String?,
        unreadable: [FieldProblem] = []
    ) async throws -> RecordedEntry {
        try await requireReporting(by: caller)
        var problems = unreadable
        func required<T>(_ value: T?, _ field: String) -> T? {
            if value == nil, !problems.contains(where: { $0.field == field }) { problems.append(FieldProblem(field: field, reason: "is required")) }
            return value
        }
        let indicator = required(report.indicator, "indicator")
        let territory = required(report.territory, "territory")
        let period = required(report.period, "period")
        let value = required(report.value, "value")
        let cell = try await cell(indicator: indicator, territory: territory, period: period, problems: &problems)
        if let cell { try await requireWriting(cell.resource, by: caller) }
        try ServiceFailure.throwIfAny(problems)
        guard let cell, let value else { throw ServiceFailure.invalid("value", "is required") }
        if let problem = ProgressRules.check(
            period: cell.period, indicator: cell.context.indicator, programme: cell.context.programme, field: "period")
        {
            problems.append(problem)
        }
        if let problem = ProgressRules.check(value: value, unit: cell.context.unit, field: "value") { problems.append(problem) }
        try ServiceFailure.throwIfAny(problems)
        let exception = try await requireOpen(cell.period, of: cell.context, in: cell.territory.id)
        let entry = NewProgressEntry(
            indicatorID: cell.context.indicator.id, territoryID: cell.territory.id, period: cell.period, value: value,
            comment: report.comment, evidence: report.evidence, exceptionID: exception)
        let labels = ProgressEntryLabels(
            indicatorCode: cell.context.indicator.code, territoryKato: cell.territory.kato?.value, enteredBy: caller.username,
            deadline: cell.context.programme.calendar.deadline(of: cell.period))
        return try await record(
            entry, by: caller, labels: labels, key: key.map { IdempotencyKey(key: $0, requestHash: Self.hash(report)) },
            requestID: requestID)
    }

    /// The entry with what its cell needs, once the caller may correct it.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`.
    public func correctable(_ entryID: Int64, by caller: Caller) async throws -> (entry: ProgressEntry, context: IndicatorContext) {
        guard let existing = try await progress.entry(id: entryID), let context = try await indicators.context(code: existing.indicatorCode) else {
            throw ServiceFailure.notFound("no progress entry \(entryID)")
        }
        try await requireWriting(
            Resource(territoryID: existing.territoryId, sectionID: context.sectionID, indicatorID: context.indicator.id), by: caller)
        return (existing, context)
    }

    /// Replaces the current entry of a cell with a corrected value.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.invalid` naming every field,
    ///   `.conflict` (`not-current`, `idempotency-key-reused`).
    public func correct(
        _ entryID: Int64, _ correction: ProgressCorrection, by caller: Caller, key: String?, requestID: String?,
        unreadable: [FieldProblem] = []
    ) async throws -> RecordedEntry {
        let (existing, context) = try await correctable(entryID, by: caller)
        var problems = unreadable
        for (field, missing) in [("value", correction.value == nil), ("reason", correction.reason == nil)]
        where missing && !problems.contains(where: { $0.field == field }) {
            problems.append(FieldProblem(field: field, reason: "is required"))
        }
        if let value = correction.value, let problem = ProgressRules.check(value: value, unit: context.unit, field: "value") {
            problems.append(problem)
        }
        try ServiceFailure.throwIfAny(problems)
        guard let value = correction.value, let period = Period(code: existing.period) else {
            throw ServiceFailure.notFound("no progress entry \(entryID)")
        }
        let exception = try await requireOpen(period, of: context, in: existing.territoryId)
        let entry = NewProgressEntry(
            indicatorID: context.indicator.id, territoryID: existing.territoryId, period: period, value: value,
            comment: correction.comment, evidence: correction.evidence, supersedes: entryID, correctionReason: correction.reason,
            exceptionID: exception)
        let labels = ProgressEntryLabels(
            indicatorCode: existing.indicatorCode, territoryKato: existing.territoryKato, enteredBy: caller.username,
            deadline: context.programme.calendar.deadline(of: period))
        return try await record(
            entry, by: caller, labels: labels,
            key: key.map { IdempotencyKey(key: $0, requestHash: Self.hash(correction, of: entryID)) }, requestID: requestID)
    }

    /// Refuses a write to a period closed by the programme's calendar or by a held hearing,
    /// unless a granted exception reopened it.
    /// - Returns: the exception the write is made under, if any.
    /// - Throws: ``ServiceFailure`` `.conflict` (`period-closed`) saying why and since when.
    func requireOpen(_ period: Period, of context: IndicatorContext, in territory: Territory.ID) async throws -> Int64? {
        let ancestry = try await policies.policy().tree.ancestry(of: territory)
        let today = today()
        let locks = try await hearings.entryLocks(territories: ancestry, on: today)
        switch locks.decision(of: period, section: context.sectionID, programme: context.programme.id, ancestry: ancestry, today: today) {
        case .open: return nil
        case .reopened(let exceptionID, _): return exceptionID
        case .closed(let closure):
            let problem = closure.problem(for: period)
            throw ServiceFailure(.conflict, code: .periodClosed, detail: problem.reason, problems: [problem])
        }
    }

    func requireWriting(_ resource: Resource, by caller: Caller) async throws {
        try await require(.writeProgress, resource, by: caller)
    }

    func record(_ entry: NewProgressEntry, by caller: Caller, labels: ProgressEntryLabels, key: IdempotencyKey?, requestID: String?) async throws
        -> RecordedEntry
    {
        if let key, !IdempotencyKey.lengths.contains(key.key.count) {
            throw ServiceFailure.invalid("Idempotency-Key", "must be 1 to 200 characters")
        }
        do {
            let (recorded, replayed) = try await progress.record(entry, by: caller.accountID, labels: labels, requestID: requestID, once: key)
            return RecordedEntry(entry: recorded, replayed: replayed)
        } catch ProgressWriteError.noTarget {
            throw ServiceFailure(
                .invalid, code: .noTarget, detail: "this indicator has no target in this territory for this period",
                problems: [FieldProblem(field: "territory", reason: "no target for this indicator, territory and period")])
        } catch ProgressWriteError.retired(let day) {
            throw ServiceFailure(
                .invalid, code: .indicatorRetired, detail: "this indicator was retired on \(day.iso) and takes no more values",
                problems: [FieldProblem(field: "indicator_code", reason: "retired on \(day.iso)")])
        } catch ProgressWriteError.valueExists(let current) {
            throw ServiceFailure(
                .conflict, code: .valueExists,
                detail: "a value is already recorded (entry \(current)); correct it with POST /api/v1/progress/\(current)/corrections")
        } catch ProgressWriteError.notCurrent(let current) {
            throw ServiceFailure(
                .conflict, code: .notCurrent, detail: "only the current entry can be corrected\(current.map { " (now entry \($0))" } ?? "")")
        } catch let conflict as IdempotencyConflict {
            throw ServiceFailure.idempotency(conflict)
        }
    }

    static func hash(_ report: ProgressReport) -> String {
        IdempotencyKey.hash(
            "progress",
            [
                "indicator": report.indicator, "territory": report.territory, "period": report.period, "value": report.value.map { String($0) },
                "comment": report.comment, "evidence": report.evidence,
            ])
    }

    static func hash(_ correction: ProgressCorrection, of entryID: Int64) -> String {
        IdempotencyKey.hash(
            "correction",
            [
                "entry": String(entryID), "value": correction.value.map { String($0) }, "reason": correction.reason, "comment": correction.comment,
                "evidence": correction.evidence,
            ])
    }

    /// Every unit's name by its code, for what people read instead of codes.
    public func unitNames() async throws -> [String: LocalizedText] {
        Dictionary(try await programmes.units().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The page of due items and the list's total.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `section` or `indicator` when no such
    ///   exists; `.forbidden` for a territory outside the caller's, or a caller who
    ///   reports for none.
    public func due(_ query: DueQuery, by caller: Caller, language: Language, page: PageRequest) async throws -> (items: [DueItem], total: Int) {
        let policy = try await policies.policy()
        var territories = policy.visibleTerritories(caller, roles: [.coordinator])
        if let territory = query.territory {
            if case .deny(let reason) = policy.decide(caller, .writeProgress, Resource(territoryID: territory)) {
                throw ServiceFailure.forbidden(reason)
            }
            territories = policy.tree.subtree(of: territory)
        } else if territories?.isEmpty == true {
            throw ServiceFailure.forbidden("only coordinators have values due; owners see theirs at /api/v1/owned")
        }
        try await requireKnown(section: query.sectionCode, indicator: query.indicatorCode)
        var filter = DueFilter(
            territories: territories.map { Array($0) }, sectionCode: query.sectionCode, indicatorCode: query.indicatorCode,
            periods: query.periods, status: query.status)
        filter.today = today()
        return try await progress.due(filter, language: language, page: page)
    }

    /// How many values the caller still owes for these periods, over every territory they report
    /// for: the number the home page leads with, without listing the items.
    /// - Throws: ``ServiceFailure``: `.forbidden` for a caller who reports for none.
    public func missingCount(periods: [Period], by caller: Caller) async throws -> Int {
        let territories = try await policies.policy().visibleTerritories(caller, roles: [.coordinator])
        if territories?.isEmpty == true { throw ServiceFailure.forbidden("only coordinators have values due") }
        return try await progress.missingCount(territories: territories.map { Array($0) }, periods: periods)
    }

    /// A section or indicator code that does not exist is named, not answered with nothing.
    public func requireKnown(section: String?, indicator: String?) async throws {
        var problems: [FieldProblem] = []
        if let section, try await !programmes.exists(sectionCode: section) {
            problems.append(FieldProblem(field: "section", reason: "no section with code '\(section)'"))
        }
        if let indicator, try await !programmes.exists(indicatorCode: indicator) {
            problems.append(FieldProblem(field: "indicator", reason: "no indicator with code '\(indicator)'"))
        }
        guard problems.isEmpty else {
            throw ServiceFailure(
                .invalid, code: .unknownCode, detail: problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), problems: problems)
        }
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A change of one target as the API, a form or the command line read it.
public struct TargetEdit: Sendable, Hashable {
    public var indicatorCode: String
    /// A KATO code or a territory id.
    public var territory: String
    /// `2025-Q4` or `2025`.
    public var period: String
    public var value: Double?
    public var reason: String?
    /// The day the new value applies from (default: today).
    public var appliesFrom: String?

    public init(indicatorCode: String, territory: String, period: String, value: Double?, reason: String?, appliesFrom: String? = nil) {
        self.indicatorCode = indicatorCode
        self.territory = territory
        self.period = period
        self.value = value
        self.reason = reason
        self.appliesFrom = appliesFrom
    }
}

/// What a change of one target did.
public enum TargetEditOutcome: Sendable, Equatable {
    /// A draft's target, overwritten.
    case overwritten(old: Double, new: Double)
    /// The value is the plan already.
    case unchanged
    /// The value is the one in force: the pending revision was withdrawn.
    case withdrawn(Int64)
    /// A revision, in force or waiting for a second person.
    case revised(TargetRevision)
}

/// Approved plans change through revisions: one target at a time or by an import; a revision
/// that eases a target after its period began waits for a second person (an administrator, or
/// the Bureau member owning the section), who approves or refuses it.
public struct RevisionService: Sendable {
    let revisions: RevisionRepository
    let items: ItemRevisionRepository
    let programmes: ProgrammeRepository
    let roadmaps: RoadmapService
    let policies: any PolicySource
    let today: @Sendable () -> Day

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = { Day.todayInKazakhstan() }
    ) {
        self.revisions = RevisionRepository(client: client, logger: logger)
        self.items = ItemRevisionRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.roadmaps = RoadmapService(client: client, logger: logger, policies: policies, today: today)
        self.policies = policies
        self.today = today
    }

    /// Revisions the caller may see, newest first: administrators every one; the programme
    /// office those of its territories' programmes; a Bureau member those of the sections owned;
    /// territorial roles those of the territories they read.
    public func list(status: RevisionStatus?, programmeCode: String?, by caller: Caller) async throws -> [TargetRevision] {
        var programmeID: Programme.ID?
        if let programmeCode {
            guard let programme = try await programmes.programme(code: programmeCode) else {
                throw ServiceFailure.invalid("programme", "no programme \(programmeCode)", code: .unknownProgramme)
            }
            programmeID = programme.id
        }
        let policy = try await policies.policy()
        // Narrowed in SQL to the territories the caller's territorial roles cover (or, for a
        // Bureau member alone, the sections owned), then decided row by row.
        var filter = RevisionRepository.Filter(status: status, programmeID: programmeID)
        if !caller.isAdministrator {
            let territorial = caller.grants.filter { $0.role != .bureauMember && $0.role != .administrator }.compactMap(\.territoryID)
            if !territorial.isEmpty {
                filter.territories = Array(Set(territorial.flatMap { policy.tree.subtree(of: $0) })).sorted()
            } else if caller.holds(.bureauMember) {
                filter.sections = Array(caller.ownedSections).sorted()
            } else {
                return []
            }
        }
        let all = try await revisions.list(filter, limit: 2_000)
        guard !caller.isAdministrator else { return all }
        let territories = Dictionary(try await programmes.programmes().map { ($0.code, $0.territoryID) }, uniquingKeysWith: { a, _ in a })
        return all.filter { revision in
            policy.decide(caller, .manageRoadmap, Resource(territoryID: territories[revision.programmeCode])).isAllowed
                || policy.decide(caller, .decideRevision, Resource(territoryID: revision.territoryID, sectionID: revision.sectionID)).isAllowed
                || policy.decide(
                    caller, .readProgress,
                    Resource(territoryID: revision.territoryID, sectionID: revision.sectionID, indicatorID: revision.indicatorID)
                ).isAllowed
        }
    }

    /// The programme of the indicator, when the requester may change its targets: asked before
    /// the input is read.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `indicator_code`, `.forbidden`.
    @discardableResult
    public func requireEditing(_ indicatorCode: String, by requester: Requester) async throws -> (Indicator, Programme) {
        guard let (indicator, _, programmeID) = try await programmes.indicator(code: indicatorCode) else {
            throw ServiceFailure.invalid("indicator_code", "no indicator \(indicatorCode)", code: .unknownIndicator)
        }
        guard let programme = try await programmes.programmes().first(where: { $0.id == programmeID }) else {
            throw ServiceFailure.notFound("no programme for indicator \(indicatorCode)")
        }
        return (indicator, try await roadmaps.requireManaging(programme.code, by: requester))
    }

    /// The pending revision, when the caller may decide it: asked before the input is read.
    /// - Throws: ``ServiceFailure``: `.notFound`; `.forbidden`; `.forbidden` `same-person`.
    @discardableResult
    public func requireDeciding(_ id: Int64, by caller: Caller) async throws -> TargetRevision {
        guard let revision = try await revisions.revision(id: id) else { throw ServiceFailure.notFound("no revision \(id)") }
        try await requireSecondPerson(
            caller, territoryID: revision.territoryID, sectionID: revision.sectionID, proposedBy: revision.proposedByAccount)
        return revision
    }

    /// A revision is decided by whom the policy lets decide it there, and never by its proposer.
    /// - Throws: ``ServiceFailure``: `.forbidden`; `.forbidden` `same-person`.
    func requireSecondPerson(_ caller: Caller, territoryID: Territory.ID?, sectionID: Section.ID?, proposedBy: Int64?) async throws {
        let policy = try await policies.policy()
        if case .deny(let why) = policy.decide(caller, .decideRevision, Resource(territoryID: territoryID, sectionID: sectionID)) {
            throw ServiceFailure.forbidden(why)
        }
        if let problem = RevisionRules.problem(decidedBy: caller.accountID, proposedBy: proposedBy) {
            throw ServiceFailure(.forbidden, code: .samePerson, detail: problem)
        }
    }

    /// Changes one target: a draft's is overwritten, an approved programme's revised.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `indicator_code`, `territory`, `period`,
    ///   `value`, `reason`, `applies_from`; `.forbidden` outside the programme office's
    ///   territories; `.notFound` when there is no such target.
    public func edit(_ edit: TargetEdit, by requester: Requester, requestID: String?) async throws -> TargetEditOutcome {
        let (indicator, programme) = try await requireEditing(edit.indicatorCode, by: requester)
        let today = self.today()
        let policy = try await policies.policy()
        var problems: [FieldProblem] = []
        let territory = policy.tree.find(edit.territory)
        if territory == nil { problems.append(FieldProblem(field: "territory", reason: "no territory with this KATO code or id")) }
        let period = Period(code: edit.period)
        if period == nil {
            problems.append(FieldProblem(field: "period", reason: "must be a period such as 2025-Q4 or 2025, not '\(edit.period)'"))
        } else if period?.periodicity != indicator.periodicity {
            problems.append(FieldProblem(field: "period", reason: "\(indicator.code) has \(indicator.periodicity.rawValue) targets"))
        } else if let period, !programme.covers(period) {
            problems.append(
                FieldProblem(field: "period", reason: "outside the programme's term \(programme.termStart.iso) – \(programme.termEnd.iso)"))
        }
        let range = try await revisions.unitRange(indicator.unit)
        switch edit.value {
        case nil: problems.append(FieldProblem(field: "value", reason: "required"))
        case let value? where !value.isFinite: problems.append(FieldProblem(field: "value", reason: "must be a finite number"))
        case let value?:
            if let low = range.min, value < low { problems.append(FieldProblem(field: "value", reason: "at least \(low) for \(indicator.unit)")) }
            if let high = range.max, value > high {
                problems.append(FieldProblem(field: "value", reason: "at most \(high) for \(indicator.unit)"))
            }
        }
        let appliesFrom = edit.appliesFrom.map { Day(iso: $0) } ?? today
        if appliesFrom == nil || appliesFrom.map({ $0 < programme.termStart || $0 > programme.termEnd.adding(days: 366) }) == true {
            problems.append(
                FieldProblem(
                    field: "applies_from", reason: "must be a date (YYYY-MM-DD) within the programme's term, not '\(edit.appliesFrom ?? "")'"))
        }
        let reason = edit.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if programme.status == .approved, let problem = RevisionRules.problem(reason: reason) {
            problems.append(FieldProblem(field: "reason", reason: problem))
        }
        try ServiceFailure.throwIfAny(problems)
        guard let territory, let period, let value = edit.value, let appliesFrom else { throw ServiceFailure.invalid("value", "required") }

        if programme.status == .draft {
            guard let old = try await overwrite(indicator.id, territory.id, period, value, by: requester.accountID, requestID: requestID) else {
                throw ServiceFailure(.notFound, code: .noTarget, detail: "\(indicator.code) has no target in \(territory.id) for \(period.code)")
            }
            return old == value ? .unchanged : .overwritten(old: old, new: value)
        }
        let proposed: RevisionRepository.Proposal?
        do {
            proposed = try await revisions.propose(
                indicatorID: indicator.id, direction: indicator.direction, territoryID: territory.id, period: period, value: value, reason: reason,
                appliesFrom: appliesFrom, today: today, by: requester.accountID, requestID: requestID)
        } catch is RevisionConflict {
            throw ServiceFailure(.conflict, code: .roadmapConflict, detail: "another change of this target came first: read it again")
        }
        guard let proposal = proposed else {
            throw ServiceFailure(.notFound, code: .noTarget, detail: "\(indicator.code) has no target in \(territory.id) for \(period.code)")
        }
        switch proposal {
        case .unchanged: return .unchanged
        case .withdrawn(let id): return .withdrawn(id)
        case .proposed(let revision): return .revised(revision)
        }
    }

    /// Approves (puts in force) or refuses a pending revision: a second person, who is an
    /// administrator or the Bureau member owning the section. A refusal needs a reason.
    /// - Throws: ``ServiceFailure``: `.notFound`; `.forbidden`; `.forbidden` `same-person` for
    ///   the proposer; `.conflict` `revision-decided` when it is no longer pending; `.invalid`
    ///   naming `reason`.
    public func decide(_ id: Int64, approve: Bool, reason: String?, by caller: Caller, requestID: String?) async throws -> TargetRevision {
        let revision = try await requireDeciding(id, by: caller)
        let refusal = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !approve, let problem = RevisionRules.problem(reason: refusal) { throw ServiceFailure.invalid("reason", problem) }
        guard revision.status == .pending,
            let decided = try await revisions.decide(
                id, approve: approve, refusal: approve ? nil : refusal, by: caller.accountID, requestID: requestID)
        else {
            throw ServiceFailure(.conflict, code: .revisionDecided, detail: "revision \(id) is no longer pending: it is \(revision.status.rawValue)")
        }
        return decided
    }

    /// Approves a draft programme: its targets are the promise from now on.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.conflict` when already approved.
    public func approve(programme code: String, by requester: Requester, requestID: String?) async throws -> Programme {
        let programme = try await roadmaps.requireManaging(code, by: requester)
        guard try await revisions.approve(programmeID: programme.id, by: requester.accountID, requestID: requestID),
            let approved = try await programmes.programme(code: code)
        else {
            throw ServiceFailure(.conflict, code: .programmeApproved, detail: "programme \(code) is approved already")
        }
        return approved
    }

    func overwrite(_ indicator: Indicator.ID, _ territory: Territory.ID, _ period: Period, _ value: Double, by accountID: Int64?, requestID: String?)
        async throws -> Double?
    {
        try await revisions.overwriteDraft(
            indicatorID: indicator, territoryID: territory, period: period, value: value, by: accountID, requestID: requestID)
    }
}

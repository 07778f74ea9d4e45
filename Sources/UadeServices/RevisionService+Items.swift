import Foundation
import UadeDomain
import UadeStorage

/// New names for an indicator, as the API, a form or the command line read them.
public struct NamesEdit: Sendable, Hashable {
    public var indicatorCode: String
    public var names: LocalizedText
    public var reason: String?

    public init(indicatorCode: String, names: LocalizedText, reason: String?) {
        self.indicatorCode = indicatorCode
        self.names = names
        self.reason = reason
    }
}

/// A new deadline for a measure, as read: `deadline` is `YYYY-MM-DD`.
public struct DeadlineEdit: Sendable, Hashable {
    public var measureCode: String
    public var deadline: String?
    public var reason: String?

    public init(measureCode: String, deadline: String?, reason: String?) {
        self.measureCode = measureCode
        self.deadline = deadline
        self.reason = reason
    }
}

/// What a single edit of names or a deadline did.
public enum ItemEditOutcome: Sendable, Equatable {
    /// A draft's names or deadline, overwritten.
    case overwritten
    case unchanged
    /// The deadline is the one in force: the pending revision was withdrawn.
    case withdrawn(Int64)
    /// A revision, in force or (a postponed deadline) waiting for a second person.
    case revised(ItemRevision)
}

extension RevisionService {
    /// The indicator and its programme, when the requester may rename it: asked before the
    /// input is read.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `indicator_code`, `.forbidden`.
    @discardableResult
    public func requireRenaming(_ indicatorCode: String, by requester: Requester) async throws -> (ItemRevisionRepository.Subject, Programme) {
        guard let subject = try await items.indicator(code: indicatorCode) else {
            throw ServiceFailure.invalid("indicator_code", "no indicator \(indicatorCode)", code: .unknownIndicator)
        }
        return (subject, try await managing(subject, by: requester))
    }

    /// The measure and its programme, when the requester may move its deadline.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `measure_code`, `.forbidden`.
    @discardableResult
    public func requireRescheduling(_ measureCode: String, by requester: Requester) async throws -> (ItemRevisionRepository.Subject, Programme) {
        guard let subject = try await items.measure(code: measureCode) else {
            throw ServiceFailure.invalid("measure_code", "no measure \(measureCode)", code: .unknownCode)
        }
        return (subject, try await managing(subject, by: requester))
    }

    func managing(_ subject: ItemRevisionRepository.Subject, by requester: Requester) async throws -> Programme {
        guard let programme = try await programmes.programmes().first(where: { $0.id == subject.programmeID }) else {
            throw ServiceFailure.notFound("no programme for \(subject.code)")
        }
        return try await roadmaps.requireManaging(programme.code, by: requester)
    }

    /// Renames an indicator: a draft's names are overwritten; an approved programme's renaming
    /// is a revision in force at once, with its reason.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `indicator_code`, `name_kk`, `name_ru`,
    ///   `name_en`, `reason`; `.forbidden`.
    public func rename(_ edit: NamesEdit, by requester: Requester, requestID: String?) async throws -> ItemEditOutcome {
        let (subject, programme) = try await requireRenaming(edit.indicatorCode, by: requester)
        var problems = ItemRevisionRules.problems(names: edit.names)
        let reason = edit.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if programme.status == .approved, let problem = RevisionRules.problem(reason: reason) {
            problems.append(FieldProblem(field: "reason", reason: problem))
        }
        try ServiceFailure.throwIfAny(problems)
        let names = LocalizedText(
            kk: edit.names.kk?.trimmingCharacters(in: .whitespacesAndNewlines), ru: edit.names.ru?.trimmingCharacters(in: .whitespacesAndNewlines),
            en: edit.names.en?.trimmingCharacters(in: .whitespacesAndNewlines))
        let proposal = try await items.rename(
            subject, to: names, reason: reason.isEmpty ? "-" : reason, approved: programme.status == .approved, by: requester.accountID,
            requestID: requestID)
        return Self.outcome(proposal)
    }

    /// Moves a measure's deadline: a draft's is overwritten; in an approved programme bringing
    /// it forward is in force at once and postponing it waits for a second person.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `measure_code`, `deadline`, `reason`;
    ///   `.forbidden`; `.conflict` when another change of it came first.
    public func reschedule(_ edit: DeadlineEdit, by requester: Requester, requestID: String?) async throws -> ItemEditOutcome {
        let (subject, programme) = try await requireRescheduling(edit.measureCode, by: requester)
        var problems: [FieldProblem] = []
        let deadline = edit.deadline.flatMap(Day.init(iso:))
        if let deadline {
            if let problem = ItemRevisionRules.problem(deadline: deadline, termStart: programme.termStart, termEnd: programme.termEnd) {
                problems.append(FieldProblem(field: "deadline", reason: problem))
            }
        } else {
            problems.append(FieldProblem(field: "deadline", reason: edit.deadline == nil ? "required" : "must be a date (YYYY-MM-DD)"))
        }
        let reason = edit.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if programme.status == .approved, let problem = RevisionRules.problem(reason: reason) {
            problems.append(FieldProblem(field: "reason", reason: problem))
        }
        try ServiceFailure.throwIfAny(problems)
        guard let deadline else { throw ServiceFailure.invalid("deadline", "required") }
        do {
            let proposal = try await items.reschedule(
                subject, to: deadline, reason: reason.isEmpty ? "-" : reason, approved: programme.status == .approved, by: requester.accountID,
                requestID: requestID)
            return Self.outcome(proposal)
        } catch is RevisionConflict {
            throw ServiceFailure(.conflict, code: .roadmapConflict, detail: "another change of this measure came first: read it again")
        }
    }

    static func outcome(_ proposal: ItemRevisionRepository.Proposal) -> ItemEditOutcome {
        switch proposal {
        case .unchanged: .unchanged
        case .overwritten: .overwritten
        case .withdrawn(let id): .withdrawn(id)
        case .proposed(let revision): .revised(revision)
        }
    }

    /// Revisions of names and deadlines the caller may see, newest first: administrators every
    /// one; the programme office those of its programmes; a Bureau member those of the sections
    /// owned; territorial roles the deadlines of their territories' measures.
    public func listItems(status: RevisionStatus?, by caller: Caller) async throws -> [ItemRevision] {
        let policy = try await policies.policy()
        var sections: [Section.ID]?
        var territories: [Territory.ID]?
        if !caller.isAdministrator {
            let territorial = caller.grants.filter { $0.role != .bureauMember && $0.role != .administrator }.compactMap(\.territoryID)
            if !territorial.isEmpty {
                territories = Array(Set(territorial.flatMap { policy.tree.subtree(of: $0) })).sorted()
            } else if caller.holds(.bureauMember) {
                sections = Array(caller.ownedSections).sorted()
            } else {
                return []
            }
        }
        let all = try await items.list(status: status, programmeID: nil, sections: sections, territories: territories, limit: 1_000)
        guard !caller.isAdministrator else { return all }
        let homes = Dictionary(try await programmes.programmes().map { ($0.code, $0.territoryID) }, uniquingKeysWith: { a, _ in a })
        return all.filter { revision in
            policy.decide(caller, .manageRoadmap, Resource(territoryID: homes[revision.programmeCode])).isAllowed
                || policy.decide(caller, .decideRevision, Resource(territoryID: revision.territoryID, sectionID: revision.sectionID)).isAllowed
                || revision.territoryID.map {
                    policy.decide(caller, .readProgress, Resource(territoryID: $0, sectionID: revision.sectionID)).isAllowed
                }
                    == true
        }
    }

    /// The pending revision of a deadline, when the caller may decide it.
    /// - Throws: ``ServiceFailure``: `.notFound`; `.forbidden`; `.forbidden` `same-person`.
    @discardableResult
    public func requireDecidingItem(_ id: Int64, by caller: Caller) async throws -> ItemRevision {
        guard let revision = try await items.revision(id: id) else { throw ServiceFailure.notFound("no revision \(id)") }
        try await requireSecondPerson(
            caller, territoryID: revision.territoryID, sectionID: revision.sectionID, proposedBy: revision.proposedByAccount)
        return revision
    }

    /// Approves (the deadline moves) or refuses a pending revision of a deadline.
    /// - Throws: as ``decide(_:approve:reason:by:requestID:)``.
    public func decideItem(_ id: Int64, approve: Bool, reason: String?, by caller: Caller, requestID: String?) async throws -> ItemRevision {
        let revision = try await requireDecidingItem(id, by: caller)
        let refusal = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !approve, let problem = RevisionRules.problem(reason: refusal) { throw ServiceFailure.invalid("reason", problem) }
        guard revision.status == .pending,
            let decided = try await items.decide(id, approve: approve, refusal: approve ? nil : refusal, by: caller.accountID, requestID: requestID)
        else {
            throw ServiceFailure(.conflict, code: .revisionDecided, detail: "revision \(id) is no longer pending: it is \(revision.status.rawValue)")
        }
        return decided
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What a coordinator reads of a flag filter, as typed (the page's query or the API's).
public struct FlagWorkListQuery: Sendable, Hashable {
    /// A `FlagKind` code.
    public var kind: String?
    /// `open`, `explained` or `all` (the default: open ones first, then those explained).
    public var state: String?
    /// A territory by name, KATO code or id: it and everything below it.
    public var territory: String?
    /// A section code.
    public var section: String?
    public var limit: Int?
    public var offset: Int?

    public init(
        kind: String? = nil, state: String? = nil, territory: String? = nil, section: String? = nil, limit: Int? = nil, offset: Int? = nil
    ) {
        self.kind = kind
        self.state = state
        self.territory = territory
        self.section = section
        self.limit = limit
        self.offset = offset
    }
}

/// One page of a work list of flags, grouped by indicator × territory.
public struct FlagWorkList: Sendable {
    public let groups: [FlagGroup]
    /// Groups in the whole list.
    public let total: Int
    public let page: PageRequest
    /// The kinds the caller may filter by (administrators see "unowned" too).
    public let kinds: [FlagKind]
}

/// A coordinator's explanation of a flag, from the API or the home page, and the work list of
/// flags to explain.
public struct FlagService: Sendable {
    let reads: EvaluationReadRepository
    let policies: any PolicySource
    let today: @Sendable () -> Day

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = { Day.todayInKazakhstan() }
    ) {
        self.reads = EvaluationReadRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
    }

    /// The flags the caller is asked to act on, one line per indicator × territory: open before
    /// explained, then the most serious (`FlagKind.bySeverity`), then the newest period.
    /// Coordinators read their territories and never "unowned" flags, which only an
    /// administrator can act on; administrators read everything.
    /// - Throws: ``ServiceFailure``: `.forbidden` for any other caller or a territory outside
    ///   the caller's, `.invalid` naming `kind`, `state`, `territory`, `section`, `limit` or `offset`.
    public func workList(_ query: FlagWorkListQuery, by caller: Caller) async throws -> FlagWorkList {
        let policy = try await policies.policy()
        guard caller.isAdministrator || caller.holds(.coordinator) else {
            throw ServiceFailure.forbidden("flags are explained by coordinators")
        }
        var problems: [FieldProblem] = []
        let kinds = caller.isAdministrator ? FlagKind.bySeverity : FlagKind.bySeverity.filter { !$0.isForAdministrators }
        var filter = FlagGroupFilter(excludedKinds: caller.isAdministrator ? [] : FlagKind.allCases.filter(\.isForAdministrators))
        if let text = query.kind, !text.isEmpty {
            if let kind = FlagKind(rawValue: text), kinds.contains(kind) {
                filter.kinds = [kind]
            } else {
                problems.append(
                    FieldProblem(
                        field: "kind", reason: "is not one of \(kinds.map(\.rawValue).joined(separator: ", "))",
                        words: LocalizedText(kk: "белгі түрі белгісіз: \(text)", ru: "неизвестный вид отметки: \(text)", en: "no flag kind \(text)")))
            }
        }
        switch query.state ?? "" {
        case "", "all": filter.states = [.open, .explained]
        case "open": filter.states = [.open]
        case "explained": filter.states = [.explained]
        case let other:
            problems.append(
                FieldProblem(
                    field: "state", reason: "is not one of open, explained, all",
                    words: LocalizedText(kk: "күйі белгісіз: \(other)", ru: "неизвестное состояние: \(other)", en: "no state \(other)")))
        }
        var territories = policy.visibleTerritories(caller, roles: [.coordinator])
        if let text = query.territory, !text.isEmpty {
            switch policy.tree.named(text, on: today()) {
            case .found(let territory):
                let below = policy.tree.subtree(of: territory.id)
                if let visible = territories, visible.isDisjoint(with: below) {
                    throw ServiceFailure.forbidden("territory: outside the territories this account may read")
                }
                territories = territories.map { $0.intersection(below) } ?? below
            case .missing(let words):
                problems.append(FieldProblem(field: "territory", reason: words.resolved(.en), words: words))
            }
        }
        filter.territories = territories.map { Array($0) }
        if let code = query.section, !code.isEmpty {
            if code.count <= 64, code.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) {
                filter.sectionCode = code
            } else {
                problems.append(
                    FieldProblem(
                        field: "section", reason: "is not a section code",
                        words: LocalizedText(kk: "бөлім коды емес: \(code)", ru: "это не код раздела: \(code)", en: "not a section code: \(code)")))
            }
        }
        let page: PageRequest
        do {
            page = try PageRequest.validated(limit: query.limit ?? 20, offset: query.offset)
        } catch {
            problems.append(FieldProblem(field: "offset", reason: "must be a page of at most \(PageRequest.maximumLimit) rows from 0"))
            page = PageRequest()
        }
        try ServiceFailure.throwIfAny(problems)
        let found = try await reads.flagGroups(filter, today: today(), page: page)
        return FlagWorkList(groups: found.items, total: found.total, page: page, kinds: kinds)
    }

    /// The flag as it stands after the explanation.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden` outside the caller's territories
    ///   and sections (decided before the text is looked at), `.invalid` naming `text`.
    public func explain(flagID: Int64, text: String?, by caller: Caller, requestID: String?) async throws -> EvaluationFlag {
        try await requireAccess(flagID: flagID, by: caller)
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if trimmed.isEmpty { problems.append(.required("text")) }
        if let problem = TextLimits.check(trimmed, field: "text", name: "explanation") { problems.append(problem) }
        try ServiceFailure.throwIfAny(problems)
        _ = try await reads.explain(flagID: flagID, text: trimmed, by: caller.accountID, requestID: requestID)
        guard let explained = try await reads.flag(id: flagID) else { throw ServiceFailure.notFound("no flag \(flagID)") }
        return explained
    }

    /// One explanation for several flags, all of which the caller must be allowed to explain
    /// (decided before the text is looked at); written together or not at all.
    /// - Returns: the flags as they stand after it.
    public func explain(flagIDs: [Int64], text: String?, by caller: Caller, requestID: String?) async throws -> [EvaluationFlag] {
        guard !flagIDs.isEmpty, flagIDs.count <= 500 else { throw ServiceFailure.invalid("flags", "name from 1 to 500 flags") }
        for id in Set(flagIDs) { try await requireAccess(flagID: id, by: caller) }
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if trimmed.isEmpty { problems.append(.required("text")) }
        if let problem = TextLimits.check(trimmed, field: "text", name: "explanation") { problems.append(problem) }
        try ServiceFailure.throwIfAny(problems)
        _ = try await reads.explain(flagIDs: flagIDs, text: trimmed, by: caller.accountID, requestID: requestID)
        var explained: [EvaluationFlag] = []
        for id in flagIDs { if let flag = try await reads.flag(id: id) { explained.append(flag) } }
        return explained
    }

    /// The flag, when the caller may explain it: a presentation that reads its input only after
    /// access is decided asks this first.
    @discardableResult
    public func requireAccess(flagID: Int64, by caller: Caller) async throws -> EvaluationFlag {
        guard let flag = try await reads.flag(id: flagID) else { throw ServiceFailure.notFound("no flag \(flagID)") }
        let policy = try await policies.policy()
        if case .deny(let reason) = policy.decide(caller, .explainFlag, Resource(territoryID: flag.territoryID, sectionID: flag.sectionID)) {
            throw ServiceFailure.forbidden(reason)
        }
        // An item nobody answers for needs an owner, which only an administrator can give.
        if flag.kind.isForAdministrators && !caller.isAdministrator {
            throw ServiceFailure.forbidden("only administrators may do this")
        }
        return flag
    }
}

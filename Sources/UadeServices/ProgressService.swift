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

    public init(territory: Territory.ID? = nil, sectionCode: String? = nil, indicatorCode: String? = nil, periods: [Period], status: DueStatus? = nil) {
        self.territory = territory
        self.sectionCode = sectionCode
        self.indicatorCode = indicatorCode
        self.periods = periods
        self.status = status
    }
}

public struct ProgressService: Sendable {
    let progress: ProgressRepository
    let programmes: ProgrammeRepository
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource) {
        self.progress = ProgressRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.policies = policies
    }

    /// The page of due items and the list's total.
    /// - Throws: ``ServiceFailure``: `.invalid` naming `section` or `indicator` when no such
    ///   exists; `.forbidden` for a territory outside the caller's, or a caller who
    ///   reports for none.
    public func due(_ query: DueQuery, by caller: Caller, language: Language, page: PageRequest) async throws -> (items: [DueItem], total: Int) {
        let policy = try await policies.policy()
        var territories = policy.visibleTerritories(caller, roles: [.coordinator])
        if let territory = query.territory {
            if case .deny(let reason) = policy.decide(caller, .writeProgress, Resource(territoryID: territory)) { throw ServiceFailure.forbidden(reason) }
            territories = policy.tree.subtree(of: territory)
        } else if territories?.isEmpty == true {
            throw ServiceFailure.forbidden("only coordinators have values due; owners see theirs at /api/v1/owned")
        }
        try await requireKnown(section: query.sectionCode, indicator: query.indicatorCode)
        let filter = DueFilter(territories: territories.map { Array($0) }, sectionCode: query.sectionCode, indicatorCode: query.indicatorCode,
                               periods: query.periods, status: query.status)
        return try await progress.due(filter, language: language, page: page)
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
            throw ServiceFailure(.invalid, code: "unknown-code", detail: problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "), problems: problems)
        }
    }
}

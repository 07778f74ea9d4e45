import Foundation
import Hummingbird
import Logging
import PostgresNIO
import UadeDomain
import UadeEvaluator
import UadeServices
import UadeStorage

struct RunStartedDTO: ResponseCodable, Sendable {
    let id: Int64
    let status: String
}

struct RunDTO: ResponseCodable, Sendable {
    let id: Int64
    let programmeCode: String
    let territoryId: Int64?
    let asOf: String
    let graceDays: Int
    let status: String
    let startedAt: Date
    let finishedAt: Date?
    let startedBy: String?
    let counts: [String: Int]?
    let measureCounts: [String: Int]?
    let fingerprint: String?
    let failure: String?

    init(_ run: EvaluationRun) {
        id = run.id
        programmeCode = run.programmeCode
        territoryId = run.territoryID
        asOf = run.asOf.iso
        graceDays = run.graceDays
        status = run.status.rawValue
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        startedBy = run.startedBy
        counts = run.counts.map(Self.codes)
        measureCounts = run.measureCounts.map(Self.codes)
        fingerprint = run.fingerprint
        failure = run.failure
    }

    static func codes<Key: RawRepresentable<String>>(_ counts: [Key: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }
}

struct FlagDTO: ResponseCodable, Sendable {
    let id: Int64
    let kind: String
    let state: String
    let indicatorCode: String
    let sectionId: Int64
    let territoryId: Int64
    let territoryKato: String?
    let period: String
    let explanation: String?
    let explainedBy: String?
    let explainedAt: Date?
    let firstRunId: Int64
    let changedInRunId: Int64
    let reopened: Int
    let resolvedAt: Date?

    init(_ flag: EvaluationFlag) {
        id = flag.id
        kind = flag.kind.rawValue
        state = flag.state.rawValue
        indicatorCode = flag.indicatorCode
        sectionId = flag.sectionID
        territoryId = flag.territoryID
        territoryKato = flag.territoryKato
        period = flag.period
        explanation = flag.explanation
        explainedBy = flag.explainedBy
        explainedAt = flag.explainedAt
        firstRunId = flag.firstRunID
        changedInRunId = flag.changedInRunID
        reopened = flag.reopened
        resolvedAt = flag.resolvedAt
    }
}

struct ResultDTO: Codable, Sendable {
    let indicatorCode: String
    let indicatorName: String
    let sectionCode: String
    let unit: String
    let territoryId: Int64
    let territoryKato: String?
    let territoryName: String
    let period: String
    let status: String
    let target: Double
    let actual: Double?
    let projected: Double?
    let gap: Double?
    let gapPercent: Double?
    let rolledUp: Bool
    let ownValue: Double?
    let reconciliation: Bool
    let outlier: Bool
    let sectionOwner: String?
    let indicatorOwner: String?
    let unowned: Bool
    let explanation: String?
    let coordinatorExplanation: String?
}

struct DiffDTO: ResponseCodable, Sendable {
    struct Item: Codable, Sendable {
        let indicatorCode: String
        let territoryId: Int64
        let territoryKato: String?
        let period: String
        let before: String?
        let after: String?
        let change: String
    }

    let from: Int64
    let to: Int64
    let counts: [String: Int]
    let items: [Item]
    let total: Int
    let limit: Int
    let offset: Int

    init(_ diff: RunDiff, page: PageRequest) {
        from = diff.from
        to = diff.to
        counts = Dictionary(uniqueKeysWithValues: DiffChange.allCases.map { ($0.rawValue, diff.counts[$0]) })
        items = diff.items.map {
            Item(
                indicatorCode: $0.indicatorCode, territoryId: $0.territoryID, territoryKato: $0.territoryKato, period: $0.period,
                before: $0.before?.rawValue, after: $0.after?.rawValue, change: $0.change.rawValue)
        }
        total = diff.total
        limit = page.limit
        offset = page.offset
    }
}

/// Starting evaluations (administrators), reading completed runs, their results, diffs and flags.
struct EvaluationsController: Sendable {
    let reads: EvaluationReadRepository
    let authorizer: Authorizer
    let codes: KnownCodes
    let evaluations: EvaluationService
    let flags: FlagService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("evaluations", use: start)
        group.get("evaluations", use: list)
        group.get("evaluations/:id", use: run)
        group.get("evaluations/:id/results", use: results)
        group.get("evaluations/:id/diff", use: diff)
        group.get("flags", use: flags)
        group.post("flags/:id/explanation", use: explain)
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authorizer.require(context, .runEvaluation)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["as_of", "programme", "territory", "grace_days"], problems: &problems)
        let asOfText = body.string("as_of", required: true, problems: &problems)
        let programme = body.string("programme", problems: &problems)
        let territory = body.string("territory", problems: &problems)
        let grace = body.number("grace_days", problems: &problems)
        let asOf = asOfText.flatMap(Day.init(iso:))
        if asOfText != nil && asOf == nil { problems.append(FieldProblem(field: "body.as_of", reason: "must be a date as YYYY-MM-DD")) }
        if let grace, grace < 0 || grace > 366 || grace != grace.rounded() {
            problems.append(FieldProblem(field: "body.grace_days", reason: "must be a whole number of days from 0 to 366"))
        }
        try throwIfProblems(problems)
        let evaluation = EvaluationRequest(programmeCode: programme, asOf: asOf!, territory: territory, graceDays: grace.map { Int($0) } ?? 30)
        // The run goes on after the answer; the caller follows it at GET /api/v1/evaluations/{id}.
        do {
            let id = try await evaluations.start(evaluation, by: caller)
            return try RunStartedDTO(id: id, status: RunStatus.running.rawValue).response(from: request, context: context).with(status: .accepted)
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<RunDTO> {
        try await authorizer.require(context, .readEvaluation)
        let page = try QueryParameters(request: request).page()
        let items = try await reads.runs(limit: page.limit, offset: page.offset).map(RunDTO.init)
        return ListDTO(items: items, total: try await reads.runCount(), limit: page.limit, offset: page.offset)
    }

    func findRun(_ text: String?, field: String = "path.id") async throws -> EvaluationRun {
        guard let id = text.flatMap(Int64.init) else { throw APIError.invalidParameter(field, "must be a run number") }
        guard let run = try await reads.run(id: id) else { throw APIError.notFound("no evaluation run \(id)") }
        return run
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> RunDTO {
        try await authorizer.require(context, .readEvaluation)
        return RunDTO(try await findRun(context.parameters.get("id")))
    }

    /// Narrows a listing to what the caller may read: territories for territorial roles, owned
    /// sections for Bureau members, owned indicator × territory pairs for council members.
    func visibility(_ caller: Caller, policy: AccessPolicy, territoryRef: String?) throws -> ResultFilter {
        var subtree: Set<Territory.ID>?
        if let ref = territoryRef {
            subtree = policy.tree.subtree(of: try CatalogueController<AppRequestContext>.resolve(ref, in: policy.tree, field: "query.territory").id)
        }
        do {
            return try ResultVisibility.filter(for: caller, policy: policy, within: subtree)
        } catch {
            throw APIError(error)
        }
    }

    @Sendable func results(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ResultDTO> {
        let caller = try await authorizer.require(context, .readEvaluation)
        let run = try await findRun(context.parameters.get("id"))
        guard run.status == .completed else {
            throw APIError(.conflict, kind: .runNotCompleted, detail: "run \(run.id) is \(run.status); only completed runs have results")
        }
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        let policy = try await authorizer.policy()
        var filter = try visibility(caller, policy: policy, territoryRef: query.string("territory"))
        filter.statuses = try query.codes("status", of: EvaluationStatus.self)
        filter.sectionCode = try await codes.section(query)
        filter.indicatorCode = try await codes.indicator(query)
        if let owner = query.string("owner") {
            guard let id = Int64(owner) else { throw APIError.invalidParameter("query.owner", "must be a person id") }
            filter.ownerPersonID = id
        }
        let (items, total) = try await reads.results(runID: run.id, filter: filter, page: page)
        return ListDTO(
            items: items.map { Self.dto($0, language: language, graceDays: run.graceDays) }, total: total, limit: page.limit, offset: page.offset)
    }

    static func dto(_ r: ResultView, language: Language, graceDays: Int) -> ResultDTO {
        let facts = Explanation.Facts(
            status: r.status, period: r.period, target: r.target, actual: r.actual, projected: r.projected, gap: r.gap,
            gapPercent: r.gapPercent, unit: r.unitName.resolved(language), graceDays: graceDays)
        return ResultDTO(
            indicatorCode: r.indicatorCode, indicatorName: r.indicatorName.resolved(language), sectionCode: r.sectionCode, unit: r.unit,
            territoryId: r.territoryId, territoryKato: r.territoryKato, territoryName: r.territoryName.resolved(language), period: r.period.code,
            status: r.status.rawValue, target: r.target, actual: r.actual, projected: r.projected, gap: r.gap, gapPercent: r.gapPercent,
            rolledUp: r.rolledUp, ownValue: r.ownValue, reconciliation: r.reconciliation, outlier: r.outlier,
            sectionOwner: r.sectionOwner?.resolved(language), indicatorOwner: r.indicatorOwner?.resolved(language),
            unowned: r.indicatorOwner == nil, explanation: Explanation.sentence(facts, in: language), coordinatorExplanation: r.flagExplanation)
    }

    @Sendable func diff(_ request: Request, context: AppRequestContext) async throws -> DiffDTO {
        let caller = try await authorizer.require(context, .readEvaluation)
        let query = QueryParameters(request: request)
        let after = try runNumber(context.parameters.get("id"), field: "path.id")
        guard let againstText = query.string("against") else {
            throw APIError.invalidParameter("query.against", "is required: the run to compare with")
        }
        let before = try runNumber(againstText, field: "query.against")
        let page = try query.page()
        do {
            return DiffDTO(try await evaluations.diff(run: after, against: before, by: caller, page: page), page: page)
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    func runNumber(_ text: String?, field: String) throws -> Int64 {
        guard let id = text.flatMap(Int64.init) else { throw APIError.invalidParameter(field, "must be a run number") }
        return id
    }

    @Sendable func flags(_ request: Request, context: AppRequestContext) async throws -> ListDTO<FlagDTO> {
        let caller = try await authorizer.require(context, .readEvaluation)
        let query = QueryParameters(request: request)
        let page = try query.page()
        let policy = try await authorizer.policy()
        let visible = try visibility(caller, policy: policy, territoryRef: query.string("territory"))
        let kinds = try query.codes("kind", of: FlagKind.self)
        let states = try query.codes("state", of: FlagState.self)
        var filter = EvaluationReadRepository.FlagFilter(
            kinds: kinds, states: states, territories: visible.territories, sections: visible.sections,
            sectionCode: try await codes.section(query))
        if let pairs = visible.pairs { filter.territories = Array(Set(pairs.map(\.territoryID))) }
        let (items, total) = try await reads.flags(filter, page: page)
        return ListDTO(items: items.map(FlagDTO.init), total: total, limit: page.limit, offset: page.offset)
    }

    @Sendable func explain(_ request: Request, context: AppRequestContext) async throws -> FlagDTO {
        let caller = try context.requireCaller()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a flag number") }
        do {
            // Access is decided before the body is read.
            try await flags.requireAccess(flagID: id, by: caller)
            let body = try await JSONBody.read(request, context: context)
            var problems: [FieldProblem] = []
            body.refuseUnknownKeys(["text"], problems: &problems)
            let text = body.string("text", problems: &problems)
            try throwIfProblems(problems)
            return FlagDTO(try await flags.explain(flagID: id, text: text, by: caller, requestID: context.id))
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }
}

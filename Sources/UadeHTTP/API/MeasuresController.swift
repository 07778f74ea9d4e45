import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeStorage

/// The roadmap's measures: listing, history, and status updates by coordinators.
struct MeasuresController: Sendable {
    let measures: MeasureRepository
    let authorizer: Authorizer

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("measures", use: list)
        group.get("measures/:code", use: measure)
        group.get("measures/:code/history", use: history)
        group.post("measures/:code/status", use: updateStatus)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<MeasureView> {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        let policy = try await authorizer.policy()
        // Territorial roles see every measure of their territories; Bureau members see the
        // measures of the sections they own, in any territory.
        var territories = policy.visibleTerritories(caller)
        var sections: [Section.ID]?
        if let ref = query.string("territory") {
            let territory = try CatalogueController<AppRequestContext>.resolve(ref, in: policy.tree, field: "query.territory")
            let subtree = policy.tree.subtree(of: territory.id)
            if policy.decide(caller, .readProgress, Resource(territoryID: territory.id)).isAllowed {
                territories = subtree
            } else if !policy.readableSections(caller).isEmpty {
                territories = subtree
                sections = Array(policy.readableSections(caller))
            } else {
                throw APIError.forbidden("outside the territories or sections this account answers for")
            }
        } else if territories?.isEmpty == true {
            guard !policy.readableSections(caller).isEmpty else {
                throw APIError.forbidden("outside the territories or sections this account answers for")
            }
            territories = nil
            sections = Array(policy.readableSections(caller))
        }
        var status: MeasureStatus?
        if let text = query.string("status") {
            guard let value = MeasureStatus(rawValue: text) else {
                throw APIError.invalidParameter("query.status", "must be one of \(MeasureStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = value
        }
        let (items, total) = try await measures.list(
            territories: territories.map { Array($0) }, sections: sections, status: status,
            language: language, page: page)
        return ListDTO(items: items, total: total, limit: page.limit, offset: page.offset)
    }

    func find(_ context: AppRequestContext, language: Language = .ru) async throws -> MeasureView {
        let code = context.parameters.get("code") ?? ""
        guard let measure = try await measures.find(code: code, language: language) else { throw APIError.notFound("no measure \(code)") }
        return measure
    }

    @Sendable func measure(_ request: Request, context: AppRequestContext) async throws -> MeasureView {
        _ = try context.requireCaller()
        let measure = try await find(context, language: try QueryParameters(request: request).language())
        try await authorizer.require(context, .readProgress, Resource(territoryID: measure.territoryId, sectionID: measure.sectionId))
        return measure
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> ListDTO<MeasureStatusView> {
        _ = try context.requireCaller()
        let measure = try await find(context)
        try await authorizer.require(context, .readProgress, Resource(territoryID: measure.territoryId, sectionID: measure.sectionId))
        let items = try await measures.history(measureID: measure.id)
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func updateStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let measure = try await find(context)
        let caller = try await authorizer.require(context, .writeProgress, Resource(territoryID: measure.territoryId, sectionID: measure.sectionId))
        let key = try IdempotentWrites.key(request)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["status", "reason", "comment", "evidence"], problems: &problems)
        let statusText = body.string("status", required: true, problems: &problems)
        let reason = body.string("reason", problems: &problems)
        let comment = body.string("comment", problems: &problems)
        let evidence = body.string("evidence", problems: &problems)
        let status = statusText.flatMap(MeasureStatus.init(rawValue:))
        if statusText != nil && status == nil {
            problems.append(
                FieldProblem(field: "body.status", reason: "must be one of \(MeasureStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        if let status, let problem = MeasureRules.check(status: status, reason: reason) {
            problems.append(FieldProblem(field: "body.\(problem.field)", reason: problem.reason))
        }
        try throwIfProblems(problems)
        do {
            let (update, replayed) = try await measures.updateStatus(
                measureID: measure.id, status: status!, reason: reason, comment: comment, evidence: evidence, by: caller.accountID,
                requestID: context.id, once: key.map { IdempotencyKey(key: $0, requestHash: "measure:\(measure.id):" + body.hash) })
            return try IdempotentWrites.created(update, replayed: replayed, request: request, context: context)
        } catch let conflict as IdempotencyConflict {
            throw IdempotentWrites.conflict(conflict)
        }
    }
}

extension MeasureView: ResponseEncodable {}
extension MeasureStatusView: ResponseEncodable {}

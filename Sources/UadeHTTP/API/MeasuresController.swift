import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

struct MeasureDTO: ResponseCodable, Sendable {
    let id: Int64
    let code: String
    let sectionId: Int64
    let sectionCode: String
    let territoryId: Int64
    let territoryKato: String?
    let text: String
    let deadline: String
    let executor: String
    let status: String
    let statusSince: Date?

    init(_ measure: Measure) {
        id = measure.id
        code = measure.code
        sectionId = measure.sectionID
        sectionCode = measure.sectionCode
        territoryId = measure.territoryID
        territoryKato = measure.territoryKato
        text = measure.text
        deadline = measure.deadline.iso
        executor = measure.executor
        status = measure.status.rawValue
        statusSince = measure.statusSince
    }
}

struct MeasureStatusDTO: ResponseCodable, Sendable {
    let id: Int64
    let measureCode: String
    let status: String
    let reason: String?
    let comment: String?
    let evidence: String?
    let enteredBy: String?
    let enteredAt: Date

    init(_ update: MeasureStatusUpdate) {
        id = update.id
        measureCode = update.measureCode
        status = update.status.rawValue
        reason = update.reason
        comment = update.comment
        evidence = update.evidence
        enteredBy = update.enteredBy
        enteredAt = update.enteredAt
    }
}

/// The roadmap's measures over ``MeasureService``: listing, history, and status updates.
struct MeasuresController: Sendable {
    let service: MeasureService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("measures", use: list)
        group.get("measures/:code", use: measure)
        group.get("measures/:code/history", use: history)
        group.post("measures/:code/status", use: updateStatus)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<MeasureDTO> {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        let status = try query.codes("status", of: MeasureStatus.self)
        if let status, status.count > 1 { throw APIError.invalidParameter("query.status", "must be one status") }
        do {
            let (items, total) = try await service.list(
                territory: query.string("territory"), status: status?.first, by: caller, language: language, page: page)
            return ListDTO(items: items.map(MeasureDTO.init), total: total, limit: page.limit, offset: page.offset)
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: "query.")
        }
    }

    @Sendable func measure(_ request: Request, context: AppRequestContext) async throws -> MeasureDTO {
        let caller = try context.requireCaller()
        let language = try QueryParameters(request: request).language()
        return MeasureDTO(try await APIError.answering { try await service.measure(code(context), by: caller, language: language) })
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> ListDTO<MeasureStatusDTO> {
        let caller = try context.requireCaller()
        let items = try await APIError.answering { try await service.history(code(context), by: caller) }
        return ListDTO(items: items.map(MeasureStatusDTO.init), total: items.count, limit: nil, offset: nil)
    }

    @Sendable func updateStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let code = code(context)
        // Access is decided before the body is read.
        try await APIError.answering { try await service.requireReporting(code, by: caller) }
        let key = try IdempotentWrites.key(request)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["status", "reason", "comment", "evidence"], problems: &problems)
        var input = MeasureStatusInput(
            status: body.string("status", problems: &problems), reason: body.string("reason", problems: &problems),
            comment: body.string("comment", problems: &problems), evidence: body.string("evidence", problems: &problems))
        input.unreadable = JSONBody.plain(problems)
        let (update, replayed) = try await APIError.answering {
            try await service.report(code, input, by: caller, key: key, requestID: context.id)
        }
        return try IdempotentWrites.created(MeasureStatusDTO(update), replayed: replayed, request: request, context: context)
    }

    func code(_ context: AppRequestContext) -> String { context.parameters.get("code") ?? "" }

}

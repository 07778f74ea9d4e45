import Foundation
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// An exception on the wire.
struct ExceptionDTO: ResponseCodable, Sendable {
    let id: Int64
    let requestedBy: String?
    let requestedAt: Date
    let territoryIds: [Int64]
    let periods: [String]
    let reason: String
    let status: String
    let until: String?
    let inForce: Bool
    let decidedBy: String?
    let decidedAt: Date?
    let refusal: String?

    init(_ record: ExceptionRecord, today: Day) {
        id = record.id
        requestedBy = record.requestedBy
        requestedAt = record.requestedAt
        territoryIds = record.territoryIDs
        periods = record.periods.map(\.code)
        reason = record.reason
        status = record.status.rawValue
        until = record.until?.iso
        inForce = record.inForce(on: today)
        decidedBy = record.decidedBy
        decidedAt = record.decidedAt
        refusal = record.refusal
    }
}

struct ExceptionList: ResponseCodable, Sendable {
    let items: [ExceptionDTO]
}

/// `/api/v1/exceptions`: asked for by coordinators, granted or refused by administrators, over
/// ``ExceptionService``.
struct ExceptionsController: Sendable {
    let service: ExceptionService
    let today: @Sendable () -> Day

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exceptions", use: list)
        group.post("exceptions", use: request)
        group.post("exceptions/:id/grant", use: grant)
        group.post("exceptions/:id/refuse", use: refuse)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ExceptionList {
        let caller = try context.requireCaller()
        let today = today()
        return ExceptionList(items: try await APIError.answering { try await service.list(by: caller) }.map { ExceptionDTO($0, today: today) })
    }

    /// The body: `{"territories": ["431010000"], "periods": ["2025-Q4"], "reason": "…"}`.
    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        try await APIError.answering { try await service.requireRequesting(by: caller) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["territories", "periods", "reason"], problems: &problems)
        let asked = ExceptionRequest(
            territories: body.strings("territories", required: true, problems: &problems),
            periods: body.strings("periods", required: true, problems: &problems), reason: body.string("reason", required: true, problems: &problems))
        try throwIfProblems(problems)
        let record = try await APIError.answering(fieldPrefix: "body.") { try await service.request(asked, by: caller, requestID: context.id) }
        return try ExceptionDTO(record, today: today()).response(from: request, context: context).with(status: .created)
    }

    /// The body: `{"until": "2026-12-31"}`.
    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> ExceptionDTO {
        try await decide(request, context: context, grant: true)
    }

    /// The body: `{"reason": "…"}`.
    @Sendable func refuse(_ request: Request, context: AppRequestContext) async throws -> ExceptionDTO {
        try await decide(request, context: context, grant: false)
    }

    func decide(_ request: Request, context: AppRequestContext, grant: Bool) async throws -> ExceptionDTO {
        let caller = try context.requireCaller()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError.invalidParameter("path.id", "must be an exception id, not '\(text)'") }
        try await APIError.answering { try await service.requireDeciding(by: .caller(caller)) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys([grant ? "until" : "reason"], problems: &problems)
        let until = grant ? body.string("until", required: true, problems: &problems) : nil
        let reason = grant ? nil : body.string("reason", required: true, problems: &problems)
        try throwIfProblems(problems)
        let record = try await APIError.answering(fieldPrefix: "body.") {
            try await service.decide(id, grantUntil: until, refusal: reason, by: .caller(caller), requestID: context.id)
        }
        return ExceptionDTO(record, today: today())
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

struct RevisionDTO: ResponseCodable, Sendable {
    let id: Int64
    let programmeCode: String
    let indicatorCode: String
    let territoryId: Int64
    let territory: String
    let period: String
    let oldValue: Double
    let newValue: Double
    let reason: String
    let appliesFrom: String
    let eases: Bool
    let status: String
    let proposedBy: String?
    let proposedAt: Date
    let decidedBy: String?
    let decidedAt: Date?
    let refusalReason: String?

    init(_ r: TargetRevision, language: Language) {
        id = r.id
        programmeCode = r.programmeCode
        indicatorCode = r.indicatorCode
        territoryId = r.territoryID
        territory = r.territoryName.resolved(language)
        period = r.period.code
        oldValue = r.oldValue
        newValue = r.newValue
        reason = r.reason
        appliesFrom = r.appliesFrom.iso
        eases = r.eases
        status = r.status.rawValue
        proposedBy = r.proposedBy
        proposedAt = r.proposedAt
        decidedBy = r.decidedBy
        decidedAt = r.decidedAt
        refusalReason = r.refusalReason
    }
}

/// What a change of one target did: `outcome` is `overwritten` (a draft's target), `unchanged`,
/// `withdrawn` (the pending revision, the value being the one in force) or `revised`.
struct TargetEditDTO: ResponseCodable, Sendable {
    let outcome: String
    let oldValue: Double?
    let newValue: Double?
    let revision: RevisionDTO?
    let withdrawnRevisionId: Int64?

    init(_ outcome: TargetEditOutcome, language: Language) {
        switch outcome {
        case .overwritten(let old, let new):
            (self.outcome, oldValue, newValue, revision, withdrawnRevisionId) = ("overwritten", old, new, nil, nil)
        case .unchanged:
            (self.outcome, oldValue, newValue, revision, withdrawnRevisionId) = ("unchanged", nil, nil, nil, nil)
        case .withdrawn(let id):
            (self.outcome, oldValue, newValue, revision, withdrawnRevisionId) = ("withdrawn", nil, nil, nil, id)
        case .revised(let r):
            (self.outcome, oldValue, newValue, revision, withdrawnRevisionId) = (
                "revised", r.oldValue, r.newValue, RevisionDTO(r, language: language), nil
            )
        }
    }
}

/// An indicator's names or a measure's deadline, before or after a revision.
struct ItemValueDTO: Codable, Sendable {
    let nameKk: String?
    let nameRu: String?
    let nameEn: String?
    let deadline: String?
}

struct ItemRevisionDTO: ResponseCodable, Sendable {
    let id: Int64
    let kind: String
    let programmeCode: String
    /// The indicator's or the measure's code.
    let code: String
    let territoryId: Int64?
    let oldValue: ItemValueDTO
    let newValue: ItemValueDTO
    let eases: Bool
    let reason: String
    let status: String
    let proposedBy: String?
    let proposedAt: Date
    let decidedBy: String?
    let decidedAt: Date?
    let refusalReason: String?

    init(_ r: ItemRevision) {
        id = r.id
        kind = r.change.kind.rawValue
        programmeCode = r.programmeCode
        code = r.subjectCode
        territoryId = r.territoryID
        switch r.change {
        case .names(let old, let new):
            oldValue = ItemValueDTO(nameKk: old.kk, nameRu: old.ru, nameEn: old.en, deadline: nil)
            newValue = ItemValueDTO(nameKk: new.kk, nameRu: new.ru, nameEn: new.en, deadline: nil)
        case .deadline(let old, let new):
            oldValue = ItemValueDTO(nameKk: nil, nameRu: nil, nameEn: nil, deadline: old.iso)
            newValue = ItemValueDTO(nameKk: nil, nameRu: nil, nameEn: nil, deadline: new.iso)
        }
        eases = ItemRevisionRules.eases(r.change)
        reason = r.reason
        status = r.status.rawValue
        proposedBy = r.proposedBy
        proposedAt = r.proposedAt
        decidedBy = r.decidedBy
        decidedAt = r.decidedAt
        refusalReason = r.refusalReason
    }
}

/// What a single edit of names or a deadline did: `outcome` is `overwritten` (a draft's),
/// `unchanged`, `withdrawn` (the pending revision) or `revised`.
struct ItemEditDTO: ResponseCodable, Sendable {
    let outcome: String
    let revision: ItemRevisionDTO?
    let withdrawnRevisionId: Int64?

    init(_ outcome: ItemEditOutcome) {
        switch outcome {
        case .overwritten: (self.outcome, revision, withdrawnRevisionId) = ("overwritten", nil, nil)
        case .unchanged: (self.outcome, revision, withdrawnRevisionId) = ("unchanged", nil, nil)
        case .withdrawn(let id): (self.outcome, revision, withdrawnRevisionId) = ("withdrawn", nil, id)
        case .revised(let r): (self.outcome, revision, withdrawnRevisionId) = ("revised", ItemRevisionDTO(r), nil)
        }
    }
}

struct ProgrammeStatusDTO: ResponseCodable, Sendable {
    let code: String
    let status: String
}

/// Revisions of approved targets and the approval of programmes, over ``RevisionService``.
struct RevisionsController: Sendable {
    let service: RevisionService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("revisions", use: list)
        group.post("revisions/:id/approve", use: approve)
        group.post("revisions/:id/refuse", use: refuse)
        group.put("targets/:indicator/:territory/:period", use: edit)
        group.post("programmes/:code/approve", use: approveProgramme)
        group.patch("indicators/:code", use: rename)
        group.patch("measures/:code", use: reschedule)
        group.get("item-revisions", use: listItems)
        group.post("item-revisions/:id/approve", use: approveItem)
        group.post("item-revisions/:id/refuse", use: refuseItem)
    }

    /// The body: `{"name_kk": "…", "name_ru": "…", "name_en": "…", "reason": "…"}`.
    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> ItemEditDTO {
        let caller = try context.requireCaller()
        let code = context.parameters.get("code") ?? ""
        try await APIError.answering(fieldPrefix: "path.") { try await service.requireRenaming(code, by: .caller(caller)) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["name_kk", "name_ru", "name_en", "reason"], problems: &problems)
        let names = LocalizedText(
            kk: body.string("name_kk", problems: &problems), ru: body.string("name_ru", problems: &problems),
            en: body.string("name_en", problems: &problems))
        let reason = body.string("reason", problems: &problems)
        try throwIfProblems(problems)
        let outcome = try await APIError.answering(fieldPrefix: "body.") {
            try await service.rename(NamesEdit(indicatorCode: code, names: names, reason: reason), by: .caller(caller), requestID: context.id)
        }
        return ItemEditDTO(outcome)
    }

    /// The body: `{"deadline": "2026-12-31", "reason": "…"}`.
    @Sendable func reschedule(_ request: Request, context: AppRequestContext) async throws -> ItemEditDTO {
        let caller = try context.requireCaller()
        let code = context.parameters.get("code") ?? ""
        try await APIError.answering(fieldPrefix: "path.") { try await service.requireRescheduling(code, by: .caller(caller)) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["deadline", "reason"], problems: &problems)
        let deadline = body.string("deadline", required: true, problems: &problems)
        let reason = body.string("reason", problems: &problems)
        try throwIfProblems(problems)
        let outcome = try await APIError.answering(fieldPrefix: "body.") {
            try await service.reschedule(
                DeadlineEdit(measureCode: code, deadline: deadline, reason: reason), by: .caller(caller), requestID: context.id)
        }
        return ItemEditDTO(outcome)
    }

    @Sendable func listItems(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ItemRevisionDTO> {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["status", "lang"])
        let status = try query.codes("status", of: RevisionStatus.self)
        if let status, status.count > 1 { throw APIError.invalidParameter("query.status", "must be one status") }
        let items = try await APIError.answering(fieldPrefix: "query.") { try await service.listItems(status: status?.first, by: caller) }
        return ListDTO(items: items.map(ItemRevisionDTO.init), total: items.count, limit: nil, offset: nil)
    }

    @Sendable func approveItem(_ request: Request, context: AppRequestContext) async throws -> ItemRevisionDTO {
        try await decideItem(request, context: context, approve: true)
    }

    /// The body: `{"reason": "…"}`.
    @Sendable func refuseItem(_ request: Request, context: AppRequestContext) async throws -> ItemRevisionDTO {
        try await decideItem(request, context: context, approve: false)
    }

    func decideItem(_ request: Request, context: AppRequestContext, approve: Bool) async throws -> ItemRevisionDTO {
        let caller = try context.requireCaller()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a revision id") }
        try await APIError.answering { try await service.requireDecidingItem(id, by: caller) }
        let reason = try await decisionReason(request, approve: approve)
        let revision = try await APIError.answering {
            try await service.decideItem(id, approve: approve, reason: reason, by: caller, requestID: context.id)
        }
        return ItemRevisionDTO(revision)
    }

    /// A decision's body: none or `{"reason": "…"}` for an approval; a refusal names its reason.
    func decisionReason(_ request: Request, approve: Bool) async throws -> String? {
        var reason: String?
        let buffer = try await request.body.collect(upTo: 1 << 20)
        var problems: [FieldProblem] = []
        if buffer.readableBytes > 0 {
            let body = JSONBody(object: try JSONBody.parse(buffer), raw: buffer)
            body.refuseUnknownKeys(["reason"], problems: &problems)
            reason = body.string("reason", required: !approve, problems: &problems)
        } else if !approve {
            problems.append(FieldProblem(field: "body.reason", reason: "required"))
        }
        try throwIfProblems(problems)
        return reason
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<RevisionDTO> {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["status", "programme", "lang"])
        let language = try query.language()
        let status = try query.codes("status", of: RevisionStatus.self)
        if let status, status.count > 1 { throw APIError.invalidParameter("query.status", "must be one status") }
        let items = try await APIError.answering(fieldPrefix: "query.") {
            try await service.list(status: status?.first, programmeCode: query.string("programme"), by: caller)
        }
        return ListDTO(items: items.map { RevisionDTO($0, language: language) }, total: items.count, limit: nil, offset: nil)
    }

    /// The body: `{"value": 90, "reason": "…", "applies_from": "2025-07-01"}`.
    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> TargetEditDTO {
        let caller = try context.requireCaller()
        let language = try QueryParameters(request: request).language()
        let indicator = context.parameters.get("indicator") ?? ""
        // Access is decided before the body is read.
        try await APIError.answering(fieldPrefix: "path.") { try await service.requireEditing(indicator, by: .caller(caller)) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["value", "reason", "applies_from"], problems: &problems)
        let value = body.number("value", required: true, problems: &problems)
        let reason = body.string("reason", problems: &problems)
        let appliesFrom = body.string("applies_from", problems: &problems)
        try throwIfProblems(problems)
        let edit = TargetEdit(
            indicatorCode: indicator, territory: context.parameters.get("territory") ?? "",
            period: context.parameters.get("period") ?? "", value: value, reason: reason, appliesFrom: appliesFrom)
        let outcome = try await APIError.answering(fieldPrefix: "") {
            do {
                return try await service.edit(edit, by: .caller(caller), requestID: context.id)
            } catch var failure as ServiceFailure {
                // The path names the target; the body the rest.
                failure.problems = failure.problems.map {
                    FieldProblem(
                        field: (["indicator_code", "territory", "period"].contains($0.field) ? "path." : "body.") + $0.field, reason: $0.reason)
                }
                throw failure
            }
        }
        return TargetEditDTO(outcome, language: language)
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> RevisionDTO {
        try await decide(request, context: context, approve: true)
    }

    /// The body: `{"reason": "…"}`.
    @Sendable func refuse(_ request: Request, context: AppRequestContext) async throws -> RevisionDTO {
        try await decide(request, context: context, approve: false)
    }

    func decide(_ request: Request, context: AppRequestContext, approve: Bool) async throws -> RevisionDTO {
        let caller = try context.requireCaller()
        let language = try QueryParameters(request: request).language()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a revision id") }
        // Access is decided before the body is read.
        try await APIError.answering { try await service.requireDeciding(id, by: caller) }
        let reason = try await decisionReason(request, approve: approve)
        let revision = try await APIError.answering {
            try await service.decide(id, approve: approve, reason: reason, by: caller, requestID: context.id)
        }
        return RevisionDTO(revision, language: language)
    }

    @Sendable func approveProgramme(_ request: Request, context: AppRequestContext) async throws -> ProgrammeStatusDTO {
        let caller = try context.requireCaller()
        let programme = try await APIError.answering {
            try await service.approve(programme: context.parameters.get("code") ?? "", by: .caller(caller), requestID: context.id)
        }
        return ProgrammeStatusDTO(code: programme.code, status: programme.status.rawValue)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// Revisions of approved targets: those waiting for a second person first, each with its
/// approve and refuse forms where the caller may decide it, then the recent ones.
extension WebController {
    func addRevisionRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("revisions", use: revisionsPage)
        router.post("revisions/:id/decide", use: decideRevision)
        router.post("revisions/items/:id/decide", use: decideItemRevision)
    }

    func revisionsData(_ caller: Caller, context: AppRequestContext) async throws -> [String: Any] {
        let language = self.language(context)
        let all = try await APIError.answering { try await services.revisions.list(status: nil, programmeCode: nil, by: caller) }
        func row(_ r: TargetRevision) async throws -> [String: Any] {
            var decidable = false
            if r.status == .pending { decidable = (try? await services.revisions.requireDeciding(r.id, by: caller)) != nil }
            return [
                "id": r.id, "indicator": "\(r.indicatorCode) \(r.indicatorName.resolved(language))", "territory": r.territoryName.resolved(language),
                "period": r.period.code, "oldValue": ProgressRules.display(r.oldValue), "newValue": ProgressRules.display(r.newValue),
                "eases": r.eases, "appliesFrom": r.appliesFrom.iso, "by": r.proposedBy ?? "—", "reason": r.reason, "status": r.status.word(language),
                "statusCode": r.status.rawValue, "refusal": r.refusalReason ?? "", "decidable": decidable,
            ]
        }
        var pending: [[String: Any]] = []
        for r in all where r.status == .pending { pending.append(try await row(r)) }
        var recent: [[String: Any]] = []
        for r in all.filter({ $0.status != .pending }).prefix(100) { recent.append(try await row(r)) }
        let t = self.t(context)
        var items: [[String: Any]] = []
        for r in try await APIError.answering({ try await services.revisions.listItems(status: nil, by: caller) }).prefix(100) {
            var decidable = false
            if r.status == .pending { decidable = (try? await services.revisions.requireDecidingItem(r.id, by: caller)) != nil }
            let (what, old, new): (String, String, String) =
                switch r.change {
                case .names(let old, let new): (t.text("items_names"), old.resolved(language), new.resolved(language))
                case .deadline(let old, let new): (t.text("items_deadline"), old.iso, new.iso)
                }
            items.append([
                "id": r.id, "code": r.subjectCode, "what": what, "old": old, "new": new, "eases": ItemRevisionRules.eases(r.change),
                "by": r.proposedBy ?? "—", "reason": r.reason, "status": r.status.word(language), "refusal": r.refusalReason ?? "",
                "decidable": decidable,
            ])
        }
        return [
            "pending": pending, "recent": recent, "noPending": pending.isEmpty, "noRecent": recent.isEmpty, "items": items, "noItems": items.isEmpty,
        ]
    }

    @Sendable func revisionsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        return try pages.render(
            "revisions", title: text("revisions_title", context), request: request, context: context,
            data: try await revisionsData(caller, context: context))
    }

    /// `decision` is `approve` or `refuse` (with `reason`).
    @Sendable func decideRevision(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decideOnPage(
            request, context: context, require: { id, caller in try await services.revisions.requireDeciding(id, by: caller) },
            decide: { id, approve, reason, caller in
                let decided = try await services.revisions.decide(id, approve: approve, reason: reason, by: caller, requestID: context.id)
                return (decided.id, decided.status)
            })
    }

    /// A pending deadline approved or refused from the revisions page.
    @Sendable func decideItemRevision(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decideOnPage(
            request, context: context, require: { id, caller in try await services.revisions.requireDecidingItem(id, by: caller) },
            decide: { id, approve, reason, caller in
                let decided = try await services.revisions.decideItem(id, approve: approve, reason: reason, by: caller, requestID: context.id)
                return (decided.id, decided.status)
            })
    }

    /// The revisions page after a decision: who may decide is asked before the form is read; a
    /// refused decision is shown on the page with its reason.
    func decideOnPage(
        _ request: Request, context: AppRequestContext, require: (Int64, Caller) async throws -> Void,
        decide: (Int64, Bool, String?, Caller) async throws -> (Int64, RevisionStatus)
    ) async throws -> Response {
        let caller = try context.requirePageCaller()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be a revision id") }
        try await APIError.answering { try await require(id, caller) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        var status: HTTPResponse.Status = .ok
        var decided: (Int64, RevisionStatus)?
        var errors: [String: Any]?
        do {
            decided = try await decide(id, form.string("decision") == "approve", form.string("reason"), caller)
        } catch let failure as ServiceFailure {
            errors = FormErrors(failure, language(context)).context
            status = APIError(failure).status
        }
        var data = try await revisionsData(caller, context: context)
        if let (id, decidedStatus) = decided { data["decided"] = ["id": id, "status": decidedStatus.word(language(context))] }
        if let errors { data["errors"] = errors }
        return try pages.render("revisions", title: text("revisions_title", context), request: request, context: context, data: data, status: status)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// Exceptions to the entry locks: a coordinator asks for closed periods to be reopened, an
/// administrator grants or refuses each request beside it.
extension WebController {
    func addExceptionRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("exceptions", use: exceptionsPage)
        router.post("exceptions", use: requestException)
        router.post("exceptions/:id/decide", use: decideException)
    }

    func exceptionsData(_ caller: Caller, context: AppRequestContext) async throws -> [String: Any] {
        let language = self.language(context)
        let policy = try await authorizer.policy()
        let records = try await APIError.answering { try await services.exceptions.list(by: caller) }
        let deciding = (try? await services.exceptions.requireDeciding(by: .caller(caller))) != nil
        let today = today()
        return [
            "rows": records.map { r in
                [
                    "id": r.id, "by": r.requestedBy ?? "—",
                    "territories": r.territoryIDs.map { policy.tree.byID[$0]?.name.resolved(language) ?? String($0) }.joined(separator: ", "),
                    "periods": r.periods.map(\.code).joined(separator: ", "), "reason": r.reason, "status": r.status.word(language),
                    "statusCode": r.status.rawValue, "until": r.until.map { Show.day($0, language) } ?? "", "inForce": r.inForce(on: today),
                    "lapsed": r.status == .granted && !r.inForce(on: today), "refusal": r.refusal ?? "",
                    "decidable": deciding && r.status == .requested,
                ] as [String: Any]
            },
            "empty": records.isEmpty, "mayRequest": caller.holds(.coordinator) || caller.isAdministrator, "today": today.iso,
        ]
    }

    @Sendable func exceptionsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        return try pages.render(
            "exceptions", title: text("exceptions_title", context), request: request, context: context,
            data: try await exceptionsData(caller, context: context))
    }

    /// The request form: territories by name, KATO code or id, separated by commas; periods likewise.
    @Sendable func requestException(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try await services.exceptions.requireRequesting(by: caller) }
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        let language = self.language(context)
        let tree = try await authorizer.policy().tree
        func pieces(_ field: String) -> [String] {
            (form.string(field) ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        var problems: [FieldProblem] = []
        var territories: [String] = []
        for piece in pieces("territories") {
            switch tree.named(piece, on: today()) {
            case .found(let territory): territories.append(String(territory.id))
            case .missing(let why): problems.append(FieldProblem(field: "territories", reason: why.resolved(.en), words: why))
            }
        }
        do {
            try ServiceFailure.throwIfAny(problems)
            _ = try await services.exceptions.request(
                ExceptionRequest(territories: territories, periods: pieces("periods"), reason: form.string("reason")), by: caller,
                requestID: context.id)
            return PageRenderer.redirect("/exceptions?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            var data = try await exceptionsData(caller, context: context)
            data["errors"] = FormErrors(failure, language).context
            data["form"] = [
                "territories": form.string("territories") ?? "", "periods": form.string("periods") ?? "", "reason": form.string("reason") ?? "",
            ]
            return try pages.render(
                "exceptions", title: text("exceptions_title", context), request: request, context: context, data: data,
                status: APIError(failure).status)
        }
    }

    /// `decision` is `grant` (with `until`) or `refuse` (with `reason`).
    @Sendable func decideException(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try await services.exceptions.requireDeciding(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIError.notFound("no such exception") }
        let grant = form.string("decision") == "grant"
        do {
            _ = try await services.exceptions.decide(
                id, grantUntil: grant ? (form.string("until") ?? "") : nil, refusal: grant ? nil : form.string("reason"), by: .caller(caller),
                requestID: context.id)
            return PageRenderer.redirect("/exceptions?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden || failure.kind == .notFound { throw APIError(failure) }
            var data = try await exceptionsData(caller, context: context)
            data["errors"] = FormErrors(failure, language(context)).context
            return try pages.render(
                "exceptions", title: text("exceptions_title", context), request: request, context: context, data: data,
                status: APIError(failure).status)
        }
    }
}

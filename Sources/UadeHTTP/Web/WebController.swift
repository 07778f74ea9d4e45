import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// The web pages: every write, and every read that decides who sees what, is a call to the same
/// service the API calls, so the pages can do nothing the API would refuse; the pages turn the
/// answers into view data and refusals into errors beside the form's fields.
struct WebController: Sendable {
    let pages: PageRenderer
    let services: Services
    let accounts: AccountRepository
    let authorizer: Authorizer
    let territories: TerritoryRepository
    let programmes: ProgrammeRepository
    let progress: ProgressRepository
    let reads: EvaluationReadRepository
    let hearings: HearingRepository
    let dashboard: DashboardRepository
    let cookies: SessionCookies
    let today: @Sendable () -> Day

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("static/uade.css") { _, _ in Self.asset(pages.stylesheet, type: "text/css; charset=utf-8") }
        router.get("static/uade.js") { _, _ in Self.asset(pages.script, type: "text/javascript; charset=utf-8") }
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("password", use: passwordPage)
        router.post("password", use: changePassword)
        router.post("language", use: chooseLanguage)
        router.get("", use: home)
        addProgressRoutes(to: router)
        addOwnerRoutes(to: router)
        addHearingRoutes(to: router)
        addRoadmapRoutes(to: router)
        addRevisionRoutes(to: router)
        addExceptionRoutes(to: router)
        addAdminRoutes(to: router)
        router.get("progress", use: publicProgress)
    }

    static func asset(_ buffer: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: buffer))
    }

    /// Every programme's sections, each code once.
    func allSections() async throws -> [Section] {
        var result: [Section] = []
        var seen = Set<String>()
        for programme in try await programmes.programmes() {
            for section in try await programmes.sections(programmeID: programme.id) where seen.insert(section.code).inserted {
                result.append(section)
            }
        }
        return result
    }

    /// Territories for a select: those in `visible` (nil: any) down to `maxDepth`, indented by level.
    func territoryChoices(_ tree: TerritoryTree, visible: Set<Territory.ID>?, maxDepth: Int, language: Language) -> [[String: Any]] {
        tree.outline(maxDepth: maxDepth).filter { visible?.contains($0.territory.id) ?? true }.map { entry in
            ["ref": entry.territory.reference, "name": String(repeating: "— ", count: entry.depth) + entry.territory.name.resolved(language)]
        }
    }

    /// The periods "due now": the last quarter and the last year that ended before today.
    func defaultPeriods() -> [Period] {
        ProgressRules.defaultDuePeriods(today: today())
    }

    /// One label in the caller's language.
    func text(_ key: String, _ context: AppRequestContext) -> String {
        t(context).text(key)
    }

    func t(_ context: AppRequestContext) -> [String: String] { WebText.labels(context.language ?? .ru) }
    func language(_ context: AppRequestContext) -> Language { context.language ?? .ru }

    /// Only paths on this site: never a redirect to somewhere else.
    static func safeNext(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\") else { return "/" }
        return text
    }

    // MARK: Log in, log out, password, language

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try pages.render(
            "login", title: text("login_title", context), request: request, context: context,
            data: ["next": Self.safeNext(request.uri.queryParameters.get("next"))])
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        let next = Self.safeNext(form.string("next"))
        var problems: [FieldProblem] = []
        let username = form.text("username", problems: &problems)
        let password = form.text("password", problems: &problems)
        do {
            let signedIn = try await services.sessions.login(
                username: username, password: password, replacing: context.sessionToken,
                unreadable: problems)
            var redirect = PageRenderer.redirect(next)
            redirect.headers.append(HTTPField(name: .setCookie, value: cookies.cookie(for: signedIn.session)))
            return redirect
        } catch let failure as ServiceFailure {
            let message = failure.kind == .unauthenticated ? text("login_failed", context) : failure.detail
            return try pages.render(
                "login", title: text("login_title", context), request: request, context: context,
                data: ["next": next, "error": message, "username": form.string("username") ?? ""],
                status: failure.kind == .unauthenticated ? .unauthorized : .unprocessableContent)
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        if let token = context.sessionToken { try await services.sessions.logout(token: token) }
        var redirect = PageRenderer.redirect("/login")
        redirect.headers.append(HTTPField(name: .setCookie, value: cookies.ended))
        return redirect
    }

    @Sendable func passwordPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        return try pages.render("password", title: text("password_title", context), request: request, context: context)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        var problems: [FieldProblem] = []
        let current = form.text("current_password", problems: &problems)
        let new = form.text("new_password", problems: &problems)
        do {
            let session = try await services.sessions.changePassword(
                of: caller, current: current, new: new, newSession: true,
                requestID: context.id, unreadable: problems)
            var redirect = PageRenderer.redirect("/?notice=password_changed")
            if let session { redirect.headers.append(HTTPField(name: .setCookie, value: cookies.cookie(for: session))) }
            return redirect
        } catch let failure as ServiceFailure {
            return try pages.render(
                "password", title: text("password_title", context), request: request, context: context,
                data: ["errors": FormErrors(failure, language(context)).context], status: APIError(failure).status)
        }
    }

    /// Remembered on the account when signed in, in a cookie otherwise.
    @Sendable func chooseLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        guard let language = form.string("lang").flatMap(Language.init(tag:)) else {
            throw APIError(
                .unprocessableContent, kind: .invalidFields, detail: "lang must be kk, ru or en",
                fields: [.init(field: "lang", reason: "must be kk, ru or en")])
        }
        if let caller = context.caller { try await accounts.setLanguage(accountID: caller.accountID, language: language) }
        var redirect = PageRenderer.redirect(Self.safeNext(form.string("next")))
        redirect.headers.append(
            HTTPField(name: .setCookie, value: "\(WebMiddleware.languageCookie)=\(language.rawValue); Path=/; SameSite=Lax; Max-Age=31536000"))
        return redirect
    }

    // MARK: Home

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderHome(request, context: context)
    }

    /// A flag's refused explanation comes back here, next to that flag, with the text kept.
    struct RefusedExplanation {
        let flagID: Int64
        let text: String
        let reason: String
    }

    func renderHome(
        _ request: Request, context: AppRequestContext, refused: RefusedExplanation? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let caller = context.caller else { return PageRenderer.redirect("/login") }
        let t = self.t(context)
        let language = self.language(context)
        let policy = try await authorizer.policy()
        var data: [String: Any] = [:]
        var anything = false
        if caller.holds(.coordinator) {
            let missing = try await services.progress.missingCount(periods: defaultPeriods(), by: caller)
            // The older gaps of the term are a link away.
            let owed = try await services.progress.missingCount(periods: ProgressRules.termDuePeriods(today: today()), by: caller)
            let standings = try await services.calendars.standings(of: defaultPeriods(), on: today())
            data["due"] = [
                "missing": missing, "periods": defaultPeriods().map(\.code).joined(separator: ", "), "older": max(0, owed - missing),
                "deadlines": standings.map {
                    ["period": $0.period.code, "standing": $0.standing.phrase(language), "kind": $0.standing.kind.rawValue]
                },
            ]
            // The first lines of the work list: open flags, the most serious and newest first.
            let list = try await services.flags.workList(FlagWorkListQuery(state: "open", limit: 10), by: caller)
            let total = list.total
            data["groups"] = flagGroupRows(list.groups, tree: policy.tree, language: language, t: t, next: "/", refused: refused)
            data["flagsTotal"] = total
            data["hasFlags"] = !list.groups.isEmpty
            data["moreFlags"] = total > list.groups.count
            anything = anything || missing > 0 || total > 0
        }
        if caller.holds(.factionStaff) || caller.isAdministrator {
            let scope = policy.visibleTerritories(caller, roles: [.factionStaff]).map { Array($0) }
            let (items, _) = try await hearings.list(territories: scope, limit: 50, offset: 0)
            let planned = items.filter { $0.status == .planned }
            data["hasHearings"] = !planned.isEmpty
            data["hearings"] = planned.map { ["id": $0.id, "title": $0.title, "date": Show.day($0.heldOn, language)] }
            anything = anything || !planned.isEmpty
        }
        if (caller.holds(.bureauMember) && !caller.ownedSections.isEmpty) || (caller.holds(.councilMember) && !caller.ownedIndicators.isEmpty),
            let run = try await reads.latestCompleted()
        {
            let items = try await dashboard.headlineItems(
                runID: run.id, sections: caller.ownedSections.isEmpty ? nil : Array(caller.ownedSections), territories: nil,
                pairs: caller.ownedSections.isEmpty ? Array(caller.ownedIndicators) : nil)
            let troubled = items.filter { [.missed, .notReported, .atRisk].contains($0.headline) }
            var counts: [[String: Any]] = []
            for status in [EvaluationStatus.missed, .notReported, .atRisk] {
                let n = troubled.filter { $0.headline == status }.count
                if n > 0 { counts.append(["status": Show.status(status, t), "count": n]) }
            }
            data["owned"] = ["counts": counts, "link": caller.ownedSections.isEmpty ? "/mine" : "/heatmap", "asOf": run.asOf.iso]
            anything = anything || !troubled.isEmpty
        }
        if caller.isAdministrator {
            // Flags nobody but an administrator can act on: an item without an owner.
            let unowned = try await services.flags.workList(FlagWorkListQuery(kind: FlagKind.unowned.rawValue, state: "open", limit: 1), by: caller)
            data["unowned"] = unowned.total
            let gaps = try await dashboard.coverageGaps(on: today(), examplesPerTerritory: 0)
            data["gaps"] = ["sections": gaps.sections.count, "indicators": gaps.indicators.reduce(0) { $0 + $1.count }]
            anything = true
        }
        data["nothing"] = !anything
        return try pages.render("home", title: t.text("home_title"), request: request, context: context, data: data, status: status)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeEvaluator
import UadeServices
import UadeStorage

/// Administrators: accounts and roles, ownership with its gaps, evaluation runs and their diffs.
extension WebController {
    func addAdminRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("admin/accounts", use: accountsPage)
        router.post("admin/accounts", use: createAccount)
        router.post("admin/accounts/:username/roles", use: grantRole)
        router.get("admin/ownership", use: ownershipPage)
        router.post("admin/ownership/section", use: assignSection)
        router.post("admin/ownership/indicator", use: assignIndicator)
        router.get("admin/evaluations", use: evaluationsPage)
        router.post("admin/evaluations", use: startEvaluation)
        router.get("admin/evaluations/diff", use: diffPage)
        router.get("admin/timeliness", use: timelinessPage)
    }

    // MARK: Accounts

    func accountsData(
        _ context: AppRequestContext, values: [String: String] = [:], errors: FormErrors = FormErrors(), grantFor: String? = nil,
        grantErrors: FormErrors = FormErrors()
    ) async throws -> [String: Any] {
        try await authorizer.require(context, .manageAccounts)
        let t = self.t(context)
        let language = self.language(context)
        let policy = try await authorizer.policy()
        let people = try await dashboard.people()
        let rows: [[String: Any]] = try await accounts.list().map { account in
            [
                "username": account.username, "person": account.personName ?? "", "disabled": account.disabled,
                "lang": account.preferredLanguage.rawValue,
                "roles": account.roles.map { grant in
                    let territory = grant.territoryID.flatMap { policy.tree.byID[$0] }?.name.resolved(language)
                    return grant.role.heading(language) + (territory.map { " · \($0)" } ?? "")
                }.joined(separator: "; "),
                "grantErrors": account.username == grantFor ? grantErrors.context : [:],
            ] as [String: Any]
        }
        return [
            "accounts": rows, "values": values, "errors": errors.context, "territories": territoryPicker(policy.tree, language: language),
            "people": people.map { ["id": $0.id, "name": $0.name.resolved(language), "selected": values["person_id"] == String($0.id)] },
            "roleChoices": Role.allCases.map { ["code": $0.rawValue, "name": t["role_\($0.rawValue)"] ?? $0.rawValue] },
            "languages": Language.allCases.map { ["code": $0.rawValue, "name": PageRenderer.languageName($0)] },
        ]
    }

    /// The picker of the forms that name a territory: every territory valid today, by the name
    /// the form reads back (`TerritoryTree.named`).
    func territoryPicker(_ tree: TerritoryTree, language: Language) -> [[String: String]] {
        let shared = tree.sharedNames(language, on: today())
        return tree.outline(maxDepth: 3).filter { $0.territory.isValid(on: today()) }.map {
            ["label": tree.label($0.territory, language: language, sharedNames: shared), "ref": $0.territory.reference]
        }
    }

    @Sendable func accountsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        return try pages.render(
            "accounts", title: text("accounts_title", context), request: request, context: context, data: try await accountsData(context))
    }

    @Sendable func createAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        var problems: [FieldProblem] = []
        let username = form.text("username", problems: &problems)
        let password = form.text("password", problems: &problems)
        let person = form.integer("person_id", problems: &problems)
        var preferred = Language.ru
        if let lang = form.string("lang") {
            if let chosen = Language(tag: lang) {
                preferred = chosen
            } else {
                problems.append(FieldProblem(field: "lang", reason: "must be kk, ru or en"))
            }
        }
        let account = NewAccount(username: username, password: password, personID: person, language: preferred, unreadable: problems)
        do {
            _ = try await services.accounts.create(account, by: .caller(caller), requestID: context.id)
            return PageRenderer.redirect("/admin/accounts?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            var values = form.echo
            values["password"] = nil
            return try pages.render(
                "accounts", title: text("accounts_title", context), request: request, context: context,
                data: try await accountsData(context, values: values, errors: FormErrors(failure, language(context))),
                status: APIError(failure).status)
        }
    }

    @Sendable func grantRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        let username = context.parameters.get("username") ?? ""
        var problems: [FieldProblem] = []
        let role = form.text("role", problems: &problems)
        let territory = form.text("territory", problems: &problems)
        do {
            _ = try await services.accounts.grant(
                username: username, role: role, territory: territory, by: .caller(caller), requestID: context.id,
                unreadable: problems)
            return PageRenderer.redirect("/admin/accounts?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            return try pages.render(
                "accounts", title: text("accounts_title", context), request: request, context: context,
                data: try await accountsData(context, grantFor: username, grantErrors: FormErrors(failure, language(context))),
                status: APIError(failure).status)
        }
    }

    // MARK: Ownership

    func ownershipData(_ context: AppRequestContext, errors: FormErrors = FormErrors(), values: [String: String] = [:]) async throws -> [String: Any]
    {
        try await authorizer.require(context, .manageAccounts)
        let language = self.language(context)
        let policy = try await authorizer.policy()
        let gaps = try await dashboard.coverageGaps(on: today())
        let people = try await dashboard.people()
        let programme = try await programmes.programmes().first
        let sections = if let programme { try await programmes.sections(programmeID: programme.id) } else { [Section]() }
        return [
            "gapSections": gaps.sections.map { ["code": $0.code, "name": $0.name.resolved(language), "programme": $0.programmeCode] },
            "gapIndicators": gaps.indicators.prefix(100).map { gap in
                [
                    "territory": policy.tree.byID[gap.territoryID]?.name.resolved(language) ?? String(gap.territoryID),
                    "territoryRef": policy.tree.byID[gap.territoryID]?.reference ?? String(gap.territoryID),
                    "count": gap.count, "examples": gap.examples.joined(separator: ", "),
                ] as [String: Any]
            },
            "noGaps": gaps.sections.isEmpty && gaps.indicators.isEmpty,
            "people": people.map { ["id": $0.id, "name": $0.name.resolved(language)] },
            "territories": territoryPicker(policy.tree, language: language),
            "sections": sections.map { ["id": $0.id, "name": $0.code + " · " + $0.name.resolved(language), "sensitive": $0.sociallySensitive] },
            "today": today().iso, "errors": errors.context, "values": values,
        ]
    }

    @Sendable func ownershipPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        return try pages.render(
            "ownership", title: text("ownership_title", context), request: request, context: context, data: try await ownershipData(context))
    }

    /// Both handovers go through the ownership service (checked, audited); a refusal shows the
    /// form again with the values typed and each problem beside its field, in the page's language.
    func assign(_ request: Request, context: AppRequestContext, indicator: Bool) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try await services.ownership.requireManaging(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        do {
            if indicator {
                try await services.ownership.hand(
                    IndicatorHandover(
                        indicatorCode: form.string("indicator"), territory: form.string("territory"), personID: form.string("person_id"),
                        from: form.string("from")), by: .caller(caller), requestID: context.id)
            } else {
                try await services.ownership.hand(
                    SectionHandover(sectionID: form.string("section_id"), personID: form.string("person_id"), from: form.string("from")),
                    by: .caller(caller), requestID: context.id)
            }
            return PageRenderer.redirect("/admin/ownership?notice=assigned")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            return try pages.render(
                "ownership", title: text("ownership_title", context), request: request, context: context,
                data: try await ownershipData(context, errors: FormErrors(failure, language(context)), values: form.echo),
                status: APIError(failure).status)
        }
    }

    @Sendable func assignSection(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await assign(request, context: context, indicator: false)
    }

    @Sendable func assignIndicator(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await assign(request, context: context, indicator: true)
    }

    // MARK: Evaluations

    func evaluationsData(_ context: AppRequestContext, errors: FormErrors = FormErrors(), values: [String: String] = [:]) async throws -> [String:
        Any]
    {
        let caller = try await authorizer.require(context, .readEvaluation)
        let language = self.language(context)
        let runs = try await reads.runs(limit: 50, offset: 0)
        let completed = runs.filter { $0.status == .completed }.sorted { $0.id > $1.id }
        // By default the latest run is compared with the one before it.
        func choices(selected index: Int) -> [[String: Any]] {
            completed.enumerated().map {
                ["id": $0.element.id, "label": "#\($0.element.id) · \($0.element.asOf.iso)", "selected": $0.offset == index]
            }
        }
        return [
            "runs": runs.map { run in
                [
                    "id": run.id, "asOf": run.asOf.iso, "status": run.status.heading(language), "statusCode": run.status.rawValue,
                    "started": Show.timestamp(run.startedAt, language),
                    "by": run.startedBy ?? "",
                    // Worst first, in the page's words.
                    "counts": EvaluationStatus.allCases.compactMap { status in
                        run.counts?[status].map { "\(status.heading(language)): \($0)" }
                    }.joined(separator: ", "),
                    "failure": run.failure ?? "",
                ] as [String: Any]
            },
            "completedFrom": choices(selected: min(1, completed.count - 1)), "completedTo": choices(selected: 0),
            "canStart": caller.isAdministrator, "today": today().iso, "errors": errors.context, "values": values,
        ]
    }

    @Sendable func evaluationsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        return try pages.render(
            "evaluations", title: text("evaluations_title", context), request: request, context: context,
            data: try await evaluationsData(context))
    }

    @Sendable func startEvaluation(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        let caller = try context.requireCaller()
        let page = { (errors: FormErrors, status: HTTPResponse.Status) in
            try self.pages.render(
                "evaluations", title: self.text("evaluations_title", context), request: request, context: context,
                data: try await self.evaluationsData(context, errors: errors, values: form.echo), status: status)
        }
        guard let asOf = form.string("as_of").flatMap(Day.init(iso:)) else {
            var errors = FormErrors()
            errors.byField["as_of"] = WebText.text("as_of", language(context)) + ": YYYY-MM-DD"
            return try await page(errors, .unprocessableContent)
        }
        do {
            let id = try await services.evaluations.start(EvaluationRequest(asOf: asOf, territory: form.string("territory")), by: caller)
            // The run goes on in the background; the list shows it running, then completed.
            return PageRenderer.redirect("/admin/evaluations?notice=saved&started=\(id)")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            return try await page(FormErrors(failure, language(context)), failure.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }

    /// Two completed runs compared; without `from` and `to`, the latest run against the one
    /// before it. Every row names its territory and indicator; a list cut to its page says so.
    @Sendable func diffPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context)
        let query = request.uri.queryParameters
        var from = query.get("from") ?? ""
        var to = query.get("to") ?? ""
        if from.isEmpty || to.isEmpty {
            let completed = try await reads.runs(limit: 50, offset: 0).filter { $0.status == .completed }.sorted { $0.id > $1.id }
            guard completed.count >= 2 else { return PageRenderer.redirect("/admin/evaluations") }
            if to.isEmpty { to = String(completed[0].id) }
            if from.isEmpty { from = String(completed.first { String($0.id) != to && $0.id < (Int64(to) ?? .max) }?.id ?? completed[1].id) }
        }
        guard let before = Int64(from), let after = Int64(to) else { throw APIError.invalidParameter("query.from", "must be run numbers") }
        let size = Self.diffPageSize
        let offset = min(max(0, Int(query.get("offset") ?? "") ?? 0), PageRequest.maximumOffset)
        let diff: RunDiff
        do {
            diff = try await services.evaluations.diff(run: after, against: before, by: caller, page: PageRequest(limit: size, offset: offset))
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
        let policy = try await authorizer.policy()
        let language = self.language(context)
        let rows: [[String: Any]] = diff.items.map { item in
            let name = item.territoryName ?? policy.tree.byID[item.territoryID]?.name
            var row: [String: Any] = [
                "indicator": item.indicatorCode, "indicatorName": item.indicatorName?.resolved(language) ?? "",
                "territory": name?.resolved(language) ?? (item.territoryKato ?? String(item.territoryID)),
                "period": item.period, "change": t[item.change.rawValue] ?? item.change.rawValue, "changeCode": item.change.rawValue,
            ]
            row["before"] = item.before.map { Show.status($0, t) }
            row["after"] = item.after.map { Show.status($0, t) }
            return row
        }
        let counts = DiffChange.allCases.map { ["label": t[$0.rawValue] ?? $0.rawValue, "count": diff.counts[$0]] as [String: Any] }
        let base = "/admin/evaluations/diff?from=\(before)&to=\(after)"
        return try pages.render(
            "diff", title: t.text("diff_title"), request: request, context: context,
            data: [
                "from": from, "to": to, "rows": rows, "counts": counts, "total": diff.total, "empty": rows.isEmpty,
                "cut": diff.total > rows.count,
                "range": Show.range(from: rows.isEmpty ? 0 : offset + 1, to: offset + rows.count, of: diff.total, language),
                "prev": offset > 0 ? base + "&offset=\(max(0, offset - size))" : "",
                "next": offset + size < diff.total ? base + "&offset=\(offset + size)" : "",
            ])
    }

    static let diffPageSize = 200

    /// How punctually each coordinator reported for each territory, the least punctual first.
    @Sendable func timelinessPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let language = self.language(context)
        let t = self.t(context)
        let policy = try await authorizer.policy()
        var errors = FormErrors()
        let text = request.uri.queryParameters.get("period") ?? ""
        var periods: [Period]?
        if !text.isEmpty {
            if let period = Period(code: text) {
                periods = [period]
            } else {
                errors.general.append("\(WebText.text("period", language)) «\(text)»: \(t.text("filter_unreadable"))")
            }
        }
        var rows: [[String: Any]] = []
        if errors.isEmpty {
            let lines = try await APIError.answering { try await services.calendars.timeliness(territory: nil, periods: periods, by: caller) }
            rows = lines.map { line in
                [
                    "account": line.username ?? "—",
                    "territory": policy.tree.byID[line.territoryID]?.name.resolved(language) ?? String(line.territoryID),
                    "values": line.values, "onTime": line.onTime,
                    "share": NumberFormat.format((line.shareOnTime * 1000).rounded() / 10, language) + "%",
                    "delay": NumberFormat.format(line.medianDelayDays, language), "late": line.onTime < line.values,
                ]
            }
        }
        return try pages.render(
            "timeliness", title: t.text("timeliness_title"), request: request, context: context,
            data: ["rows": rows, "empty": rows.isEmpty, "period": text, "errors": errors.context])
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}

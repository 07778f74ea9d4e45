import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// The coordinator's pages: what is due, the entry and correction form, CSV upload, flags.
extension WebController {
    func addProgressRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("due", use: duePage)
        router.get("entry", use: entryPage)
        router.post("entry", use: saveEntry)
        router.get("upload", use: uploadPage)
        router.post("upload", use: upload)
        router.get("flags", use: flagsPage)
        router.post("flags/:id/explain", use: explainFlag)
    }

    /// The territories a coordinator reports for, in tree order (for the filter).
    func coordinatorTerritories(_ caller: Caller, policy: AccessPolicy, language: Language) -> [[String: Any]] {
        let visible = policy.visibleTerritories(caller, roles: [.coordinator])
        // An administrator may report anywhere: the republic and its regions keep the list short.
        return territoryChoices(policy.tree, visible: visible, maxDepth: visible == nil ? 1 : 3, language: language)
    }

    /// The section and territory choices of a list's filter with the selected ones marked, and
    /// the list's address with its filter (what its paging links add an offset to).
    func listFilter(
        _ path: String, selected: [String: String], caller: Caller, policy: AccessPolicy, language: Language
    ) async throws -> (sections: [[String: Any]], territories: [[String: Any]], base: String) {
        var seen = Set<String>()
        let sections = try await allSections().filter { seen.insert($0.code).inserted }.map {
            ["code": $0.code, "name": $0.name.resolved(language), "selected": $0.code == selected["section"]] as [String: Any]
        }
        let territories = coordinatorTerritories(caller, policy: policy, language: language).map { row -> [String: Any] in
            var row = row
            row["selected"] = (row["ref"] as? String) == selected["territory"]
            return row
        }
        let base =
            path + "?"
            + selected.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return (sections, territories, base)
    }

    @Sendable func duePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context)
        let language = self.language(context)
        let query = request.uri.queryParameters
        let offset = min(max(0, Int(query.get("offset") ?? "") ?? 0), PageRequest.maximumOffset)
        var selected: [String: String] = [:]
        for name in ["territory", "section", "status", "period"] {
            if let value = query.get(name), !value.isEmpty { selected[name] = value }
        }
        let policy = try await authorizer.policy()
        var rows: [[String: Any]] = []
        var total = 0
        var errors = FormErrors()
        // What the filters say, each checked; a filter that cannot be read says so beside it.
        var due = DueQuery(periods: defaultPeriods())
        func unreadable(_ field: String, _ text: String) {
            errors.general.append("\(WebText.text(field, language)) «\(text)»: \(t.text("filter_unreadable"))")
        }
        if let ref = selected["territory"] {
            if let territory = policy.tree.find(ref) { due.territory = territory.id } else { unreadable("territory", ref) }
        }
        if let text = selected["period"] {
            if text == "all" {
                due.periods = ProgressRules.termDuePeriods(today: today())
            } else if let period = Period(code: text) {
                due.periods = [period]
            } else {
                unreadable("period", text)
            }
        }
        if let text = selected["status"] {
            if let status = DueStatus(rawValue: text) { due.status = status } else { unreadable("status", text) }
        }
        due.sectionCode = selected["section"]
        if errors.isEmpty {
            do {
                let page = try await services.progress.due(due, by: caller, language: language, page: PageRequest(limit: 50, offset: offset))
                // Units by their names, never their codes.
                let units = Dictionary(try await programmes.units().map { ($0.code, $0.name.resolved(language)) }, uniquingKeysWith: { a, _ in a })
                total = page.total
                let today = today()
                rows = page.items.map { item in
                    let ref = item.territoryKato ?? String(item.territoryID)
                    let standing = item.calendar.standing(of: item.period, on: today)
                    return [
                        "deadline": Show.day(item.deadline, language), "standing": standing.phrase(language),
                        "standingKind": standing.kind.rawValue, "closed": standing.kind == .closed,
                        "indicator": item.indicatorCode, "indicatorName": item.indicatorName, "territory": item.territoryName,
                        "period": item.period.code, "unit": units[item.unit] ?? item.unit,
                        "target": Show.number(item.target, language), "latest": Show.number(item.latestValue, language),
                        "reported": item.latestValue != nil,
                        "href": "/entry?indicator=\(item.indicatorCode)&territory=\(ref)&period=\(item.period.code)",
                    ]
                }
            } catch let failure as ServiceFailure {
                if failure.kind == .forbidden { throw APIError(failure) }
                errors = FormErrors(failure, language)
            }
        }
        let (sectionChoices, territories, base) = try await listFilter("/due", selected: selected, caller: caller, policy: policy, language: language)
        return try pages.render(
            "due", title: t.text("due_title"), request: request, context: context,
            data: [
                "rows": rows, "total": total, "territories": territories, "sections": sectionChoices,
                "statusMissing": selected["status"] == "missing", "statusReported": selected["status"] == "reported",
                "period": selected["period"] ?? "", "defaultPeriods": defaultPeriods().map(\.code).joined(separator: ", "),
                "errors": errors.context, "empty": rows.isEmpty,
                "prev": offset > 0 ? base + "&offset=\(max(0, offset - 50))" : "", "next": offset + 50 < total ? base + "&offset=\(offset + 50)" : "",
                "from": total == 0 ? 0 : offset + 1, "to": min(offset + 50, total),
            ])
    }

    // MARK: Entry and correction

    /// The form for one indicator × territory × period, with its target, recent values, trend
    /// and history. 403 when the caller may not report there.
    func entryData(_ request: Request, context: AppRequestContext, indicator: String?, territory: String?, period: String?) async throws -> [String:
        Any]
    {
        let language = self.language(context)
        let policy = try await authorizer.policy()
        var problems: [FieldProblem] = []
        let cell = try await services.progress.cell(indicator: indicator, territory: territory, period: period, problems: &problems)
        guard let cell else {
            throw APIError(.notFound, kind: .notFound, detail: problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
        }
        try await authorizer.require(context, .writeProgress, cell.resource, policy: policy)
        let series = try await dashboard.series(
            indicatorID: cell.context.indicator.id, territoryID: cell.territory.id,
            periodicity: cell.context.indicator.periodicity)
        guard let here = series.first(where: { $0.period == cell.period }) else {
            throw APIError(.notFound, kind: .notFound, detail: "no target for this indicator, territory and period")
        }
        let upToHere = series.filter { $0.period <= cell.period }
        let history = try await progress.history(indicatorID: cell.context.indicator.id, territoryID: cell.territory.id, period: cell.period)
        let current = history.last { !$0.superseded }
        let points = series.map { WebCharts.Point(label: $0.period.code, target: $0.target, actual: $0.value) }
        let recent: [[String: String]] = upToHere.suffix(6).reversed().map { point in
            ["period": point.period.code, "target": Show.number(point.target, language), "value": Show.number(point.value, language)]
        }
        let rows: [[String: Any]] = history.reversed().map { entry in
            var row: [String: Any] = ["value": Show.number(entry.value, language), "by": entry.enteredBy ?? "—"]
            row["at"] = Show.timestamp(entry.enteredAt, language)
            row["reason"] = entry.correctionReason ?? ""
            row["comment"] = entry.comment ?? ""
            row["evidence"] = entry.evidence ?? ""
            row["superseded"] = entry.superseded
            return row
        }
        var data: [String: Any] = [:]
        data["indicator"] = cell.context.indicator.code
        data["indicatorName"] = cell.context.indicator.name.resolved(language)
        data["unit"] = cell.context.unit.name.resolved(language)
        data["territory"] = cell.territory.reference
        data["territoryName"] = cell.territory.name.resolved(language)
        data["period"] = cell.period.code
        data["target"] = Show.number(here.target, language)
        data["currentValue"] = Show.number(current?.value, language)
        if let current { data["current"] = ["id": current.id] }
        data["recent"] = recent
        data["sparkline"] = WebCharts.trajectory(points, width: 220, height: 48, labelled: false)
        data["history"] = rows
        data["idempotencyKey"] = randomToken()
        // What the form must say for a cumulative indicator: this period's amount is entered,
        // the target is the running total since the term began.
        let previous = upToHere.dropLast().last
        if cell.context.indicator.accumulation == .cumulative {
            let before = upToHere.dropLast().compactMap(\.value).reduce(0, +)
            data["cumulative"] = [
                "since": series.first?.period.code ?? cell.period.code, "before": Show.number(before, language),
                "withCurrent": current.map { Show.number(before + $0.value, language) } ?? "",
            ]
        }
        data["check"] = PlausibilityInput(
            unit: cell.context.indicator.unit,
            expected: Plausibility.expected(target: here.target, previousTarget: previous?.target, accumulation: cell.context.indicator.accumulation))
        return data
    }

    /// What the entry form needs to warn about an implausible value before saving it.
    struct PlausibilityInput {
        let unit: String
        let expected: Double?
    }

    /// The warnings in the page's language, nil when there are none.
    func plausibilityWarnings(_ value: Double?, _ check: PlausibilityInput?, unitName: String, language: Language) -> [String]? {
        guard let value, let check else { return nil }
        let t = WebText.labels(language)
        let words = Plausibility.warnings(value: value, unit: check.unit, expected: check.expected).map { warning -> String in
            switch warning {
            case .fraction: return t.text("warn_fraction").replacingOccurrences(of: "{unit}", with: unitName)
            case .farAbove(let expected):
                return t.text("warn_far_above").replacingOccurrences(of: "{expected}", with: Show.number(expected, language) + " " + unitName)
            case .farBelow(let expected):
                return t.text("warn_far_below").replacingOccurrences(of: "{expected}", with: Show.number(expected, language) + " " + unitName)
            }
        }
        return words.isEmpty ? nil : words
    }

    @Sendable func entryPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        let query = request.uri.queryParameters
        let data = try await entryData(
            request, context: context, indicator: query.get("indicator"), territory: query.get("territory"), period: query.get("period"))
        return try pages.render("entry", title: text("entry_title", context), request: request, context: context, data: data)
    }

    @Sendable func saveEntry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 256 << 10)
        try context.requireFormToken(form)
        let data = try await entryData(
            request, context: context, indicator: form.string("indicator"), territory: form.string("territory"), period: form.string("period"))
        var problems: [FieldProblem] = []
        let value = form.number("value", problems: &problems)
        let comment = form.text("comment", problems: &problems)
        let evidence = form.text("evidence", problems: &problems)
        let key = form.string("idempotency_key")
        // A value that looks mistyped is shown back with a warning; "save anyway" confirms it.
        if form.string("confirm") != "1", problems.isEmpty,
            let warnings = plausibilityWarnings(
                value, data["check"] as? PlausibilityInput, unitName: data["unit"] as? String ?? "", language: language(context))
        {
            var page = data
            page["warnings"] = warnings
            page["hasWarnings"] = true
            page["input"] = form.echo
            return try pages.render("entry", title: text("entry_title", context), request: request, context: context, data: page)
        }
        do {
            if let entry = form.string("entry"), let id = Int64(entry) {
                let correction = ProgressCorrection(
                    value: value, reason: form.text("reason", problems: &problems), comment: comment, evidence: evidence)
                _ = try await services.progress.correct(id, correction, by: caller, key: key, requestID: context.id, unreadable: problems)
            } else {
                let report = ProgressReport(
                    indicator: form.string("indicator"), territory: form.string("territory"), period: form.string("period"),
                    value: value, comment: comment, evidence: evidence)
                _ = try await services.progress.report(report, by: caller, key: key, requestID: context.id, unreadable: problems)
            }
            return PageRenderer.redirect(
                "/entry?indicator=\(data["indicator"]!)&territory=\(data["territory"]!)&period=\(data["period"]!)&notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            var page = data
            page["errors"] = FormErrors(failure, language(context)).context
            page["input"] = form.echo
            return try pages.render(
                "entry", title: text("entry_title", context), request: request, context: context, data: page,
                status: APIError(failure).status)
        }
    }

    // MARK: CSV upload

    func uploadData(_ caller: Caller, context: AppRequestContext) async throws -> [String: Any] {
        let policy = try await authorizer.policy()
        let language = self.language(context)
        return [
            "territories": coordinatorTerritories(caller, policy: policy, language: language),
            "defaultPeriods": defaultPeriods().map(\.code).joined(separator: ", "),
        ]
    }

    @Sendable func uploadPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await authorizer.require(context, .writeProgress)
        return try pages.render(
            "upload", title: text("upload_title", context), request: request, context: context,
            data: try await uploadData(caller, context: context))
    }

    /// Checks the whole file first; shows every bad row; writes only a file without problems.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 256 << 20)
        try context.requireFormToken(form)
        var data = try await uploadData(caller, context: context)
        let t = self.t(context)
        guard let file = form.files["file"], file.data.readableBytes > 0 else {
            data["errors"] =
                FormErrors(
                    APIError(
                        .unprocessableContent, kind: .invalidFields, detail: "no file",
                        fields: [.init(field: "file", reason: t.text("upload_help"))])
                ).context
            return try pages.render(
                "upload", title: t.text("upload_title"), request: request, context: context, data: data, status: .unprocessableContent)
        }
        let checkOnly = form.string("check_only") != nil
        data["filename"] = file.filename
        guard let text = String(validating: file.data.readableBytesView, as: UTF8.self) else {
            data["problems"] = [["line": "", "column": "", "reason": t.text("upload_help")]]
            data["problemCount"] = 1
            return try pages.render(
                "upload", title: t.text("upload_title"), request: request, context: context, data: data, status: .unprocessableContent)
        }
        let report: ImportReport
        do {
            report = try await services.imports.importFile(text, by: caller, dryRun: checkOnly, requestID: context.id)
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            data["errors"] = FormErrors(failure, language(context)).context
            return try pages.render("upload", title: t.text("upload_title"), request: request, context: context, data: data, status: .conflict)
        }
        guard report.problems.isEmpty else {
            let shown = 1000
            let language = language(context)
            data["problems"] = report.problems.prefix(shown).map {
                ["line": String($0.line), "column": $0.column, "reason": $0.reason(in: language)]
            }
            data["problemCount"] = report.problems.count
            data["problemDetail"] =
                (report.problems.count > shown ? t.text("upload_list_cut").replacingOccurrences(of: "%d", with: String(shown)) + " " : "")
                + t.text("upload_nothing_written")
            return try pages.render(
                "upload", title: t.text("upload_title"), request: request, context: context, data: data, status: .unprocessableContent)
        }
        data["result"] = [
            "rows": report.rows, "newValues": report.newValues, "corrections": report.corrections,
            "unchanged": report.unchanged, "blank": report.blank, "written": report.written,
        ]
        return try pages.render("upload", title: t.text("upload_title"), request: request, context: context, data: data)
    }

    // MARK: Flags

    /// One explanation for a work-list line: the flag in the path and the line's other open
    /// flags (`also`), all checked by the access policy and written together.
    @Sendable func explainFlag(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        guard let flagID = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("no such flag") }
        // With the flag in the path, at most the service's 500.
        let also = (form.fields["also"] ?? []).prefix(499).compactMap { Int64($0) }
        let next = Self.safeNext(form.string("next"))
        do {
            _ = try await services.flags.explain(
                flagIDs: [flagID] + also, text: form.string("text"), by: try context.requireCaller(), requestID: context.id)
        } catch let failure as ServiceFailure {
            guard failure.kind == .invalid else { throw APIError(failure) }
            let language = self.language(context)
            let reason = failure.problems.map { $0.reason(in: language) }.joined(separator: "; ")
            let refused = RefusedExplanation(flagID: flagID, text: form.fields["text"]?.first ?? "", reason: reason.isEmpty ? failure.detail : reason)
            if next.hasPrefix("/flags") {
                return try await renderFlags(request, context: context, uri: next, refused: refused, status: .unprocessableContent)
            }
            return try await renderHome(request, context: context, refused: refused, status: .unprocessableContent)
        }
        return PageRenderer.redirect(next.appending(next.contains("?") ? "&notice=saved" : "?notice=saved"))
    }
}

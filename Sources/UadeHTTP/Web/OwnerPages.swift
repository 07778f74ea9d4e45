import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// What owners read: the heatmap of their sections, their own indicators, and the page of one
/// indicator in one territory with its trajectory.
extension WebController {
    /// What results the caller reads, everywhere they may.
    func visibility(_ caller: Caller, policy: AccessPolicy) throws -> ResultFilter {
        do {
            return try ResultVisibility.filter(for: caller, policy: policy, within: nil)
        } catch {
            throw APIError(error)
        }
    }

    func addOwnerRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("heatmap", use: heatmapPage)
        router.get("mine", use: minePage)
        router.get("indicator", use: indicatorPage)
        router.post("indicator/target", use: reviseTarget)
        router.post("indicator/names", use: renameIndicator)
        router.post("indicator/deadline", use: rescheduleMeasure)
    }

    static let legendOrder: [EvaluationStatus] = [.missed, .notReported, .atRisk, .onTrack, .achieved, .notDue]

    func legend(_ t: [String: String]) -> [[String: String]] {
        Self.legendOrder.map { Show.status($0, t) }
    }

    /// "Missed: 3, On track: 4" in the reader's language, worst first.
    static func counts(of cell: Heatmap.Cell, _ language: Language) -> String {
        legendOrder.compactMap { status in cell.counts[status].map { "\(status.heading(language)): \($0)" } }.joined(separator: ", ")
    }

    func run(_ request: Request) async throws -> EvaluationRun? {
        if let text = request.uri.queryParameters.get("run") {
            guard let id = Int64(text), let run = try await reads.run(id: id), run.status == .completed else {
                throw APIError.notFound("no completed evaluation run \(text)")
            }
            return run
        }
        return try await reads.latestCompleted()
    }

    /// Rows are the chosen territory and the level below it (the republic and its regions by
    /// default); a row's name opens that territory one level further down.
    @Sendable func heatmapPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await authorizer.require(context, .readEvaluation)
        let t = self.t(context)
        let language = self.language(context)
        let query = request.uri.queryParameters
        let policy = try await authorizer.policy()
        let filter = try visibility(caller, policy: policy)
        if filter.pairs != nil && filter.sections == nil && filter.territories == nil { return PageRenderer.redirect("/mine") }
        guard let run = try await run(request) else {
            return try pages.render(
                "heatmap", title: t.text("heatmap_title"), request: request, context: context, data: ["noRun": true, "legend": legend(t)])
        }
        // The top of what the caller may see, unless they chose a territory inside it.
        var top: Territory? = policy.tree.roots.first
        if let visible = filter.territories.map(Set.init) {
            top = visible.compactMap { policy.tree.byID[$0] }.min { policy.tree.ancestry(of: $0.id).count < policy.tree.ancestry(of: $1.id).count }
        }
        if let ref = query.get("territory") {
            let chosen = try CatalogueController<AppRequestContext>.resolve(ref, in: policy.tree, field: "query.territory", notFoundIsNotFound: true)
            if let visible = filter.territories, !visible.contains(chosen.id) {
                throw APIError.forbidden("outside the territories this account may read")
            }
            top = chosen
        }
        guard let top else { throw APIError.forbidden("no territory to show") }
        let rows = [top.id] + policy.tree.childrenInOrder(of: top.id).filter { filter.territories.map(Set.init)?.contains($0) ?? true }

        let allSections = try await allSections()
        var sections = allSections
        if let owned = filter.sections.map(Set.init) { sections = sections.filter { owned.contains($0.id) } }
        // Indicators as columns only within one section: a whole programme's would not fit a page.
        let byIndicator = query.get("by") == "indicator" && query.get("section") != nil
        var chosenSection: Section?
        if let code = query.get("section") {
            chosenSection = sections.first { $0.code == code }
            guard let chosenSection else { throw APIError.notFound("no section \(code) among those this account may read") }
            sections = [chosenSection]
        }
        let names = byIndicator ? try await dashboard.indicatorNames(sections: sections.map(\.id)) : []
        let columns: [(id: Int64, code: String, name: String)] =
            byIndicator
            ? names.map { ($0.id, $0.code, $0.name.resolved(language)) }
            : sections.map { ($0.id, $0.code, $0.name.resolved(language)) }
        let heatmap = try await services.heatmaps.heatmap(
            runID: run.id, rows: rows, columns: columns.map(\.id), tree: policy.tree, visible: filter.territories.map(Set.init),
            sections: sections.map(\.id), byIndicator: byIndicator)
        let shownColumns = columns.filter { heatmap.columns.contains($0.id) }
        let runParameter = query.get("run").map { "&run=\($0)" } ?? ""
        let tableRows: [[String: Any]] = heatmap.rows.map { rowID in
            let territory = policy.tree.byID[rowID]
            let ref = territory?.reference ?? String(rowID)
            let cells: [[String: Any]] = shownColumns.map { column in
                guard let cell = heatmap.cell(rowID, column.id) else { return ["empty": true] }
                let href =
                    byIndicator
                    ? "/indicator?indicator=\(column.code)&territory=\(ref)\(runParameter)"
                    : "/heatmap?by=indicator&section=\(column.code)&territory=\(ref)\(runParameter)"
                return [
                    "empty": false, "status": Show.status(cell.shade, t), "troubled": cell.troubled, "total": cell.total,
                    "summary": column.name + " (" + column.code + ") — " + Self.counts(of: cell, language)
                        + (heatmap.isRolledUp(rowID, column.id) ? " · ∑ " + t.text("rolled_up_mark") : ""),
                    "rolledUp": heatmap.isRolledUp(rowID, column.id), "href": href,
                ]
            }
            let drill = rowID != top.id && !(policy.tree.children[rowID] ?? []).isEmpty
            return [
                "name": territory?.name.resolved(language) ?? String(rowID), "cells": cells, "top": rowID == top.id,
                "rolledUp": heatmap.hasRollUp(rowID), "withoutValues": heatmap.withoutValues.contains(rowID),
                "href": drill
                    ? "/heatmap?territory=\(ref)\(byIndicator ? "&by=indicator" : "")\(chosenSection.map { "&section=\($0.code)" } ?? "")\(runParameter)"
                    : "",
            ]
        }
        let parent = top.parentID.flatMap { policy.tree.byID[$0] }
        return try pages.render(
            "heatmap", title: t.text("heatmap_title"), request: request, context: context,
            data: [
                "run": ["id": run.id, "asOf": run.asOf.iso], "columns": shownColumns.map { ["code": $0.code, "name": $0.name] },
                "anyRolledUp": !heatmap.rolledUp.isEmpty, "anyWithoutValues": !heatmap.withoutValues.isEmpty,
                "rows": tableRows, "legend": legend(t), "territoryName": top.name.resolved(language), "byIndicator": byIndicator,
                "sectionName": chosenSection.map { $0.code + " · " + $0.name.resolved(language) } ?? "",
                "up": parent.map { "/heatmap?territory=\($0.reference)\(runParameter)" }
                    ?? (chosenSection != nil ? "/heatmap?territory=\(top.reference)" : ""),
                "empty": tableRows.isEmpty,
            ])
    }

    /// A Political Council member's own indicators in their territory, worst first.
    @Sendable func minePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context)
        let language = self.language(context)
        guard caller.holds(.councilMember) || caller.isAdministrator else {
            throw APIError.forbidden("only Political Council members own indicators")
        }
        let policy = try await authorizer.policy()
        guard let run = try await run(request) else {
            return try pages.render("mine", title: t.text("mine_title"), request: request, context: context, data: ["noRun": true])
        }
        let pairs = Array(caller.ownedIndicators)
        let items = pairs.isEmpty ? [] : try await dashboard.headlineItems(runID: run.id, sections: nil, territories: nil, pairs: pairs)
        let names = Dictionary(
            uniqueKeysWithValues: try await dashboard.indicatorNames(sections: nil, ids: pairs.map(\.indicatorID)).map { ($0.id, $0) })
        let rows: [[String: Any]] = items.sorted {
            ($0.headline, names[$0.indicatorID]?.code ?? "") < ($1.headline, names[$1.indicatorID]?.code ?? "")
        }
        .map { item in
            let territory = policy.tree.byID[item.territoryID]
            let code = names[item.indicatorID]?.code ?? String(item.indicatorID)
            return [
                "status": Show.status(item.headline, t), "indicator": code, "name": names[item.indicatorID]?.name.resolved(language) ?? "",
                "territory": territory?.name.resolved(language) ?? "",
                "href": "/indicator?indicator=\(code)&territory=\(territory?.reference ?? String(item.territoryID))",
            ]
        }
        return try pages.render(
            "mine", title: t.text("mine_title"), request: request, context: context,
            data: [
                "run": ["id": run.id, "asOf": run.asOf.iso], "rows": rows, "legend": legend(t), "empty": rows.isEmpty,
            ])
    }

    /// One indicator in one territory: every period of the run with its verdict and explanation,
    /// the trajectory, the owners and the coordinator's explanation.
    @Sendable func indicatorPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await authorizer.require(context, .readEvaluation)
        let t = self.t(context)
        let language = self.language(context)
        let query = request.uri.queryParameters
        let policy = try await authorizer.policy()
        guard let code = query.get("indicator"), let ref = query.get("territory") else {
            throw APIError.invalidParameter("query.indicator", "indicator and territory are required")
        }
        let territory = try CatalogueController<AppRequestContext>.resolve(ref, in: policy.tree, field: "query.territory", notFoundIsNotFound: true)
        guard let indicator = try await progress.indicatorContext(code: code) else { throw APIError.notFound("no indicator \(code)") }
        let visible = try visibility(caller, policy: policy)
        let allowed =
            (visible.territories.map { $0.contains(territory.id) } ?? true)
            && (visible.sections.map { $0.contains(indicator.sectionID) } ?? true)
            && (visible.pairs.map { $0.contains(IndicatorInTerritory(indicatorID: indicator.indicator.id, territoryID: territory.id)) } ?? true)
        guard allowed else { throw APIError.forbidden("outside what this account may read") }
        guard let run = try await run(request) else { throw APIError.notFound("no completed evaluation run") }
        let (results, _) = try await reads.results(
            runID: run.id, filter: ResultFilter(territories: [territory.id], indicatorCode: code),
            page: PageRequest(limit: 200, offset: 0))
        let ordered = results.sorted { $0.period < $1.period }
        let statuses = ordered.map(\.status)
        let headline = Standing.headline(ofOrdered: statuses)
        // The verdict is said with the period it is about, and that period's explanation.
        let headlineResult = Standing.headlineIndex(ofOrdered: statuses).map { ordered[$0] }
        let rows: [[String: Any]] = ordered.map { r in
            let dto = EvaluationsController.dto(r, language: language, graceDays: run.graceDays)
            return [
                "period": r.period.code, "status": Show.status(r.status, t), "target": Show.number(r.target, language),
                "actual": Show.number(r.actual, language), "explanation": r.status == .achieved ? "" : dto.explanation,
            ]
        }
        let last = ordered.last
        let points = ordered.map { WebCharts.Point(label: $0.period.code, target: $0.target, actual: $0.actual) }
        let explanationText = headlineResult.flatMap { $0.status.isSlipping ? $0 : nil }
            .map { EvaluationsController.dto($0, language: language, graceDays: run.graceDays).explanation }
        // Those who manage the roadmap change a target here, by the revision rules.
        let canRevise = (try? await services.revisions.requireEditing(code, by: .caller(caller))) != nil
        let revisions = try await services.revisions.list(status: nil, programmeCode: nil, by: caller).filter {
            $0.indicatorCode == code && $0.territoryID == territory.id
        }.prefix(20).map { r -> [String: Any] in
            [
                "period": r.period.code, "change": "\(Show.number(r.oldValue, language)) → \(Show.number(r.newValue, language))",
                "appliesFrom": r.appliesFrom.iso, "by": r.proposedBy ?? "—", "reason": r.reason, "status": r.status.word(language),
            ]
        }
        // The section's measures in this territory, whose deadlines are moved here too.
        var measures: [[String: Any]] = []
        if canRevise {
            let listed = try await APIError.answering {
                try await services.measures.list(
                    territory: territory.reference, status: nil, by: caller, language: language, page: PageRequest(limit: 500, offset: 0))
            }
            measures = listed.items.filter { $0.sectionID == indicator.sectionID && $0.territoryID == territory.id }.map {
                ["code": $0.code, "deadline": $0.deadline.iso, "text": String($0.text.prefix(80))]
            }
        }
        let names = indicator.indicator.name
        return try pages.render(
            "indicator", title: "\(code) · \(territory.name.resolved(language))", request: request, context: context,
            data: [
                "run": ["id": run.id, "asOf": run.asOf.iso], "indicator": code, "indicatorName": indicator.indicator.name.resolved(language),
                "unit": indicator.unit.name.resolved(language), "territoryName": territory.name.resolved(language),
                "headline": Show.status(headline, t), "headlinePeriod": headlineResult?.period.code ?? "", "explanation": explanationText ?? "",
                "chart": WebCharts.trajectory(points, language: language, title: t.text("trajectory")),
                "rows": rows, "bureau": last?.sectionOwner?.resolved(language) ?? "", "council": last?.indicatorOwner?.resolved(language) ?? "",
                "unowned": last != nil && last?.indicatorOwner == nil, "coordinatorExplanation": last?.flagExplanation ?? "",
                "canEnter": policy.decide(
                    caller, .writeProgress, Resource(territoryID: territory.id, sectionID: indicator.sectionID, indicatorID: indicator.indicator.id)
                ).isAllowed,
                "entryPeriod": ordered.last { $0.status == .missed || $0.status == .notReported }?.period.code ?? "",
                "territoryRef": territory.reference,
                "canRevise": canRevise, "periods": ordered.map { ["period": $0.period.code] },
                "revisions": Array(revisions), "hasRevisions": !revisions.isEmpty,
                "names": ["kk": names.kk ?? "", "ru": names.ru ?? "", "en": names.en ?? ""], "measures": measures, "hasMeasures": !measures.isEmpty,
                "itemDone": query.get("item").flatMap { word in
                    RevisionStatus(rawValue: word)?.word(language)
                        ?? (["overwritten", "unchanged", "withdrawn"].contains(word) ? t.text("target_\(word)") : nil)
                } ?? "",
                "revised": query.get("revised").flatMap { word in
                    RevisionStatus(rawValue: word)?.word(language)
                        ?? (["overwritten", "unchanged", "withdrawn"].contains(word) ? t.text("target_\(word)") : nil)
                } ?? "",
            ])
    }

    /// One target changed from the indicator's page: a draft's overwritten, an approved one's
    /// revised (docs/roadmaps.md); then back to the page.
    @Sendable func reviseTarget(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        // Only those who manage a roadmap get as far as the form; then its programme's is checked.
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        let code = form.string("indicator") ?? ""
        let territory = form.string("territory") ?? ""
        try await APIError.answering(fieldPrefix: "") { try await services.revisions.requireEditing(code, by: .caller(caller)) }
        var problems: [FieldProblem] = []
        let value = form.string("value").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) }
        if value == nil { problems.append(FieldProblem(field: "value", reason: "must be a number")) }
        try throwIfProblems(problems)
        let outcome = try await APIError.answering(fieldPrefix: "") {
            try await services.revisions.edit(
                TargetEdit(
                    indicatorCode: code, territory: territory, period: form.string("period") ?? "", value: value, reason: form.string("reason"),
                    appliesFrom: form.string("applies_from").flatMap { $0.isEmpty ? nil : $0 }),
                by: .caller(caller), requestID: context.id)
        }
        let word: String
        switch outcome {
        case .overwritten: word = "overwritten"
        case .unchanged: word = "unchanged"
        case .withdrawn: word = "withdrawn"
        case .revised(let r): word = r.status.rawValue
        }
        return backToIndicator(code, territory: territory, key: "revised", word: word)
    }

    /// An indicator renamed from its page, by the revision rules.
    @Sendable func renameIndicator(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        let code = form.string("indicator") ?? ""
        try await APIError.answering(fieldPrefix: "") { try await services.revisions.requireRenaming(code, by: .caller(caller)) }
        let names = LocalizedText(kk: form.string("name_kk"), ru: form.string("name_ru"), en: form.string("name_en"))
        let outcome = try await APIError.answering(fieldPrefix: "") {
            try await services.revisions.rename(
                NamesEdit(indicatorCode: code, names: names, reason: form.string("reason")), by: .caller(caller), requestID: context.id)
        }
        return backToIndicator(code, territory: form.string("territory") ?? "", outcome)
    }

    /// A measure's deadline moved from the indicator's page, by the revision rules.
    @Sendable func rescheduleMeasure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        let measure = form.string("measure") ?? ""
        try await APIError.answering(fieldPrefix: "") { try await services.revisions.requireRescheduling(measure, by: .caller(caller)) }
        let outcome = try await APIError.answering(fieldPrefix: "") {
            try await services.revisions.reschedule(
                DeadlineEdit(measureCode: measure, deadline: form.string("deadline"), reason: form.string("reason")), by: .caller(caller),
                requestID: context.id)
        }
        return backToIndicator(form.string("indicator") ?? "", territory: form.string("territory") ?? "", outcome)
    }

    func backToIndicator(_ code: String, territory: String, _ outcome: ItemEditOutcome) -> Response {
        let word: String
        switch outcome {
        case .overwritten: word = "overwritten"
        case .unchanged: word = "unchanged"
        case .withdrawn: word = "withdrawn"
        case .revised(let r): word = r.status.rawValue
        }
        return backToIndicator(code, territory: territory, key: "item", word: word)
    }

    /// Back to the indicator's page after a change, saying what the change did (`key=word`).
    func backToIndicator(_ code: String, territory: String, key: String, word: String) -> Response {
        var components = URLComponents()
        components.path = "/indicator"
        components.queryItems = [
            URLQueryItem(name: "indicator", value: code), URLQueryItem(name: "territory", value: territory), URLQueryItem(name: key, value: word),
        ]
        return Response(status: .seeOther, headers: [.location: components.string ?? "/"])
    }
}

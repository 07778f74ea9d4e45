import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// Reporting values, correcting them, reading their history, and "what is due from me".
struct ProgressController: Sendable {
    let progress: ProgressRepository
    let indicators: IndicatorDirectory
    let ownedCells: OwnedCells
    let services: Services
    let authorizer: Authorizer
    let codes: KnownCodes
    let today: @Sendable () -> Day

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("progress", use: report)
        group.get("progress/history", use: history)
        group.get("progress/:id", use: entry)
        group.post("progress/:id/corrections", use: correct)
        group.get("progress/template", use: template)
        group.post("progress/import", use: importFile)
        group.get("due", use: due)
        group.get("owned", use: owned)
    }

    /// The indicator, territory and period named in a request, each checked.
    struct Cell {
        let context: IndicatorContext
        let territory: Territory
        let period: Period
        var resource: Resource {
            Resource(territoryID: territory.id, sectionID: context.sectionID, indicatorID: context.indicator.id)
        }
    }

    func resolveCell(indicator code: String?, territory ref: String?, period text: String?, tree: TerritoryTree,
                     prefix: String, problems: inout [FieldProblem]) async throws -> Cell? {
        var context: IndicatorContext?
        if let code {
            context = try await indicators.context(code: code)
            if context == nil { problems.append(FieldProblem(field: "\(prefix)indicator", reason: "no indicator with code '\(code)'")) }
        }
        var territory: Territory?
        if let ref {
            territory = tree.find(ref)
            if territory == nil { problems.append(FieldProblem(field: "\(prefix)territory", reason: "no territory with KATO code or id '\(ref)'")) }
        }
        var period: Period?
        if let text {
            period = Period(code: text)
            if period == nil { problems.append(FieldProblem(field: "\(prefix)period", reason: "must be a year (2024) or a quarter (2024-Q3), not '\(text)'")) }
        }
        guard let context, let territory, let period else { return nil }
        return Cell(context: context, territory: territory, period: period)
    }

    func render(_ view: ProgressEntryView) throws -> String {
        String(decoding: try AppRequestContext.encoder.encode(view), as: UTF8.self)
    }

    func translate(_ error: any Error) -> any Error {
        switch error {
        case ProgressWriteError.noTarget:
            return APIError(.unprocessableContent, kind: "no-target", detail: "this indicator has no target in this territory for this period",
                            fields: [.init(field: "body.territory", reason: "no target for this indicator, territory and period")])
        case ProgressWriteError.valueExists(let current):
            return APIError(.conflict, kind: "value-exists",
                            detail: "a value is already recorded (entry \(current)); correct it with POST /api/v1/progress/\(current)/corrections")
        case ProgressWriteError.notCurrent(let current):
            return APIError(.conflict, kind: "not-current",
                            detail: "only the current entry can be corrected\(current.map { " (now entry \($0))" } ?? "")")
        case let conflict as IdempotencyConflict:
            return IdempotentWrites.conflict(conflict)
        default:
            return error
        }
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let key = try IdempotentWrites.key(request)
        let policy = try await authorizer.policy()
        // Who may report at all is decided before the body is looked at.
        try await authorizer.require(context, .writeProgress, .anything, policy: policy)
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["indicator", "territory", "period", "value", "comment", "evidence"], problems: &problems)
        let indicator = body.string("indicator", required: true, problems: &problems)
        let territory = body.string("territory", required: true, problems: &problems)
        let periodText = body.string("period", required: true, problems: &problems)
        let value = body.number("value", required: true, problems: &problems)
        let comment = body.string("comment", problems: &problems)
        let evidence = body.string("evidence", problems: &problems)
        let cell = try await resolveCell(indicator: indicator, territory: territory, period: periodText, tree: policy.tree, prefix: "body.", problems: &problems)
        // A cell outside the caller's territories is 403 whatever else is wrong with the body.
        if let cell { try await authorizer.require(context, .writeProgress, cell.resource, policy: policy) }
        try throwIfProblems(problems)
        guard let cell, let value else { throw APIError(.unprocessableContent, kind: "invalid-fields", detail: "incomplete request") }

        if let problem = ProgressRules.check(period: cell.period, indicator: cell.context.indicator, programme: cell.context.programme, field: "body.period") {
            problems.append(problem)
        }
        if let problem = ProgressRules.check(value: value, unit: cell.context.unit, field: "body.value") { problems.append(problem) }
        try throwIfProblems(problems)

        let entry = NewProgressEntry(indicatorID: cell.context.indicator.id, territoryID: cell.territory.id, period: cell.period, value: value,
                                     comment: comment, evidence: evidence)
        do {
            let labels = ProgressEntryLabels(indicatorCode: cell.context.indicator.code, territoryKato: cell.territory.kato?.value, enteredBy: caller.username)
            let stored = try await progress.record(entry, by: caller.accountID, labels: labels, requestID: context.id, idempotencyKey: key,
                                                   requestHash: key == nil ? "" : "progress:" + body.hash, render: render)
            return IdempotentWrites.response(stored)
        } catch {
            throw translate(error)
        }
    }

    @Sendable func correct(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let key = try IdempotentWrites.key(request)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be an entry number") }
        guard let existing = try await progress.entry(id: id) else { throw APIError.notFound("no progress entry \(id)") }
        guard let indicatorContext = try await indicators.context(code: existing.indicatorCode) else { throw APIError.notFound("no progress entry \(id)") }
        try await authorizer.require(context, .writeProgress, Resource(territoryID: existing.territoryId, sectionID: indicatorContext.sectionID,
                                                                        indicatorID: indicatorContext.indicator.id))
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["value", "reason", "comment", "evidence"], problems: &problems)
        let value = body.number("value", required: true, problems: &problems)
        let reason = body.string("reason", required: true, problems: &problems)
        let comment = body.string("comment", problems: &problems)
        let evidence = body.string("evidence", problems: &problems)
        if let value, let problem = ProgressRules.check(value: value, unit: indicatorContext.unit, field: "body.value") { problems.append(problem) }
        try throwIfProblems(problems)
        guard let period = Period(code: existing.period) else { throw APIError.notFound("no progress entry \(id)") }
        let entry = NewProgressEntry(indicatorID: indicatorContext.indicator.id, territoryID: existing.territoryId, period: period, value: value!,
                                     comment: comment, evidence: evidence, supersedes: id, correctionReason: reason)
        do {
            let labels = ProgressEntryLabels(indicatorCode: existing.indicatorCode, territoryKato: existing.territoryKato, enteredBy: caller.username)
            let stored = try await progress.record(entry, by: caller.accountID, labels: labels, requestID: context.id, idempotencyKey: key,
                                                   requestHash: key == nil ? "" : "correction:\(id):" + body.hash, render: render)
            return IdempotentWrites.response(stored)
        } catch {
            throw translate(error)
        }
    }

    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> ProgressEntryView {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be an entry number") }
        _ = try context.requireCaller()
        guard let entry = try await progress.entry(id: id), let indicator = try await indicators.context(code: entry.indicatorCode) else {
            throw APIError.notFound("no progress entry \(id)")
        }
        try await authorizer.require(context, .readProgress, Resource(territoryID: entry.territoryId, sectionID: indicator.sectionID, indicatorID: indicator.indicator.id))
        return entry
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ProgressEntryView> {
        _ = try context.requireCaller()
        let query = QueryParameters(request: request)
        var problems: [FieldProblem] = []
        for name in ["indicator", "territory", "period"] where query.string(name) == nil {
            problems.append(FieldProblem(field: "query.\(name)", reason: "is required"))
        }
        let policy = try await authorizer.policy()
        let cell = try await resolveCell(indicator: query.string("indicator"), territory: query.string("territory"), period: query.string("period"),
                                         tree: policy.tree, prefix: "query.", problems: &problems)
        try throwIfProblems(problems, status: .badRequest)
        guard let cell else { throw APIError(.badRequest, kind: "invalid-parameter", detail: "incomplete query") }
        try await authorizer.require(context, .readProgress, cell.resource, policy: policy)
        let items = try await progress.history(indicatorID: cell.context.indicator.id, territoryID: cell.territory.id, period: cell.period)
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    /// The periods "due now": the last quarter and the last year that ended before today.
    func defaultPeriods() -> [Period] {
        ProgressRules.defaultDuePeriods(today: today())
    }

    func periods(_ query: QueryParameters) throws -> [Period] {
        if let period = try query.period("period") { return [period] }
        return defaultPeriods()
    }

    func status(_ query: QueryParameters) throws -> DueStatus? {
        guard let text = query.string("status") else { return nil }
        guard let status = DueStatus(rawValue: text) else { throw APIError.invalidParameter("query.status", "must be missing or reported") }
        return status
    }

    @Sendable func due(_ request: Request, context: AppRequestContext) async throws -> DueList {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        var territory: Territory.ID?
        if let ref = query.string("territory") {
            let tree = try await authorizer.policy().tree
            guard let found = try? CatalogueController<AppRequestContext>.resolve(ref, in: tree, field: "query.territory") else {
                throw APIError.invalidParameter("query.territory", "no territory '\(ref)'")
            }
            territory = found.id
        }
        let due = DueQuery(territory: territory, sectionCode: query.string("section"), indicatorCode: query.string("indicator"),
                           periods: try periods(query), status: try status(query))
        do {
            let (items, total) = try await services.progress.due(due, by: caller, language: language, page: page)
            return DueList(items: items, total: total, limit: page.limit, offset: page.offset)
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: "query.")
        }
    }

    @Sendable func owned(_ request: Request, context: AppRequestContext) async throws -> DueList {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        var filter = DueFilter(sectionCode: try await codes.section(query), indicatorCode: try await codes.indicator(query),
                               periods: try periods(query), status: try status(query))
        let asBureau: Bool
        switch query.string("as") {
        case "bureau": asBureau = true
        case "council": asBureau = false
        case nil: asBureau = caller.holds(.bureauMember) && !caller.ownedSections.isEmpty
        default: throw APIError.invalidParameter("query.as", "must be bureau or council")
        }
        if asBureau {
            guard caller.holds(.bureauMember) || caller.isAdministrator else {
                throw APIError(.forbidden, kind: "forbidden", detail: "only Bureau members own sections")
            }
            filter.sections = Array(caller.ownedSections)
        } else {
            guard caller.holds(.councilMember) || caller.isAdministrator else {
                throw APIError(.forbidden, kind: "forbidden", detail: "only Political Council members own indicators")
            }
            filter.pairs = Array(caller.ownedIndicators)
            if filter.status == nil {
                // The owned cells come from a short-lived list; only the page's values are read.
                let key = OwnedCells.Key(accountID: caller.accountID, day: today(), sectionCode: filter.sectionCode, indicatorCode: filter.indicatorCode,
                                         periods: filter.periods.map(\.code), language: language)
                let (progress, everything) = (self.progress, filter)
                let cells = try await ownedCells.cache.value(for: key) {
                    try await progress.due(everything, language: language, page: PageRequest(limit: 1_000_000, offset: 0)).items
                }
                let items = try await progress.withLatestValues(Array(cells.dropFirst(page.offset).prefix(page.limit)))
                return DueList(items: items, total: cells.count, limit: page.limit, offset: page.offset)
            }
        }
        let (items, total) = try await progress.due(filter, language: language, page: page)
        return DueList(items: items, total: total, limit: page.limit, offset: page.offset)
    }
}

extension ProgressController {
    /// A file to fill in: what is due for a territory (and below) in a period, with targets and
    /// current values. Semicolon-separated UTF-8 with a byte-order mark, as Excel in kk/ru expects.
    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let policy = try await authorizer.policy()
        var territories = policy.visibleTerritories(caller, roles: [.coordinator])
        if let ref = query.string("territory") {
            let territory = try CatalogueController<AppRequestContext>.resolve(ref, in: policy.tree, field: "query.territory")
            try await authorizer.require(context, .writeProgress, Resource(territoryID: territory.id), policy: policy)
            territories = policy.tree.subtree(of: territory.id)
        } else if territories?.isEmpty == true {
            throw APIError(.forbidden, kind: "forbidden", detail: "only coordinators fill in progress")
        }
        let filter = DueFilter(territories: territories.map { Array($0) }, sectionCode: try await codes.section(query),
                               periods: try periods(query), status: try status(query))
        let (items, _) = try await progress.due(filter, language: language, page: PageRequest(limit: 1_000_000, offset: 0))
        var text = "\u{FEFF}" + CSVTable.line(["indicator_code", "indicator_name", "unit", "territory_kato", "territory_id", "territory_name",
                                                "period", "target", "current_value", "value", "comment", "evidence", "correction_reason"])
        for item in items {
            text += CSVTable.line([.text(item.indicatorCode), .text(item.indicatorName), .text(item.unit), .text(item.territoryKato ?? ""),
                                   .number(String(item.territoryId)), .text(item.territoryName), .text(item.period),
                                   .number(ProgressRules.display(item.target)), .number(item.latestValue.map(ProgressRules.display) ?? ""),
                                   .text(""), .text(""), .text(""), .text("")])
        }
        let name = "progress-\(query.string("territory") ?? "all")-\(try periods(query).map(\.code).joined(separator: "_")).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: .init(string: text)))
    }

    /// Validates a whole file; writes it in one transaction only when every row is good.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["dry_run", "lang"])
        let dryRun = try query.bool("dry_run") ?? false
        let caller = try await authorizer.require(context, .writeProgress)
        let buffer = try await request.body.collect(upTo: 256 << 20)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError(.unprocessableContent, kind: "not-utf8", detail: "the file must be UTF-8 text (save it as CSV UTF-8)",
                           fields: [.init(field: "csv", reason: "not UTF-8")])
        }
        let report: ImportReport
        do {
            report = try await services.imports.importFile(text, by: caller, dryRun: dryRun, requestID: context.id)
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
        return try importResponse(report, request: request, context: context)
    }

    func importResponse(_ report: ImportReport, request: Request, context: AppRequestContext) throws -> Response {
        if !report.problems.isEmpty {
            let limit = 1000
            let cut = report.problems.count > limit ? " (the first \(limit) are listed)" : ""
            var error = APIError(.unprocessableContent, kind: "invalid-file",
                                 detail: "\(report.problems.count) problem(s) in the file\(cut); nothing was written",
                                 fields: report.problems.map { .init(field: "csv:\($0.line):\($0.column)", reason: $0.reason) }, listingAtMost: limit)
            error.commitOutcome = .notCommitted
            throw error
        }
        return try report.response(from: request, context: context)
    }
}

extension ProgressEntryView: ResponseEncodable {}
extension ImportReport: ResponseEncodable {}

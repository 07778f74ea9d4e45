import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// Reporting values, correcting them, reading their history, and "what is due from me".
/// A reported value as the API shows it.
struct ProgressEntryDTO: ResponseCodable, Sendable {
    let id: Int64
    let indicatorCode: String
    let territoryId: Int64
    let territoryKato: String?
    let period: String
    let value: Double
    let comment: String?
    let evidence: String?
    let enteredBy: String?
    let enteredAt: Date
    let supersedesId: Int64?
    let correctionReason: String?
    let superseded: Bool
    let deadline: String?
    /// Entered after its period's deadline.
    let late: Bool

    init(_ entry: ProgressEntry) {
        id = entry.id
        indicatorCode = entry.indicatorCode
        territoryId = entry.territoryId
        territoryKato = entry.territoryKato
        period = entry.period
        value = entry.value
        comment = entry.comment
        evidence = entry.evidence
        enteredBy = entry.enteredBy
        enteredAt = entry.enteredAt
        supersedesId = entry.supersedesId
        correctionReason = entry.correctionReason
        superseded = entry.superseded
        deadline = entry.deadline?.iso
        late = entry.late
    }
}

struct ProgressController: Sendable {
    let progress: ProgressRepository
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

    /// The entry as written: 201, and `Idempotent-Replayed` when it was written by an earlier request.
    func created(_ recorded: RecordedEntry, request: Request, context: AppRequestContext) throws -> Response {
        try IdempotentWrites.created(ProgressEntryDTO(recorded.entry), replayed: recorded.replayed, request: request, context: context)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let key = try IdempotentWrites.key(request)
        do {
            // Who may report at all is decided before the body is looked at.
            try await services.progress.requireReporting(by: caller)
            let body = try await JSONBody.read(request, context: context)
            var problems: [FieldProblem] = []
            body.refuseUnknownKeys(["indicator", "territory", "period", "value", "comment", "evidence"], problems: &problems)
            let report = ProgressReport(
                indicator: body.string("indicator", problems: &problems), territory: body.string("territory", problems: &problems),
                period: body.string("period", problems: &problems), value: body.number("value", problems: &problems),
                comment: body.string("comment", problems: &problems), evidence: body.string("evidence", problems: &problems))
            let recorded = try await services.progress.report(
                report, by: caller, key: key, requestID: context.id, unreadable: JSONBody.plain(problems))
            return try created(recorded, request: request, context: context)
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    @Sendable func correct(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let key = try IdempotentWrites.key(request)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be an entry number") }
        do {
            _ = try await services.progress.correctable(id, by: caller)
            let body = try await JSONBody.read(request, context: context)
            var problems: [FieldProblem] = []
            body.refuseUnknownKeys(["value", "reason", "comment", "evidence"], problems: &problems)
            let correction = ProgressCorrection(
                value: body.number("value", problems: &problems), reason: body.string("reason", problems: &problems),
                comment: body.string("comment", problems: &problems), evidence: body.string("evidence", problems: &problems))
            let recorded = try await services.progress.correct(
                id, correction, by: caller, key: key, requestID: context.id, unreadable: JSONBody.plain(problems))
            return try created(recorded, request: request, context: context)
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> ProgressEntryDTO {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.invalidParameter("path.id", "must be an entry number") }
        let caller = try context.requireCaller()
        do {
            return ProgressEntryDTO(try await services.progress.entry(id, by: caller))
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ProgressEntryDTO> {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        do {
            let (_, entries) = try await services.progress.history(
                indicator: query.string("indicator"), territory: query.string("territory"),
                period: query.string("period"), by: caller)
            return ListDTO(items: entries.map(ProgressEntryDTO.init), total: entries.count, limit: nil, offset: nil)
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: "query.", invalidStatus: .badRequest)
        }
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
        let due = DueQuery(
            territory: territory, sectionCode: query.string("section"), indicatorCode: query.string("indicator"),
            periods: try periods(query), status: try status(query))
        do {
            let (items, total) = try await services.progress.due(due, by: caller, language: language, page: page)
            return DueList(items: items, total: total, limit: page.limit, offset: page.offset, today: today())
        } catch let failure as ServiceFailure {
            throw APIError(failure, fieldPrefix: "query.")
        }
    }

    @Sendable func owned(_ request: Request, context: AppRequestContext) async throws -> DueList {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        let language = try query.language()
        let page = try query.page()
        var filter = DueFilter(
            sectionCode: try await codes.section(query), indicatorCode: try await codes.indicator(query),
            periods: try periods(query), status: try status(query))
        filter.today = today()
        let asBureau: Bool
        switch query.string("as") {
        case "bureau": asBureau = true
        case "council": asBureau = false
        case nil: asBureau = caller.holds(.bureauMember) && !caller.ownedSections.isEmpty
        default: throw APIError.invalidParameter("query.as", "must be bureau or council")
        }
        if asBureau {
            guard caller.holds(.bureauMember) || caller.isAdministrator else {
                throw APIError.forbidden("only Bureau members own sections")
            }
            filter.sections = Array(caller.ownedSections)
        } else {
            guard caller.holds(.councilMember) || caller.isAdministrator else {
                throw APIError.forbidden("only Political Council members own indicators")
            }
            filter.pairs = Array(caller.ownedIndicators)
            if filter.status == nil {
                // The owned cells come from a short-lived list; only the page's values are read.
                let key = OwnedCells.Key(
                    accountID: caller.accountID, day: today(), sectionCode: filter.sectionCode, indicatorCode: filter.indicatorCode,
                    periods: filter.periods.map(\.code), language: language)
                let (progress, everything) = (self.progress, filter)
                let cells = try await ownedCells.cache.value(for: key) {
                    try await progress.due(everything, language: language, page: PageRequest(limit: 1_000_000, offset: 0)).items
                }
                let items = try await progress.withLatestValues(Array(cells.dropFirst(page.offset).prefix(page.limit)))
                return DueList(items: items, total: cells.count, limit: page.limit, offset: page.offset, today: today())
            }
        }
        let (items, total) = try await progress.due(filter, language: language, page: page)
        return DueList(items: items, total: total, limit: page.limit, offset: page.offset, today: today())
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
            throw APIError.forbidden("only coordinators fill in progress")
        }
        var filter = DueFilter(
            territories: territories.map { Array($0) }, sectionCode: try await codes.section(query),
            periods: try periods(query), status: try status(query))
        filter.today = today()
        let (items, _) = try await progress.due(filter, language: language, page: PageRequest(limit: 1_000_000, offset: 0))
        // A file for people: units by their names, numbers as the language writes them (a
        // decimal comma in Kazakh and Russian, which the import reads back).
        let units = try await services.progress.unitNames()
        func figure(_ value: Double) -> String {
            let text = ProgressRules.display(value)
            return language == .en || text.contains("e") ? text : text.replacingOccurrences(of: ".", with: ",")
        }
        var text =
            "\u{FEFF}"
            + CSVTable.line([
                "indicator_code", "indicator_name", "unit", "territory_kato", "territory_id", "territory_name",
                "period", "deadline", "target", "current_value", "value", "comment", "evidence", "correction_reason",
            ])
        for item in items {
            text += CSVTable.line([
                .text(item.indicatorCode), .text(item.indicatorName), .text(units[item.unit]?.resolved(language) ?? item.unit),
                .text(item.territoryKato ?? ""),
                .number(String(item.territoryID)), .text(item.territoryName), .text(item.period.code), .text(item.deadline.written(language)),
                .number(figure(item.target)), .number(item.latestValue.map(figure) ?? ""),
                .text(""), .text(""), .text(""), .text(""),
            ])
        }
        let name = "progress-\(query.string("territory") ?? "all")-\(try periods(query).map(\.code).joined(separator: "_")).csv"
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
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
            throw APIError(
                .unprocessableContent, kind: .notUTF8, detail: "the file must be UTF-8 text (save it as CSV UTF-8)",
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
            var error = APIError(
                .unprocessableContent, kind: .invalidFile,
                detail: "\(report.problems.count) problem(s) in the file\(cut); nothing was written",
                fields: report.problems.map { .init(field: "csv:\($0.line):\($0.column)", reason: $0.reason) }, listingAtMost: limit)
            error.commitOutcome = .notCommitted
            throw error
        }
        return try ImportReportDTO(report).response(from: request, context: context)
    }
}

/// What an import did, or would do in a dry run, on the wire.
struct ImportReportDTO: ResponseCodable, Sendable {
    let rows: Int
    let blank: Int
    let unchanged: Int
    let newValues: Int
    let corrections: Int
    let problems: [ImportProblemDTO]
    let dryRun: Bool
    let written: Bool

    struct ImportProblemDTO: Codable, Sendable {
        let line: Int
        let column: String
        let reason: String
    }

    init(_ report: ImportReport) {
        rows = report.rows
        blank = report.blank
        unchanged = report.unchanged
        newValues = report.newValues
        corrections = report.corrections
        problems = report.problems.map { ImportProblemDTO(line: $0.line, column: $0.column, reason: $0.reason) }
        dryRun = report.dryRun
        written = report.written
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// The programme office's page: the roadmaps it manages, each to download as its workbook, and
/// an upload that is previewed (changes per sheet, in words) before it is confirmed.
extension WebController {
    func addRoadmapRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("roadmaps", use: roadmapsPage)
        router.post("roadmaps", use: previewRoadmap)
        router.post("roadmaps/confirm", use: confirmRoadmap)
        router.post("roadmaps/approve", use: approveProgramme)
        router.post("roadmaps/calendar", use: setCalendar)
        router.post("roadmaps/classifier", use: importClassifier)
    }

    func roadmapsData(_ caller: Caller, context: AppRequestContext) async throws -> [String: Any] {
        let language = self.language(context)
        let policy = try await authorizer.policy()
        let programmes = try await APIError.answering { try await services.roadmaps.manageable(by: caller) }
        return [
            "programmes": programmes.map { programme in
                [
                    "code": programme.code, "name": programme.name.resolved(language),
                    "territory": policy.tree.byID[programme.territoryID]?.name.resolved(language) ?? "",
                    "term": "\(programme.termStart.year)–\(programme.termEnd.year)",
                    "status": programme.status.word(language), "draft": programme.status == .draft,
                    "download": "/api/v1/programmes/\(programme.code)/workbook?lang=\(language.rawValue)",
                    "dueDays": programme.calendar.dueDays, "closesDays": programme.calendar.closesDays,
                ]
            },
            "empty": programmes.isEmpty,
            "classifier": caller.isAdministrator,
        ]
    }

    @Sendable func roadmapsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        return try renderRoadmaps(request, context, try await roadmapsData(caller, context: context))
    }

    /// Checks the workbook whole and shows what it would change; nothing is written yet.
    @Sendable func previewRoadmap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 512 << 20)
        try context.requireFormToken(form)
        var data = try await roadmapsData(caller, context: context)
        let t = self.t(context)
        func page(_ status: HTTPResponse.Status) throws -> Response {
            try renderRoadmaps(request, context, data, status: status)
        }
        guard let file = form.files["file"], file.data.readableBytes > 0 else {
            data["errors"] =
                FormErrors(
                    APIError(
                        .unprocessableContent, kind: .invalidFields, detail: "no file",
                        fields: [.init(field: "file", reason: t.text("roadmaps_help"))])
                ).context
            return try page(.unprocessableContent)
        }
        data["filename"] = file.filename
        let retire = form.string("retire_absent") != nil
        let outcome: (result: RoadmapImport, staged: String?)
        do {
            outcome = try await services.roadmaps.preview(
                Data(file.data.readableBytesView), by: caller, retireAbsent: retire, requestID: context.id)
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            data["errors"] = FormErrors(failure, language(context)).context
            return try page(.unprocessableContent)
        }
        guard outcome.result.problems.isEmpty else {
            data["problems"] = outcome.result.problems.prefix(1000).map {
                ["sheet": $0.sheet.rawValue, "row": String($0.row), "column": $0.column ?? "", "reason": $0.reason]
            }
            data["problemCount"] = outcome.result.problems.count
            return try page(.unprocessableContent)
        }
        data["preview"] = roadmapPreview(outcome.result, staged: outcome.staged, retire: retire, language: context.language ?? .ru)
        return try page(.ok)
    }

    @Sendable func confirmRoadmap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        var data = try await roadmapsData(caller, context: context)
        let staged = form.string("upload") ?? ""
        var revision = RevisionNote(reason: form.string("reason"))
        if let day = form.string("applies_from"), !day.isEmpty {
            guard let parsed = Day(iso: day) else {
                data["errors"] =
                    FormErrors(
                        APIError(
                            .unprocessableContent, kind: .invalidFields, detail: "applies_from",
                            fields: [.init(field: "applies_from", reason: "YYYY-MM-DD")])
                    ).context
                return try renderRoadmaps(request, context, data, status: .unprocessableContent)
            }
            revision.appliesFrom = parsed
        }
        do {
            let result = try await services.roadmaps.confirm(staged, by: caller, revision: revision, requestID: context.id)
            if !result.problems.isEmpty {
                data["problems"] = result.problems.prefix(1000).map {
                    ["sheet": $0.sheet.rawValue, "row": String($0.row), "column": $0.column ?? "", "reason": $0.reason]
                }
                data["problemCount"] = result.problems.count
                return try renderRoadmaps(request, context, data, status: .unprocessableContent)
            }
            data["written"] = roadmapPreview(result, staged: nil, retire: false, language: context.language ?? .ru)
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            data["errors"] = FormErrors(failure, language(context)).context
            return try renderRoadmaps(request, context, data, status: APIError(failure).status)
        }
        return try renderRoadmaps(request, context, data)
    }

    /// A new edition of the territory classifier (administrators): checked whole, then written
    /// unless it is only to be checked.
    @Sendable func importClassifier(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.classifier.requireImporting(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 64 << 20)
        try context.requireFormToken(form)
        var data = try await roadmapsData(caller, context: context)
        let file = form.files["file"]
        data["filename"] = file?.filename ?? ""
        let result = try await APIError.answering(fieldPrefix: "") {
            try await services.classifier.importClassifier(
                Data(file?.data.readableBytesView ?? ByteBuffer().readableBytesView), by: .caller(caller), dryRun: form.string("dry_run") != nil,
                requestID: context.id)
        }
        guard let outcome = result.outcome, result.problems.isEmpty else {
            data["classifierProblems"] = result.problems.prefix(1000).map {
                ["line": String($0.line), "column": $0.column ?? "", "reason": $0.reason]
            }
            data["classifierProblemCount"] = result.problems.count
            return try renderRoadmaps(request, context, data, status: .unprocessableContent)
        }
        data["classifierDone"] = [
            "new": outcome.new, "changed": outcome.changed, "unchanged": outcome.unchanged, "retired": outcome.retired,
            "targetsMoved": outcome.targetsMoved, "ownershipsMoved": outcome.ownershipsMoved, "dryRun": result.dryRun,
        ]
        return try renderRoadmaps(request, context, data)
    }

    /// Approves a draft programme, then shows the list again.
    @Sendable func approveProgramme(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        var data: [String: Any] = [:]
        do {
            let programme = try await services.revisions.approve(
                programme: form.string("programme") ?? "", by: .caller(caller), requestID: context.id)
            data = try await roadmapsData(caller, context: context)
            data["approved"] = programme.code
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            data = try await roadmapsData(caller, context: context)
            data["errors"] = FormErrors(failure, language(context)).context
            return try renderRoadmaps(request, context, data, status: APIError(failure).status)
        }
        return try renderRoadmaps(request, context, data)
    }

    /// Sets a programme's reporting calendar from its form, then shows the list again.
    @Sendable func setCalendar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await APIError.answering { try services.roadmaps.requireManagingAny(by: .caller(caller)) }
        let form = try await WebForm.read(request, limit: 1 << 16)
        try context.requireFormToken(form)
        var problems: [FieldProblem] = []
        func days(_ field: String) -> Int? {
            guard let text = form.string(field)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let n = Int(text) else {
                problems.append(
                    FieldProblem(
                        field: field, reason: "must be a whole number of days",
                        words: LocalizedText(kk: "күн саны бүтін сан болуы керек", ru: "нужно целое число дней", en: "must be a whole number of days")
                    ))
                return nil
            }
            return n
        }
        let change = CalendarChange(valuesDueDays: days("values_due_days"), entryClosesDays: days("entry_closes_days"))
        var data: [String: Any] = [:]
        do {
            try ServiceFailure.throwIfAny(problems)
            let programme = try await services.calendars.setCalendar(
                programme: form.string("programme") ?? "", change, by: .caller(caller), requestID: context.id)
            data = try await roadmapsData(caller, context: context)
            data["calendarSet"] = programme.code
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            data = try await roadmapsData(caller, context: context)
            data["errors"] = FormErrors(failure, language(context)).context
            return try renderRoadmaps(request, context, data, status: APIError(failure).status)
        }
        return try renderRoadmaps(request, context, data)
    }

    /// The roadmaps page with these data.
    func renderRoadmaps(_ request: Request, _ context: AppRequestContext, _ data: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response
    {
        try pages.render("roadmaps", title: text("roadmaps_title", context), request: request, context: context, data: data, status: status)
    }

    /// The counts per sheet and the first changes, as the page shows them.
    func roadmapPreview(_ result: RoadmapImport, staged: String?, retire: Bool, language: Language) -> [String: Any] {
        [
            "programme": result.programmeCode ?? "",
            "sheets": RoadmapSheet.allCases.compactMap { sheet -> [String: Any]? in
                guard let c = result.changes.counts[sheet] else { return nil }
                return ["sheet": sheet.rawValue, "new": c.new, "changed": c.changed, "unchanged": c.unchanged, "absent": c.absent]
            },
            "changes": result.changeLines(in: language, limit: 100),
            "more": max(0, result.changes.changeCount - min(100, result.changes.changes.count)),
            "nothing": result.changes.isEmpty,
            "upload": staged ?? "",
            "confirmable": staged != nil,
            "retire": retire,
            "revises": result.revises,
            "revisionsInForce": result.outcome?.revisionsInForce ?? 0,
            "revisionsPending": result.outcome?.revisionsPending ?? 0,
        ]
    }
}

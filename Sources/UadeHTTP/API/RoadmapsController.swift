import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

struct RoadmapImportDTO: ResponseCodable, Sendable {
    struct Counts: Codable, Sendable {
        let new: Int
        let changed: Int
        let unchanged: Int
        let absent: Int
    }
    let programmeCode: String?
    let dryRun: Bool
    let written: Bool
    let counts: [String: Counts]
    /// The first changes, in words; `change_count` says how many there are.
    let changes: [String]
    let changeCount: Int
    let targetsKeptForProgress: Int?
    let targetsRetired: Int?
    let ownersRetired: Int?
    let indicatorsRetired: Int?
    let measuresRetired: Int?
    /// The programme is approved: changed targets become revisions (in force, or pending a second person).
    let revises: Bool
    let revisionsInForce: Int?
    let revisionsPending: Int?

    init(_ result: RoadmapImport, language: Language) {
        programmeCode = result.programmeCode
        dryRun = result.dryRun
        written = result.written
        counts = Dictionary(
            uniqueKeysWithValues: result.changes.counts.map {
                ($0.key.rawValue, Counts(new: $0.value.new, changed: $0.value.changed, unchanged: $0.value.unchanged, absent: $0.value.absent))
            })
        changes = result.changeLines(in: language, limit: 200)
        changeCount = result.changes.changeCount
        targetsKeptForProgress = result.outcome?.targetsKeptForProgress
        targetsRetired = result.outcome?.targetsRetired
        ownersRetired = result.outcome?.ownersRetired
        indicatorsRetired = result.outcome?.indicatorsRetired
        measuresRetired = result.outcome?.measuresRetired
        revises = result.revises
        revisionsInForce = result.outcome?.revisionsInForce
        revisionsPending = result.outcome?.revisionsPending
    }
}

struct ClassifierImportDTO: ResponseCodable, Sendable {
    let dryRun: Bool
    let rows: Int
    let new: Int
    let changed: Int
    let unchanged: Int
    let retired: Int
    let targetsMoved: Int
    let targetsRemoved: Int
    let ownershipsMoved: Int

    init(_ result: ClassifierImport, outcome: ClassifierOutcome) {
        (dryRun, rows) = (result.dryRun, result.rows)
        (new, changed, unchanged, retired) = (outcome.new, outcome.changed, outcome.unchanged, outcome.retired)
        (targetsMoved, targetsRemoved, ownershipsMoved) = (outcome.targetsMoved, outcome.targetsRemoved, outcome.ownershipsMoved)
    }
}

/// Roadmap workbooks over ``RoadmapService``, and editions of the territory classifier over
/// ``ClassifierService``.
struct RoadmapsController: Sendable {
    let service: RoadmapService
    let classifier: ClassifierService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("programmes/:code/workbook", use: workbook)
        group.post("roadmaps/import", use: importWorkbook)
        group.post("territories/import", use: importClassifier)
    }

    /// The body is the CSV edition; `?dry_run=true` previews it (the counts are exact: it is
    /// written and rolled back).
    @Sendable func importClassifier(_ request: Request, context: AppRequestContext) async throws -> ClassifierImportDTO {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["dry_run"])
        let dryRun = try query.bool("dry_run") ?? false
        try await APIError.answering { try classifier.requireImporting(by: .caller(caller)) }
        let body = try await request.body.collect(upTo: 64 << 20)
        let result = try await APIError.answering(fieldPrefix: "") {
            try await classifier.importClassifier(Data(body.readableBytesView), by: .caller(caller), dryRun: dryRun, requestID: context.id)
        }
        guard let outcome = result.outcome, result.problems.isEmpty else {
            var error = APIError(
                .unprocessableContent, kind: .invalidFile, detail: "\(result.problems.count) problem(s) in the classifier; nothing was written",
                fields: result.problems.map { .init(field: "file:\($0.line)\($0.column.map { ":" + $0 } ?? "")", reason: $0.reason) },
                listingAtMost: 1000)
            error.commitOutcome = .notCommitted
            throw error
        }
        return ClassifierImportDTO(result, outcome: outcome)
    }

    /// The body is the workbook (XLSX, or a ZIP of CSV files). `?dry_run=true` previews;
    /// `?retire_absent=true` removes absent targets (those without values) and ownerships;
    /// `?reason=…&applies_from=…` revise an approved programme's changed targets.
    @Sendable func importWorkbook(_ request: Request, context: AppRequestContext) async throws -> RoadmapImportDTO {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["dry_run", "retire_absent", "reason", "applies_from", "lang"])
        let language = try query.language()
        let dryRun = try query.bool("dry_run") ?? false
        let retire = try query.bool("retire_absent") ?? false
        var revision = RevisionNote(reason: query.string("reason"))
        if let day = query.string("applies_from") {
            guard let parsed = Day(iso: day) else {
                throw APIError.invalidParameter("query.applies_from", "must be a date (YYYY-MM-DD), not '\(day)'")
            }
            revision.appliesFrom = parsed
        }
        // Who may load roadmaps at all is decided before the file is read.
        try await APIError.answering { try service.requireManagingAny(by: .caller(caller)) }
        let body = try await request.body.collect(upTo: 512 << 20)
        let result = try await APIError.answering(fieldPrefix: "") {
            do {
                return try await service.importWorkbook(
                    Data(body.readableBytesView), by: .caller(caller), dryRun: dryRun, retireAbsent: retire, revision: revision,
                    requestID: context.id)
            } catch var failure as ServiceFailure {
                // The reason comes with the query.
                failure.problems = failure.problems.map {
                    ["reason", "applies_from"].contains($0.field) ? FieldProblem(field: "query.\($0.field)", reason: $0.reason) : $0
                }
                throw failure
            }
        }
        guard result.problems.isEmpty else {
            let limit = 1000
            var error = APIError(
                .unprocessableContent, kind: .invalidFile,
                detail:
                    "\(result.problems.count) problem(s) in the workbook\(result.problems.count > limit ? " (the first \(limit) are listed)" : ""); nothing was written",
                fields: result.problems.map {
                    .init(field: "workbook:\($0.sheet.rawValue):\($0.row)\($0.column.map { ":" + $0 } ?? "")", reason: $0.reason)
                },
                listingAtMost: limit)
            error.commitOutcome = .notCommitted
            throw error
        }
        return RoadmapImportDTO(result, language: language)
    }

    /// The programme's roadmap as an XLSX workbook, its instructions sheet in `?lang=`.
    @Sendable func workbook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let code = context.parameters.get("code") ?? ""
        let language = try QueryParameters(request: request).language()
        let file = try await APIError.answering { try await service.export(code, by: .caller(caller), language: language) }
        return Response(
            status: .ok,
            headers: [
                .contentType: RoadmapFile.contentType, .contentDisposition: "attachment; filename=\"\(file.fileName)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: .init(bytes: file.data)))
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage
import UadeWorkbook

/// A roadmap workbook as a file to hand out.
public struct RoadmapFile: Sendable {
    public let data: Data
    public let fileName: String
    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

/// Loading, revising and exporting a programme's roadmap: the programme office of its territory
/// (or above) and administrators.
public struct RoadmapService: Sendable {
    let roadmaps: RoadmapRepository
    let programmes: ProgrammeRepository
    let territories: TerritoryRepository
    let policies: any PolicySource
    /// Today in Kazakhstan: whether a revised target's period has begun.
    let today: @Sendable () -> Day

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = { Day.todayInKazakhstan() }
    ) {
        self.roadmaps = RoadmapRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.territories = TerritoryRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
    }

    /// The programme, when the requester may manage its roadmap.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`.
    public func requireManaging(_ programmeCode: String, by requester: Requester) async throws -> Programme {
        guard let programme = try await programmes.programme(code: programmeCode) else {
            throw ServiceFailure.notFound("no programme \(programmeCode)")
        }
        if case .caller(let caller) = requester,
            case .deny(let reason) = try await policies.policy().decide(caller, .manageRoadmap, Resource(territoryID: programme.territoryID))
        {
            throw ServiceFailure.forbidden(reason)
        }
        return programme
    }

    /// The roadmap as its workbook: an `instructions` sheet in `language`, then the seven sheets
    /// with their stable column codes. Importing it again changes nothing.
    public func export(_ programmeCode: String, by requester: Requester, language: Language) async throws -> RoadmapFile {
        let programme = try await requireManaging(programmeCode, by: requester)
        guard let sheets = try await roadmaps.sheets(programmeCode: programme.code) else {
            throw ServiceFailure.notFound("no programme \(programmeCode)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uade-roadmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        let writer = try WorkbookWriter(url: url)
        try writer.addSheet(
            "instructions", columns: [WorkbookColumn("sheet", width: 14), WorkbookColumn("column", width: 20), WorkbookColumn("what", width: 90)],
            rows: Self.instructions(language))
        for sheet in RoadmapSheet.allCases {
            let table = sheets[sheet] ?? SheetTable(header: sheet.columns.map(\.code), rows: [])
            try writer.addSheet(
                sheet.rawValue, columns: table.header.map { WorkbookColumn($0, width: Self.width($0)) }, rows: table.rows.lazy.map(\.cells))
        }
        try writer.finish()
        return RoadmapFile(data: try Data(contentsOf: url), fileName: "roadmap-\(programme.code).xlsx")
    }

    /// One row per column of every sheet: what it holds and whether a row must fill it.
    static func instructions(_ language: Language) -> [[SheetCell]] {
        RoadmapSheet.allCases.flatMap { sheet in
            sheet.columns.map { [.text(sheet.rawValue), .text($0.code), .text($0.explanation(language))] }
                + (sheet == .targets ? [[.text(sheet.rawValue), .text("2025-Q1 …"), .text(periodColumns(language))]] : [])
        }
    }

    static func periodColumns(_ language: Language) -> String {
        switch language {
        case .kk: "мерзімнің әр кезеңіне бір баған (2025-Q1 немесе 2025): нысаналы мән, сан; бос ұяшық — нысана жоқ"
        case .ru: "по столбцу на каждый период срока (2025-Q1 или 2025): целевое значение, число; пустая ячейка — цели нет"
        case .en: "one column per period of the term (2025-Q1 or 2025): the target, a number; a blank cell has no target"
        }
    }

    static func width(_ header: String) -> Int {
        if header.hasPrefix("name_") || header.hasPrefix("text_") || header.hasPrefix("position_") { return 40 }
        if Period(code: header) != nil { return 10 }
        return max(12, header.count + 2)
    }
}

/// Why and from when an import revises an approved programme's targets.
public struct RevisionNote: Sendable, Hashable {
    public var reason: String?
    public var appliesFrom: Day?

    public init(reason: String? = nil, appliesFrom: Day? = nil) {
        self.reason = reason
        self.appliesFrom = appliesFrom
    }
}

/// What importing a workbook did, or would do: the changes, or the problems that stopped it.
public struct RoadmapImport: Sendable {
    public let programmeCode: String?
    public let changes: RoadmapChanges
    /// Every cell the workbook got wrong; when there are any, nothing was written.
    public let problems: [SheetProblem]
    public let dryRun: Bool
    public let written: Bool
    public let outcome: RoadmapWriteOutcome?
    /// The programme is approved: its changed targets become revisions, which need a reason.
    public let revises: Bool
    /// The names of the territories the listed changes name, by the workbook's reference.
    public let territoryNames: [String: LocalizedText]

    /// The first `limit` changes as a person reads them, territories by name in `language`.
    public func changeLines(in language: Language, limit: Int) -> [String] {
        changes.changes.prefix(limit).map { $0.said(in: language) { territoryNames[$0]?.resolved(language) } }
    }
}

extension RoadmapService {
    static func sheets(_ data: Data) throws -> [String: SheetTable] {
        do {
            return try SheetUpload.sheets(data)
        } catch {
            throw ServiceFailure.invalid("file", error.description)
        }
    }

    /// Whether the requester manages any roadmap: asked before a file is read.
    /// - Throws: ``ServiceFailure`` `.forbidden`.
    public func requireManagingAny(by requester: Requester) throws {
        guard case .caller(let caller) = requester, !caller.isAdministrator else { return }
        guard caller.grants.contains(where: { $0.role == .programmeOffice }) else {
            throw ServiceFailure.forbidden("roadmaps are loaded by administrators and the programme office")
        }
    }

    /// Reads, checks and (unless `dryRun` or a problem) writes a roadmap workbook: an XLSX file
    /// or a ZIP of CSV files. Checked whole; written in one transaction or not at all.
    /// - Throws: ``ServiceFailure``: `.forbidden` (before the file is read, and for a programme
    ///   of a territory the requester does not manage), `.invalid` naming `file` when it is not a
    ///   workbook at all.
    /// An approved programme's changed targets become revisions with `revision`'s reason, from
    /// its day (default today); a draft's are overwritten.
    public func importWorkbook(
        _ data: Data, by requester: Requester, dryRun: Bool, retireAbsent: Bool = false, revision: RevisionNote = RevisionNote(),
        requestID: String?
    ) async throws -> RoadmapImport {
        try requireManagingAny(by: requester)
        // The sheets' cells are let go once read into the workbook: a national roadmap's are
        // hundreds of megabytes.
        let (read, reading) = try RoadmapWorkbook.read(Self.sheets(data))
        let tree = try await territories.tree()
        var byReference: [String: Territory] = [:]
        for territory in tree.byID.values {
            byReference[String(territory.id)] = territory
            if let kato = territory.kato { byReference[kato.value] = territory }
        }
        func canonical(_ reference: String) -> String { byReference[reference].map { $0.kato?.value ?? String($0.id) } ?? reference }
        func names(_ changes: RoadmapChanges) -> [String: LocalizedText] {
            var result: [String: LocalizedText] = [:]
            for case let reference? in changes.changes.lazy.map(\.territory) where result[reference] == nil {
                if let territory = byReference[reference] { result[reference] = territory.name }
            }
            return result
        }
        let workbook = read.namingTerritories(canonical)

        // The programme office decides for the territory the workbook names and, for a programme
        // already loaded, for the territory it has: nobody takes over another's roadmap.
        var stored: Programme?
        if let code = workbook.programme?.code { stored = try await programmes.programme(code: code) }
        if let row = workbook.programme, case .caller(let caller) = requester {
            let policy = try await policies.policy()
            var scopes = [byReference[row.territory]?.id]
            if let stored { scopes.append(stored.territoryID) }
            for case let territory? in scopes {
                if case .deny(let reason) = policy.decide(caller, .manageRoadmap, Resource(territoryID: territory)) {
                    throw ServiceFailure.forbidden(reason)
                }
            }
            if scopes.allSatisfy({ $0 == nil }), !caller.isAdministrator {
                throw ServiceFailure.forbidden("the programme's territory \(row.territory) is not one this account manages")
            }
        }
        let context = try await roadmaps.context(programmeCode: workbook.programme?.code, tree: tree)
        let checked = reading + RoadmapRules.problems(workbook, context)
        var current: RoadmapWorkbook?
        if let code = workbook.programme?.code, let stored = try await roadmaps.sheets(programmeCode: code) {
            current = RoadmapWorkbook.read(Dictionary(uniqueKeysWithValues: stored.map { ($0.key.rawValue, $0.value) })).0
        }
        _ = consume read
        let changes = RoadmapChanges.between(current: current, proposed: workbook)
        let problems = try await checked + peopleOutsideScope(workbook, by: requester)
        guard problems.isEmpty, !dryRun, !changes.isEmpty || current == nil else {
            return RoadmapImport(
                programmeCode: workbook.programme?.code, changes: changes, problems: problems, dryRun: dryRun, written: false, outcome: nil,
                revises: stored?.status == .approved, territoryNames: names(changes))
        }
        let summary = Dictionary(
            uniqueKeysWithValues: changes.counts.map { sheet, c in
                (sheet.rawValue, ["new": c.new, "changed": c.changed, "unchanged": c.unchanged, "absent": c.absent])
            })
        // An approved programme's targets change through revisions, which need a reason.
        var revising: TargetRevisionRequest?
        if let stored, stored.status == .approved {
            let today = self.today()
            let reason = revision.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let deadlines = Dictionary((current?.measures ?? []).map { ($0.code, $0.deadline) }, uniquingKeysWith: { a, _ in a })
            let movesDeadlines = workbook.measures.contains { row in deadlines[row.code].map { $0 != row.deadline } ?? false }
            if (changes.counts[.targets]?.changed ?? 0) > 0 || movesDeadlines, let problem = RevisionRules.problem(reason: reason) {
                throw ServiceFailure.invalid(
                    "reason", "\(stored.code) is approved: its changed targets and deadlines become revisions, and \(problem)")
            }
            let appliesFrom = revision.appliesFrom ?? today
            if appliesFrom < stored.termStart || appliesFrom > stored.termEnd.adding(days: 366) {
                throw ServiceFailure.invalid(
                    "applies_from",
                    "must lie within the programme's term \(stored.termStart.iso) – \(stored.termEnd.iso) or the year after it, not \(appliesFrom.iso)"
                )
            }
            revising = TargetRevisionRequest(
                reason: reason.isEmpty ? "-" : reason, appliesFrom: appliesFrom, today: today, accountID: requester.accountID)
        }
        let outcome: RoadmapWriteOutcome
        do {
            outcome = try await roadmaps.write(
                workbook, territories: byReference.mapValues(\.id), retireAbsent: retireAbsent, revising: revising, today: today(),
                by: requester.accountID, requestID: requestID, summary: summary)
        } catch RoadmapWriteError.conflict(let message) {
            throw ServiceFailure(
                .conflict, code: .roadmapConflict, detail: "the workbook conflicts with the roadmap as stored, nothing was written: \(message)")
        }
        return RoadmapImport(
            programmeCode: workbook.programme?.code, changes: changes, problems: [], dryRun: false, written: true, outcome: outcome,
            revises: revising != nil, territoryNames: names(changes))
    }

    /// People are shared by every programme: a programme office changes only those of its own
    /// territories; someone else's, an administrator does. A row that leaves a person as stored
    /// is no change, whoever sends it.
    func peopleOutsideScope(_ workbook: RoadmapWorkbook, by requester: Requester) async throws -> [SheetProblem] {
        guard case .caller(let caller) = requester, !caller.isAdministrator, !workbook.people.isEmpty else { return [] }
        let (stored, territories) = try await roadmaps.people(codes: workbook.people.map(\.code))
        guard !territories.isEmpty else { return [] }
        var before = RoadmapWorkbook.read(["people": stored]).0
        before.present = [.people]
        var after = RoadmapWorkbook()
        after.people = workbook.people
        after.present = [.people]
        let changed = RoadmapChanges.between(current: before, proposed: after).changes.filter { $0.kind == .changed }.map(\.key)
        let policy = try await policies.policy()
        let rows = Dictionary(workbook.people.map { ($0.code, $0.row) }, uniquingKeysWith: { first, _ in first })
        return changed.compactMap { code in
            if let territory = territories[code] ?? nil, policy.decide(caller, .manageRoadmap, Resource(territoryID: territory)).isAllowed {
                return nil
            }
            return SheetProblem(
                .people, row: rows[code] ?? 1, column: "code", "\(code) is a person of another territory: only an administrator changes them")
        }
    }
}

extension RoadmapService {
    /// A dry run whose workbook is kept for the same account to confirm: the upload → preview →
    /// confirm of the page. Nothing is kept when there are problems or nothing to change.
    public func preview(_ data: Data, by caller: Caller, retireAbsent: Bool, requestID: String?) async throws -> (
        result: RoadmapImport, staged: String?
    ) {
        let result = try await importWorkbook(data, by: .caller(caller), dryRun: true, retireAbsent: retireAbsent, requestID: requestID)
        guard result.problems.isEmpty, !result.changes.isEmpty else { return (result, nil) }
        return (result, try await roadmaps.stage(Array(data), retireAbsent: retireAbsent, by: caller.accountID))
    }

    /// Imports a previewed workbook, checked again whole: the roadmap may have changed since.
    /// - Throws: ``ServiceFailure`` `.notFound` when the preview is not this account's or older
    ///   than an hour; what ``importWorkbook(_:by:dryRun:retireAbsent:requestID:)`` throws.
    public func confirm(_ staged: String, by caller: Caller, revision: RevisionNote = RevisionNote(), requestID: String?) async throws
        -> RoadmapImport
    {
        try requireManagingAny(by: .caller(caller))
        guard let upload = try await roadmaps.unstage(staged, by: caller.accountID) else {
            throw ServiceFailure.notFound("this preview is no longer kept: upload the workbook again")
        }
        return try await importWorkbook(
            Data(upload.data), by: .caller(caller), dryRun: false, retireAbsent: upload.retireAbsent, revision: revision, requestID: requestID)
    }

    /// The programmes whose roadmaps the caller manages.
    public func manageable(by caller: Caller) async throws -> [Programme] {
        let policy = try await policies.policy()
        return try await programmes.programmes().filter {
            policy.decide(caller, .manageRoadmap, Resource(territoryID: $0.territoryID)).isAllowed
        }
    }
}

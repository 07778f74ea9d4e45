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
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource) {
        self.roadmaps = RoadmapRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.policies = policies
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

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
import UadeDemo
import UadeDomain
import UadeServices
import UadeStorage
import UadeTestSupport
import UadeWorkbook

/// The roadmap workbook as the programme office gets it: exported, opened, read back.
@Suite("Roadmap workbooks")
struct RoadmapTests {
    static let code = DemoDataLoader.programmeCode

    /// The roadmap as stored, read as an upload would be.
    static func current(_ database: PostgresClient) async throws -> RoadmapWorkbook {
        let sheets = try #require(try await RoadmapRepository(client: database, logger: TestDatabase.logger).sheets(programmeCode: code))
        let (workbook, problems) = RoadmapWorkbook.read(Dictionary(uniqueKeysWithValues: sheets.map { ($0.key.rawValue, $0.value) }))
        #expect(problems.isEmpty, "the stored roadmap reads as a workbook: \(problems.prefix(5))")
        return workbook
    }

    static func context(_ database: PostgresClient) async throws -> RoadmapContext {
        let tree = try await TerritoryRepository(client: database, logger: TestDatabase.logger).tree()
        var units: Set<String> = []
        for try await unit in try await database.query("SELECT code FROM units", logger: TestDatabase.logger).decode(String.self) {
            units.insert(unit)
        }
        return RoadmapContext(tree: tree, units: units)
    }

    static func download(_ app: DemoApp, as username: String) async throws -> (HTTPResponse.Status, Data, String?) {
        try await app.client.execute(uri: "/api/v1/programmes/\(code)/workbook?lang=kk", method: .get, headers: app.bearer(username)) { response in
            (response.status, Data(response.body.readableBytesView), response.headers[.contentType])
        }
    }

    @Test("the export reads back whole, keeps every rule, and importing it would change nothing")
    func exportReadsBack() async throws {
        try await withDemoApp { app in
            let (status, data, type) = try await Self.download(app, as: "admin")
            #expect(status == .ok)
            #expect(type == RoadmapFile.contentType)
            let sheets = try SheetUpload.sheets(data)
            #expect(Set(sheets.keys) == Set(["instructions"] + RoadmapSheet.allCases.map(\.rawValue)))
            let (exported, problems) = RoadmapWorkbook.read(sheets)
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            #expect(RoadmapRules.problems(exported, try await Self.context(app.database)).isEmpty)
            let changes = RoadmapChanges.between(current: try await Self.current(app.database), proposed: exported)
            #expect(changes.isEmpty, "\(changes.changes.prefix(5))")
            let targets = try await app.count("SELECT count(*)::int FROM targets")
            #expect(changes.counts[.targets]?.unchanged == targets)
            #expect(changes.counts[.indicators]?.unchanged == (try await app.count("SELECT count(*)::int FROM indicators")))
            #expect(
                exported.owners.count
                    == (try await app.count("SELECT (SELECT count(*) FROM section_owners) + (SELECT count(*) FROM indicator_owners)::int")))
            // The instructions are in the asked language.
            let instructions = try #require(sheets["instructions"])
            #expect(instructions.rows.contains { $0.cells.count > 2 && $0.cells[2].typed.contains("міндетті") })
        }
    }

    @Test("only administrators and the programme office of the programme's territory export it")
    func whoExports() async throws {
        try await withDemoApp { app in
            for username in ["office-kyzylorda", "coord-kyzylorda", "faction-mazhilis", "bureau-social", "nobody"] {
                #expect(try await Self.download(app, as: username).0 == .forbidden, "\(username)")
            }
            try await app.client.execute(uri: "/api/v1/programmes/NO-SUCH/workbook", method: .get, headers: app.bearer("admin")) { response in
                #expect(response.status == .notFound)
            }
            // The republic's programme office may.
            let republic = try #require(
                try await TerritoryRepository(client: app.database, logger: TestDatabase.logger).tree().byID.values.first { $0.parentID == nil })
            try await AccountRepository(client: app.database, logger: TestDatabase.logger)
                .grant(username: "observer-kyzylorda", role: .programmeOffice, territoryID: republic.id, by: nil, requestID: "test")
            #expect(try await Self.download(app, as: "observer-kyzylorda").0 == .ok)
        }
    }

    @Test("the workbook LibreOffice Calc saves after opening the export still changes nothing")
    func libreOfficeRoundTrip() async throws {
        try await withDemoApp { app in
            let (_, data, _) = try await Self.download(app, as: "admin")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uade-roadmap-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let exported = directory.appendingPathComponent("roadmap.xlsx")
            try data.write(to: exported)
            let saved = directory.appendingPathComponent("saved")
            let (status, log) = try await ChildProcess.run(
                "/usr/bin/soffice",
                [
                    "-env:UserInstallation=file://\(directory.path)/profile", "--headless", "--norestore", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", saved.path, exported.path,
                ])
            #expect(status == 0, "\(log)")
            let (workbook, problems) = RoadmapWorkbook.read(try SheetUpload.sheets(Data(contentsOf: saved.appendingPathComponent("roadmap.xlsx"))))
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            let changes = RoadmapChanges.between(current: try await Self.current(app.database), proposed: workbook)
            #expect(changes.isEmpty, "\(changes.changes.prefix(5))")
        }
    }
}

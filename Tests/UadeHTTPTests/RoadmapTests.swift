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
@Suite("Roadmap workbooks", .serialized)
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
                ], timeout: 240)
            #expect(status == 0, "\(log)")
            let (workbook, problems) = RoadmapWorkbook.read(try SheetUpload.sheets(Data(contentsOf: saved.appendingPathComponent("roadmap.xlsx"))))
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            let changes = RoadmapChanges.between(current: try await Self.current(app.database), proposed: workbook)
            #expect(changes.isEmpty, "\(changes.changes.prefix(5))")
        }
    }

    // MARK: Import

    /// A workbook file of these sheets.
    static func workbook(_ sheets: [String: SheetTable]) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uade-roadmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        let writer = try WorkbookWriter(url: url)
        for (name, table) in sheets.sorted(by: { $0.key < $1.key }) {
            try writer.addSheet(name, columns: table.header.map { WorkbookColumn($0) }, rows: table.rows.map(\.cells))
        }
        try writer.finish()
        return try Data(contentsOf: url)
    }

    static func upload(_ app: DemoApp, _ data: Data, as username: String, query: String = "") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await app.client.execute(
            uri: "/api/v1/roadmaps/import\(query)", method: .post, headers: app.bearer(username), body: ByteBuffer(bytes: data)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    /// The exported sheets, with one cell changed.
    static func exported(_ app: DemoApp, edit: (inout [String: SheetTable]) -> Void = { _ in }) async throws -> [String: SheetTable] {
        var sheets = try SheetUpload.sheets(try await download(app, as: "admin").1)
        sheets["instructions"] = nil
        edit(&sheets)
        return sheets
    }

    static func setCell(_ sheets: inout [String: SheetTable], _ sheet: String, row index: Int, column: String, _ value: SheetCell) {
        let table = sheets[sheet]!
        let c = table.header.firstIndex(of: column)!
        var rows = table.rows
        var cells = rows[index].cells
        while cells.count <= c { cells.append(.empty) }
        cells[c] = value
        rows[index] = (rows[index].number, cells)
        sheets[sheet] = SheetTable(header: table.header, rows: rows)
    }

    /// The first target row of Kyzylorda Region with a value, and its first period's column.
    static func firstKyzylordaCell(_ sheets: [String: SheetTable]) throws -> (row: Int, column: String, indicator: String, period: Period) {
        let targets = try #require(sheets["targets"])
        let row = try #require(targets.rows.firstIndex { $0.cells[1] == .text("430000000") && $0.cells.dropFirst(2).contains { $0 != .empty } })
        let column = try #require(targets.rows[row].cells.indices.dropFirst(2).first { targets.rows[row].cells[$0] != .empty })
        return (row, targets.header[column], targets.rows[row].cells[0].typed, try #require(Period(code: targets.header[column])))
    }

    /// The target as the plan stands: its latest revision in force or pending, else the approved value.
    static func plan(_ app: DemoApp, _ indicator: String, _ kato: String, _ start: String) async throws -> Double? {
        for try await value in try await app.database.query(
            """
            SELECT coalesce((SELECT v.new_value FROM target_revisions v WHERE v.indicator_id = x.indicator_id AND v.territory_id = x.territory_id
                               AND v.period_start = x.period_start AND v.status IN ('in_force', 'pending') ORDER BY v.id DESC LIMIT 1), x.value)
              FROM targets x JOIN indicators i ON i.id = x.indicator_id JOIN territories t ON t.id = x.territory_id
             WHERE i.code = \(indicator) AND t.kato = \(kato) AND x.period_start = \(start)::date
            """, logger: TestDatabase.logger
        ).decode(Double.self) { return value }
        return nil
    }

    static func target(_ app: DemoApp, _ indicator: String, _ kato: String, _ start: String) async throws -> Double? {
        for try await value in try await app.database.query(
            """
            SELECT x.value FROM targets x JOIN indicators i ON i.id = x.indicator_id JOIN territories t ON t.id = x.territory_id
             WHERE i.code = \(indicator) AND t.kato = \(kato) AND x.period_start = \(start)::date
            """, logger: TestDatabase.logger
        ).decode(Double.self) { return value }
        return nil
    }

    @Test("importing the export changes nothing; an edited target of the approved programme is previewed, then revised once")
    func importWrites() async throws {
        try await withDemoApp { app in
            let (status, same) = try await Self.upload(app, try Self.workbook(try await Self.exported(app)), as: "admin")
            #expect(status == .ok && same["written"] as? Bool == false && same["change_count"] as? Int == 0, "\(same)")

            let sheets = try await Self.exported(app)
            let cell = try Self.firstKyzylordaCell(sheets)
            let before = try #require(try await Self.target(app, cell.indicator, "430000000", cell.period.start.iso))
            var edited = sheets
            Self.setCell(&edited, "targets", row: cell.row, column: cell.column, .number(before + 7))
            let file = try Self.workbook(edited)

            let (previewStatus, preview) = try await Self.upload(app, file, as: "admin", query: "?dry_run=true&lang=ru")
            #expect(previewStatus == .ok && preview["written"] as? Bool == false && preview["revises"] as? Bool == true, "\(preview)")
            // Said in the reader's words: the territory by its name, not its code.
            let words =
                "цель \(cell.indicator) × Кызылординская область × \(cell.period.code): \(ProgressRules.display(before)) → \(ProgressRules.display(before + 7))"
            #expect((preview["changes"] as? [String]) == [words], "\(preview["changes"] ?? "")")
            #expect(try await Self.target(app, cell.indicator, "430000000", cell.period.start.iso) == before, "a dry run writes nothing")

            // The programme is approved: its changed targets are revisions, which need a reason.
            let (refused, problem) = try await Self.upload(app, file, as: "admin")
            let fields = (problem["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(refused == .unprocessableContent && fields == ["query.reason"], "\(problem)")
            let (writeStatus, written) = try await Self.upload(app, file, as: "admin", query: "?reason=regional%20budget&applies_from=2026-01-01")
            #expect(writeStatus == .ok && written["written"] as? Bool == true, "\(written)")
            let raises = try await app.count("SELECT (direction = 'higher_is_better')::int FROM indicators WHERE code = \(cell.indicator)")
            #expect(
                (written["revisions_in_force"] as? Int ?? 0) + (written["revisions_pending"] as? Int ?? 0) == 1
                    && written["revisions_in_force"] as? Int == raises,
                "raising a target is in force at once, lowering one whose period began waits: \(written)")
            #expect(try await Self.target(app, cell.indicator, "430000000", cell.period.start.iso) == before, "the approved value is kept")
            #expect(try await Self.plan(app, cell.indicator, "430000000", cell.period.start.iso) == before + 7)
            #expect(
                try await app.count("SELECT count(*)::int FROM target_revisions WHERE reason = 'regional budget' AND applies_from = '2026-01-01'")
                    == 1)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'roadmap' AND action = 'import'") == 1)
            let (_, again) = try await Self.upload(app, file, as: "admin", query: "?reason=again")
            #expect(again["written"] as? Bool == false && again["change_count"] as? Int == 0, "importing it again changes nothing")
            #expect(try await app.count("SELECT count(*)::int FROM target_revisions") == 1)
        }
    }

    @Test("a workbook with one bad cell is refused whole: its good changes are not written either")
    func rejectedChangesNothing() async throws {
        try await withDemoApp { app in
            func checksum() async throws -> String {
                for try await value in try await app.database.query(
                    "SELECT md5(string_agg(indicator_id || ' ' || territory_id || ' ' || period_start || ' ' || value, ',' ORDER BY indicator_id, territory_id, period_start)) FROM targets",
                    logger: TestDatabase.logger
                ).decode(String.self) { return value }
                return ""
            }
            let before = try await checksum()
            let sheets = try await Self.exported(app) { sheets in
                Self.setCell(&sheets, "targets", row: 0, column: "2022-Q4", .number(123_456))
                Self.setCell(&sheets, "indicators", row: 1, column: "unit", .text("litre"))
                Self.setCell(&sheets, "sections", row: 0, column: "name_ru", .number(5))
            }
            let (status, problem) = try await Self.upload(app, try Self.workbook(sheets), as: "admin")
            #expect(status == .unprocessableContent)
            let fields = (problem["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("workbook:indicators:3:unit"), "\(fields)")
            #expect(fields.contains { $0.hasPrefix("workbook:sections:2:") && $0.hasSuffix("(name_ru)") }, "\(fields)")
            #expect(try await checksum() == before)
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'roadmap'") == 0)
            let (garbage, _) = try await Self.upload(app, Data("not a workbook".utf8), as: "admin")
            #expect(garbage == .unprocessableContent)
        }
    }

    @Test("the programme office loads its own territory's programmes and is refused the others")
    func programmeOfficeScope() async throws {
        try await withDemoApp { app in
            // The republic's roadmap is not Kyzylorda's to change, even relabelled as Kyzylorda's.
            let republic = try await Self.exported(app)
            #expect(try await Self.upload(app, try Self.workbook(republic), as: "office-kyzylorda").0 == .forbidden)
            let relabelled = try await Self.exported(app) { Self.setCell(&$0, "programme", row: 0, column: "territory_kato", .text("430000000")) }
            #expect(try await Self.upload(app, try Self.workbook(relabelled), as: "office-kyzylorda").0 == .forbidden)
            // A coordinator is refused before the file is looked at.
            #expect(try await Self.upload(app, Data("garbage".utf8), as: "coord-kyzylorda").0 == .forbidden)

            // A new roadmap for Kyzylorda Region and its districts.
            func sheet(_ s: RoadmapSheet, header: [String]? = nil, _ rows: [[SheetCell]]) -> SheetTable {
                SheetTable(header: header ?? s.columns.map(\.code), rows: rows.enumerated().map { ($0.offset + 2, $0.element) })
            }
            let own: [String: SheetTable] = [
                "programme": sheet(
                    .programme,
                    [
                        [
                            .text("KZO-2026"), .text("region"), .text("430000000"), .text("Жол картасы"), .text("Дорожная карта"), .empty,
                            .text("2026-01-01"), .text("2026-12-31"),
                        ]
                    ]),
                "sections": sheet(.sections, [[.text("K-HOUSING"), .empty, .text("Тұрғын үй"), .text("Жильё"), .empty, .text("yes"), .number(1)]]),
                "indicators": sheet(
                    .indicators,
                    [
                        [
                            .text("KZO-H1"), .text("K-HOUSING"), .text("Үй"), .text("Дома"), .empty, .text("count"), .text("higher_is_better"),
                            .text("sum"), .text("level"), .text("quarterly"),
                        ]
                    ]),
                "targets": sheet(
                    .targets, header: ["indicator_code", "territory_kato", "2026-Q1", "2026-Q2"],
                    [[.text("KZO-H1"), .text("430000000"), .number(10), .number(20)]]),
            ]
            let (status, result) = try await Self.upload(app, try Self.workbook(own), as: "office-kyzylorda")
            #expect(status == .ok && result["written"] as? Bool == true, "\(result)")
            #expect(
                try await app.count("SELECT count(*)::int FROM targets x JOIN indicators i ON i.id = x.indicator_id WHERE i.code = 'KZO-H1'") == 2)
            let counts = result["counts"] as? [String: [String: Int]]
            #expect(counts?["targets"]?["new"] == 2 && counts?["measures"] == nil, "\(counts ?? [:])")

            // People are shared: the office may not rename someone of another territory.
            var stranger = ""
            for try await code in try await app.database.query(
                """
                SELECT p.code FROM people p LEFT JOIN territories t ON t.id = p.territory_id
                 WHERE t.id IS NULL OR (t.kato IS DISTINCT FROM '430000000'
                       AND t.parent_id IS DISTINCT FROM (SELECT id FROM territories WHERE kato = '430000000'))
                 ORDER BY p.id LIMIT 1
                """, logger: TestDatabase.logger
            ).decode(String.self) { stranger = code }
            #expect(!stranger.isEmpty, "the demo has people outside Kyzylorda Region")
            var renaming = own
            renaming["people"] = sheet(.people, [[.text(stranger), .text("Басқа"), .text("Другой"), .empty, .empty, .empty, .empty, .empty, .empty]])
            let (refused, problem) = try await Self.upload(app, try Self.workbook(renaming), as: "office-kyzylorda")
            #expect(refused == .unprocessableContent)
            let fields = (problem["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields == ["workbook:people:2:code"], "\(problem)")
        }
    }

    @Test("absent targets are reported and kept; retired on request, except those values were reported against")
    func absentTargets() async throws {
        try await withDemoApp { app in
            let targets = try await app.count("SELECT count(*)::int FROM targets")
            let withProgress = try await app.count(
                """
                SELECT count(*)::int FROM targets t JOIN territories r ON r.id = t.territory_id
                 WHERE r.kato = '430000000' AND EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = t.indicator_id
                   AND e.territory_id = t.territory_id AND e.period_start = t.period_start)
                """)
            let total = try await app.count(
                "SELECT count(*)::int FROM targets t JOIN territories r ON r.id = t.territory_id WHERE r.kato = '430000000'")
            // Every row of Kyzylorda Region left out of the workbook.
            let sheets = try await Self.exported(app) { sheets in
                let table = sheets["targets"]!
                sheets["targets"] = SheetTable(header: table.header, rows: table.rows.filter { $0.cells[1] != .text("430000000") })
            }
            let file = try Self.workbook(sheets)
            let (_, kept) = try await Self.upload(app, file, as: "admin")
            #expect((kept["counts"] as? [String: [String: Int]])?["targets"]?["absent"] == total, "\(kept)")
            #expect(try await app.count("SELECT count(*)::int FROM targets") == targets, "absent rows are never silently deleted")
            // An approved programme's targets are the record of its promise: never retired.
            let (_, approved) = try await Self.upload(app, file, as: "admin", query: "?retire_absent=true")
            #expect(try await app.count("SELECT count(*)::int FROM targets") == targets, "\(approved)")
            // A draft's are.
            try await app.database.query("UPDATE programmes SET status = 'draft', approved_at = NULL", logger: TestDatabase.logger)
            let (_, retired) = try await Self.upload(app, file, as: "admin", query: "?retire_absent=true")
            #expect(retired["targets_retired"] as? Int == total - withProgress, "\(retired)")
            #expect(retired["targets_kept_for_progress"] as? Int == withProgress)
            #expect(try await app.count("SELECT count(*)::int FROM targets") == targets - (total - withProgress))
        }
    }

    @Test("an indicator and a measure left out are retired on request: kept with an end date, no longer exported, judged or due")
    func retiredIndicatorsAndMeasures() async throws {
        try await withDemoApp { app in
            let sheets = try await Self.exported(app)
            // An indicator values were reported against, and a measure.
            var reported = ""
            for try await code in try await app.database.query(
                "SELECT i.code FROM indicators i WHERE EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = i.id) ORDER BY i.code LIMIT 1",
                logger: TestDatabase.logger
            ).decode(String.self) { reported = code }
            let measure = try #require(sheets["measures"]?.rows.first?.cells.first?.typed)
            var without = sheets
            for (sheet, column) in [("indicators", 0), ("targets", 0), ("owners", 1)] {
                let table = without[sheet]!
                without[sheet] = SheetTable(
                    header: table.header, rows: table.rows.filter { $0.cells.count <= column || $0.cells[column] != .text(reported) })
            }
            let measures = without["measures"]!
            without["measures"] = SheetTable(header: measures.header, rows: measures.rows.filter { $0.cells.first != .text(measure) })
            let file = try Self.workbook(without)

            let (_, kept) = try await Self.upload(app, file, as: "admin")
            #expect((kept["counts"] as? [String: [String: Int]])?["indicators"]?["absent"] == 1, "\(kept)")
            #expect(try await app.count("SELECT count(*)::int FROM indicators WHERE retired_on IS NOT NULL") == 0, "reported, not retired")
            // An approved programme keeps every indicator and measure it promised, even when asked.
            let (_, approved) = try await Self.upload(app, file, as: "admin", query: "?retire_absent=true")
            #expect(approved["indicators_retired"] as? Int == 0 && approved["measures_retired"] as? Int == 0, "\(approved)")
            #expect(try await app.count("SELECT count(*)::int FROM indicators WHERE retired_on IS NOT NULL") == 0)
            try await app.database.query("UPDATE programmes SET status = 'draft', approved_at = NULL", logger: TestDatabase.logger)
            let (status, retired) = try await Self.upload(app, file, as: "admin", query: "?retire_absent=true")
            #expect(status == .ok && retired["indicators_retired"] as? Int == 1 && retired["measures_retired"] as? Int == 1, "\(retired)")
            #expect(try await app.count("SELECT count(*)::int FROM indicators WHERE code = \(reported) AND retired_on = '2026-11-21'") == 1)
            #expect(try await app.count("SELECT count(*)::int FROM measures WHERE code = \(measure) AND retired_on = '2026-11-21'") == 1)
            #expect(
                try await app.count(
                    "SELECT count(*)::int FROM progress_entries e JOIN indicators i ON i.id = e.indicator_id WHERE i.code = \(reported)") > 0,
                "its values stay")
            // Its record is closed: a value for one of its cells is refused, naming why.
            var cell: (String, String)?
            for try await row in try await app.database.query(
                """
                SELECT coalesce(t.kato, t.id::text), to_char(g.period_start, 'YYYY') || '-Q' || to_char(g.period_start, 'Q')
                  FROM targets g JOIN indicators i ON i.id = g.indicator_id JOIN territories t ON t.id = g.territory_id
                 WHERE i.code = \(reported) AND i.periodicity = 'quarterly'
                 ORDER BY g.period_start DESC LIMIT 1
                """, logger: TestDatabase.logger
            ).decode((String, String).self) { cell = row }
            let (territory, period) = try #require(cell)
            let (refusal, problem) = try await app.client.execute(
                uri: "/api/v1/progress", method: .post, headers: app.bearer("admin"),
                body: ByteBuffer(string: #"{"indicator":"\#(reported)","territory":"\#(territory)","period":"\#(period)","value":1}"#)
            ) { response in (response.status, String(buffer: response.body)) }
            #expect(refusal == .unprocessableContent && problem.contains("indicator-retired") && problem.contains("2026-11-21"), "\(problem)")

            // No longer in the workbook, so importing the export changes nothing; not judged from its end on.
            let again = try await Self.exported(app)
            #expect(again["indicators"]?.rows.contains { $0.cells.first == .text(reported) } == false)
            let (_, same) = try await Self.upload(app, try Self.workbook(again), as: "admin")
            #expect(same["change_count"] as? Int == 0, "\(same)")
            let evaluation = EvaluationRepository(client: app.database, logger: TestDatabase.logger)
            let programme = try await app.count("SELECT id::int FROM programmes WHERE code = \(Self.code)")
            let judged = try await evaluation.indicators(programmeID: Int64(programme), asOf: testToday).count
            let before = try await evaluation.indicators(programmeID: Int64(programme), asOf: Day(iso: "2026-11-20")!).count
            #expect(judged == before - 1)

            // Loading it again brings it back.
            let (_, revived) = try await Self.upload(app, try Self.workbook(sheets), as: "admin")
            #expect((revived["counts"] as? [String: [String: Int]])?["indicators"]?["new"] == 1, "\(revived)")
            #expect(try await app.count("SELECT count(*)::int FROM indicators WHERE retired_on IS NOT NULL") == 0)
        }
    }

    @Test("in an approved programme a workbook's postponed deadline waits for a second person, and the export shows it as the plan")
    func importedDeadline() async throws {
        try await withDemoApp { app in
            var sheets = try await Self.exported(app)
            let table = try #require(sheets["measures"])
            let column = try #require(table.header.firstIndex(of: "deadline"))
            // A measure whose deadline has room within the term.
            let index = try #require(
                table.rows.firstIndex { row in
                    if case .date(let day) = row.cells[column] { return day < Day(iso: "2026-06-01")! && day > Day(iso: "2023-01-01")! }
                    return false
                })
            guard case .date(let deadline) = table.rows[index].cells[column], case .text(let code) = table.rows[index].cells[0] else {
                Issue.record("no dated measure")
                return
            }
            var rows = table.rows
            rows[index].cells[column] = .date(deadline.adding(days: 90))
            sheets["measures"] = SheetTable(header: table.header, rows: rows)
            let file = try Self.workbook(sheets)

            let (refused, problem) = try await Self.upload(app, file, as: "admin")
            #expect(refused == .unprocessableContent && "\(problem)".contains("reason"), "a moved deadline needs a reason: \(problem)")
            let (status, result) = try await Self.upload(app, file, as: "admin", query: "?reason=contractor%20late")
            #expect(status == .ok && result["revisions_pending"] as? Int == 1, "\(result)")
            #expect(try await app.count("SELECT count(*)::int FROM measures WHERE code = \(code) AND deadline = \(deadline)") == 1, "not moved yet")
            let again = try await Self.exported(app)
            #expect(again["measures"]?.rows.contains { $0.cells[0] == .text(code) && $0.cells[column] == .date(deadline.adding(days: 90)) } == true)
            let (_, same) = try await Self.upload(app, try Self.workbook(again), as: "admin")
            #expect(same["change_count"] as? Int == 0, "\(same)")
            // The stored deadline again withdraws the proposal.
            rows[index].cells[column] = .date(deadline)
            sheets["measures"] = SheetTable(header: table.header, rows: rows)
            let (_, back) = try await Self.upload(app, try Self.workbook(sheets), as: "admin", query: "?reason=back")
            #expect(back["revisions_pending"] as? Int == 0, "\(back)")
            #expect(try await app.count("SELECT count(*)::int FROM item_revisions WHERE status = 'withdrawn'") == 1)
        }
    }

    @Test("an ownership that overlaps one kept outside the workbook is refused with the reason, not a server error")
    func storedOverlap() async throws {
        try await withDemoApp { app in
            let sheets = try await Self.exported(app) { sheets in
                let owners = sheets["owners"]!
                let row = owners.rows.firstIndex { $0.cells[0] != .empty && ($0.cells.count < 6 || $0.cells[5] == .empty) }!
                Self.setCell(&sheets, "owners", row: row, column: "valid_from", .text("2025-06-01"))
            }
            let (status, problem) = try await Self.upload(app, try Self.workbook(sheets), as: "admin")
            #expect(status == .conflict, "\(problem)")
            #expect((problem["type"] as? String)?.hasSuffix("/roadmap-conflict") == true, "\(problem)")
            #expect(try await app.count("SELECT count(*)::int FROM audit_log WHERE entity = 'roadmap'") == 0)
        }
    }

    @Test("the page: download, upload, a preview in words, confirm once; refused to a coordinator")
    func page() async throws {
        try await withDemoApp { app in
            let session = try #require(try await login(app, "admin"))
            let page = try await app.client.execute(uri: "/roadmaps?lang=ru", method: .get, headers: [.cookie: session.cookie]) { response in
                (response.status, String(buffer: response.body))
            }
            #expect(page.0 == .ok)
            #expect(page.1.contains("/api/v1/programmes/\(Self.code)/workbook?lang=ru") && page.1.contains("Дорожные карты"))

            let sheets = try await Self.exported(app)
            let cell = try Self.firstKyzylordaCell(sheets)
            let (indicator, period) = (cell.indicator, cell.period)
            let before = try #require(try await Self.target(app, indicator, "430000000", period.start.iso))
            var edited = sheets
            Self.setCell(&edited, "targets", row: cell.row, column: cell.column, .number(before + 3))
            let boundary = "uade-roadmap-boundary"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(session.csrf)\r\n")
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roadmap.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(try Self.workbook(edited))
            body.writeString("\r\n--\(boundary)--\r\n")
            let preview = try await app.client.execute(
                uri: "/roadmaps?lang=ru", method: .post,
                headers: [.cookie: session.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"], body: body
            ) { response in (response.status, String(buffer: response.body)) }
            #expect(preview.0 == .ok)
            #expect(preview.1.contains("roadmap-preview"))
            #expect(preview.1.contains("цель \(indicator) × Кызылординская область × \(period.code)"), "the change in words, in the page's language")
            #expect(preview.1.contains("name=\"reason\""), "the approved programme's revisions ask for a reason")
            #expect(try await Self.target(app, indicator, "430000000", period.start.iso) == before, "a preview writes nothing")
            let upload = try #require(preview.1.firstMatch(of: /name="upload" value="([^"]+)"/)?.1)

            let form = "_csrf=\(session.csrf)&upload=\(upload)&reason=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82&applies_from=2026-01-01"
            func confirm() async throws -> (HTTPResponse.Status, String) {
                try await app.client.execute(
                    uri: "/roadmaps/confirm?lang=ru", method: .post,
                    headers: [.cookie: session.cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)
                ) { response in (response.status, String(buffer: response.body)) }
            }
            let written = try await confirm()
            #expect(written.0 == .ok && written.1.contains("roadmap-written"), "\(written.1.prefix(300))")
            #expect(try await Self.plan(app, indicator, "430000000", period.start.iso) == before + 3)
            #expect(try await app.count("SELECT count(*)::int FROM target_revisions WHERE reason = 'бюджет'") == 1)
            #expect(try await confirm().0 == .notFound, "a preview is confirmed once")

            let coordinator = try #require(try await login(app, "coord-kyzylorda"))
            let refused = try await app.client.execute(uri: "/roadmaps", method: .get, headers: [.cookie: coordinator.cookie]) { $0.status }
            #expect(refused == .forbidden)
        }
    }
}

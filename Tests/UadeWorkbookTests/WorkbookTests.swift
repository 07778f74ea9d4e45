import Foundation
import Testing
import UadeDomain
import UadeStorage
import UadeTestSupport
import ZIPFoundation

@testable import UadeWorkbook

@Suite("XLSX workbooks")
struct WorkbookTests {
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?><!-- a comment with <c> inside -->
        <x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="2" spans="1:3"><x:c r="A2" t="inlineStr"><x:is><x:t>Қала &amp; «ауыл» &lt;1&gt; &#1178;&#x49B;</x:t></x:is></x:c>\
        <x:c r="C2" s='1'><x:v>42.5</x:v></x:c><x:c r="D2"/></x:row><![CDATA[<not a tag>]]></x:sheetData></x:worksheet>
        """

    /// Events with adjacent texts merged: how a chunk boundary may split them is not a difference.
    static func events(_ text: String, chunk: Int) throws -> [XMLEvent] {
        var stream = XMLStream()
        var events: [XMLEvent] = []
        func add(_ event: XMLEvent) {
            if case .text(let more) = event, case .text(let before)? = events.last {
                events[events.count - 1] = .text(before + more)
            } else {
                events.append(event)
            }
        }
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            try stream.feed(bytes[index..<min(index + chunk, bytes.count)], add)
            index += chunk
        }
        try stream.finish(add)
        return events.filter { if case .text(let t) = $0 { !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } else { true } }
    }

    @Test("the push parser gives the same events however the bytes are cut")
    func chunksDoNotMatter() throws {
        let whole = try Self.events(Self.document, chunk: Int.max)
        #expect(
            whole.contains(.open(name: "c", attributes: ["r": "C2", "s": "1"], closed: false)),
            "single quotes and prefixes are read")
        #expect(whole.contains(.text("Қала & «ауыл» <1> ҚқҚқ".replacingOccurrences(of: "ҚқҚқ", with: "Ққ"))))
        #expect(whole.contains(.open(name: "c", attributes: ["r": "D2"], closed: true)))
        #expect(whole.contains(.text("<not a tag>")))
        for chunk in [1, 2, 3, 5, 7, 64] { #expect(try Self.events(Self.document, chunk: chunk) == whole, "chunks of \(chunk)") }
    }

    @Test("broken XML is refused, not guessed", arguments: ["<a><b", "<a x=1></a>", "<a x=\"1></a>", "<>"])
    func brokenXML(_ text: String) {
        #expect(throws: XMLStreamError.self) { _ = try Self.events(text, chunk: 3) }
    }

    @Test(
        "cell references and column letters",
        arguments: [("A1", 0), ("Z9", 25), ("AA10", 26), ("AZ1", 51), ("BA1", 52), ("XFD1048576", 16_383)])
    func columns(_ reference: String, _ column: Int) {
        #expect(WorkbookReader.column(of: reference) == column)
        #expect(WorkbookWriter.reference(column: column) + reference.drop { $0.isLetter } == reference)
    }

    @Test("hostile references neither crash the reader nor widen every row")
    func hostileReferences() throws {
        #expect(WorkbookReader.column(of: "AAAAAAAAAAAAAAA1") == nil, "more letters than a sheet has columns")
        let directory = Self.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("hostile.xlsx")
        try Self.write(url)
        // The same workbook with its first sheet replaced by rows at the edge of the grid.
        let archive = try Archive(url: url, accessMode: .update)
        let entry = try #require(archive["xl/worksheets/sheet1.xml"])
        try archive.remove(entry)
        let sheet = Data(
            """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="9223372036854775807"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>\
            <row><c r="XFD2" t="b"><v>1</v></c><c r="AAAAAAAAAAAAAAAA2"><v>5</v></c></row>\
            </sheetData></worksheet>
            """.utf8)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(sheet.count)) { position, size in
            sheet.subdata(in: Int(position)..<Int(position) + size)
        }
        let reader = try WorkbookReader(url: url)
        var rows: [WorkbookRow] = []
        try reader.rows(of: "targets", columns: 10) { rows.append($0) }
        #expect(rows.map(\.number) == [1_048_576, 1_048_576])
        #expect(rows.allSatisfy { $0.cells.count <= 10 })
        let tables = try SheetUpload.workbookSheets(reader)
        #expect(tables["targets"]?.rows.allSatisfy { $0.cells.count <= 1 } == true, "rows are cut to the header's width")
    }

    @Test("Excel's _xHHHH_ escapes are read; a literal one stays literal")
    func excelEscapes() {
        #expect(WorkbookReader.unescaped("line_x000D_break") == "line\rbreak")
        #expect(WorkbookReader.unescaped("_x005F_x000D_") == "_x000D_")
        #expect(WorkbookReader.unescaped("_xZZZZ_ and _x12") == "_xZZZZ_ and _x12")
    }

    @Test("date serial numbers in both date systems")
    func serials() {
        #expect(WorkbookReader.day(serial: 45_658, date1904: false) == Day(year: 2025, month: 1, day: 1))
        #expect(WorkbookReader.day(serial: 45_658.75, date1904: false) == Day(year: 2025, month: 1, day: 1), "a time of day is dropped")
        #expect(WorkbookReader.day(serial: 44_196, date1904: true) == Day(year: 2025, month: 1, day: 1))
        #expect(WorkbookReader.day(serial: -3, date1904: false) == nil)
        #expect(WorkbookReader.isDateFormat("yyyy\\-mm\\-dd") && WorkbookReader.isDateFormat("DD.MM.YYYY"))
        #expect(!WorkbookReader.isDateFormat("0.00") && !WorkbookReader.isDateFormat("\"d\"0") && !WorkbookReader.isDateFormat("[Red]0"))
    }

    static let rows: [[WorkbookCell]] = [
        [.text("HOU-01"), .text("Қызылорда облысы"), .number(120), .number(0.1), .date(Day(year: 2026, month: 12, day: 31)!), .bool(true)],
        [.text("=SUM(A1:A9)"), .empty, .number(-1_234_567.125), .number(1e20), .empty, .bool(false)],
        [.text("  leading spaces, a tab\tand a line\nbreak, a bell\u{7}"), .text("<b>&amp;</b> \"quoted\" _x000D_ typed"), .empty, .number(0)],
    ]

    static func write(_ url: URL) throws {
        let writer = try WorkbookWriter(url: url, modified: Date(timeIntervalSince1970: 1_795_000_000))
        try writer.addSheet(
            "targets", columns: ["indicator_code", "territory", "2025-Q4", "share", "deadline", "active"].map { WorkbookColumn($0) }, rows: rows)
        try writer.addSheet("Көрсеткіштер", columns: [WorkbookColumn("code", width: 30)], rows: [[.text("x")]])
        try writer.finish()
    }

    static var directory: URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("uade-workbook-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("what the writer writes, the reader reads back cell for cell")
    func roundTrip() throws {
        let directory = Self.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        try Self.write(url)
        let reader = try WorkbookReader(url: url)
        #expect(reader.sheetNames == ["targets", "Көрсеткіштер"])
        var read: [WorkbookRow] = []
        try reader.rows(of: "targets") { read.append($0) }
        #expect(read.map(\.number) == [1, 2, 3, 4])
        #expect(read[0].cells.map(\.typed) == ["indicator_code", "territory", "2025-Q4", "share", "deadline", "active"])
        for (row, expected) in zip(read.dropFirst(), Self.rows) {
            // The bell is not XML: it becomes a space; trailing empty cells are not written.
            let wanted = expected.map { cell -> WorkbookCell in
                if case .text(let t) = cell { return .text(t.replacingOccurrences(of: "\u{7}", with: " ")) }
                return cell
            }
            #expect(row.cells == wanted.dropLastEmpty(), "row \(row.number)")
        }
        #expect(throws: WorkbookError.noSheet("owners")) { try reader.rows(of: "owners") { _ in } }
    }

    @Test("bad sheet names and overlong texts are refused before anything is written")
    func writerRefusals() throws {
        let directory = Self.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try WorkbookWriter(url: directory.appendingPathComponent("x.xlsx"))
        #expect(throws: WorkbookError.badSheetName("a/b")) { try writer.addSheet("a/b", columns: [], rows: [[WorkbookCell]]()) }
        #expect(throws: WorkbookError.textTooLong(sheet: "long", row: 2, column: "B")) {
            try writer.addSheet("long", columns: [], rows: [[.empty, .text(String(repeating: "я", count: 32_768))]])
        }
    }

    @Test("files that are not workbooks are named as such")
    func notWorkbooks() throws {
        #expect(throws: WorkbookError.notAWorkbook("not a ZIP archive")) { _ = try WorkbookReader(data: Data("indicator_code;value\n".utf8)) }
    }

    // MARK: A real spreadsheet program on both sides

    static func soffice(_ arguments: [String], profile: URL) async throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/soffice") else {
            Issue.record("LibreOffice is not installed (scripts/test installs libreoffice-calc-nogui)")
            return (-1, "")
        }
        return try await ChildProcess.run(
            "/usr/bin/soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore"] + arguments,
            timeout: 240)
    }

    @Test("LibreOffice Calc opens what the writer writes: every sheet, as CSV, holds the same cells")
    func libreOfficeReadsOurs() async throws {
        let directory = Self.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        try Self.write(url)
        // UTF-8, comma-separated, quoted texts, every sheet to a file of its own (sheet -1).
        let (status, log) = try await Self.soffice(
            ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", directory.path, url.path],
            profile: directory.appendingPathComponent("profile"))
        #expect(status == 0, "\(log)")
        let targets = try String(contentsOf: directory.appendingPathComponent("roadmap-targets.csv"), encoding: .utf8)
        let table = try CSVTable.parse(targets)
        #expect(targets.hasPrefix("indicator_code,territory,2025-Q4,share,deadline,active\n"), "the header row as written")
        let first = try #require(table.records.first).fields
        #expect(first == ["HOU-01", "Қызылорда облысы", "120", "0.1", "2026-12-31", "TRUE"])
        let second = try #require(table.records.dropFirst().first).fields
        #expect(second[0] == "=SUM(A1:A9)", "a text that looks like a formula stays text")
        #expect(second[2] == "-1234567.125")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("roadmap-Көрсеткіштер.csv").path))
    }

    @Test("a workbook LibreOffice wrote from CSV is read: texts, numbers and dates as such")
    func oursReadsLibreOffice() async throws {
        let directory = Self.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("targets.csv")
        try "indicator_code,territory_kato,2025-Q4,deadline,note\nHOU-01,431010000,120.5,2026-12-31,\"Қала & ауыл, \"\"жаңа\"\"\"\nHOU-02,,7,,\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let (status, log) = try await Self.soffice(
            ["--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", directory.path, csv.path],
            profile: directory.appendingPathComponent("profile"))
        #expect(status == 0, "\(log)")
        let reader = try WorkbookReader(url: directory.appendingPathComponent("targets.xlsx"))
        let sheet = try #require(reader.sheetNames.first)
        var rows: [WorkbookRow] = []
        try reader.rows(of: sheet) { rows.append($0) }
        #expect(rows.count == 3)
        #expect(rows[1][0] == .text("HOU-01"))
        #expect(rows[1][1].typed == "431010000", "a KATO code LibreOffice took for a number reads back as the code")
        #expect(rows[1][2] == .number(120.5))
        #expect(rows[1][3] == .date(Day(year: 2026, month: 12, day: 31)!))
        #expect(rows[1][4] == .text("Қала & ауыл, \"жаңа\""))
        #expect(rows[2][1] == .empty && rows[2][2] == .number(7))
    }
}

/// The roadmap's sheets through the upload: from our workbook, from a ZIP of CSV files, and from
/// the workbook LibreOffice saves after opening ours.
@Suite("Roadmap uploads")
struct SheetUploadTests {
    static let sheets: [(String, [String], [[SheetCell]])] = [
        (
            "programme", RoadmapSheet.programme.columns.map(\.code),
            [
                [
                    .text("KZO"), .text("region"), .text("430000000"), .text("Бағдарлама"), .text("Программа"), .empty,
                    .date(Day(iso: "2022-01-01")!), .date(Day(iso: "2026-12-31")!),
                ]
            ]
        ),
        (
            "sections", RoadmapSheet.sections.columns.map(\.code),
            [[.text("HOUSING"), .empty, .text("Тұрғын үй"), .text("Жильё"), .empty, .bool(true), .number(1)]]
        ),
        (
            "indicators", RoadmapSheet.indicators.columns.map(\.code),
            [
                [
                    .text("HOU-01"), .text("HOUSING"), .text("Үй"), .text("Дома"), .empty, .text("count"), .text("higher_is_better"), .text("sum"),
                    .text("level"), .text("quarterly"),
                ]
            ]
        ),
        (
            "targets", ["indicator_code", "territory_kato", "2025-Q4", "2026-Q1"],
            [[.text("HOU-01"), .text("430000000"), .number(120), .number(130.5)]]
        ),
    ]

    static func workbook(_ url: URL) throws {
        let writer = try WorkbookWriter(url: url)
        try writer.addSheet(
            "instructions", columns: [WorkbookColumn("column"), WorkbookColumn("what", width: 80)], rows: [[.text("code"), .text("…")]])
        for (name, header, rows) in sheets { try writer.addSheet(name, columns: header.map { WorkbookColumn($0) }, rows: rows) }
        try writer.finish()
    }

    static func check(_ tables: [String: SheetTable]) throws {
        let (workbook, problems) = RoadmapWorkbook.read(tables)
        #expect(problems.isEmpty, "\(problems)")
        #expect(workbook.programme?.code == "KZO")
        #expect(workbook.programme?.termEnd == Day(iso: "2026-12-31"))
        #expect(workbook.sections.first?.sociallySensitive == true)
        #expect(workbook.targets.first?.values.map(\.value) == [120, 130.5])
        #expect(workbook.targets.first?.values.map(\.period.code) == ["2025-Q4", "2026-Q1"])
    }

    @Test("our workbook reads into the roadmap's typed rows")
    func ours() throws {
        let directory = WorkbookTests.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        try Self.workbook(url)
        try Self.check(try SheetUpload.sheets(Data(contentsOf: url)))
    }

    @Test("a ZIP of CSV files reads the same")
    func csvFiles() throws {
        let archive = try #require(try Archive(accessMode: .create))
        for (name, header, rows) in Self.sheets {
            let text = ([header] + rows.map { $0.map(\.typed) }).map { CSVTable.line($0.map(CSVTable.Cell.text), separator: ",") }.joined()
            let data = Data(text.utf8)
            try archive.addEntry(with: "roadmap/\(name).csv", type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try Self.check(try SheetUpload.sheets(try #require(archive.data)))
        #expect(throws: SheetUpload.Failure.unreadable("the file is neither an XLSX workbook nor a ZIP of CSV files")) {
            _ = try SheetUpload.sheets(Data("code,name\n".utf8))
        }
    }

    @Test("the workbook LibreOffice Calc saves after opening ours reads the same")
    func libreOfficeSaved() async throws {
        let directory = WorkbookTests.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roadmap.xlsx")
        try Self.workbook(url)
        let out = directory.appendingPathComponent("saved")
        let (status, log) = try await WorkbookTests.soffice(
            ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out.path, url.path], profile: directory.appendingPathComponent("profile"))
        #expect(status == 0, "\(log)")
        let saved = try Data(contentsOf: out.appendingPathComponent("roadmap.xlsx"))
        #expect(saved != (try Data(contentsOf: url)), "LibreOffice wrote its own file")
        let tables = try SheetUpload.sheets(saved)
        #expect(Set(tables.keys) == ["instructions", "programme", "sections", "indicators", "targets"])
        try Self.check(tables)
    }
}

/// docs/roadmaps.md lists every sheet and column the reader knows.
@Test("the workbook's documentation names every sheet and column")
func roadmapColumnsAreDocumented() throws {
    let text = try String(contentsOf: TestDatabase.packageRoot.appendingPathComponent("docs/roadmaps.md"), encoding: .utf8)
    for sheet in RoadmapSheet.allCases {
        #expect(text.contains("`\(sheet.rawValue)`"), "sheet \(sheet.rawValue)")
        for column in sheet.columns {
            #expect(text.contains(column.required ? "**\(column.code)**" : column.code), "\(sheet.rawValue).\(column.code)")
        }
    }
}

extension Array where Element == WorkbookCell {
    /// Without the empty cells at its end: a row is as long as its last written cell.
    func dropLastEmpty() -> [WorkbookCell] {
        var cells = self
        while cells.last == .empty { cells.removeLast() }
        return cells
    }
}

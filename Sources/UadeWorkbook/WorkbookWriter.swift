import Foundation
import UadeDomain
import ZIPFoundation

/// A column of a sheet to write: its header (a stable code) and its width in characters.
public struct WorkbookColumn: Sendable, Equatable {
    public let header: String
    public let width: Int

    public init(_ header: String, width: Int = 14) {
        self.header = header
        self.width = width
    }
}

/// Writes an XLSX workbook sheet by sheet: each sheet's XML goes to a file beside the workbook
/// as its rows come, then into the archive, so a sheet of millions of cells is never held whole.
/// Header rows are bold and frozen, numbers are numbers, dates are dates, and texts are inline
/// strings — which no spreadsheet program evaluates as a formula, whatever they begin with.
public final class WorkbookWriter {
    let url: URL
    let scratch: URL
    var sheets: [String] = []
    let modified: Date

    /// Cell styles: 0 plain, 1 the bold header, 2 a date.
    static let headerStyle = 1
    static let dateStyle = 2
    static let longestText = 32_767

    public init(url: URL, modified: Date = Date()) throws {
        self.url = url
        self.modified = modified
        scratch = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// Adds a sheet; `rows` is read once, as it is written.
    public func addSheet(_ name: String, columns: [WorkbookColumn], rows: some Sequence<[WorkbookCell]>) throws {
        guard (1...31).contains(name.count), !name.contains(where: { "[]:*?/\\".contains($0) }), !sheets.contains(name) else {
            throw WorkbookError.badSheetName(name)
        }
        sheets.append(name)
        let path = scratch.appendingPathComponent("sheet\(sheets.count).xml")
        FileManager.default.createFile(atPath: path.path, contents: nil)
        let file = try FileHandle(forWritingTo: path)
        defer { try? file.close() }
        var out = ""
        out.reserveCapacity(1 << 16)
        func flush(force: Bool = false) throws {
            if force || out.utf8.count > 1 << 16 {
                try file.write(contentsOf: Data(out.utf8))
                out.removeAll(keepingCapacity: true)
            }
        }
        out += """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheetViews><sheetView workbookViewId="0"\(sheets.count == 1 ? " tabSelected=\"1\"" : "")>\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/><cols>
            """
        for (index, column) in columns.enumerated() {
            out += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(max(4, min(column.width, 120)))\" customWidth=\"1\"/>"
        }
        out += "</cols><sheetData>"
        try writeRow(1, columns.map { .text($0.header) }, style: Self.headerStyle, sheet: name, into: &out)
        var number = 1
        for row in rows {
            number += 1
            try writeRow(number, row, style: nil, sheet: name, into: &out)
            try flush()
        }
        out += "</sheetData></worksheet>"
        try flush(force: true)
    }

    func writeRow(_ number: Int, _ cells: [WorkbookCell], style: Int?, sheet: String, into out: inout String) throws {
        out += "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.reference(column: index) + String(number)
            let styled = style.map { " s=\"\($0)\"" } ?? ""
            switch cell {
            case .empty:
                continue
            case .text(let text):
                guard text.utf16.count <= Self.longestText else {
                    throw WorkbookError.textTooLong(sheet: sheet, row: number, column: Self.reference(column: index))
                }
                out += "<c r=\"\(reference)\"\(styled) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escape(text))</t></is></c>"
            case .number(let value):
                guard value.isFinite else { continue }
                out += "<c r=\"\(reference)\"\(styled)><v>\(Self.number(value))</v></c>"
            case .bool(let value):
                out += "<c r=\"\(reference)\"\(styled) t=\"b\"><v>\(value ? 1 : 0)</v></c>"
            case .date(let day):
                let serial = Day(year: 1899, month: 12, day: 30).map { $0.days(until: day) } ?? 0
                out += "<c r=\"\(reference)\" s=\"\(Self.dateStyle)\"><v>\(serial)</v></c>"
            case .error(let code):
                out += "<c r=\"\(reference)\"\(styled) t=\"e\"><v>\(Self.escape(code))</v></c>"
            }
        }
        out += "</row>"
    }

    /// Writes the archive; the writer is spent afterwards.
    public func finish() throws {
        try? FileManager.default.removeItem(at: url)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .create)
        } catch {
            throw WorkbookError.notAWorkbook("cannot create \(url.path)")
        }
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified, compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        try add("[Content_Types].xml", contentTypes)
        try add("_rels/.rels", rootRelationships)
        try add("xl/workbook.xml", workbook)
        try add("xl/_rels/workbook.xml.rels", workbookRelationships)
        try add("xl/styles.xml", Self.styles)
        for index in sheets.indices {
            let file = scratch.appendingPathComponent("sheet\(index + 1).xml")
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            try archive.addEntry(
                with: "xl/worksheets/sheet\(index + 1).xml", type: .file, uncompressedSize: size, modificationDate: modified,
                compressionMethod: .deflate
            ) { position, chunk in
                try handle.seek(toOffset: UInt64(position))
                return try handle.read(upToCount: chunk) ?? Data()
            }
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// 0 → A, 25 → Z, 26 → AA.
    static func reference(column: Int) -> String { SheetColumn.letters(column) }

    /// Shortest text that reads back as the same double.
    static func number(_ value: Double) -> String { SheetCell.number(value).typed }

    /// Markup escaped; a literal `_x` escaped as `_x005F_x`, so that a spreadsheet program does not
    /// read `_x000D_` typed by someone as a carriage return.
    static func escape(_ text: String) -> String { Markup.escape(text.replacingOccurrences(of: "_x", with: "_x005F_x")) }

    var contentTypes: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        \(sheets.indices.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
        </Types>
        """
    }

    let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    var workbook: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
        \(sheets.enumerated().map { "<sheet name=\"\(Self.escape($0.element))\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined())\
        </sheets></workbook>
        """
    }

    var workbookRelationships: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        \(sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())\
        <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}

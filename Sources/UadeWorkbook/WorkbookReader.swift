import Foundation
import UadeDomain
import ZIPFoundation

/// What a cell holds: the domain's `SheetCell`, so that a roadmap sheet reads the same from a
/// workbook as from a CSV file.
public typealias WorkbookCell = SheetCell

/// One row of a sheet: its number as the program shows it (1 for the first), and its cells from
/// column A on, empty cells filled in.
public struct WorkbookRow: Sendable, Equatable {
    public let number: Int
    public let cells: [WorkbookCell]

    public init(number: Int, cells: [WorkbookCell]) {
        self.number = number
        self.cells = cells
    }

    public subscript(column: Int) -> WorkbookCell { column < cells.count ? cells[column] : .empty }
}

public enum WorkbookError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAWorkbook(String)
    case noSheet(String)
    case malformed(part: String, String)
    case textTooLong(sheet: String, row: Int, column: String)
    case badSheetName(String)

    public var description: String {
        switch self {
        case .notAWorkbook(let why): "not an XLSX workbook: \(why)"
        case .noSheet(let name): "the workbook has no sheet '\(name)'"
        case .malformed(let part, let why): "\(part) is malformed: \(why)"
        case .textTooLong(let sheet, let row, let column): "\(sheet)!\(column)\(row): a cell holds at most 32,767 characters"
        case .badSheetName(let name): "'\(name)' cannot name a sheet (at most 31 characters, none of []:*?/\\)"
        }
    }
}

/// Reads an XLSX workbook (Office Open XML SpreadsheetML) a sheet at a time. A sheet's XML is
/// decompressed and parsed in chunks, so its size does not bound what fits in memory; the shared
/// strings (each distinct text once) and the styles are read first.
public struct WorkbookReader {
    let archive: Archive
    /// Sheet names in the workbook's order, with the part each is stored in.
    public let sheets: [(name: String, path: String)]
    let sharedStrings: [String]
    /// Per cell style index: whether it formats a number as a date.
    let dateStyles: [Bool]
    let date1904: Bool

    public init(url: URL) throws {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw WorkbookError.notAWorkbook("not a ZIP archive")
        }
        try self.init(archive: archive)
    }

    public init(data: Data) throws {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw WorkbookError.notAWorkbook("not a ZIP archive")
        }
        try self.init(archive: archive)
    }

    public init(archive: Archive) throws {
        self.archive = archive
        guard archive["xl/workbook.xml"] != nil else { throw WorkbookError.notAWorkbook("there is no xl/workbook.xml") }
        var names: [(String, String)] = []
        var date1904 = false
        try Self.parse(archive, "xl/workbook.xml") { event in
            guard case .open(let name, let attributes, _) = event else { return }
            if name == "sheet", let sheet = attributes["name"], let id = attributes.first(where: { $0.key.hasSuffix(":id") })?.value {
                names.append((sheet, id))
            }
            if name == "workbookPr", let value = attributes["date1904"] { date1904 = value == "1" || value == "true" }
        }
        var targets: [String: String] = [:]
        var sharedStringsPath = "xl/sharedStrings.xml"
        var stylesPath = "xl/styles.xml"
        try Self.parse(archive, "xl/_rels/workbook.xml.rels") { event in
            guard case .open("Relationship", let attributes, _) = event, let id = attributes["Id"], let target = attributes["Target"] else { return }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            targets[id] = path
            // Producers may name these parts as they like; the relationships say which is which.
            if attributes["Type"]?.hasSuffix("/sharedStrings") == true { sharedStringsPath = path }
            if attributes["Type"]?.hasSuffix("/styles") == true { stylesPath = path }
        }
        sheets = try names.map { name, id in
            guard let path = targets[id] else { throw WorkbookError.malformed(part: "xl/workbook.xml", "sheet '\(name)' has no part") }
            return (name, path)
        }
        self.date1904 = date1904
        sharedStrings = try Self.sharedStrings(archive, path: sharedStringsPath)
        dateStyles = try Self.dateStyles(archive, path: stylesPath)
    }

    public var sheetNames: [String] { sheets.map(\.name) }

    static let maximumRows = 1_048_576

    /// Calls `body` with each row of the sheet that has a cell, in order. Cells past
    /// `columns` are dropped, so a cell far to the right cannot make every row that wide.
    public func rows(of sheet: String, columns: Int = 16_384, _ body: (WorkbookRow) throws -> Void) throws {
        guard let path = sheets.first(where: { $0.name == sheet })?.path else { throw WorkbookError.noSheet(sheet) }
        var rowNumber = 0
        var cells: [WorkbookCell] = []
        var inRow = false
        // The cell being read.
        var column = 0
        var type = ""
        var style = 0
        var value = ""
        var inValue = false
        var inlineText = ""
        var inInline = false
        var inText = false
        var inPhonetic = false
        func cell() -> WorkbookCell {
            switch type {
            case "s": return Int(value).flatMap { $0 < sharedStrings.count ? .text(sharedStrings[$0]) : nil } ?? .error("#REF!")
            case "inlineStr": return inlineText.isEmpty ? .empty : .text(Self.unescaped(inlineText))
            case "str": return value.isEmpty ? .empty : .text(Self.unescaped(value))
            case "b": return .bool(value == "1" || value == "true")
            case "e": return .error(value)
            case "d": return Day(iso: String(value.prefix(10))).map(WorkbookCell.date) ?? .text(value)
            default:
                guard !value.isEmpty, let number = Double(value.trimmingCharacters(in: .whitespaces)) else { return .empty }
                if style < dateStyles.count, dateStyles[style], let day = Self.day(serial: number, date1904: date1904) { return .date(day) }
                return .number(number)
            }
        }
        func place(_ cell: WorkbookCell) {
            guard column < min(columns, 16_384) else { return }
            if cells.count < column { cells.append(contentsOf: repeatElement(WorkbookCell.empty, count: column - cells.count)) }
            if column < cells.count { cells[column] = cell } else { cells.append(cell) }
        }
        try Self.parse(archive, path) { event in
            switch event {
            case .open("row", let attributes, let closed):
                // A sheet has at most 1,048,576 rows; a number past it is not a row of one.
                rowNumber = attributes["r"].flatMap(Int.init).map { min(max($0, 1), Self.maximumRows) } ?? min(rowNumber + 1, Self.maximumRows)
                cells = []
                inRow = !closed
            case .close("row"):
                if inRow, cells.contains(where: { $0 != .empty }) { try body(WorkbookRow(number: rowNumber, cells: cells)) }
                inRow = false
            case .open("c", let attributes, let closed):
                column = attributes["r"].flatMap(Self.column(of:)) ?? cells.count
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
                inlineText = ""
                if closed { place(.empty) }
            case .close("c"):
                place(cell())
            case .open("v", _, false): inValue = true
            case .close("v"): inValue = false
            case .open("is", _, false): inInline = true
            case .close("is"): inInline = false
            case .open("rPh", _, false): inPhonetic = true
            case .close("rPh"): inPhonetic = false
            case .open("t", _, false): inText = true
            case .close("t"): inText = false
            case .text(let text):
                if inValue { value += text } else if inInline && inText && !inPhonetic { inlineText += text }
            default: break
            }
        }
    }

    /// Spreadsheet text with its `_xHHHH_` escapes read (Excel writes a carriage return as
    /// `_x000D_`, and a literal `_x` as `_x005F_x`).
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "_x") {
            out += rest[..<start.lowerBound]
            let hex = rest[start.upperBound...].prefix(5)
            if hex.count == 5, hex.last == "_", let value = UInt32(hex.dropLast(), radix: 16), let scalar = Unicode.Scalar(value),
                hex.dropLast().allSatisfy(\.isHexDigit)
            {
                out.unicodeScalars.append(scalar)
                rest = rest[rest.index(start.upperBound, offsetBy: 5)...]
            } else {
                out += "_x"
                rest = rest[start.upperBound...]
            }
        }
        return out + rest
    }

    /// `BC12` → 54 (column A is 0); nil for a reference without letters.
    static func column(of reference: String) -> Int? { SheetColumn.index(of: reference) }

    /// A date serial number: days since 1899-12-30 (the 1900 system, whose phantom 1900-02-29 the
    /// epoch absorbs for dates after February 1900) or since 1904-01-01.
    static func day(serial: Double, date1904: Bool) -> Day? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        let epoch = date1904 ? Day(year: 1904, month: 1, day: 1) : Day(year: 1899, month: 12, day: 30)
        return epoch?.adding(days: Int(serial.rounded(.down)))
    }

    static func sharedStrings(_ archive: Archive, path: String) throws -> [String] {
        guard archive[path] != nil else { return [] }
        var strings: [String] = []
        var current = ""
        var inText = false
        var inPhonetic = false
        try parse(archive, path) { event in
            switch event {
            case .open("si", _, let closed):
                current = ""
                if closed { strings.append("") }
            case .close("si"): strings.append(Self.unescaped(current))
            case .open("rPh", _, false): inPhonetic = true
            case .close("rPh"): inPhonetic = false
            case .open("t", _, false): inText = true
            case .close("t"): inText = false
            case .text(let text): if inText && !inPhonetic { current += text }
            default: break
            }
        }
        return strings
    }

    /// Which cell styles show dates: the built-in date formats and custom formats with a day,
    /// month or year part outside quotes and brackets.
    static func dateStyles(_ archive: Archive, path: String) throws -> [Bool] {
        guard archive[path] != nil else { return [] }
        var customDates: Set<Int> = []
        var styles: [Bool] = []
        var inCellFormats = false
        try parse(archive, path) { event in
            switch event {
            case .open("numFmt", let attributes, _):
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"], isDateFormat(code) {
                    customDates.insert(id)
                }
            case .open("cellXfs", _, let closed): inCellFormats = !closed
            case .close("cellXfs"): inCellFormats = false
            case .open("xf", let attributes, _) where inCellFormats:
                let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                styles.append((14...22).contains(id) || (45...47).contains(id) || customDates.contains(id))
            default: break
            }
        }
        return styles
    }

    static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false
        var inBrackets = false
        for c in code.lowercased() {
            switch c {
            case "\"": inQuotes.toggle()
            case "[": inBrackets = true
            case "]": inBrackets = false
            case "d", "y", "m": if !inQuotes && !inBrackets { return true }
            default: break
            }
        }
        return false
    }

    /// Streams one part of the archive through the XML parser.
    static func parse(_ archive: Archive, _ path: String, _ handle: (XMLEvent) throws -> Void) throws {
        guard let entry = archive[path] else { throw WorkbookError.malformed(part: path, "it is missing") }
        var stream = XMLStream()
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in try stream.feed(chunk, handle) }
            try stream.finish(handle)
        } catch let error as XMLStreamError {
            throw WorkbookError.malformed(part: path, error.description)
        } catch let error as WorkbookError {
            throw error
        } catch let error as Archive.ArchiveError {
            throw WorkbookError.malformed(part: path, "\(error)")
        }
    }
}

import Foundation
import UadeDomain
import ZIPFoundation

/// An uploaded set of sheets: an XLSX workbook, or a ZIP of CSV files named after the sheets
/// (`sections.csv`, …), as the party's staff may export them from any program.
public enum SheetUpload {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case sheet(name: String, String)

        public var description: String {
            switch self {
            case .unreadable(let why): why
            case .sheet(let name, let why): "\(name): \(why)"
            }
        }
    }

    /// Every sheet by its name (lower case for CSV files, as named for a workbook).
    /// `only`: the sheet names worth reading (the others are skipped unread).
    public static func sheets(_ data: Data, only: Set<String>? = nil) throws(Failure) -> [String: SheetTable] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw .unreadable("the file is neither an XLSX workbook nor a ZIP of CSV files")
        }
        do {
            if archive["xl/workbook.xml"] != nil { return try workbookSheets(WorkbookReader(archive: archive), only: only) }
            return try csvSheets(archive, only: only)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreadable("\(error)")
        }
    }

    /// Bounds on what an upload may hold: a roadmap's sheets are a few dozen columns wide, and the
    /// national roadmap has under ten million target cells.
    public static let maximumColumns = 512
    public static let maximumCells = 30_000_000
    public static let maximumCSVBytes = 512 << 20

    /// The sheets named in `only` (all when nil); each row cut to its header's width.
    public static func workbookSheets(_ reader: WorkbookReader, only: Set<String>? = nil) throws -> [String: SheetTable] {
        var result: [String: SheetTable] = [:]
        var cells = 0
        for name in reader.sheetNames where only?.contains(name) ?? true {
            var header: [String]?
            var rows: [(number: Int, cells: [SheetCell])] = []
            try reader.rows(of: name, columns: maximumColumns) { row in
                if let header {
                    let kept = Array(row.cells.prefix(header.count))
                    cells += kept.count
                    guard cells <= maximumCells else { throw Failure.sheet(name: name, "more than \(maximumCells) cells in the workbook") }
                    if kept.contains(where: { $0 != .empty }) { rows.append((row.number, kept)) }
                } else {
                    header = row.cells.map(\.typed)
                }
            }
            result[name] = SheetTable(header: header ?? [], rows: rows)
        }
        return result
    }

    static func csvSheets(_ archive: Archive, only: Set<String>?) throws -> [String: SheetTable] {
        var result: [String: SheetTable] = [:]
        for entry in archive where entry.type == .file {
            let file = (entry.path as NSString).lastPathComponent
            guard file.lowercased().hasSuffix(".csv"), !file.hasPrefix("."), !entry.path.hasPrefix("__MACOSX") else { continue }
            let name = String(file.dropLast(4)).lowercased()
            if let only, !only.contains(name) { continue }
            // The size the archive declares is not trusted: the bytes are counted as they come.
            var data = Data()
            _ = try archive.extract(entry) { chunk in
                guard data.count + chunk.count <= maximumCSVBytes else { throw Failure.sheet(name: file, "larger than 512 MB") }
                data.append(chunk)
            }
            guard let text = String(data: data, encoding: .utf8) else { throw Failure.sheet(name: file, "not UTF-8 text (save it as CSV UTF-8)") }
            let table: CSVTable
            do {
                table = try CSVTable.parse(text)
            } catch .empty {
                result[name] = SheetTable(header: [], rows: [])
                continue
            } catch .unterminatedQuote(let line) {
                throw Failure.sheet(name: file, "a quote opened on line \(line) is never closed")
            }
            guard result[name] == nil else { throw Failure.sheet(name: file, "two files name the sheet \(name)") }
            result[name] = SheetTable(
                header: table.header,
                rows: table.records.map { record in
                    (record.line, record.fields.map { $0.trimmingCharacters(in: .whitespaces).isEmpty ? SheetCell.empty : .text($0) })
                })
        }
        guard !result.isEmpty else { throw Failure.unreadable("the ZIP holds no CSV file") }
        return result
    }
}

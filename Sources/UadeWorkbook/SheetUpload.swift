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
    public static func sheets(_ data: Data) throws(Failure) -> [String: SheetTable] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw .unreadable("the file is neither an XLSX workbook nor a ZIP of CSV files")
        }
        do {
            if archive["xl/workbook.xml"] != nil { return try workbookSheets(WorkbookReader(archive: archive)) }
            return try csvSheets(archive)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreadable("\(error)")
        }
    }

    public static func workbookSheets(_ reader: WorkbookReader) throws -> [String: SheetTable] {
        var result: [String: SheetTable] = [:]
        for name in reader.sheetNames {
            var header: [String]?
            var rows: [(number: Int, cells: [SheetCell])] = []
            try reader.rows(of: name) { row in
                if header == nil {
                    header = row.cells.map(\.typed)
                } else {
                    rows.append((row.number, row.cells))
                }
            }
            result[name] = SheetTable(header: header ?? [], rows: rows)
        }
        return result
    }

    static func csvSheets(_ archive: Archive) throws -> [String: SheetTable] {
        var result: [String: SheetTable] = [:]
        for entry in archive where entry.type == .file {
            let file = (entry.path as NSString).lastPathComponent
            guard file.lowercased().hasSuffix(".csv"), !file.hasPrefix("."), !entry.path.hasPrefix("__MACOSX") else { continue }
            let name = String(file.dropLast(4)).lowercased()
            guard entry.uncompressedSize < 512 << 20 else { throw Failure.sheet(name: file, "larger than 512 MB") }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
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

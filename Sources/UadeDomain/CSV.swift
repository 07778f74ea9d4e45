/// Reads CSV as spreadsheets write it: UTF-8 with or without a byte-order mark, comma or
/// semicolon separators (Excel in a Russian locale writes semicolons), quoted fields with
/// doubled quotes, CRLF or LF line ends.
public struct CSVTable: Sendable {
    public let header: [String]
    /// Each record with the line it started on (the header is line 1).
    public let records: [(line: Int, fields: [String])]
    public let separator: Character

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case unterminatedQuote(line: Int)
    }

    public static func parse(_ text: String) throws(Problem) -> CSVTable {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        guard let firstLine = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first,
              !firstLine.trimmingCharacters().isEmpty
        else { throw .empty }
        let separator: Character = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","

        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = body.makeIterator()
        var pending: Character? = nil

        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }

        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
            case separator:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                rows.append((recordLine, fields))
                fields = []
                field = ""
                line += 1
                recordLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((recordLine, fields))
        }
        // Blank lines (often at the end) are not records.
        rows.removeAll { $0.fields.allSatisfy { $0.trimmingWhitespace().isEmpty } }
        guard let header = rows.first else { throw .empty }
        return CSVTable(header: header.fields.map { $0.trimmingWhitespace().lowercased() }, records: Array(rows.dropFirst()), separator: separator)
    }

    /// The index of a column by its header name, nil when absent.
    public func column(_ name: String) -> Int? {
        header.firstIndex(of: name)
    }

    /// Writes one CSV line, quoting what needs it.
    public static func line(_ fields: [String], separator: Character = ";") -> String {
        fields.map { field in
            if field.contains(separator) || field.contains("\"") || field.contains("\n") || field.contains("\r") {
                return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            }
            return field
        }.joined(separator: String(separator)) + "\r\n"
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}

/// Reads CSV as spreadsheets write it: UTF-8 with or without a byte-order mark, comma or
/// semicolon separators (Excel in a Russian locale writes semicolons), quoted fields with
/// doubled quotes, CRLF, LF or lone CR line ends.
///
/// The reader never guesses: a line is counted once whatever its ending, a quoted field keeps
/// its line ends byte for byte, and text after a closing quote is reported with its line and
/// field rather than glued on, so that the importer can refuse what it cannot read as written.
public struct CSVTable: Sendable {
    public struct Record: Sendable, Equatable {
        /// The line the record started on (the header is line 1).
        public let line: Int
        public let fields: [String]
        /// The 0-based field that had text after its closing quote (`"12"5`), if any.
        public let strayQuoteField: Int?

        public init(line: Int, fields: [String], strayQuoteField: Int? = nil) {
            self.line = line
            self.fields = fields
            self.strayQuoteField = strayQuoteField
        }
    }

    public let header: [String]
    public let records: [Record]
    public let separator: Character
    /// The header field (0-based) with text after its closing quote, if any.
    public var headerStrayQuoteField: Int? = nil

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case unterminatedQuote(line: Int)
    }

    public static func parse(_ text: String) throws(Problem) -> CSVTable {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        let separator = detectSeparator(scalars)

        var rows: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var quoted = false
        var stray: Int? = nil
        var line = 1
        var recordLine = 1
        var previousWasCR = false

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            quoted = false
        }
        func endRecord() {
            endField()
            rows.append(Record(line: recordLine, fields: fields, strayQuoteField: stray))
            fields = []
            stray = nil
        }

        var index = scalars.startIndex
        while index < scalars.endIndex {
            let c = scalars[index]
            scalars.formIndex(after: &index)
            let afterCR = previousWasCR
            previousWasCR = c == "\r"
            if inQuotes {
                if c == "\"" {
                    if index < scalars.endIndex, scalars[index] == "\"" {
                        field.append("\"")
                        scalars.formIndex(after: &index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    // CRLF is one line end, a lone CR or LF one each.
                    if c == "\r" || (c == "\n" && !afterCR) { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
            case "\n" where afterCR:
                // The LF of a CRLF: the record already ended at the CR.
                recordLine = line
            case "\r", "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                if c == separator.unicodeScalars.first! {
                    endField()
                } else {
                    if quoted && stray == nil { stray = fields.count }
                    field.append(c)
                }
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
        // Blank lines (often at the end) are not records.
        rows.removeAll { $0.fields.allSatisfy { $0.trimmingWhitespace().isEmpty } }
        guard let header = rows.first else { throw .empty }
        return CSVTable(
            header: header.fields.map { $0.trimmingWhitespace().lowercased() }, records: Array(rows.dropFirst()), separator: separator,
            headerStrayQuoteField: header.strayQuoteField)
    }

    /// The separator the header line uses most, outside quotes: `;` or `,`.
    static func detectSeparator(_ scalars: Substring.UnicodeScalarView) -> Character {
        var semicolons = 0
        var commas = 0
        var inQuotes = false
        for c in scalars {
            if c == "\"" { inQuotes.toggle() }
            if inQuotes { continue }
            if c == "\n" || c == "\r" { break }
            if c == ";" { semicolons += 1 } else if c == "," { commas += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    /// The index of a column by its header name, nil when absent.
    public func column(_ name: String) -> Int? {
        header.firstIndex(of: name)
    }

    /// Header names that stand more than once, each with its 1-based column numbers.
    public var duplicateColumns: [(name: String, columns: [Int])] {
        var positions: [String: [Int]] = [:]
        for (index, name) in header.enumerated() where !name.isEmpty { positions[name, default: []].append(index + 1) }
        return header.enumerated().compactMap { index, name in
            guard let columns = positions[name], columns.count > 1, columns.first == index + 1 else { return nil }
            return (name, columns)
        }
    }

    /// Writes one CSV line, quoting what needs it. Every field is treated as text a person may
    /// have written: see ``CSVTable/neutralised(_:)``. Numbers the program wrote itself go
    /// through `numbers:` untouched.
    public static func line(_ fields: [String], separator: Character = ";") -> String {
        fields.map { quoted(neutralised($0), separator: separator) }.joined(separator: String(separator)) + "\r\n"
    }

    /// A line of cells of which some are numbers the program formatted (a minus sign there is
    /// a number's, not a formula's) and the rest text.
    public static func line(_ cells: [Cell], separator: Character = ";") -> String {
        cells.map { cell in
            switch cell {
            case .text(let text): quoted(neutralised(text), separator: separator)
            case .number(let text): quoted(text, separator: separator)
            }
        }.joined(separator: String(separator)) + "\r\n"
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(String)
    }

    /// A text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a CR first) gets a
    /// leading apostrophe, as OWASP advises against CSV injection: Excel and LibreOffice then show
    /// it as text.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FE63}", "\u{FF0D}", "\u{FF20}": return "'" + text
        default: return text
        }
    }

    static func quoted(_ field: String, separator: Character) -> String {
        // By scalars: a CRLF is one Character, equal neither to "\r" nor to "\n".
        let mark = separator.unicodeScalars.first!
        if field.unicodeScalars.contains(where: { $0 == mark || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }
        return field
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}

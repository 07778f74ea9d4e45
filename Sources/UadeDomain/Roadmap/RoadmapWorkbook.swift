/// A sheet as uploaded: its header row and its rows, each with the number the spreadsheet
/// program shows.
public struct SheetTable: Sendable, Equatable {
    public let header: [String]
    public let rows: [(number: Int, cells: [SheetCell])]

    public init(header: [String], rows: [(number: Int, cells: [SheetCell])]) {
        self.header = header
        self.rows = rows
    }

    public static func == (a: SheetTable, b: SheetTable) -> Bool {
        a.header == b.header && a.rows.count == b.rows.count && zip(a.rows, b.rows).allSatisfy { $0.number == $1.number && $0.cells == $1.cells }
    }
}

/// A roadmap workbook read into typed rows. Each row keeps its row number, so that every later
/// rule can name the cell it is about.
public struct RoadmapWorkbook: Sendable {
    public struct ProgrammeRow: Sendable, Equatable {
        public let row: Int
        public let code: String
        public let level: ProgrammeLevel
        public let territory: String
        public let name: LocalizedText
        public let termStart: Day
        public let termEnd: Day
    }

    public struct SectionRow: Sendable, Equatable {
        public let row: Int
        public let code: String
        public let parentCode: String?
        public let name: LocalizedText
        public let sociallySensitive: Bool
        public let position: Int
    }

    public struct IndicatorRow: Sendable, Equatable {
        public let row: Int
        public let code: String
        public let sectionCode: String
        public let name: LocalizedText
        public let unit: String
        public let direction: Direction
        public let aggregation: Aggregation
        public let accumulation: Accumulation
        public let periodicity: Periodicity
    }

    /// One indicator in one territory: its targets by period (a blank cell has none).
    public struct TargetRow: Sendable, Equatable {
        public let row: Int
        public let indicatorCode: String
        public let territory: String
        /// Period and value; the column each came from is the workbook's ``RoadmapWorkbook/targetColumns``.
        /// No column per cell: a national roadmap has 8.8 million.
        public let values: [(period: Period, value: Double)]

        public static func == (a: TargetRow, b: TargetRow) -> Bool {
            a.row == b.row && a.indicatorCode == b.indicatorCode && a.territory == b.territory
                && a.values.map(\.period) == b.values.map(\.period) && a.values.map(\.value) == b.values.map(\.value)
        }
    }

    public struct MeasureRow: Sendable, Equatable {
        public let row: Int
        public let code: String
        public let sectionCode: String
        public let territory: String
        public let text: LocalizedText
        public let deadline: Day
        public let executor: String
    }

    public struct PersonRow: Sendable, Equatable {
        public let row: Int
        public let code: String
        public let name: LocalizedText
        public let position: LocalizedText?
        public let email: String?
        public let territory: String?
    }

    /// A section's Bureau member, or an indicator's Political Council member in a territory.
    public struct OwnerRow: Sendable, Equatable {
        public let row: Int
        public let sectionCode: String?
        public let indicatorCode: String?
        public let territory: String?
        public let personCode: String
        public let validFrom: Day
        public let validTo: Day?
    }

    public var programme: ProgrammeRow?
    public var sections: [SectionRow] = []
    public var indicators: [IndicatorRow] = []
    public var targets: [TargetRow] = []
    public var measures: [MeasureRow] = []
    public var people: [PersonRow] = []
    public var owners: [OwnerRow] = []
    /// The column letter of each period on the targets sheet.
    public var targetColumns: [Period: String] = [:]
    /// The sheets the upload had: a sheet left out is not revised (its rows are not "absent").
    public var present: Set<RoadmapSheet> = []

    public init() {}

    /// The same workbook with every territory named as `canonical` names it (its KATO code, or its
    /// id where it has none), so that a row naming a territory by id and the stored row naming it
    /// by KATO code are the same row.
    public func namingTerritories(_ canonical: (String) -> String) -> RoadmapWorkbook {
        var copy = self
        copy.programme = programme.map {
            ProgrammeRow(
                row: $0.row, code: $0.code, level: $0.level, territory: canonical($0.territory), name: $0.name, termStart: $0.termStart,
                termEnd: $0.termEnd)
        }
        copy.targets = targets.map { TargetRow(row: $0.row, indicatorCode: $0.indicatorCode, territory: canonical($0.territory), values: $0.values) }
        copy.measures = measures.map {
            MeasureRow(
                row: $0.row, code: $0.code, sectionCode: $0.sectionCode, territory: canonical($0.territory), text: $0.text, deadline: $0.deadline,
                executor: $0.executor)
        }
        copy.people = people.map {
            PersonRow(row: $0.row, code: $0.code, name: $0.name, position: $0.position, email: $0.email, territory: $0.territory.map(canonical))
        }
        copy.owners = owners.map {
            OwnerRow(
                row: $0.row, sectionCode: $0.sectionCode, indicatorCode: $0.indicatorCode, territory: $0.territory.map(canonical),
                personCode: $0.personCode, validFrom: $0.validFrom, validTo: $0.validTo)
        }
        return copy
    }

    /// Sheets a workbook must have; the others may be left out.
    public static let requiredSheets: [RoadmapSheet] = [.programme, .sections, .indicators, .targets]

    /// Reads every sheet into typed rows; every cell that cannot be read is named. Sheets whose
    /// names are not roadmap sheets are ignored (an `instructions` sheet, a user's notes).
    public static func read(_ sheets: [String: SheetTable]) -> (RoadmapWorkbook, [SheetProblem]) {
        var workbook = RoadmapWorkbook()
        var problems: [SheetProblem] = []
        for sheet in requiredSheets where sheets[sheet.rawValue] == nil {
            problems.append(SheetProblem(sheet, row: 1, column: nil, "the workbook has no sheet '\(sheet.rawValue)'"))
        }
        for sheet in RoadmapSheet.allCases {
            guard let table = sheets[sheet.rawValue] else { continue }
            workbook.present.insert(sheet)
            var reader = SheetReader(sheet: sheet, table: table)
            problems += reader.headerProblems()
            if sheet == .targets { for p in reader.periods { workbook.targetColumns[p.period] = p.column } }
            for row in table.rows {
                var cells = reader.row(row)
                switch sheet {
                case .programme:
                    guard workbook.programme == nil else {
                        problems.append(SheetProblem(sheet, row: row.number, column: nil, "a workbook holds one programme: this row is one too many"))
                        continue
                    }
                    if let code = cells.code("code"), let level = cells.choice("level", ProgrammeLevel.self),
                        let territory = cells.territory("territory_kato"), let name = cells.names("name"),
                        let start = cells.date("term_start"), let end = cells.date("term_end")
                    {
                        workbook.programme = ProgrammeRow(
                            row: row.number, code: code, level: level, territory: territory, name: name, termStart: start, termEnd: end)
                    }
                case .sections:
                    let parent = cells.code("parent_code")
                    if let code = cells.code("code"), let name = cells.names("name"), let sensitive = cells.flag("socially_sensitive"),
                        let position = cells.whole("position")
                    {
                        workbook.sections.append(
                            SectionRow(
                                row: row.number, code: code, parentCode: parent, name: name, sociallySensitive: sensitive,
                                position: position ?? workbook.sections.count))
                    }
                case .indicators:
                    if let code = cells.code("code"), let section = cells.code("section_code"), let name = cells.names("name"),
                        let unit = cells.code("unit"), let direction = cells.choice("direction", Direction.self),
                        let aggregation = cells.choice("aggregation", Aggregation.self),
                        let accumulation = cells.choice("accumulation", Accumulation.self),
                        let periodicity = cells.choice("periodicity", Periodicity.self)
                    {
                        workbook.indicators.append(
                            IndicatorRow(
                                row: row.number, code: code, sectionCode: section, name: name, unit: unit, direction: direction,
                                aggregation: aggregation, accumulation: accumulation, periodicity: periodicity))
                    }
                case .targets:
                    let values = cells.periodValues(reader.periods)
                    if let indicator = cells.code("indicator_code"), let territory = cells.territory("territory_kato"), let values {
                        workbook.targets.append(TargetRow(row: row.number, indicatorCode: indicator, territory: territory, values: values))
                    }
                case .measures:
                    if let code = cells.code("code"), let section = cells.code("section_code"), let territory = cells.territory("territory_kato"),
                        let text = cells.names("text"), let deadline = cells.date("deadline"), let executor = cells.text("executor")
                    {
                        workbook.measures.append(
                            MeasureRow(
                                row: row.number, code: code, sectionCode: section, territory: territory, text: text, deadline: deadline,
                                executor: executor))
                    }
                case .people:
                    let position = cells.optionalNames("position")
                    let email = cells.text("email")
                    let territory = cells.territory("territory_kato")
                    if let code = cells.code("code"), let name = cells.names("name"), let position {
                        workbook.people.append(
                            PersonRow(row: row.number, code: code, name: name, position: position, email: email, territory: territory))
                    }
                case .owners:
                    let section = cells.code("section_code")
                    let indicator = cells.code("indicator_code")
                    let territory = cells.territory("territory_kato")
                    let validTo = cells.date("valid_to")
                    if let person = cells.code("person_code"), let from = cells.date("valid_from"), cells.problems.isEmpty {
                        workbook.owners.append(
                            OwnerRow(
                                row: row.number, sectionCode: section, indicatorCode: indicator, territory: territory, personCode: person,
                                validFrom: from, validTo: validTo))
                    }
                }
                problems += cells.problems
            }
        }
        return (workbook, problems)
    }
}

/// Reads the cells of one sheet by column code, naming what it cannot read.
struct SheetReader {
    let sheet: RoadmapSheet
    let table: SheetTable
    /// Column code → index in the header.
    let index: [String: Int]
    /// For `targets`: the period columns, with their letters.
    let periods: [(index: Int, column: String, period: Period)]
    var badPeriodHeaders: [SheetProblem] = []

    init(sheet: RoadmapSheet, table: SheetTable) {
        self.sheet = sheet
        self.table = table
        var index: [String: Int] = [:]
        var periods: [(Int, String, Period)] = []
        let known = Set(sheet.columns.map(\.code))
        for (i, header) in table.header.enumerated() {
            let code = header.trimmingWhitespace()
            if known.contains(code.lowercased()) {
                index[code.lowercased()] = index[code.lowercased()] ?? i
            } else if sheet == .targets, let period = Period(code: code), !periods.contains(where: { $0.2 == period }) {
                periods.append((i, SheetReader.letters(i), period))
            }
        }
        self.index = index
        self.periods = periods
    }

    func headerProblems() -> [SheetProblem] {
        var problems: [SheetProblem] = []
        let known = Set(sheet.columns.map(\.code))
        var seen: Set<String> = []
        for (i, header) in table.header.enumerated() {
            var code = header.trimmingWhitespace().lowercased()
            if code.isEmpty { continue }
            // `2025Q1` and `2025-Q1` are the same period.
            if sheet == .targets, let period = Period(code: code) { code = period.code.lowercased() }
            if !seen.insert(code).inserted {
                problems.append(SheetProblem(sheet, row: 1, column: Self.letters(i), "column \(header) appears twice"))
            } else if !known.contains(code) && !(sheet == .targets && Period(code: code) != nil) {
                let expected =
                    sheet.columns.map(\.code).joined(separator: ", ") + (sheet == .targets ? ", then one column per period (2025-Q1 or 2025)" : "")
                problems.append(
                    SheetProblem(sheet, row: 1, column: Self.letters(i), "'\(header)' is not a column of this sheet (they are \(expected))"))
            }
        }
        for column in sheet.columns where column.required && index[column.code] == nil {
            problems.append(SheetProblem(sheet, row: 1, column: nil, "the column \(column.code) is missing"))
        }
        if sheet == .targets && periods.isEmpty && !table.rows.isEmpty {
            problems.append(SheetProblem(sheet, row: 1, column: nil, "no period columns (2025-Q1 … or 2025 …)"))
        }
        return problems
    }

    func row(_ row: (number: Int, cells: [SheetCell])) -> RowCells {
        RowCells(sheet: sheet, number: row.number, cells: row.cells, index: index, columns: sheet.columns)
    }

    static func letters(_ column: Int) -> String { SheetColumn.letters(column) }
}

/// One row's cells, read by column code; what cannot be read becomes a problem naming the cell.
struct RowCells {
    let sheet: RoadmapSheet
    let number: Int
    let cells: [SheetCell]
    let index: [String: Int]
    let columns: [RoadmapColumn]
    var problems: [SheetProblem] = []

    init(sheet: RoadmapSheet, number: Int, cells: [SheetCell], index: [String: Int], columns: [RoadmapColumn]) {
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.index = index
        self.columns = columns
    }

    func cell(_ code: String) -> SheetCell {
        guard let i = index[code], i < cells.count else { return .empty }
        return cells[i]
    }

    func letter(_ code: String) -> String { index[code].map(SheetReader.letters) ?? code }

    mutating func problem(_ code: String, _ reason: String) {
        problems.append(SheetProblem(sheet, row: number, column: "\(letter(code)) (\(code))", reason))
    }

    var isRequired: (String) -> Bool { { code in columns.first { $0.code == code }?.required ?? false } }

    /// The cell's text, trimmed; nil (and a problem when required) when empty.
    mutating func present(_ code: String) -> SheetCell? {
        let value = cell(code)
        if case .text(let text) = value, text.trimmingWhitespace().isEmpty { return absent(code) }
        if value == .empty { return absent(code) }
        if case .error(let error) = value {
            problem(code, "holds the error \(error)")
            return nil
        }
        return value
    }

    mutating func absent(_ code: String) -> SheetCell? {
        if isRequired(code) { problem(code, "is required") }
        return nil
    }

    mutating func code(_ code: String) -> String? {
        guard let value = present(code) else { return nil }
        let text: String
        switch value {
        case .text(let t): text = t.trimmingWhitespace()
        case .number(let n) where n == n.rounded() && n.magnitude < 1e15: text = String(Int64(n))
        default:
            problem(code, "must be a code (letters, digits, '.', '_', '-'), not \(value.typed)")
            return nil
        }
        guard text.count <= 64, text.unicodeScalars.allSatisfy(RoadmapColumn.isCodeScalar) else {
            problem(code, "must be a code of letters, digits, '.', '_' and '-' (at most 64), not '\(text.prefix(80))'")
            return nil
        }
        return text
    }

    mutating func text(_ code: String) -> String? {
        guard let value = present(code) else { return nil }
        guard case .text(let text) = value else {
            problem(code, "is a text column: \(value.typed) is a \(value.kindName)")
            return nil
        }
        let trimmed = text.trimmingWhitespace()
        // Control characters other than tab and line ends are no one's text (and NUL cannot be stored).
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }) {
            problem(code, "holds a control character")
            return nil
        }
        let kind = code.hasPrefix("text_") ? "text" : code.hasPrefix("name_") || code.hasPrefix("position_") ? "title" : code
        if let limit = TextLimits.check(trimmed, field: code, name: kind) {
            problem(code, limit.reason)
            return nil
        }
        return trimmed
    }

    mutating func names(_ prefix: String) -> LocalizedText? {
        let kk = text("\(prefix)_kk")
        let ru = text("\(prefix)_ru")
        let en = text("\(prefix)_en")
        guard let kk, let ru else { return nil }
        return LocalizedText(kk: kk, ru: ru, en: en)
    }

    /// Optional names: nil when the row could not be read, `.some(nil)` when all are empty.
    mutating func optionalNames(_ prefix: String) -> LocalizedText?? {
        let before = problems.count
        let kk = text("\(prefix)_kk")
        let ru = text("\(prefix)_ru")
        let en = text("\(prefix)_en")
        guard problems.count == before else { return nil }
        guard kk != nil || ru != nil || en != nil else { return .some(nil) }
        return .some(LocalizedText(kk: kk, ru: ru, en: en))
    }

    mutating func territory(_ code: String) -> String? {
        guard let value = present(code) else { return nil }
        switch value {
        case .text(let t): return t.trimmingWhitespace()
        case .number(let n) where n == n.rounded() && n >= 0 && n < 1e15:
            // A KATO code a spreadsheet took for a number lost its leading zeros.
            let digits = String(Int64(n))
            return digits.count < 9 && digits.count > 6 ? String(repeating: "0", count: 9 - digits.count) + digits : digits
        default:
            problem(code, "must be a territory's KATO code, not \(value.typed)")
            return nil
        }
    }

    mutating func date(_ code: String) -> Day? {
        guard let value = present(code) else { return nil }
        let day: Day?
        switch value {
        case .date(let found): day = found
        case .text(let t):
            day = Day(iso: t.trimmingWhitespace())
            if day == nil { problem(code, "must be a date as YYYY-MM-DD, not '\(t.prefix(40))'") }
        default:
            day = nil
            problem(code, "must be a date as YYYY-MM-DD, not \(value.typed)")
        }
        guard let day else { return nil }
        guard (1991...2100).contains(day.year) else {
            problem(code, "\(day.iso) lies outside 1991 – 2100")
            return nil
        }
        return day
    }

    /// Empty is false; a row whose flag cannot be read is refused (nil).
    mutating func flag(_ code: String) -> Bool? {
        guard let value = present(code) else { return problems.contains { $0.column?.hasSuffix("(\(code))") == true } ? nil : false }
        switch value {
        case .bool(let b): return b
        case .number(let n) where n == 0 || n == 1: return n == 1
        case .text(let t):
            switch t.trimmingWhitespace().lowercased() {
            case "yes", "true", "1", "да", "иә", "ия", "y": return true
            case "no", "false", "0", "нет", "жоқ", "n": return false
            default: break
            }
        default: break
        }
        problem(code, "must be yes or no, not \(value.typed)")
        return nil
    }

    /// `.some(nil)` when empty; nil when it cannot be read.
    mutating func whole(_ code: String) -> Int?? {
        guard let value = present(code) else { return .some(nil) }
        let number: Double? =
            switch value {
            case .number(let n): n
            case .text(let t): Double(t.trimmingWhitespace())
            default: nil
            }
        guard let number, number == number.rounded(), number.magnitude < 1e9 else {
            problem(code, "must be a whole number, not \(value.typed)")
            return nil
        }
        return .some(Int(number))
    }

    mutating func choice<Choice: RawRepresentable<String> & CaseIterable>(_ code: String, _: Choice.Type) -> Choice? {
        guard let value = present(code) else { return nil }
        if case .text(let t) = value, let choice = Choice(rawValue: t.trimmingWhitespace().lowercased()) { return choice }
        problem(code, "must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value.typed.prefix(40))'")
        return nil
    }

    /// A number from a number cell or from text (a decimal comma is read as a point).
    mutating func number(at index: Int, column: String) -> Double?? {
        let value = index < cells.count ? cells[index] : .empty
        switch value {
        case .empty: return .some(nil)
        case .number(let n) where n.isFinite: return .some(n)
        case .text(let t):
            let trimmed = t.trimmingWhitespace().replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: " ", with: "")
            if trimmed.isEmpty { return .some(nil) }
            if let n = Double(trimmed.replacingOccurrences(of: ",", with: ".")), n.isFinite { return .some(n) }
        default: break
        }
        problems.append(SheetProblem(sheet, row: number, column: column, "must be a number, not '\(value.typed.prefix(40))'"))
        return nil
    }

    mutating func periodValues(_ periods: [(index: Int, column: String, period: Period)]) -> [(period: Period, value: Double)]? {
        var values: [(Period, Double)] = []
        values.reserveCapacity(periods.count)
        var readable = true
        for p in periods {
            switch number(at: p.index, column: "\(p.column) (\(p.period.code))") {
            case .some(.some(let value)): values.append((p.period, value))
            case .some(.none): break
            case .none: readable = false
            }
        }
        return readable ? values : nil
    }
}

extension SheetCell {
    var kindName: String {
        switch self {
        case .empty: "blank"
        case .text: "text"
        case .number: "number"
        case .bool: "yes/no value"
        case .date: "date"
        case .error: "error"
        }
    }
}

extension RoadmapColumn {
    /// Letters and digits of ASCII, `.`, `_` and `-`: what a code may hold.
    static func isCodeScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}

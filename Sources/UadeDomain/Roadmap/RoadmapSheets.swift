/// What a cell of an uploaded sheet holds: a spreadsheet's cells are typed; a CSV file's are all
/// text, and numeric columns read numbers from text.
public enum SheetCell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A number formatted as a date: the day (a time of day is dropped).
    case date(Day)
    /// An error value such as `#N/A`.
    case error(String)

    /// The cell as a person would type it: numbers without a needless ".0", dates as YYYY-MM-DD.
    public var typed: String {
        switch self {
        case .empty: ""
        case .text(let text): text
        case .number(let value): value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "TRUE" : "FALSE"
        case .date(let day): day.iso
        case .error(let code): code
        }
    }
}

/// A spreadsheet's column letters: A is column 0, Z 25, AA 26, XFD 16,383 (the last).
public enum SheetColumn {
    public static func letters(_ column: Int) -> String {
        var n = column + 1
        var letters: [Character] = []
        while n > 0 {
            letters.append(Character(Unicode.Scalar(UInt8(65 + (n - 1) % 26))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// The column of a cell reference (`BC12` → 54); nil without letters or with more than a
    /// sheet has (three).
    public static func index(of reference: String) -> Int? {
        var result = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            guard letters < 3 else { return nil }
            result = result * 26 + Int(scalar.value & 0x1F)
            letters += 1
        }
        return letters == 0 ? nil : result - 1
    }
}

/// A problem with one cell (or one row, `column` nil) of a roadmap workbook.
public struct SheetProblem: Sendable, Hashable, CustomStringConvertible {
    public let sheet: RoadmapSheet
    /// The row as the spreadsheet program numbers it (the header is row 1).
    public let row: Int
    public let column: String?
    public let reason: String

    public init(_ sheet: RoadmapSheet, row: Int, column: String?, _ reason: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.reason = reason
    }

    public var description: String { "\(sheet.rawValue) row \(row)\(column.map { ", \($0)" } ?? ""): \(reason)" }
}

/// The sheets of a roadmap workbook, in their order, with their columns' stable codes.
public enum RoadmapSheet: String, Sendable, CaseIterable, Hashable {
    case programme, sections, indicators, targets, measures, people, owners

    /// The columns, in order; the `targets` sheet adds one column per period of the term.
    public var columns: [RoadmapColumn] {
        switch self {
        case .programme:
            [
                .init("code", .code, required: true), .init("level", .choice(ProgrammeLevel.allCases.map(\.rawValue)), required: true),
                .init("territory_kato", .territory, required: true), .init("name_kk", .text, required: true),
                .init("name_ru", .text, required: true), .init("name_en", .text), .init("term_start", .date, required: true),
                .init("term_end", .date, required: true),
            ]
        case .sections:
            [
                .init("code", .code, required: true), .init("parent_code", .code), .init("name_kk", .text, required: true),
                .init("name_ru", .text, required: true), .init("name_en", .text), .init("socially_sensitive", .flag),
                .init("position", .whole),
            ]
        case .indicators:
            [
                .init("code", .code, required: true), .init("section_code", .code, required: true), .init("name_kk", .text, required: true),
                .init("name_ru", .text, required: true), .init("name_en", .text), .init("unit", .code, required: true),
                .init("direction", .choice(Direction.allCases.map(\.rawValue)), required: true),
                .init("aggregation", .choice(Aggregation.allCases.map(\.rawValue)), required: true),
                .init("accumulation", .choice(Accumulation.allCases.map(\.rawValue)), required: true),
                .init("periodicity", .choice(Periodicity.allCases.map(\.rawValue)), required: true),
            ]
        case .targets:
            [.init("indicator_code", .code, required: true), .init("territory_kato", .territory, required: true)]
        case .measures:
            [
                .init("code", .code, required: true), .init("section_code", .code, required: true),
                .init("territory_kato", .territory, required: true), .init("text_kk", .text, required: true),
                .init("text_ru", .text, required: true), .init("text_en", .text), .init("deadline", .date, required: true),
                .init("executor", .text, required: true),
            ]
        case .people:
            [
                .init("code", .code, required: true), .init("name_kk", .text, required: true), .init("name_ru", .text, required: true),
                .init("name_en", .text), .init("position_kk", .text), .init("position_ru", .text), .init("position_en", .text),
                .init("email", .text), .init("territory_kato", .territory),
            ]
        case .owners:
            [
                .init("section_code", .code), .init("indicator_code", .code), .init("territory_kato", .territory),
                .init("person_code", .code, required: true), .init("valid_from", .date, required: true), .init("valid_to", .date),
            ]
        }
    }
}

/// One column of a roadmap sheet: its stable code (the header), what it holds, whether a row
/// must fill it.
public struct RoadmapColumn: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A code: letters, digits, `.`, `_`, `-`.
        case code
        /// Free text, names.
        case text
        /// A territory by KATO code (or id, for territories without one).
        case territory
        /// YYYY-MM-DD or a spreadsheet date.
        case date
        /// yes/no, true/false, 1/0, да/нет, иә/жоқ.
        case flag
        case whole
        case number
        case choice([String])
    }

    public let code: String
    public let kind: Kind
    public let required: Bool

    public init(_ code: String, _ kind: Kind, required: Bool = false) {
        self.code = code
        self.kind = kind
        self.required = required
    }
}

extension RoadmapColumn {
    /// What a person types into this column, in their language: the `instructions` sheet.
    public func explanation(_ language: Language) -> String {
        let (kk, ru, en): (String, String, String) =
            switch kind {
            case .code:
                (
                    "код: латын әріптері, цифрлар, «.», «_», «-»", "код: латинские буквы, цифры, «.», «_», «-»",
                    "a code: Latin letters, digits, '.', '_', '-'"
                )
            case .text: ("мәтін", "текст", "text")
            case .territory:
                ("аумақтың КАТО коды (9 цифр)", "код КАТО территории (9 цифр)", "the territory's KATO code (9 digits)")
            case .date: ("күні: ЖЖЖЖ-АА-КК", "дата: ГГГГ-ММ-ДД", "a date: YYYY-MM-DD")
            case .flag: ("иә немесе жоқ", "да или нет", "yes or no")
            case .whole: ("бүтін сан", "целое число", "a whole number")
            case .number: ("сан", "число", "a number")
            case .choice(let options):
                (
                    "мәндердің бірі: \(options.joined(separator: ", "))", "одно из значений: \(options.joined(separator: ", "))",
                    "one of: \(options.joined(separator: ", "))"
                )
            }
        let required: (String, String, String) = self.required ? (" (міндетті)", " (обязательно)", " (required)") : ("", "", "")
        switch language {
        case .kk: return kk + required.0
        case .ru: return ru + required.1
        case .en: return en + required.2
        }
    }
}

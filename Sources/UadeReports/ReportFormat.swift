import Foundation
import UadeDomain

/// The formats a hearing report comes in, with what HTTP says about each.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html
    case docx
    case csv
    case json

    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        }
    }

    public func fileName(hearingID: Int64, language: Language, part: Bool) -> String {
        "hearing-\(hearingID)\(part ? "-part" : "")-\(language.rawValue).\(rawValue)"
    }

    public func render(_ report: HearingReport, modified: Date) throws -> Data {
        switch self {
        case .html: Data(HTMLReport.render(report).utf8)
        case .docx: try DOCXReport.render(report, modified: modified)
        case .csv: Data(CSVReport.render(report).utf8)
        case .json: try JSONReport.render(report)
        }
    }
}

/// The missed and at-risk list, one row per item, for spreadsheets. A byte-order mark and
/// CRLF line ends so that Excel reads the Cyrillic text and the rows as such.
public enum CSVReport {
    static let columns = [
        "indicator_code", "indicator", "section", "territory_kato", "territory", "period", "status", "status_label", "unit",
        "target", "actual", "projected", "gap", "gap_percent", "council_member", "bureau_member", "explanation",
        "coordinator_explanation",
    ]

    public static func render(_ report: HearingReport) -> String {
        func number(_ value: Double?) -> CSVTable.Cell {
            guard let value, value.isFinite else { return .number("") }
            return .number(String((value * 1_000_000).rounded() / 1_000_000))
        }
        var out = "\u{FEFF}" + CSVTable.line(columns.map(CSVTable.Cell.text), separator: ",")
        for item in report.slipping {
            // Every text is neutralised against formula injection: names, explanations and
            // coordinators' words are all someone's input.
            let row: [CSVTable.Cell] = [
                .text(item.indicatorCode), .text(item.indicatorName), .text(item.sectionCode), .text(item.territoryKato ?? ""), .text(item.territory),
                .text(item.period), .text(item.status), .text(item.statusLabel), .text(item.unit), number(item.target), number(item.actual),
                number(item.projected), number(item.gap), number(item.gapPercent), .text(item.councilMember ?? ""), .text(item.bureauMember ?? ""),
                .text(item.explanation ?? ""), .text(item.coordinatorExplanation ?? ""),
            ]
            out += CSVTable.line(row, separator: ",")
        }
        return out
    }
}

/// The whole report model, keys sorted so that equal reports are equal bytes.
public enum JSONReport {
    public static func render(_ report: HearingReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }
}

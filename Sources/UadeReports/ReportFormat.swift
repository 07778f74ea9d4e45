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
    static let columns = ["indicator_code", "indicator", "section", "territory_kato", "territory", "period", "status", "status_label", "unit",
                          "target", "actual", "projected", "gap", "gap_percent", "council_member", "bureau_member", "explanation",
                          "coordinator_explanation"]

    public static func render(_ report: HearingReport) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?) -> String {
            guard let value else { return "" }
            return String((value * 1_000_000).rounded() / 1_000_000)
        }
        var out = "\u{FEFF}" + columns.joined(separator: ",") + "\r\n"
        for item in report.slipping {
            let row = [item.indicatorCode, item.indicatorName, item.sectionCode, item.territoryKato ?? "", item.territory, item.period, item.status,
                       item.statusLabel, item.unit, number(item.target), number(item.actual), number(item.projected), number(item.gap),
                       number(item.gapPercent), item.councilMember ?? "", item.bureauMember ?? "", item.explanation ?? "", item.coordinatorExplanation ?? ""]
            out += row.map(field).joined(separator: ",") + "\r\n"
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

import UadeDomain

/// A print-ready HTML document: A4 pages, each part on a new page, table headers repeated on
/// every page, charts as inline SVG, and nothing loaded from elsewhere.
public enum HTMLReport {
    static let stylesheet = """
        @page { size: A4; margin: 16mm 14mm 18mm; }
        body { font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 190mm; padding: 8mm; }
        h1 { font-size: 20pt; margin: 0 0 4mm; }
        h2 { font-size: 14pt; border-bottom: 2px solid #1d3557; padding-bottom: 1mm; margin-top: 8mm; }
        h3 { font-size: 11.5pt; margin: 5mm 0 2mm; }
        @page wide { size: A4 landscape; margin: 14mm 12mm 16mm; }
        /* Columns are never narrower than their longest word: a heading is not broken inside a
           word, a status does not run over a figure; a table wider than the screen scrolls in
           its own frame instead. */
        .table-scroll { overflow-x: auto; margin: 2mm 0 4mm; }
        table { border-collapse: collapse; width: 100%; table-layout: auto; }
        th, td { border: 1px solid #b8b8b8; padding: 1mm 1.2mm; vertical-align: top; text-align: left; font-size: 8.5pt; overflow-wrap: break-word; word-break: normal; hyphens: manual; }
        th { background: #eef1f5; }
        td.n { text-align: right; white-space: nowrap; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        .cover dl { display: grid; grid-template-columns: 55mm 1fr; gap: 1mm 4mm; }
        .cover dt { font-weight: bold; }
        .cover dd { margin: 0; word-break: break-all; }
        .status { font-weight: bold; }
        .s-achieved { color: #1b7a3a; } .s-on_track { color: #3c7dbf; } .s-at_risk { color: #8f5600; }
        .s-missed { color: #b3261e; } .s-not_reported { color: #6b4fa0; } .s-not_due { color: #5f5f5f; }
        .note { color: #444; font-size: 9.5pt; }
        svg.spark { max-width: 100%; height: auto; }
        .legend span { margin-right: 4mm; }
        ol.questions li { margin-bottom: 2mm; }
        @media screen and (max-width: 600px) { body { padding: 3mm; font-size: 10pt; } h1 { font-size: 15pt; } .cover dl { grid-template-columns: 1fr; } }
        @media print {
            .table-scroll { overflow: visible; }
            body { padding: 0; max-width: none; }
            section.part { break-before: page; }
            /* The cover and part 1 are the hearing: together they fill the first two pages. */
            section#brief { break-before: auto; }
            section.wide { page: wide; }
            h2, h3 { break-after: avoid; }
            /* On paper an eight-column appendix table must fit 182 mm: a long word in a name
               column made it up to 6 mm wider at the screen's size. */
            th, td { font-size: 7.8pt; padding: 0.7mm 0.9mm; }
        }
        """

    public static func render(_ report: HearingReport) -> String {
        guard let language = Language(rawValue: report.language) else { return "" }
        let e = HTML.escape
        var h = ""
        h.reserveCapacity(64 * 1024 + report.slipping.count * 1_200)
        let kind = e(Label.reportKind.text(language))
        h += "<!DOCTYPE html>\n<html lang=\"\(report.language)\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(report.cover.title)) — \(kind)</title>\n<style>\n\(stylesheet)\n</style>\n</head>\n<body>\n"
        for part in ReportLayout.parts(report) {
            if let number = part.number {
                h += "<section class=\"part\(part.wide ? " wide" : "")\" id=\"\(part.id)\">\n<h2>\(number). \(e(part.title))</h2>\n"
                for block in part.blocks { h += self.block(block, language: language) }
                h += "</section>\n"
            } else {
                h += "<header class=\"cover\">\n"
                for block in part.blocks {
                    if case .table(let table) = block {
                        h += "<h1>\(e(part.title))</h1>\n<dl>\n"
                        for row in table.rows { h += "<dt>\(row.first.map(plain) ?? "")</dt><dd>\(row.dropFirst().map(plain).joined())</dd>\n" }
                        h += "</dl>\n"
                    } else {
                        h += self.block(block, language: language)
                    }
                }
                h += "</header>\n"
            }
        }
        return h + "</body>\n</html>\n"
    }

    static func block(_ block: ReportBlock, language: Language) -> String {
        let e = HTML.escape
        switch block {
        case .heading(let text): return "<h3>\(e(text))</h3>\n"
        case .text(let text): return "<p>\(e(text))</p>\n"
        case .note(let text): return "<p class=\"note\">\(e(text))</p>\n"
        case .statusBars(let statuses): return "<figure>\(Charts.statusBars(statuses, language: language))</figure>\n"
        case .numbered(let items): return "<ol class=\"questions\">\n" + items.map { "<li>\(e($0))</li>\n" }.joined() + "</ol>\n"
        case .table(let table): return self.table(table)
        }
    }

    static func table(_ table: ReportTable) -> String {
        var t =
            "<div class=\"table-scroll\"><table><colgroup>" + table.columns.map { "<col style=\"width:\($0.width)%\">" }.joined() + "</colgroup>\n"
        t += "<thead><tr>" + table.columns.map { "<th>\(HTML.escape($0.title))</th>" }.joined() + "</tr></thead>\n"
        t += "<tbody>\n"
        for row in table.rows { t += "<tr>" + row.map(cell).joined() + "</tr>\n" }
        return t + "</tbody>\n</table></div>\n"
    }

    static func cell(_ cell: ReportTable.Cell) -> String {
        let e = HTML.escape
        switch cell {
        case .text(let text): return "<td>\(e(text))</td>"
        case .label(let text): return "<th>\(e(text))</th>"
        case .number(let text): return "<td class=\"n\">\(e(text))</td>"
        case .status(let code, let label):
            guard let code, let label else { return "<td>—</td>" }
            return "<td><span class=\"status s-\(e(code))\">\(Charts.style(code).sign) \(e(label))</span></td>"
        case .trend(let points): return "<td>\(Charts.sparkline(points, width: 90, height: 24))</td>"
        case .annotated(let text, let note): return "<td>\(e(text))" + (note.map { "<br><em>\(e($0))</em>" } ?? "") + "</td>"
        }
    }

    /// A cell's text alone, for the cover's definition list.
    static func plain(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .text(let text), .label(let text), .number(let text): HTML.escape(text)
        case .status(_, let label): HTML.escape(label ?? "—")
        case .annotated(let text, let note): HTML.escape(text + (note.map { " " + $0 } ?? ""))
        case .trend: ""
        }
    }
}

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
        table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; table-layout: fixed; }
        th, td { border: 1px solid #b8b8b8; padding: 1mm 1.2mm; vertical-align: top; text-align: left; font-size: 8.5pt; overflow-wrap: anywhere; hyphens: auto; }
        th { background: #eef1f5; }
        td.n { text-align: right; white-space: nowrap; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        .cover dl { display: grid; grid-template-columns: 55mm 1fr; gap: 1mm 4mm; }
        .cover dt { font-weight: bold; }
        .cover dd { margin: 0; word-break: break-all; }
        .status { white-space: nowrap; font-weight: bold; }
        .s-achieved { color: #1b7a3a; } .s-on_track { color: #3c7dbf; } .s-at_risk { color: #8f5600; }
        .s-missed { color: #b3261e; } .s-not_reported { color: #6b4fa0; } .s-not_due { color: #5f5f5f; }
        .note { color: #444; font-size: 9.5pt; }
        svg.spark { max-width: 100%; height: auto; }
        .legend span { margin-right: 4mm; }
        ol.questions li { margin-bottom: 2mm; }
        @media print {
            body { padding: 0; max-width: none; }
            section.part { break-before: page; }
            section.wide { page: wide; }
            h2, h3 { break-after: avoid; }
        }
        """

    public static func render(_ report: HearingReport) -> String {
        guard let language = Language(rawValue: report.language) else { return "" }
        let l = { (label: Label) in HTML.escape(label.text(language)) }
        let e = HTML.escape
        let n = { (value: Double) in NumberFormat.format(value, language) }
        let opt = { (value: Double?) in value.map(n) ?? "—" }
        func status(_ code: String?, _ label: String?) -> String {
            guard let code, let label else { return "—" }
            return "<span class=\"status s-\(code)\">\(Charts.style(code).sign) \(e(label))</span>"
        }
        func columns(_ widths: [Int]) -> String {
            "<colgroup>" + widths.map { "<col style=\"width:\($0)%\">" }.joined() + "</colgroup>"
        }
        var h = ""
        h.reserveCapacity(64 * 1024 + report.slipping.count * 1_200)
        let c = report.cover
        h += "<!DOCTYPE html>\n<html lang=\"\(report.language)\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(c.title)) — \(l(.reportKind))</title>\n<style>\n\(stylesheet)\n</style>\n</head>\n<body>\n"

        // 1. Cover
        h += "<header class=\"cover\">\n<p class=\"note\">\(l(.reportKind))</p>\n<h1>\(e(c.title))</h1>\n<dl>\n"
        let coverRows: [(Label, String)] =
            [
                (.faction, "\(c.faction), \(c.factionTerritory)"), (.hearingDate, c.heldOn), (.hearingStatus, c.status),
                (
                    .scope,
                    c.territory + (c.territoryKato.map { " (\($0))" } ?? "") + (c.depth > 0 ? " \(Label.depthNote.text(language)) (\(c.depth))" : "")
                ),
                (.sections, c.sections), (.programme, c.programme), (.asOf, c.asOf), (.run, String(c.runId)),
                (.generated, c.generatedAt), (.runFingerprint, c.runFingerprint), (.fingerprint, c.fingerprint),
            ] + (c.partForSections.map { [(.partFor, $0.joined(separator: "; "))] } ?? [])
        for (label, value) in coverRows { h += "<dt>\(l(label))</dt><dd>\(e(value))</dd>\n" }
        h += "</dl>\n</header>\n"

        // 2. Summary
        h += "<section class=\"part\" id=\"summary\">\n<h2>2. \(l(.summary))</h2>\n"
        h += "<p class=\"note\">\(e(report.summary.comparedWith ?? Label.noComparison.text(language)))</p>\n"
        h +=
            "<table>\n<thead><tr><th>\(l(.status))</th><th>\(l(.count))</th><th>\(l(.share))</th><th>\(l(.previous))</th><th>\(l(.change))</th></tr></thead>\n<tbody>\n"
        for s in report.summary.statuses {
            let change = s.change.map { $0 > 0 ? "+\(n(Double($0)))" : n(Double($0)) } ?? "—"
            h += "<tr><td>\(status(s.status, s.label))</td><td class=\"n\">\(n(Double(s.count)))</td><td class=\"n\">\(n(s.share))%</td>"
            h += "<td class=\"n\">\(s.previous.map { n(Double($0)) } ?? "—")</td><td class=\"n\">\(change)</td></tr>\n"
        }
        h += "<tr><th>\(l(.total))</th><td class=\"n\">\(n(Double(report.summary.total)))</td><td class=\"n\">100%</td><td></td><td></td></tr>\n"
        h += "</tbody>\n</table>\n<figure>\(Charts.statusBars(report.summary.statuses, language: language))</figure>\n</section>\n"

        // 3. By section
        h += "<section class=\"part\" id=\"sections\">\n<h2>3. \(l(.bySection))</h2>\n"
        let shown: [EvaluationStatus] = [.achieved, .onTrack, .atRisk, .missed, .notReported]
        for section in report.sections {
            h += "<h3>\(e(section.code)). \(e(section.name))</h3>\n"
            h += "<p>\(l(.bureauMember)): \(e(section.bureauMember ?? Label.noBureauMember.text(language)))</p>\n"
            h += "<table>\(columns([30, 14, 8, 8, 8, 8, 8, 16]))\n<thead><tr><th>\(l(.indicator))</th><th>\(l(.atTerritory))</th>"
            for s in shown { h += "<th>\(Charts.style(s.rawValue).sign) \(HTML.escape(s.word(language)))</th>" }
            h += "<th>\(l(.trend))</th></tr></thead>\n<tbody>\n"
            for line in section.indicators {
                h += "<tr><td>\(e(line.code)) \(e(line.name)), \(e(line.unit))</td><td>\(status(line.status, line.statusLabel))</td>"
                for s in shown { h += "<td class=\"n\">\(n(Double(line.counts[s.rawValue] ?? 0)))</td>" }
                h += "<td>\(Charts.sparkline(line.trend))</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"

        // 4. Missed and at risk
        h += "<section class=\"part wide\" id=\"slipping\">\n<h2>4. \(l(.slipping))</h2>\n<p class=\"note\">\(l(.slippingNote))</p>\n"
        if report.slipping.isEmpty {
            h += "<p>\(l(.nothingSlipping))</p>\n"
        } else {
            h +=
                "<table>\(columns([15, 9, 6, 8, 6, 6, 7, 5, 9, 10, 19]))\n<thead><tr><th>\(l(.indicator))</th><th>\(l(.territory))</th><th>\(l(.period))</th><th>\(l(.status))</th>"
            h += "<th>\(l(.target))</th><th>\(l(.actual))</th><th>\(l(.gap))</th><th>\(l(.gapPercent))</th><th>\(l(.trend))</th>"
            h += "<th>\(l(.councilMember))</th><th>\(l(.explanation))</th></tr></thead>\n<tbody>\n"
            for item in report.slipping {
                h += "<tr><td>\(e(item.indicatorCode)) \(e(item.indicatorName))</td><td>\(e(item.territory))</td><td>\(item.period)</td>"
                h +=
                    "<td>\(status(item.status, item.statusLabel))</td><td class=\"n\">\(n(item.target))</td><td class=\"n\">\(opt(item.actual ?? item.projected))</td>"
                h += "<td class=\"n\">\(item.gap.map { n($0) + " " + e(item.unit) } ?? "—")</td><td class=\"n\">\(opt(item.gapPercent))</td>"
                h += "<td>\(Charts.sparkline(item.trend, width: 90, height: 24))</td><td>\(e(item.councilMember ?? "—"))</td>"
                h += "<td>\(e(item.explanation ?? ""))"
                if let own = item.coordinatorExplanation { h += "<br><em>\(l(.coordinatorExplanation)): \(e(own))</em>" }
                h += "</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"

        // 5. Scorecards
        h += "<section class=\"part\" id=\"scorecards\">\n<h2>5. \(l(.scorecards))</h2>\n"
        h += "<table>\n<thead><tr><th>\(l(.owner))</th><th>\(l(.role))</th><th>\(l(.itemsOwned))</th><th>\(l(.achievedCount))</th>"
        h +=
            "<th>\(l(.missedCount))</th><th>\(l(.notReportedCount))</th><th>\(l(.atRiskCount))</th><th>\(l(.shareAchieved))</th></tr></thead>\n<tbody>\n"
        for card in report.scorecards {
            h += "<tr><td>\(e(card.owner))</td><td>\(e(card.roleLabel))</td><td class=\"n\">\(card.items)</td><td class=\"n\">\(card.achieved)</td>"
            h += "<td class=\"n\">\(card.missed)</td><td class=\"n\">\(card.notReported)</td><td class=\"n\">\(card.atRisk)</td>"
            h += "<td class=\"n\">\(card.shareAchieved.map { n($0) + "%" } ?? "—")</td></tr>\n"
        }
        h += "</tbody>\n</table>\n<p class=\"note\">\(e(report.scorecardFormula))</p>\n</section>\n"

        // 6. Measures and resolutions
        h += "<section class=\"part\" id=\"measures\">\n<h2>6. \(l(.measures))</h2>\n"
        for (title, rows, adopted) in [(Label.overdueMeasures, report.overdueMeasures, false), (.openResolutions, report.openResolutions, true)] {
            h += "<h3>\(l(title))</h3>\n"
            if rows.isEmpty {
                h += "<p>\(l(.noneFound))</p>\n"
                continue
            }
            h +=
                "<table>\n<thead><tr><th>\(l(.measure))</th><th>\(l(.territory))</th><th>\(l(.deadline))</th><th>\(l(.executor))</th><th>\(l(.verdict))</th>"
            h += adopted ? "<th>\(l(.adoptedAt))</th></tr></thead>\n<tbody>\n" : "</tr></thead>\n<tbody>\n"
            for m in rows {
                h +=
                    "<tr><td>\(e(m.code)): \(e(m.text))</td><td>\(e(m.territory))</td><td>\(m.deadline)</td><td>\(e(m.executor))</td><td>\(e(m.verdictLabel))</td>"
                h += adopted ? "<td>\(e(m.adoptedAt ?? ""))</td></tr>\n" : "</tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"

        // 7. Data quality
        let q = report.dataQuality
        h += "<section class=\"part wide\" id=\"quality\">\n<h2>7. \(l(.dataQuality))</h2>\n<table>\n<tbody>\n"
        for (label, value) in [
            (Label.notReportedItems, q.notReported), (.reconciliationFlags, q.reconciliation), (.outlierFlags, q.outliers),
            (.unownedItems, q.unowned),
        ] {
            h += "<tr><th>\(l(label))</th><td class=\"n\">\(n(Double(value)))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if !q.rows.isEmpty {
            h +=
                "<table>\n<thead><tr><th>\(l(.kind))</th><th>\(l(.indicator))</th><th>\(l(.territory))</th><th>\(l(.period))</th><th>\(l(.actual))</th><th>\(l(.target))</th></tr></thead>\n<tbody>\n"
            for row in q.rows {
                h +=
                    "<tr><td>\(e(row.kindLabel))</td><td>\(e(row.indicatorCode)) \(e(row.indicatorName))</td><td>\(e(row.territory))</td><td>\(row.period)</td>"
                h += "<td class=\"n\">\(opt(row.value))</td><td class=\"n\">\(opt(row.target))</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        if !q.unownedBySection.isEmpty {
            h +=
                "<h3>\(l(.unownedItems))</h3>\n<table>\n<thead><tr><th>\(l(.sections))</th><th>\(l(.sectionWithoutBureauMember))</th><th>\(l(.itemsWithoutCouncilMember))</th><th>\(l(.total))</th></tr></thead>\n<tbody>\n"
            for row in q.unownedBySection {
                h +=
                    "<tr><td>\(e(row.section))</td><td>\(row.bureauMemberMissing ? "✖" : "—")</td><td class=\"n\">\(row.itemsWithoutCouncilMember)</td><td class=\"n\">\(row.items)</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        h += "</section>\n"

        // 8. Questions
        h += "<section class=\"part\" id=\"questions\">\n<h2>8. \(l(.questions))</h2>\n<p class=\"note\">\(l(.questionsNote))</p>\n"
        if report.questions.isEmpty { h += "<p>\(l(.noOfficials))</p>\n" }
        for block in report.questions {
            h += "<h3>\(e(block.official)), \(e(block.office)) — \(e(block.territory))</h3>\n"
            if block.questions.isEmpty {
                h += "<p>\(l(.noMissedItems))</p>\n"
                continue
            }
            h += "<ol class=\"questions\">\n"
            for question in block.questions { h += "<li>\(e(question))</li>\n" }
            h += "</ol>\n"
            if block.more > 0 { h += "<p class=\"note\">+\(n(Double(block.more))) \(l(.andMore))</p>\n" }
        }
        h += "</section>\n</body>\n</html>\n"
        return h
    }
}

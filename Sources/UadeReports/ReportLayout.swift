import UadeDomain

/// What a report part shows, whatever draws it: headings, notes, tables and charts. The HTML
/// and DOCX renderers draw these blocks; they decide nothing about what a part contains.
public enum ReportBlock: Sendable, Equatable {
    /// A title of a group inside a part (an official, a section, a list of measures).
    case heading(String)
    case text(String)
    /// Smaller, quieter text: a method, a comparison basis.
    case note(String)
    case table(ReportTable)
    /// The summary's bars, one per status, with the previous count beside it.
    case statusBars([HearingReport.StatusCount])
    case numbered([String])
}

public struct ReportTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public let title: String
        /// Percent of the text width.
        public let width: Int
        public let numeric: Bool
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A row's label, drawn as a header cell.
        case label(String)
        case number(String)
        case status(code: String?, label: String?)
        case trend([HearingReport.TrendPoint])
        /// Text with a second, emphasised line (a coordinator's explanation).
        case annotated(String, note: String?)
    }

    public let columns: [Column]
    public let rows: [[Cell]]

    init(_ columns: [(String, Int, Bool)], rows: [[Cell]]) {
        self.columns = columns.map { Column(title: $0.0, width: $0.1, numeric: $0.2) }
        self.rows = rows
    }
}

/// One part of the report: its number (none for the cover), its title and what it shows.
public struct ReportPart: Sendable, Equatable {
    public let id: String
    public let number: Int?
    public let title: String
    /// Wide tables: a landscape page where the renderer can give one.
    public let wide: Bool
    public let blocks: [ReportBlock]
}

/// The report laid out in its language: one function per part, shared by the HTML and DOCX
/// renderers (CSV and JSON take the same model parts from ``ReportBuilder``). A deputy reads the
/// hearing first — a short cover and part 1, what is asked of whom, the worst shortfalls with
/// their owners and explanations, what changed — then the full lists as appendices (2–7), and
/// last what identifies the report (its run and fingerprints).
public enum ReportLayout {
    public static func parts(_ report: HearingReport) -> [ReportPart] {
        let language = Language(rawValue: report.language) ?? .ru
        return [
            cover(report, language), brief(report, language), bySection(report, language), slipping(report, language),
            scorecards(report, language), measures(report, language), dataQuality(report, language), questions(report, language),
            about(report, language),
        ]
    }

    /// How much of each list the first part shows; the appendices show all.
    static let briefOfficials = 6
    static let briefQuestions = 3
    static let briefShortfalls = 8

    static func number(_ value: Double, _ language: Language) -> String { NumberFormat.format(value, language) }
    static func number(_ value: Int, _ language: Language) -> String { NumberFormat.format(Double(value), language) }
    static func optional(_ value: Double?, _ language: Language) -> String { value.map { number($0, language) } ?? "—" }

    /// The cover: what is heard, when, where, as of which day — nothing a deputy does not need.
    static func cover(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        let c = report.cover
        let facts: [(Label, String)] = [(.hearingDate, c.heldOn), (.scope, scope(c, l)), (.sections, c.sections), (.asOf, c.asOf)]
        let table = ReportTable(
            [(l(.reportKind), 30, false), (c.title, 70, false)], rows: facts.map { [.label(l($0.0)), .text($0.1)] })
        return ReportPart(id: "cover", number: nil, title: c.title, wide: false, blocks: [.note(l(.reportKind)), .table(table)])
    }

    static func scope(_ c: HearingReport.Cover, _ l: (Label) -> String) -> String {
        c.territory + (c.territoryKato.map { " (\($0))" } ?? "") + (c.depth > 0 ? " \(l(.depthNote)) (\(c.depth))" : "")
    }

    /// 8. What identifies the report: the faction, the programme, the run and the fingerprints.
    static func about(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        let c = report.cover
        var facts: [(Label, String)] = [
            (.faction, "\(c.faction), \(c.factionTerritory)"), (.hearingDate, c.heldOn), (.hearingStatus, c.status), (.scope, scope(c, l)),
            (.sections, c.sections), (.programme, c.programme), (.asOf, c.asOf), (.run, String(c.runId)), (.generated, c.generatedAt),
            (.runFingerprint, c.runFingerprint), (.fingerprint, c.fingerprint),
        ]
        if let part = c.partForSections { facts.append((.partFor, part.joined(separator: "; "))) }
        let table = ReportTable([(l(.aboutReport), 30, false), ("", 70, false)], rows: facts.map { [.label(l($0.0)), .text($0.1)] })
        return ReportPart(id: "about", number: 8, title: l(.aboutReport), wide: false, blocks: [.table(table)])
    }

    /// 1. The hearing: what is asked of whom, the worst shortfalls with their owners and
    /// explanations, what changed since the last hearing, and what the counts count.
    static func brief(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        var blocks: [ReportBlock] = [.note(l(.countsNote)), .heading(l(.askedOfWhom))]
        let asked = report.questions.filter { !$0.questions.isEmpty }
        if asked.isEmpty { blocks.append(.text(report.questions.isEmpty ? l(.noOfficials) : l(.noMissedItems))) }
        for block in asked.prefix(briefOfficials) {
            blocks.append(.text("\(block.official), \(block.office) — \(block.territory)"))
            blocks.append(.numbered(Array(block.questions.prefix(briefQuestions))))
            let more = block.questions.count - min(block.questions.count, briefQuestions) + block.more
            if more > 0 { blocks.append(.note("+\(number(more, language)) \(l(.moreInPart))")) }
        }
        if asked.count > briefOfficials { blocks.append(.note("+\(number(asked.count - briefOfficials, language)) \(l(.moreInPart))")) }

        blocks.append(.heading(l(.worstShortfalls)))
        if report.slipping.isEmpty {
            blocks.append(.text(l(.nothingSlipping)))
        } else {
            let columns = [
                (l(.indicator), 25, false), (l(.territory), 15, false), (l(.status), 12, false), (l(.gap), 12, true),
                (l(.councilMember), 16, false), (l(.coordinatorExplanation), 20, false),
            ]
            let rows = report.slipping.prefix(briefShortfalls).map { item -> [ReportTable.Cell] in
                [
                    .text(item.indicatorName), .text(item.territory + ", " + item.period), .status(code: item.status, label: item.statusLabel),
                    .number(gapText(item, language) ?? "—"), .text(item.councilMember ?? "—"), .text(item.coordinatorExplanation ?? "—"),
                ]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
            if report.slipping.count > briefShortfalls {
                blocks.append(.note("+\(number(report.slipping.count - briefShortfalls, language)) — \(l(.slipping)) (3)"))
            }
        }

        blocks.append(.heading(l(.sinceLastHearing)))
        blocks.append(.note(report.summary.comparedWith ?? l(.noComparison)))
        blocks.append(.table(summaryTable(report, language)))
        blocks.append(.note(l(.appendixNote)))
        return ReportPart(id: "brief", number: 1, title: l(.brief), wide: false, blocks: blocks)
    }

    static func gapText(_ item: HearingReport.Item, _ language: Language) -> String? {
        item.gap.map { UnitWords.quantity($0, item.unit, language) + (item.gapPercent.map { " (\(number($0, language))%)" } ?? "") }
    }

    /// How many items stand where, against the previous hearing or run.
    static func summaryTable(_ report: HearingReport, _ language: Language) -> ReportTable {
        let l = { (label: Label) in label.text(language) }
        var rows: [[ReportTable.Cell]] = report.summary.statuses.map { s in
            [
                .status(code: s.status, label: s.label), .number(number(s.count, language)), .number(number(s.share, language) + "%"),
                .number(s.previous.map { number($0, language) } ?? "—"),
                .number(s.change.map { $0 > 0 ? "+" + number($0, language) : number($0, language) } ?? "—"),
            ]
        }
        rows.append([.label(l(.total)), .number(number(report.summary.total, language)), .number("100%"), .text(""), .text("")])
        return ReportTable(
            [(l(.status), 32, false), (l(.count), 17, true), (l(.share), 17, true), (l(.previous), 17, true), (l(.change), 17, true)], rows: rows)
    }

    static let shownStatuses: [EvaluationStatus] = [.achieved, .onTrack, .atRisk, .missed, .notReported]

    /// 2. Each section: its Bureau member and its indicators' statuses over the territories.
    static func bySection(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        var blocks: [ReportBlock] = []
        for section in report.sections {
            // The section by its name: its code is the programme office's, not the deputy's.
            blocks.append(.heading(section.name))
            blocks.append(.text("\(l(.bureauMember)): \(section.bureauMember ?? l(.noBureauMember))"))
            let columns =
                [(l(.indicator), 30, false), (l(.atTerritory), 14, false)]
                + shownStatuses.map { (Charts.style($0.rawValue).sign + " " + $0.word(language), 8, true) } + [(l(.trend), 16, false)]
            let rows = section.indicators.map { line -> [ReportTable.Cell] in
                [.text("\(line.code) \(line.name), \(line.unit)"), .status(code: line.status, label: line.statusLabel)]
                    + shownStatuses.map { .number(number(line.counts[$0.rawValue] ?? 0, language)) } + [.trend(line.trend)]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
        }
        return ReportPart(id: "sections", number: 2, title: l(.bySection), wide: false, blocks: blocks)
    }

    /// 3. Every missed and at-risk item, worst first, with its owner and explanation.
    static func slipping(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        var blocks: [ReportBlock] = [.note(l(.slippingNote))]
        if report.slipping.isEmpty {
            blocks.append(.text(l(.nothingSlipping)))
        } else {
            let columns = [
                (l(.indicator), 15, false), (l(.territory), 10, false), (l(.period), 6, false), (l(.status), 9, false), (l(.target), 7, true),
                (l(.actual), 7, true), (l(.gap), 11, true), (l(.trend), 9, false), (l(.councilMember), 10, false), (l(.explanation), 16, false),
            ]
            let rows = report.slipping.map { item -> [ReportTable.Cell] in
                let gap = gapText(item, language)
                return [
                    .text("\(item.indicatorCode) \(item.indicatorName)"), .text(item.territory), .text(item.period),
                    .status(code: item.status, label: item.statusLabel), .number(number(item.target, language)),
                    .number(optional(item.actual ?? item.projected, language)), .number(gap ?? "—"), .trend(item.trend),
                    .text(item.councilMember ?? "—"),
                    .annotated(item.explanation ?? "", note: item.coordinatorExplanation.map { "\(l(.coordinatorExplanation)): \($0)" }),
                ]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
        }
        return ReportPart(id: "slipping", number: 3, title: l(.slipping), wide: true, blocks: blocks)
    }

    /// 4. Each owner's items, lowest share achieved first.
    static func scorecards(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        let columns = [
            (l(.owner), 22, false), (l(.role), 16, false), (l(.itemsOwned), 10, true), (l(.achievedCount), 10, true), (l(.missedCount), 10, true),
            (l(.notReportedCount), 11, true), (l(.atRiskCount), 10, true), (l(.shareAchieved), 11, true),
        ]
        let rows = report.scorecards.map { card -> [ReportTable.Cell] in
            [
                .text(card.owner), .text(card.roleLabel), .number(String(card.items)), .number(String(card.achieved)), .number(String(card.missed)),
                .number(String(card.notReported)), .number(String(card.atRisk)),
                .number(card.shareAchieved.map { number($0, language) + "%" } ?? "—"),
            ]
        }
        return ReportPart(
            id: "scorecards", number: 4, title: l(.scorecards), wide: false,
            blocks: [.table(ReportTable(columns, rows: rows)), .note(report.scorecardFormula)])
    }

    /// 5. Overdue measures, and resolutions of earlier hearings still open.
    static func measures(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        var blocks: [ReportBlock] = []
        for (title, rows, adopted) in [(Label.overdueMeasures, report.overdueMeasures, false), (.openResolutions, report.openResolutions, true)] {
            blocks.append(.heading(l(title)))
            if rows.isEmpty {
                blocks.append(.text(l(.noneFound)))
                continue
            }
            let widths = adopted ? [30, 14, 11, 15, 12, 18] : [38, 16, 12, 20, 14]
            let titles = [l(.measure), l(.territory), l(.deadline), l(.executor), l(.verdict)] + (adopted ? [l(.adoptedAt)] : [])
            let cells = rows.map { m -> [ReportTable.Cell] in
                [.text("\(m.code): \(m.text)"), .text(m.territory), .text(m.deadline), .text(m.executor), .text(m.verdictLabel)]
                    + (adopted ? [.text(m.adoptedAt ?? "")] : [])
            }
            blocks.append(.table(ReportTable(zip(titles, widths).map { ($0, $1, false) }, rows: cells)))
        }
        return ReportPart(id: "measures", number: 5, title: l(.measures), wide: false, blocks: blocks)
    }

    /// 6. What the figures cannot be trusted for: gaps, disagreeing sums, outliers, missing owners.
    static func dataQuality(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        let q = report.dataQuality
        let counts: [(Label, Int)] = [
            (.notReportedItems, q.notReported), (.reconciliationFlags, q.reconciliation), (.outlierFlags, q.outliers), (.unownedItems, q.unowned),
            (.easedTargets, q.easedTargets),
        ]
        var blocks: [ReportBlock] = [
            .table(
                ReportTable(
                    [(l(.dataQuality), 70, false), (l(.count), 30, true)], rows: counts.map { [.label(l($0.0)), .number(number($0.1, language))] }))
        ]
        if !q.rows.isEmpty {
            let columns = [
                (l(.kind), 18, false), (l(.indicator), 34, false), (l(.territory), 18, false), (l(.period), 10, false), (l(.actual), 10, true),
                (l(.target), 10, true),
            ]
            let rows = q.rows.map { row -> [ReportTable.Cell] in
                [
                    .text(row.kindLabel), .text("\(row.indicatorCode) \(row.indicatorName)"), .text(row.territory), .text(row.period),
                    .number(optional(row.value, language)), .number(optional(row.target, language)),
                ]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
        }
        if !q.unownedBySection.isEmpty {
            blocks.append(.heading(l(.unownedItems)))
            let columns = [
                (l(.sections), 46, false), (l(.sectionWithoutBureauMember), 18, false), (l(.itemsWithoutCouncilMember), 22, true),
                (l(.total), 14, true),
            ]
            let rows = q.unownedBySection.map { row -> [ReportTable.Cell] in
                [
                    .text(row.section), .text(row.bureauMemberMissing ? "✖" : "—"), .number(String(row.itemsWithoutCouncilMember)),
                    .number(String(row.items)),
                ]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
        }
        blocks.append(.heading(l(.revisedTargets)))
        if q.revisions.isEmpty {
            blocks.append(.text(l(.noneFound)))
        } else {
            let columns = [
                (l(.indicator), 26, false), (l(.territory), 16, false), (l(.period), 9, false), (l(.approvedTarget), 10, true),
                (l(.revision), 39, false),
            ]
            let rows = q.revisions.map { row -> [ReportTable.Cell] in
                [
                    .text("\(row.indicatorCode) \(row.indicatorName)"), .text(row.territory), .text(row.period),
                    .number(number(row.approved, language)),
                    .text(row.description),
                ]
            }
            blocks.append(.table(ReportTable(columns, rows: rows)))
        }
        return ReportPart(id: "quality", number: 6, title: l(.dataQuality), wide: true, blocks: blocks)
    }

    /// 7. For each official, the questions about the missed items of their territory.
    static func questions(_ report: HearingReport, _ language: Language) -> ReportPart {
        let l = { (label: Label) in label.text(language) }
        var blocks: [ReportBlock] = [.note(l(.questionsNote))]
        if report.questions.isEmpty { blocks.append(.text(l(.noOfficials))) }
        for block in report.questions {
            blocks.append(.heading("\(block.official), \(block.office) — \(block.territory)"))
            if block.questions.isEmpty {
                blocks.append(.text(l(.noMissedItems)))
                continue
            }
            blocks.append(.numbered(block.questions))
            if block.more > 0 { blocks.append(.note("+\(number(block.more, language)) \(l(.andMore))")) }
        }
        return ReportPart(id: "questions", number: 7, title: l(.questions), wide: false, blocks: blocks)
    }
}

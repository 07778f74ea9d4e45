import Foundation
import Testing
import UadeDomain

@testable import UadeReports

/// The report's own rules on hand-made facts: which status an item is heard under, the order of
/// the missed list, scorecards, questions, and that output depends on nothing but the facts.
@Suite("Report builder")
struct ReportBuilderTests {
    static func q(_ year: Int, _ quarter: Int) -> Period { Period(year: year, quarter: quarter)! }

    static func point(_ period: Period, _ status: EvaluationStatus, target: Double = 10, actual: Double? = nil, gapPercent: Double? = nil)
        -> ReportFacts.Point
    {
        ReportFacts.Point(
            period: period, status: status, target: target, actual: actual, projected: status == .atRisk ? 5 : nil,
            gap: gapPercent.map { $0 / 10 }, gapPercent: gapPercent)
    }

    @Test("the headline: a missed or unreported latest period, then an at-risk outlook, then the latest verdict")
    func headline() {
        let achievedThenRisk = Standing(series: [
            Self.point(Self.q(2026, 2), .missed), Self.point(Self.q(2026, 3), .achieved),
            Self.point(Self.q(2026, 4), .atRisk), Self.point(Self.q(2027, 1), .onTrack),
        ])
        #expect(achievedThenRisk.headline == .atRisk)
        #expect(achievedThenRisk.due?.period == Self.q(2026, 3))
        #expect(achievedThenRisk.outlook?.period == Self.q(2026, 4))

        let missedLast = Standing(series: [Self.point(Self.q(2026, 3), .missed), Self.point(Self.q(2026, 4), .atRisk)])
        #expect(missedLast.headline == .missed)
        #expect(missedLast.headlinePoint?.period == Self.q(2026, 3))

        let unreported = Standing(series: [Self.point(Self.q(2026, 2), .achieved), Self.point(Self.q(2026, 3), .notReported)])
        #expect(unreported.headline == .notReported)

        let onlyFuture = Standing(series: [Self.point(Self.q(2027, 1), .onTrack), Self.point(Self.q(2027, 2), .notDue)])
        #expect(onlyFuture.headline == .onTrack)
        #expect(onlyFuture.due == nil)

        let achieved = Standing(series: [Self.point(Self.q(2026, 3), .achieved), Self.point(Self.q(2026, 4), .onTrack)])
        #expect(achieved.headline == .achieved)
        #expect(Standing(series: []).headline == .notDue)
    }

    static func facts(
        officials: [Official] = [], comparison: ReportFacts.Comparison? = nil, finishedAt: Date = Date(timeIntervalSince1970: 1_795_000_000)
    ) -> ReportFacts {
        let region = ReportFacts.TerritoryPart(
            id: 1, kato: "430000000", name: LocalizedText(kk: "Қызылорда облысы", ru: "Кызылординская область", en: nil), parentID: nil)
        let district = ReportFacts.TerritoryPart(
            id: 2, kato: nil, name: LocalizedText(kk: "Арал ауданы", ru: "Аральский район", en: "Aral District"), parentID: 1)
        let unit = LocalizedText(kk: "бірлік", ru: "единиц", en: "units")
        func item(_ code: String, territory: Int64, _ series: [ReportFacts.Point], council: Int64?, bureau: Int64? = 100) -> ReportFacts.Item {
            ReportFacts.Item(
                indicatorID: Int64(code.unicodeScalars.first!.value), indicatorCode: code,
                indicatorName: LocalizedText(kk: nil, ru: "Показатель \(code)", en: nil),
                unit: unit, sectionID: 10, territoryID: territory, series: series, councilMemberID: council,
                councilMember: council.map { LocalizedText(kk: nil, ru: "Член \($0)", en: "Member \($0)") },
                bureauMemberID: bureau, bureauMember: bureau.map { _ in LocalizedText(kk: nil, ru: "Бюро", en: "Bureau") },
                explanations: [q(2026, 3): "Подрядчик сорвал сроки"])
        }
        return ReportFacts(
            hearing: .init(
                id: 7, title: "Слушание", faction: .maslikhat, factionTerritory: region.name, heldOn: Day(year: 2026, month: 12, day: 1)!,
                status: .planned, territoryID: 1, depth: 1, sectionsChoice: .all, officials: officials),
            run: .init(
                id: 3, programmeCode: "P", programmeName: LocalizedText(kk: "Бағдарлама", ru: "Программа", en: nil),
                asOf: Day(year: 2026, month: 11, day: 15)!,
                graceDays: 30, finishedAt: finishedAt, fingerprint: "abc"),
            territories: [region, district],
            sections: [
                .init(
                    id: 10, code: "HOUSING", name: LocalizedText(kk: "Тұрғын үй", ru: "Жильё", en: "Housing"), sociallySensitive: true,
                    bureauMember: nil)
            ],
            items: [
                item("A", territory: 1, [point(q(2026, 3), .missed, actual: 8, gapPercent: 20)], council: 1),
                item("B", territory: 2, [point(q(2026, 3), .missed, actual: 5, gapPercent: 50)], council: 1),
                item("C", territory: 2, [point(q(2026, 3), .achieved, actual: 12), point(q(2026, 4), .atRisk)], council: 2),
                item("D", territory: 1, [point(q(2026, 3), .notReported)], council: nil),
                item("E", territory: 1, [point(q(2026, 3), .achieved, actual: 10)], council: 2),
            ],
            overdueMeasures: [], openResolutions: [], comparison: comparison, partForSections: nil)
    }

    @Test("missed first, each by the size of its gap; then at risk")
    func worstFirst() {
        let report = ReportBuilder.build(Self.facts(), language: .ru)
        #expect(report.slipping.map(\.indicatorCode) == ["B", "A", "C"])
        #expect(report.slipping[0].territory == "Аральский район")
        #expect(report.slipping[0].gapPercent == 50)
        #expect(report.slipping[0].coordinatorExplanation == "Подрядчик сорвал сроки")
        #expect(report.slipping[2].status == "at_risk")
        #expect(report.slipping[2].period == "2026-Q4")
        #expect(report.summary.total == 5)
        let counts = Dictionary(uniqueKeysWithValues: report.summary.statuses.map { ($0.status, $0.count) })
        #expect(counts == ["missed": 2, "at_risk": 1, "not_reported": 1, "achieved": 1, "on_track": 0, "not_due": 0])
    }

    @Test("scorecards count each owner's items by the same headline as the summary, so the counts agree")
    func scorecards() throws {
        let report = ReportBuilder.build(Self.facts(), language: .en)
        let members = Dictionary(uniqueKeysWithValues: report.scorecards.filter { $0.role == "council_member" }.map { ($0.owner, $0) })
        #expect(members["Member 1"]?.items == 2)
        #expect(members["Member 1"]?.missed == 2)
        #expect(members["Member 1"]?.shareAchieved == 0)
        // An achieved period with an at-risk outlook is at risk, here as in the summary.
        #expect(members["Member 2"]?.achieved == 1)
        #expect(members["Member 2"]?.atRisk == 1)
        #expect(members["Member 2"]?.shareAchieved == 50)
        let bureau = try #require(report.scorecards.first { $0.role == "bureau_member" })
        #expect(bureau.items == 5)
        // The Bureau member owns every item: the card says what the summary says.
        let summary = Dictionary(uniqueKeysWithValues: report.summary.statuses.map { ($0.status, $0.count) })
        #expect(bureau.achieved == summary["achieved"] && bureau.missed == summary["missed"])
        #expect(bureau.notReported == summary["not_reported"] && bureau.atRisk == summary["at_risk"])
        // 1 achieved of 5 with something due
        #expect(bureau.shareAchieved == 20)
        // Worst first: Member 1 (0%) before Member 2 (50%).
        #expect(report.scorecards.filter { $0.role == "council_member" }.map(\.owner) == ["Member 1", "Member 2"])
        #expect(report.dataQuality.unowned == 1)
        #expect(report.dataQuality.notReported == 1)
    }

    @Test("questions name the missed items of each official's territory and the territories below it")
    func questions() {
        let facts = Self.facts(officials: [
            Official(name: "Аким области", office: "аким", territoryID: 1),
            Official(name: "Аким района", office: "аким", territoryID: 2),
        ])
        let report = ReportBuilder.build(facts, language: .ru)
        #expect(report.questions.count == 2)
        #expect(report.questions[0].questions.count == 2)
        #expect(report.questions[1].questions.count == 1)
        #expect(report.questions[1].questions[0].contains("Показатель B"))
        #expect(report.questions[1].questions[0].contains("Аральский район"))
        #expect(report.questions[1].questions[0].contains("50%"))
    }

    @Test("a value over a lower-is-better target is asked about as over it, not as reaching \"only\" so much")
    func questionOverATarget() {
        func ask(_ exceeded: Bool, _ language: Language) -> String {
            QuestionText.missed(
                indicator: "Срок ожидания", territory: "Казалинский район", period: "2026-Q3", actual: "87", target: "49", unit: "дней",
                gapPercent: "77,6", exceeded: exceeded, language: language)
        }
        #expect(ask(true, .ru).contains("значение составило 87 при цели не более 49 дней"))
        #expect(!ask(true, .kk).contains("ғана") && ask(true, .kk).contains("ең көбі 49"))
        #expect(ask(true, .en).contains("at most 49") && !ask(true, .en).contains("only"))
        #expect(ask(false, .ru).contains("достигнуто 87 при цели 49 дней"))
        #expect(ask(false, .kk).contains("ғана"))
    }

    @Test("names fall back from Russian to Kazakh to English; labels come from the table")
    func languages() {
        let kk = ReportBuilder.build(Self.facts(), language: .kk)
        let en = ReportBuilder.build(Self.facts(), language: .en)
        #expect(kk.cover.territory == "Қызылорда облысы")
        #expect(en.cover.territory == "Кызылординская область")  // no English name: Russian next
        #expect(en.slipping[0].indicatorName == "Показатель B")
        #expect(kk.summary.statuses.first?.label == "орындалмады")
        for label in Label.allCases { for language in Language.allCases { #expect(!label.text(language).isEmpty, "\(label) in \(language)") } }
    }

    @Test("the same facts give the same bytes in every format; the fingerprint does not depend on the language")
    func deterministic() throws {
        let a = ReportBuilder.build(Self.facts(), language: .ru)
        let b = ReportBuilder.build(Self.facts(), language: .ru)
        let modified = Date(timeIntervalSince1970: 1_795_000_000)
        for format in ReportFormat.allCases {
            #expect(try format.render(a, modified: modified) == format.render(b, modified: modified), "\(format)")
        }
        #expect(ReportBuilder.build(Self.facts(), language: .kk).cover.fingerprint == a.cover.fingerprint)
        #expect(a.cover.generatedAt == "2026-11-18T11:06:40Z")
        let other = ReportBuilder.build(Self.facts(officials: [Official(name: "X", office: "Y", territoryID: 1)]), language: .ru)
        #expect(other.cover.fingerprint != a.cover.fingerprint)
    }

    @Test("the comparison gives the previous counts and the change")
    func comparison() {
        let previous = ReportFacts.Comparison(
            basis: .run(id: 2, asOf: Day(year: 2026, month: 6, day: 30)!),
            standings: [Standing(series: [Self.point(Self.q(2026, 2), .achieved)])])
        let report = ReportBuilder.build(Self.facts(comparison: previous), language: .en)
        let achieved = report.summary.statuses.first { $0.status == "achieved" }
        #expect(achieved?.previous == 1)
        #expect(achieved?.change == 0)
        #expect(report.summary.statuses.first { $0.status == "missed" }?.change == 2)
        #expect(report.summary.comparedWith?.contains("Compared with the previous run: 2") == true)
    }

    @Test("HTML escapes what people typed and carries no external asset")
    func htmlIsSelfContained() {
        let facts = Self.facts(officials: [Official(name: "<script>alert(1)</script>", office: "akim & co", territoryID: 1)])
        let html = HTMLReport.render(ReportBuilder.build(facts, language: .en))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("akim &amp; co"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(!html.contains("<link"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("thead { display: table-header-group; }"))
        #expect(html.contains("<svg"))
    }

    @Test("CSV: one row per missed or at-risk item, numbers with a point, quotes where needed")
    func csv() {
        let text = CSVReport.render(ReportBuilder.build(Self.facts(), language: .ru))
        let lines = text.dropFirst().split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(text.hasPrefix("\u{FEFF}indicator_code,"))
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("B,Показатель B,HOUSING,,Аральский район,2026-Q3,missed,"))
        #expect(lines[1].contains(",10.0,5.0,,5.0,50.0,"))
    }

    @Test("the parts are laid out once, in order, and HTML and DOCX both draw every one", arguments: Language.allCases)
    func partsAreSharedByTheRenderers(_ language: Language) throws {
        let report = ReportBuilder.build(Self.facts(), language: language)
        let parts = ReportLayout.parts(report)
        #expect(parts.map(\.id) == ["cover", "brief", "sections", "slipping", "scorecards", "measures", "quality", "questions", "about"])
        #expect(parts.map(\.number) == [nil, 1, 2, 3, 4, 5, 6, 7, 8])
        let html = HTMLReport.render(report)
        let document = DOCXReport.document(report, language: language)
        for part in parts {
            let title = HTML.escape(part.number.map { "\($0). \(part.title)" } ?? part.title)
            #expect(html.contains(title), "HTML: \(part.id)")
            #expect(document.contains(title), "DOCX: \(part.id)")
            for case .table(let table) in part.blocks {
                for column in table.columns where !column.title.isEmpty {
                    #expect(html.contains(HTML.escape(column.title)), "HTML column \(column.title) of \(part.id)")
                }
                // Every row of every table reaches both documents.
                for row in table.rows {
                    guard case .text(let first) = row[0] else { continue }
                    #expect(html.contains(HTML.escape(first)) && document.contains(HTML.escape(first)), "\(part.id): \(first)")
                }
            }
        }
        // The slipping list's trend is drawn in HTML; the DOCX leaves the chart column out.
        let slipping = try #require(parts.first { $0.id == "slipping" })
        guard case .table(let table)? = slipping.blocks.last else {
            Issue.record("the missed list has a table")
            return
        }
        #expect(table.columns.contains { $0.title == Label.trend.text(language) })
        #expect(table.rows.count == report.slipping.count)
    }
}

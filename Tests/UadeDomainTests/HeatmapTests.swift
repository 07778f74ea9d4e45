import Testing
import UadeDomain

@Suite struct HeatmapTests {
    @Test func headlineOfOrderedStatusesAgreesWithTheReportsRule() {
        // A missed latest due period outranks a good outlook.
        #expect(Standing.headline(ofOrdered: [.achieved, .missed, .onTrack]) == .missed)
        // A good verdict followed by an at-risk forecast is heard as at risk.
        #expect(Standing.headline(ofOrdered: [.achieved, .atRisk, .notDue]) == .atRisk)
        // An old miss no longer counts once a later period is achieved.
        #expect(Standing.headline(ofOrdered: [.missed, .achieved, .onTrack]) == .achieved)
        #expect(Standing.headline(ofOrdered: [.notDue, .notDue]) == .notDue)
        #expect(Standing.headline(ofOrdered: []) == .notDue)
        #expect(Standing.headline(ofOrdered: [.onTrack]) == .onTrack)
    }

    @Test func theHeadlineNamesThePeriodItSpeaksOf() {
        let cases: [[EvaluationStatus]] = [
            [.achieved, .missed, .onTrack], [.achieved, .atRisk, .notDue], [.missed, .achieved, .onTrack], [.notDue, .notDue], [.onTrack],
            [.achieved, .onTrack, .atRisk], [.notReported], [.achieved, .achieved],
        ]
        for statuses in cases {
            let index = try? #require(Standing.headlineIndex(ofOrdered: statuses))
            #expect(index.map { statuses[$0] } == Standing.headline(ofOrdered: statuses), "\(statuses)")
        }
        #expect(Standing.headlineIndex(ofOrdered: [.achieved, .missed, .onTrack]) == 1)
        #expect(Standing.headlineIndex(ofOrdered: [.achieved, .atRisk, .notDue]) == 1)
        #expect(Standing.headlineIndex(ofOrdered: []) == nil)
    }

    @Test func cellsCountHeadlinesAndShowTheCommonestWorstFirst() {
        let heatmap = Heatmap(
            rows: [1, 2, 3], columns: [10, 20],
            items: [
                (row: 1, column: 10, headline: .achieved), (row: 1, column: 10, headline: .achieved), (row: 1, column: 10, headline: .missed),
                (row: 1, column: 20, headline: .atRisk), (row: 1, column: 20, headline: .achieved),
                (row: 2, column: 10, headline: .notReported),
                (row: 9, column: 10, headline: .missed),
            ])
        #expect(heatmap.rows == [1, 2])
        #expect(heatmap.columns == [10, 20])
        let cell = heatmap.cell(1, 10)!
        #expect(cell.total == 3)
        #expect(cell.troubled == 1)
        #expect(cell.dominant == .achieved)
        // A tie goes to the worse status.
        #expect(heatmap.cell(1, 20)!.dominant == .atRisk)
        #expect(heatmap.cell(2, 20) == nil)
        #expect(heatmap.cell(2, 10)!.dominant == .notReported)
    }

    /// The shade of a cell from its counts: never green while half its judged items slip.
    @Test(arguments: [
        // 4 of 7 in trouble: most items' status would be "achieved", the shade is not.
        ([EvaluationStatus.achieved: 3, .missed: 2, .atRisk: 1, .notReported: 1], EvaluationStatus.missed),
        ([.achieved: 1, .atRisk: 1], .atRisk),  // exactly half: the troubled status
        ([.onTrack: 4, .missed: 1], .atRisk),  // a fifth in trouble
        ([.onTrack: 5, .missed: 1], .onTrack),  // less than a fifth: the commonest of the rest
        ([.achieved: 9, .onTrack: 9, .notReported: 1], .onTrack),  // a tie goes to the worse
        ([.achieved: 7, .notDue: 20, .missed: 1], .achieved),  // "not due" items are not judged
        ([.notReported: 3, .missed: 3, .achieved: 1], .missed),  // a troubled tie goes to the worse
        ([.notReported: 4, .missed: 1], .notReported),
        ([.notDue: 3], .notDue),
        ([:], .notDue),
    ])
    func shadeFollowsTheShareInTrouble(counts: [EvaluationStatus: Int], shade: EvaluationStatus) {
        let cell = Heatmap.Cell(counts: counts)
        #expect(cell.shade == shade)
        if let share = cell.onCourseShare {
            // The public page's number and colour agree: a troubled shade from four in five on course down.
            #expect(shade.isSlipping == (share <= 1 - Heatmap.atRiskShare))
        }
    }

    @Test func aCellNothingOfWhichIsReportedShowsTheRollUpOfTheTerritoriesBelow() {
        // 1 republic → 2, 3, 6 regions; 2 → 4, 5 districts; 3 reports itself (its district 8 is
        // not counted again); 6 and its district 7 report nothing.
        let children: [Int64: [Int64]] = [1: [2, 3, 6], 2: [4, 5], 3: [8], 6: [7]]
        let entries: [Heatmap.Entry] = [
            .init(territory: 1, column: 10, headline: .notReported, count: 5),
            .init(territory: 1, column: 20, headline: .notDue, count: 2),
            .init(territory: 2, column: 10, headline: .notReported, count: 5),
            .init(territory: 4, column: 10, headline: .achieved, count: 4),
            .init(territory: 4, column: 10, headline: .missed, count: 1),
            .init(territory: 5, column: 10, headline: .notReported, count: 3),
            .init(territory: 5, column: 20, headline: .onTrack, count: 2),
            .init(territory: 3, column: 10, headline: .achieved, count: 5),
            .init(territory: 8, column: 10, headline: .missed, count: 50),
            .init(territory: 6, column: 10, headline: .notReported, count: 5),
            .init(territory: 7, column: 10, headline: .notReported, count: 5),
        ]
        let heatmap = Heatmap(rows: [1, 2, 3, 6], columns: [10, 20], entries: entries, children: children)
        // The districts that do not report still count, as not reported.
        #expect(heatmap.cell(2, 10) == Heatmap.Cell(counts: [.achieved: 4, .missed: 1, .notReported: 3]))
        // 2 has no item of its own in column 20: its district's stand for it.
        #expect(heatmap.cell(2, 20) == Heatmap.Cell(counts: [.onTrack: 2]))
        #expect(heatmap.cell(3, 10) == Heatmap.Cell(counts: [.achieved: 5]))
        // The republic sums its regions as shown: 2's roll-up, 3's own, 6's own "not reported".
        #expect(heatmap.cell(1, 10) == Heatmap.Cell(counts: [.achieved: 9, .missed: 1, .notReported: 8]))
        // Nothing of the republic's column 20 is due yet: it stays as it is.
        #expect(heatmap.cell(1, 20) == Heatmap.Cell(counts: [.notDue: 2]))
        #expect(heatmap.rolledUp == [.init(row: 1, column: 10), .init(row: 2, column: 10), .init(row: 2, column: 20)])
        #expect(heatmap.hasRollUp(1) && heatmap.hasRollUp(2) && !heatmap.hasRollUp(3))
        // 6 reports nothing, nor does anything below it: its own cell, and the row says so.
        #expect(heatmap.cell(6, 10) == Heatmap.Cell(counts: [.notReported: 5]))
        #expect(heatmap.withoutValues == [6])
        #expect(heatmap.whole(2).total == 10)
        #expect(heatmap.columns == [10, 20])
    }

    @Test func numbersAreReadAsPeopleTypeThem() {
        #expect(NumberFormat.parse("12,5") == 12.5)
        #expect(NumberFormat.parse(" 1 234,5 ") == 1234.5)
        #expect(NumberFormat.parse("1\u{202F}234") == 1234)
        #expect(NumberFormat.parse("−3") == -3)
        #expect(NumberFormat.parse("7.25") == 7.25)
        #expect(NumberFormat.parse("12,5,3") == nil)
        #expect(NumberFormat.parse("abc") == nil)
        #expect(NumberFormat.parse("1e400") == nil)
        #expect(NumberFormat.parse("3-") == nil)
        #expect(NumberFormat.parse("") == nil)
        // What is shown can be typed back.
        #expect(NumberFormat.parse(NumberFormat.format(1234.5, .ru)) == 1234.5)
    }
}

@Suite struct TerritoryOutlineTests {
    func territory(_ id: Int64, _ kato: String?, _ kind: TerritoryKind, _ parent: Int64?) -> Territory {
        Territory(
            id: id, kato: kato.flatMap(KATOCode.init), kind: kind, parentID: parent, name: LocalizedText(kk: "t\(id)", ru: "t\(id)", en: nil),
            validFrom: Day(year: 2000, month: 1, day: 1)!, validTo: nil)
    }

    @Test func childrenComeInKATOOrderAndTheOutlineStopsAtItsDepth() {
        let tree = TerritoryTree([
            territory(1, "000000000", .republic, nil),
            territory(2, "430000000", .region, 1), territory(3, "100000000", .region, 1),
            territory(4, "433200000", .district, 2), territory(5, nil, .district, 2),
        ])
        #expect(tree.childrenInOrder(of: 1) == [3, 2])
        #expect(tree.byID[2]!.reference == "430000000")
        #expect(tree.byID[5]!.reference == "5")
        #expect(tree.find(tree.byID[5]!.reference)?.id == 5)
        #expect(tree.outline(maxDepth: 1).map(\.territory.id) == [1, 3, 2])
        #expect(tree.outline(maxDepth: 2).map { "\($0.territory.id):\($0.depth)" } == ["1:0", "3:1", "2:1", "4:2", "5:2"])
    }
}

@Suite struct PluralTests {
    @Test(arguments: [
        (1, "1 отметка"), (2, "2 отметки"), (4, "4 отметки"), (5, "5 отметок"), (11, "11 отметок"), (12, "12 отметок"),
        (14, "14 отметок"), (21, "21 отметка"), (22, "22 отметки"), (25, "25 отметок"), (0, "0 отметок"), (101, "101 отметка"),
        (111, "111 отметок"), (1_000_002, "1000002 отметки"),
    ])
    func russianCountsTakeTheirForm(n: Int, text: String) {
        #expect(Plural.count(n, .flag, .ru) == text)
    }

    @Test func unitsFollowTheirNumbers() {
        #expect(UnitWords.quantity(341, "семей", .ru) == "341 семья")
        #expect(UnitWords.quantity(3, "единиц", .ru) == "3 единицы")
        #expect(UnitWords.quantity(2.5, "единиц", .ru) == "2,5 единицы")
        #expect(UnitWords.quantity(12, "дней", .ru) == "12 дней")
        #expect(UnitWords.quantity(21, "дней", .ru) == "21 день")
        #expect(UnitWords.quantity(2, "человек", .ru) == "2 человека")
        #expect(UnitWords.quantity(1, "people", .en) == "1 person")
        #expect(UnitWords.quantity(10, "100 мың адамға", .kk) == "10 (100 мың адамға шаққанда)")
        #expect(UnitWords.quantity(10, "тыс. м²", .ru) == "10 тыс. м²")
        // After «из» the genitive: «из 21 семьи», «из 5 семей», «из 2,5 единицы».
        #expect(UnitWords.genitive(21, "семей", .ru) == "семьи")
        #expect(UnitWords.genitive(5, "семей", .ru) == "семей")
        #expect(UnitWords.genitive(3, "единиц", .ru) == "единиц")
        #expect(UnitWords.genitive(2.5, "единиц", .ru) == "единицы")
    }

    @Test func kazakhKeepsTheSingularAndEnglishTwoForms() {
        #expect(Plural.count(341, .family, .kk) == "341 отбасы")
        #expect(Plural.count(341, .family, .ru) == "341 семья")
        #expect(Plural.count(3, .unit, .ru) == "3 единицы")
        #expect(Plural.count(1, .flag, .en) == "1 flag")
        #expect(Plural.count(2, .flag, .en) == "2 flags")
    }
}

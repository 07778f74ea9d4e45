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

import Testing
import UadeDomain

@testable import UadeEvaluator
@testable import UadeStorage

/// A region whose district was retired mid-term and succeeded by a new one: each period's roll-up
/// takes the district that existed at its start, so neither the gap before the successor was
/// formed nor the retired district's missing later figures blank the region.
@Suite("Roll-ups follow territories' validity")
struct RollUpValidityTests {
    static func territory(_ id: Territory.ID, parent: Territory.ID?, kind: TerritoryKind, from: String = "1991-12-16", to: String? = nil) -> Territory
    {
        Territory(
            id: id, kato: nil, kind: kind, parentID: parent, name: LocalizedText(kk: "\(id)", ru: "\(id)", en: "\(id)"),
            validFrom: Day(iso: from)!, validTo: to.flatMap { Day(iso: $0) })
    }

    @Test func regionRollUpTakesTheDistrictOfEachPeriod() {
        let tree = TerritoryTree([
            Self.territory(1, parent: nil, kind: .republic),
            Self.territory(10, parent: 1, kind: .region),
            Self.territory(11, parent: 10, kind: .district),
            Self.territory(12, parent: 10, kind: .district, to: "2026-07-01"),
            Self.territory(13, parent: 10, kind: .district, from: "2026-07-01"),
        ])
        let q2 = Day(iso: "2026-04-01")!
        let q3 = Day(iso: "2026-07-01")!
        let facts = [
            TargetFact(territoryID: 10, periodStart: q2, target: 30, value: nil),
            TargetFact(territoryID: 10, periodStart: q3, target: 30, value: nil),
            TargetFact(territoryID: 11, periodStart: q2, target: 10, value: 10),
            TargetFact(territoryID: 11, periodStart: q3, target: 10, value: 11),
            // The retired district keeps its own period; its later targets went to its successor.
            TargetFact(territoryID: 12, periodStart: q2, target: 20, value: 20),
            TargetFact(territoryID: 13, periodStart: q3, target: 20, value: 25),
        ]
        let evaluation = IndicatorEvaluation(
            indicator: EvaluatedIndicator(
                id: 1, sectionID: 1, sociallySensitive: false,
                traits: IndicatorTraits(direction: .higherIsBetter, accumulation: .level, aggregation: .sum), periodicity: .quarterly),
            facts: facts, tree: tree, bottomUp: [11, 12, 13, 10, 1], policy: EvaluationPolicy(asOf: Day(iso: "2026-11-21")!),
            sectionOwner: nil, owners: [:])
        let region = evaluation.rows().filter { $0.territoryID == 10 }
        #expect(region.map(\.judgement.actual) == [30, 36], "Q2: districts 11 and 12; Q3: 11 and the successor 13")
        let allRolledUp = region.allSatisfy { $0.rolledUp }
        #expect(allRolledUp)
    }
}

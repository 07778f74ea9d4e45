import Testing
import UadeDomain

@Suite("Flags")
struct FlagTests {
    @Test(
        "the flags one result raises",
        arguments: [
            // (status, reconciliation, outlier, owned, expected)
            (EvaluationStatus.achieved, false, false, true, [FlagKind]()),
            (.achieved, true, true, false, [.reconciliation, .outlier]),  // achieved and unowned: nothing slips, no "unowned"
            (.missed, false, false, true, [.missed]),
            (.missed, false, false, false, [.missed, .unowned]),
            (.notReported, false, false, false, [.notReported, .unowned]),
            (.atRisk, true, false, true, [.atRisk, .reconciliation]),
            (.onTrack, false, true, false, [.outlier]),
            (.notDue, false, false, false, []),
        ])
    func raised(status: EvaluationStatus, reconciliation: Bool, outlier: Bool, owned: Bool, expected: [FlagKind]) {
        #expect(FlagKind.raised(by: status, reconciliation: reconciliation, outlier: outlier, owned: owned) == expected)
    }

    @Test(
        "a target eased after its period began is flagged whatever the status",
        arguments: [(EvaluationStatus.achieved, [FlagKind.targetEased]), (.missed, [.missed, .targetEased]), (.notDue, [.targetEased])])
    func eased(status: EvaluationStatus, expected: [FlagKind]) {
        #expect(FlagKind.raised(by: status, reconciliation: false, outlier: false, owned: true, eased: true) == expected)
    }

    let q1 = Day(iso: "2025-01-01")!, q2 = Day(iso: "2025-04-01")!

    @Test func aRunOpensNewFlagsReopensResolvedOnesAndResolvesWhatItNoLongerFinds() {
        let missedQ1 = FlagIdentity(territoryID: 7, periodStart: q1, kind: .missed)
        let missedQ2 = FlagIdentity(territoryID: 7, periodStart: q2, kind: .missed)
        let outlierQ1 = FlagIdentity(territoryID: 7, periodStart: q1, kind: .outlier)
        let unownedQ1 = FlagIdentity(territoryID: 8, periodStart: q1, kind: .unowned)
        let explainedGone = FlagIdentity(territoryID: 8, periodStart: q2, kind: .atRisk)
        let resolvedGone = FlagIdentity(territoryID: 9, periodStart: q2, kind: .missed)
        let existing: [FlagIdentity: FlagChanges.Existing] = [
            missedQ1: .init(id: 1, state: .open),  // found again: untouched
            outlierQ1: .init(id: 2, state: .resolved),  // found again: reopened
            unownedQ1: .init(id: 3, state: .explained),  // found again: untouched
            explainedGone: .init(id: 4, state: .explained),  // not found: resolved
            resolvedGone: .init(id: 5, state: .resolved),  // not found, already resolved: untouched
        ]
        let changes = FlagChanges.between(found: [missedQ1, missedQ2, outlierQ1, unownedQ1, missedQ2], existing: existing)
        #expect(changes == FlagChanges(opened: [missedQ2], reopened: [2], resolved: [4]))
    }

    @Test func theFirstRunOpensEverythingItFinds() {
        let found = (0..<3).map { FlagIdentity(territoryID: Int64($0), periodStart: q1, kind: .missed) }
        #expect(FlagChanges.between(found: found, existing: [:]) == FlagChanges(opened: found))
    }

    @Test func aRunThatFindsNothingResolvesEveryOpenFlag() {
        let existing: [FlagIdentity: FlagChanges.Existing] = [
            FlagIdentity(territoryID: 1, periodStart: q1, kind: .missed): .init(id: 10, state: .open),
            FlagIdentity(territoryID: 1, periodStart: q2, kind: .missed): .init(id: 11, state: .explained),
        ]
        #expect(FlagChanges.between(found: [], existing: existing) == FlagChanges(resolved: [10, 11]))
    }
}

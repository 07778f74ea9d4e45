import Testing
import UadeDomain

@Suite struct PlausibilityTests {
    @Test(arguments: [
        (12.5, "family", 10.0 as Double?, [Plausibility.Warning.fraction]),
        (12.0, "family", 10.0, []),
        (12.5, "percent", 10.0, []),
        (1_200.0, "count", 100.0, [.farAbove(expected: 100)]),
        (1_000.0, "count", 100.0, []),  // exactly ten times: no warning
        (9.0, "m2_thousand", 100.0, [.farBelow(expected: 100)]),
        (0.0, "count", 100.0, []),  // nothing this period is plain, not a typo
        (0.5, "person", 100.0, [.fraction, .farBelow(expected: 100)]),
        (5_000.0, "count", nil, []),  // no order of magnitude to compare with
        (-50.0, "tenge_mln", 2.0, [.farAbove(expected: 2)]),
    ])
    func warns(value: Double, unit: String, expected: Double?, warnings: [Plausibility.Warning]) {
        #expect(Plausibility.warnings(value: value, unit: unit, expected: expected) == warnings)
    }

    @Test func aCumulativeIndicatorExpectsWhatItsRunningTargetGrowsBy() {
        #expect(Plausibility.expected(target: 120, previousTarget: 90, accumulation: .cumulative) == 30)
        #expect(Plausibility.expected(target: 30, previousTarget: nil, accumulation: .cumulative) == 30)
        #expect(Plausibility.expected(target: 90, previousTarget: 90, accumulation: .cumulative) == nil)
        #expect(Plausibility.expected(target: 75, previousTarget: 70, accumulation: .level) == 75)
    }
}

@Suite struct RunDiffRuleTests {
    typealias Case = (before: EvaluationStatus?, after: EvaluationStatus?, change: DiffChange?)
    static let cases: [Case] = [
        (nil, .missed, .newlyMissed), (.atRisk, .missed, .newlyMissed), (.achieved, .notReported, .newlyMissed), (.notDue, .missed, .newlyMissed),
        // Between the two missed statuses is no news of a miss.
        (.missed, .notReported, .changed), (.notReported, .missed, .changed),
        (.atRisk, .achieved, .recovered), (.missed, .onTrack, .recovered), (.notReported, .achieved, .recovered),
        (.achieved, .atRisk, .changed), (nil, .achieved, .changed), (.onTrack, nil, .changed), (.missed, nil, .changed),
        (.missed, .missed, nil), (nil, nil, nil),
    ]

    @Test func classifies() {
        for c in Self.cases {
            #expect(
                DiffChange.classify(before: c.before, after: c.after) == c.change, "\(String(describing: c.before)) → \(String(describing: c.after))")
        }
    }
}

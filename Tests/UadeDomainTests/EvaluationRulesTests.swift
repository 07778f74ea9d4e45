import Testing
import UadeDomain

@Suite("Evaluation rules")
struct EvaluationRulesTests {
    let higherLevel = IndicatorTraits(direction: .higherIsBetter, accumulation: .level, aggregation: .average)
    let lowerLevel = IndicatorTraits(direction: .lowerIsBetter, accumulation: .level, aggregation: .average)
    let cumulative = IndicatorTraits(direction: .higherIsBetter, accumulation: .cumulative, aggregation: .sum)

    func q(_ code: String) -> Period { Period(code: code)! }
    func policy(_ asOf: String, grace: Int = 30) -> EvaluationPolicy { EvaluationPolicy(asOf: Day(iso: asOf)!, graceDays: grace) }

    func judge(_ points: [(String, Double, Double?)], _ traits: IndicatorTraits, asOf: String, grace: Int = 30) -> [Judgement] {
        EvaluationRules.judge(
            points.map { SeriesPoint(period: q($0.0), target: $0.1, value: $0.2) }, traits: traits, policy: policy(asOf, grace: grace))
    }

    @Test(
        "one due period, table-driven",
        arguments: [
            // (target, value, direction higher?, as-of, expected)
            (100.0, Double?(100.0), true, "2024-10-31", EvaluationStatus.achieved),  // exactly on target
            (100.0, 99.9, true, "2024-10-31", .missed),  // short, past grace
            (100.0, nil, true, "2024-10-31", .notReported),  // nothing, past grace
            (100.0, 99.9, true, "2024-10-15", .atRisk),  // short, within grace: not yet missed
            (100.0, nil, true, "2024-10-15", .notDue),  // nothing yet, within grace, no history
            (100.0, 120.0, true, "2024-09-30", .achieved),  // as-of exactly on the due date
            (100.0, 120.0, true, "2024-09-29", .onTrack),  // the day before: not due, value already there
            (0.0, 0.0, false, "2024-10-31", .achieved),  // a zero target, lower is better, met
            (0.0, 1.0, false, "2024-10-31", .missed),  // a zero target, lower is better, not met
            (8.0, 7.5, false, "2024-10-31", .achieved),  // lower is better
            (-5.0, -4.0, true, "2024-10-31", .achieved),  // negative targets
            (-5.0, -6.0, true, "2024-10-31", .missed),
        ] as [(Double, Double?, Bool, String, EvaluationStatus)])
    func single(_ target: Double, _ value: Double?, _ higher: Bool, _ asOf: String, _ expected: EvaluationStatus) {
        let traits = higher ? higherLevel : lowerLevel
        let result = judge([("2024-Q3", target, value)], traits, asOf: asOf)
        #expect(result.map(\.status) == [expected])
    }

    @Test func gapsAreInTheUnitAndInPercent() throws {
        let missed = try #require(judge([("2024-Q3", 200, 150)], higherLevel, asOf: "2024-12-01").first)
        #expect(missed.gap == 50 && missed.gapPercent == 25)
        let lower = try #require(judge([("2024-Q3", 8, 10)], lowerLevel, asOf: "2024-12-01").first)
        #expect(lower.gap == 2 && lower.gapPercent == 25)
        let zero = try #require(judge([("2024-Q3", 0, 3)], lowerLevel, asOf: "2024-12-01").first)
        #expect(zero.gap == 3 && zero.gapPercent == nil, "no percentage of a zero target")
        let negative = try #require(judge([("2024-Q3", -10, -12)], higherLevel, asOf: "2024-12-01").first)
        #expect(negative.gap == 2 && negative.gapPercent == 20)
    }

    @Test func cumulativeIndicatorsCompareRunningTotals() {
        // Targets are running totals; values are what each quarter added.
        let result = judge([("2024-Q1", 10, 4), ("2024-Q2", 20, 8), ("2024-Q3", 30, 20)], cumulative, asOf: "2024-12-01")
        #expect(result.map(\.actual) == [4, 12, 32])
        #expect(result.map(\.status) == [.missed, .missed, .achieved])
    }

    @Test func projectionsByLeastSquares() throws {
        // 10, 20, 30 by quarter: the line reaches 40 in Q4 and 60 in 2025-Q2.
        let rising = [
            ("2024-Q1", 10.0, Double?(10)), ("2024-Q2", 20, 20), ("2024-Q3", 30, 30), ("2024-Q4", 40, nil), ("2025-Q1", 55, nil),
            ("2025-Q2", 65, nil),
        ]
        let result = judge(rising, higherLevel, asOf: "2024-10-05")
        #expect(result.map(\.status) == [.achieved, .achieved, .achieved, .onTrack, .atRisk, .atRisk])
        let q4 = try #require(result[3].projected)
        #expect(abs(q4 - 40) < 1e-9)
        #expect(abs(result[5].projected! - 60) < 1e-9)
        #expect(abs(result[5].gap! - 5) < 1e-9)
    }

    @Test func aFallingTrendIsNotForecastBelowZeroWhenNothingEverWas() throws {
        // Schools: 10, 6, 2 — the line reads −2 and −6 later on; a count is never negative.
        let falling = [
            ("2024-Q1", 10.0, Double?(10)), ("2024-Q2", 10, 6), ("2024-Q3", 10, 2), ("2024-Q4", 10, nil), ("2025-Q1", 10, nil),
        ]
        let result = judge(falling, higherLevel, asOf: "2024-10-05")
        #expect(result[3].projected == 0 && result[4].projected == 0)
        #expect(result[4].status == .atRisk)
        // A series that is negative itself keeps its line.
        let negative = judge([("2024-Q1", -1.0, -1), ("2024-Q2", -1, -3), ("2024-Q3", -1, nil)], higherLevel, asOf: "2024-07-05")
        #expect(try abs(#require(negative[2].projected) + 5) < 1e-9)
    }

    @Test func oneKnownValueProjectsItsPace() {
        // A running total of 30 after one quarter is a pace of 30 a quarter: 120 by Q4.
        let result = judge([("2024-Q1", 25, 30), ("2024-Q4", 100, nil)], cumulative, asOf: "2024-05-15")
        #expect(result[1].projected == 120)
        #expect(result[1].status == .onTrack)
        // A level stays where it is.
        let level = judge([("2024-Q1", 50, 40), ("2024-Q4", 60, nil)], higherLevel, asOf: "2024-05-15")
        #expect(level[1].projected == 40 && level[1].status == .atRisk)
    }

    @Test func noHistoryIsNotDueUnlessTheLastCheckpointWasMissed() {
        let fresh = judge([("2024-Q3", 10, nil), ("2024-Q4", 20, nil)], higherLevel, asOf: "2024-08-01")
        #expect(fresh.map(\.status) == [.notDue, .notDue])
        let afterMiss = judge([("2024-Q1", 10, nil), ("2024-Q4", 20, nil)], higherLevel, asOf: "2024-06-01")
        #expect(afterMiss.map(\.status) == [.notReported, .atRisk])
    }

    @Test func worstFirstOrder() {
        #expect(EvaluationStatus.allCases.sorted() == [.missed, .notReported, .atRisk, .onTrack, .achieved, .notDue])
        #expect(EvaluationStatus.atRisk.isSlipping && !EvaluationStatus.onTrack.isSlipping)
    }
}

@Suite("Roll-ups, outliers, measures")
struct RollUpTests {
    @Test(
        "combining children",
        arguments: [
            (Aggregation.sum, [Double?(1), 2, 3], Double?(6)),
            (.average, [2, 4], 3),
            (.min, [5, 2, 9], 2),
            (.max, [5, 2, 9], 9),
            (.none, [1, 2], nil),  // cannot be combined
            (.sum, [1, nil, 3], nil),  // a missing child leaves no roll-up
            (.sum, [], nil),
        ] as [(Aggregation, [Double?], Double?)])
    func combine(_ aggregation: Aggregation, _ values: [Double?], _ expected: Double?) {
        #expect(RollUp.combine(values, by: aggregation) == expected)
    }

    @Test(
        "a child counts in its parent's roll-up for a period only while it exists at the period's start",
        arguments: [
            ("1991-12-16", nil, "2025-01-01", true),
            ("1991-12-16", "2026-07-01", "2026-04-01", true),  // retired during the period: still its own
            ("1991-12-16", "2026-07-01", "2026-07-01", false),  // from its end on: the successor's
            ("2026-07-01", nil, "2026-04-01", false),  // formed during the period: from the next one
            ("2026-07-01", nil, "2026-07-01", true),
        ] as [(String, String?, String, Bool)])
    func countsWhileValid(_ from: String, _ to: String?, _ periodStart: String, _ expected: Bool) throws {
        let validFrom = try #require(Day(iso: from))
        let validTo = to.flatMap { Day(iso: $0) }
        #expect((validTo == nil) == (to == nil))
        let child = Territory(
            id: 2, kato: nil, kind: .district, parentID: 1, name: LocalizedText(kk: "А", ru: "А", en: "A"), validFrom: validFrom, validTo: validTo)
        let start = try #require(Day(iso: periodStart))
        let period = try #require(Period(start: start, periodicity: .quarterly))
        #expect(RollUp.counts(child, in: period) == expected)
    }

    @Test func reconciliation() {
        #expect(!RollUp.disagrees(own: 100, rolledUp: 103, tolerance: 0.05))
        #expect(RollUp.disagrees(own: 100, rolledUp: 110, tolerance: 0.05))
        #expect(!RollUp.disagrees(own: 0, rolledUp: 0, tolerance: 0.05))
        #expect(!RollUp.disagrees(own: 2, rolledUp: 2.4, tolerance: 0.05), "small counts tolerate half a unit")
        #expect(RollUp.disagrees(own: 2, rolledUp: 3, tolerance: 0.05))
    }

    @Test func outliers() {
        let history = [10.0, 11, 9, 10.5, 9.5, 10]
        #expect(Outliers.isOutlier(40, against: history, threshold: 3.5))
        #expect(!Outliers.isOutlier(11.5, against: history, threshold: 3.5))
        #expect(Outliers.robustZ(5, against: [1, 2, 3]) == nil, "too few references")
        #expect(Outliers.robustZ(5, against: [4, 4, 4, 4]) == nil, "no spread")
        #expect(Outliers.median([3, 1, 2]) == 2 && Outliers.median([4, 1, 2, 3]) == 2.5)
    }

    @Test(
        "measures",
        arguments: [
            (MeasureStatus.done, "2024-06-30", "2024-08-01", MeasureVerdict.done),
            (.cancelled, "2024-06-30", "2024-08-01", .cancelled),
            (.inProgress, "2024-06-30", "2024-08-01", .missed),
            (.notStarted, "2024-06-30", "2024-07-01", .missed),
            (.notStarted, "2024-06-30", "2024-06-30", .atRisk),  // due today, not started
            (.notStarted, "2024-06-30", "2024-05-31", .atRisk),  // 30 days ahead
            (.notStarted, "2024-06-30", "2024-05-30", .notDue),  // 31 days ahead
            (.inProgress, "2024-06-30", "2024-06-20", .inProgress),
        ] as [(MeasureStatus, String, String, MeasureVerdict)])
    func measures(_ status: MeasureStatus, _ deadline: String, _ asOf: String, _ expected: MeasureVerdict) {
        #expect(MeasureVerdict.judge(status: status, deadline: Day(iso: deadline)!, asOf: Day(iso: asOf)!) == expected)
    }
}

@Suite("Explanations")
struct ExplanationTests {
    func facts(_ status: EvaluationStatus, actual: Double? = nil, projected: Double? = nil, gap: Double? = nil, percent: Double? = nil)
        -> Explanation.Facts
    {
        Explanation.Facts(
            status: status, period: Period(code: "2026-Q4")!, target: 190, actual: actual, projected: projected, gap: gap,
            gapPercent: percent, unit: "km", graceDays: 30)
    }

    @Test func sentencesCarryTheirNumbersInEveryLanguage() throws {
        let atRisk = facts(.atRisk, projected: 119.7, gap: 70.3, percent: 37)
        #expect(Explanation.sentence(atRisk, in: .en) == "At the current pace 63% of the 2026-Q4 target will be reached (119.7 of 190 km).")
        let ru = try #require(Explanation.sentence(atRisk, in: .ru))
        #expect(ru.contains("63%") && ru.contains("119,7") && ru.contains("2026-Q4"))
        let kk = try #require(Explanation.sentence(atRisk, in: .kk))
        #expect(kk.contains("63%") && kk.contains("119,7"))
        let missed = facts(.missed, actual: 150, gap: 40, percent: 21.05)
        #expect(Explanation.sentence(missed, in: .en)!.contains("short by 40 km (21.1%)"))
        #expect(Explanation.sentence(missed, in: .ru)!.contains("отставание 40 km (21,1%)"))
        #expect(Explanation.sentence(facts(.notReported), in: .kk)!.contains("2026-12-31"))
        #expect(Explanation.sentence(facts(.achieved, actual: 200), in: .en) == nil)
        for status in EvaluationStatus.allCases where status != .achieved {
            for language in Language.allCases {
                #expect(Explanation.sentence(facts(status, actual: 1, projected: 2, gap: 3, percent: 4), in: language) != nil)
            }
        }
    }

    @Test func numbersAreWrittenForTheLanguage() {
        #expect(NumberFormat.format(1234567.25, .en) == "1,234,567.3")
        #expect(NumberFormat.format(1234567.25, .ru) == "1\u{202F}234\u{202F}567,3")
        #expect(NumberFormat.format(-0.5, .kk) == "−0,5")
        #expect(NumberFormat.format(100, .en) == "100")
    }
}

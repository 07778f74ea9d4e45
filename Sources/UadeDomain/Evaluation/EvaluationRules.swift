/// How a target stands as of a date.
public enum EvaluationStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case missed
    case notReported = "not_reported"
    case atRisk = "at_risk"
    case onTrack = "on_track"
    case achieved
    case notDue = "not_due"

    /// Worst first: the order of hearing reports.
    public static func < (lhs: EvaluationStatus, rhs: EvaluationStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Statuses that need someone's attention and become flags.
    public var isSlipping: Bool { self == .missed || self == .notReported || self == .atRisk }
}

/// The settings of an evaluation: the date it judges as of, and its tolerances.
public struct EvaluationPolicy: Sendable, Hashable, Codable {
    public var asOf: Day
    /// Days after a period's end before a missing or short value counts as missed.
    public var graceDays: Int
    /// How many of the last known values the trend is fitted to.
    public var trendWindow: Int
    /// Relative difference between a territory's own figure and its roll-up that raises a flag.
    public var reconciliationTolerance: Double
    /// Robust z-score beyond which a value is an outlier.
    public var outlierThreshold: Double

    public init(asOf: Day, graceDays: Int = 30, trendWindow: Int = 4, reconciliationTolerance: Double = 0.05, outlierThreshold: Double = 3.5) {
        self.asOf = asOf
        self.graceDays = graceDays
        self.trendWindow = trendWindow
        self.reconciliationTolerance = reconciliationTolerance
        self.outlierThreshold = outlierThreshold
    }

    /// A period is due once its last day is reached.
    public func isDue(_ period: Period) -> Bool { asOf >= period.end }

    /// Missed and not-reported are only said once the grace period has passed.
    public func isPastGrace(_ period: Period) -> Bool { asOf > period.end.adding(days: graceDays) }
}

/// What the rules need to know about an indicator.
public struct IndicatorTraits: Sendable, Hashable {
    public let direction: Direction
    public let accumulation: Accumulation
    public let aggregation: Aggregation

    public init(direction: Direction, accumulation: Accumulation, aggregation: Aggregation) {
        self.direction = direction
        self.accumulation = accumulation
        self.aggregation = aggregation
    }
}

/// One period of a series: its target and the value known for it (nil when none).
public struct SeriesPoint: Sendable, Hashable {
    public let period: Period
    public let target: Double
    /// For a cumulative indicator, what this period added; for a level one, the level.
    public let value: Double?

    public init(period: Period, target: Double, value: Double?) {
        self.period = period
        self.target = target
        self.value = value
    }
}

/// The judgement of one target.
public struct Judgement: Sendable, Hashable {
    public let period: Period
    public let status: EvaluationStatus
    public let target: Double
    /// The value compared with the target: the running total for cumulative indicators.
    public let actual: Double?
    /// Where the trend leads by the end of the period (not-yet-due periods).
    public let projected: Double?
    /// How far short of the target, in the unit (positive = short).
    public let gap: Double?
    /// The gap as a percentage of the target; nil when the target is 0.
    public let gapPercent: Double?

    public init(period: Period, status: EvaluationStatus, target: Double, actual: Double?, projected: Double?, gap: Double?, gapPercent: Double?) {
        self.period = period
        self.status = status
        self.target = target
        // A figure computed from out-of-range history can overflow; it is then unknown, never
        // infinite, so that no report, JSON document or stored result has to cope with it.
        self.actual = actual.finite
        self.projected = projected.finite
        self.gap = gap.finite
        self.gapPercent = gapPercent.finite
    }
}

extension Optional where Wrapped == Double {
    /// The value when it is a finite number, nil otherwise.
    public var finite: Double? { flatMap { $0.isFinite ? $0 : nil } }
}

/// The evaluation rules, pure: a series in, a judgement per period out.
public enum EvaluationRules {
    public static func judge(_ points: [SeriesPoint], traits: IndicatorTraits, policy: EvaluationPolicy) -> [Judgement] {
        let series = points.sorted { $0.period < $1.period }
        // Compare values: running totals for cumulative indicators, levels otherwise.
        var compare: [Double?] = []
        var runningTotal = 0.0
        for point in series {
            if let value = point.value {
                runningTotal += value
                compare.append(traits.accumulation == .cumulative ? runningTotal : value)
            } else {
                compare.append(nil)
            }
        }

        var judgements: [Judgement] = []
        judgements.reserveCapacity(series.count)
        for (index, point) in series.enumerated() {
            let actual = compare[index]
            let meets = actual.map { traits.direction.meets($0, target: point.target) }
            if policy.isDue(point.period), meets == true {
                judgements.append(
                    Judgement(
                        period: point.period, status: .achieved, target: point.target, actual: actual, projected: nil, gap: nil, gapPercent: nil))
                continue
            }
            if policy.isPastGrace(point.period) {
                if let actual {
                    let (gap, percent) = shortfall(actual, point.target, traits.direction)
                    judgements.append(
                        Judgement(
                            period: point.period, status: .missed, target: point.target, actual: actual, projected: nil, gap: gap, gapPercent: percent
                        ))
                } else {
                    judgements.append(
                        Judgement(
                            period: point.period, status: .notReported, target: point.target, actual: nil, projected: nil, gap: nil, gapPercent: nil))
                }
                continue
            }
            // Not yet due, or within the grace period: judge where the recorded trajectory leads.
            let projected =
                actual ?? project(to: index, series: series, compare: compare, cumulative: traits.accumulation == .cumulative, policy: policy)
            guard let projected else {
                let lastCheckpointMissed =
                    judgements.last { policy.isPastGrace($0.period) }.map { $0.status == .missed || $0.status == .notReported } ?? false
                judgements.append(
                    Judgement(
                        period: point.period, status: lastCheckpointMissed ? .atRisk : .notDue, target: point.target,
                        actual: nil, projected: nil, gap: nil, gapPercent: nil))
                continue
            }
            if traits.direction.meets(projected, target: point.target) {
                judgements.append(
                    Judgement(
                        period: point.period, status: .onTrack, target: point.target, actual: actual, projected: projected, gap: nil, gapPercent: nil)
                )
            } else {
                let (gap, percent) = shortfall(projected, point.target, traits.direction)
                judgements.append(
                    Judgement(
                        period: point.period, status: .atRisk, target: point.target, actual: actual, projected: projected, gap: gap,
                        gapPercent: percent))
            }
        }
        return judgements
    }

    /// A least-squares line through the last known compare values (periods already due), read
    /// at the period's position. One known value projects its own pace: flat for a level,
    /// proportional for a running total.
    static func project(to index: Int, series: [SeriesPoint], compare: [Double?], cumulative: Bool, policy: EvaluationPolicy) -> Double? {
        // Positions on the calendar, so that gaps between targets (or yearly periods) count.
        func position(_ i: Int) -> Double { Double(series[i].period.ordinal - series[0].period.ordinal) }
        var xs: [Double] = []
        var ys: [Double] = []
        for i in stride(from: index - 1, through: 0, by: -1) where xs.count < policy.trendWindow {
            guard policy.isDue(series[i].period), let value = compare[i] else { continue }
            xs.insert(position(i), at: 0)
            ys.insert(value, at: 0)
        }
        guard let lastY = ys.last, let lastX = xs.last else { return nil }
        let target = position(index)
        if xs.count == 1 {
            // A running total grows at its average pace so far; a level stays where it is.
            return cumulative ? lastY / (lastX + 1) * (target + 1) : lastY
        }
        let n = Double(xs.count)
        let meanX = xs.reduce(0, +) / n
        let meanY = ys.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
        }
        let slope = sxx == 0 ? 0 : sxy / sxx
        let line = meanY + slope * (target - meanX)
        // A falling trend does not cross zero when nothing in the series ever was below it: a
        // count of schools or families is never forecast negative.
        let neverNegative = compare.allSatisfy { ($0 ?? 0) >= 0 } && series.allSatisfy { $0.target >= 0 }
        return neverNegative ? max(0, line) : line
    }

    /// How far `value` falls short of `target` in the indicator's direction, and as a percentage.
    public static func shortfall(_ value: Double, _ target: Double, _ direction: Direction) -> (Double, Double?) {
        let gap = direction == .higherIsBetter ? target - value : value - target
        let percent = target == 0 ? nil : gap / abs(target) * 100
        return (gap, percent)
    }
}

/// Where an evaluation run stands.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running
    case completed
    /// Rolled back: cancelled, its connection lost, or its process gone.
    case failed
}

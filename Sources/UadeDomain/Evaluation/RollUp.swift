/// Combining territories' values into their parent's, and checking figures against each other.
public enum RollUp {
    /// The parent's value from its children's by the indicator's rule; nil when the rule is
    /// `none` or when any child has no value (a partial sum would understate the region).
    public static func combine(_ values: [Double?], by aggregation: Aggregation) -> Double? {
        guard aggregation != .none, !values.isEmpty else { return nil }
        var known: [Double] = []
        known.reserveCapacity(values.count)
        for value in values {
            guard let value else { return nil }
            known.append(value)
        }
        switch aggregation {
        case .sum: return known.reduce(0, +)
        case .average: return known.reduce(0, +) / Double(known.count)
        case .min: return known.min()
        case .max: return known.max()
        case .none: return nil
        }
    }

    /// Whether a child's figure belongs in its parent's roll-up for a period: only while the
    /// child exists at the period's start. A territory retired mid-period still answers for
    /// that period (its targets stay); its successor answers from the next one, which is where
    /// a classifier edition moves the targets.
    public static func counts(_ child: Territory, in period: Period) -> Bool {
        child.isValid(on: period.start)
    }

    /// Whether a territory's own figure and the roll-up from below differ by more than the
    /// tolerance (relative to the larger of the two; an absolute 0.5 when both are near zero).
    public static func disagrees(own: Double, rolledUp: Double, tolerance: Double) -> Bool {
        let scale = max(abs(own), abs(rolledUp))
        if scale < 1e-9 { return false }
        if scale < 10 { return abs(own - rolledUp) > max(0.5, tolerance * scale) }
        return abs(own - rolledUp) / scale > tolerance
    }
}

/// Values far from their neighbours: robust z-scores with the median and the median absolute
/// deviation, which one wild value cannot drag along.
public enum Outliers {
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// |value − median| / (1.4826 · MAD); nil with fewer than 4 references or no spread at all.
    public static func robustZ(_ value: Double, against references: [Double]) -> Double? {
        guard references.count >= 4, let m = median(references) else { return nil }
        guard let mad = median(references.map { abs($0 - m) }), mad > 0 else { return nil }
        return abs(value - m) / (1.4826 * mad)
    }

    public static func isOutlier(_ value: Double, against references: [Double], threshold: Double) -> Bool {
        (robustZ(value, against: references) ?? 0) > threshold
    }
}

/// A measure as of a date.
public enum MeasureVerdict: String, Sendable, Codable, CaseIterable {
    case done
    case cancelled
    case missed
    case atRisk = "at_risk"
    case inProgress = "in_progress"
    case notDue = "not_due"

    /// Past the deadline and not done: missed; due within 30 days and not started: at risk.
    public static func judge(status: MeasureStatus, deadline: Day, asOf: Day) -> MeasureVerdict {
        switch status {
        case .done: return .done
        case .cancelled: return .cancelled
        case .notStarted, .inProgress:
            if asOf > deadline { return .missed }
            if status == .notStarted && asOf.days(until: deadline) <= 30 { return .atRisk }
            return status == .inProgress ? .inProgress : .notDue
        }
    }
}

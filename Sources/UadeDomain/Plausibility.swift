/// Warnings about a value that may be mistyped, given before it is saved: the person confirms
/// or corrects it. They never refuse a value; the unit's hard limits do that (`ProgressRules`).
public enum Plausibility {
    public enum Warning: Sendable, Equatable {
        /// A fraction of something counted whole (families, people, schools).
        case fraction
        /// More than `factor` times what the period is expected to bring.
        case farAbove(expected: Double)
        /// Less than a `factor`-th of it (but not zero, which is a plain "nothing this period").
        case farBelow(expected: Double)
    }

    /// Units counted in whole numbers.
    public static let wholeUnits: Set<String> = ["count", "person", "family"]
    /// How far from the expected order of magnitude a value may be without a warning.
    public static let factor = 10.0

    /// What one period's value is expected to be: the target for a level indicator; for a
    /// cumulative one, the amount the running target grows by in that period (nil when it does
    /// not grow, so there is no order of magnitude to compare with).
    public static func expected(target: Double, previousTarget: Double?, accumulation: Accumulation) -> Double? {
        switch accumulation {
        case .level: return target
        case .cumulative:
            let step = target - (previousTarget ?? 0)
            return step > 0 ? step : nil
        }
    }

    public static func warnings(value: Double, unit: String, expected: Double?) -> [Warning] {
        var warnings: [Warning] = []
        if wholeUnits.contains(unit), value != value.rounded() { warnings.append(.fraction) }
        if let expected, expected != 0, value != 0 {
            let ratio = abs(value) / abs(expected)
            if ratio > factor { warnings.append(.farAbove(expected: expected)) }
            if ratio < 1 / factor { warnings.append(.farBelow(expected: expected)) }
        }
        return warnings
    }
}

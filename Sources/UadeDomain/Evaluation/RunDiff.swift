/// How an item's judgement moved between two runs.
public enum DiffChange: String, Sendable, Codable, CaseIterable {
    /// Now missed or not reported, and it was not before.
    case newlyMissed = "newly_missed"
    /// Was slipping, now achieved or on track.
    case recovered
    /// Any other change of status.
    case changed
}

extension DiffChange {
    /// Statuses that count as missed: "newly missed" is entering this set from outside it.
    public static let missedStatuses: Set<EvaluationStatus> = [.missed, .notReported]
    /// Statuses from which a move to `goodStatuses` is a recovery.
    public static let slippingStatuses: Set<EvaluationStatus> = [.missed, .notReported, .atRisk]
    public static let goodStatuses: Set<EvaluationStatus> = [.achieved, .onTrack]

    /// The one rule for how an item moved between two runs (nil: not judged in that run); the
    /// diff's SQL is written from the same sets, and a status that did not change is no change.
    public static func classify(before: EvaluationStatus?, after: EvaluationStatus?) -> DiffChange? {
        guard before != after else { return nil }
        if let after, missedStatuses.contains(after), !(before.map(missedStatuses.contains) ?? false) { return .newlyMissed }
        if let before, slippingStatuses.contains(before), let after, goodStatuses.contains(after) { return .recovered }
        return .changed
    }

    /// `classify` as an SQL expression over two nullable status columns.
    public static func classifySQL(before: String, after: String) -> String {
        func list(_ statuses: Set<EvaluationStatus>) -> String { statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") }
        return """
            CASE WHEN \(after) IN (\(list(missedStatuses))) AND coalesce(\(before), '') NOT IN (\(list(missedStatuses))) THEN '\(DiffChange.newlyMissed.rawValue)'
                 WHEN \(before) IN (\(list(slippingStatuses))) AND \(after) IN (\(list(goodStatuses))) THEN '\(DiffChange.recovered.rawValue)'
                 ELSE '\(DiffChange.changed.rawValue)' END
            """
    }
}

/// How many items moved in each way.
public struct DiffCounts: Sendable, Equatable {
    public var newlyMissed = 0
    public var recovered = 0
    public var changed = 0

    public init(newlyMissed: Int = 0, recovered: Int = 0, changed: Int = 0) {
        self.newlyMissed = newlyMissed
        self.recovered = recovered
        self.changed = changed
    }

    public subscript(change: DiffChange) -> Int {
        switch change {
        case .newlyMissed: newlyMissed
        case .recovered: recovered
        case .changed: changed
        }
    }
}

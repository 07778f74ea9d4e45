/// How an item's judgement moved between two runs.
public enum DiffChange: String, Sendable, Codable, CaseIterable {
    /// Now missed or not reported, and it was not before.
    case newlyMissed = "newly_missed"
    /// Was slipping, now achieved or on track.
    case recovered
    /// Any other change of status.
    case changed
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

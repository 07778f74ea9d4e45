/// What a result can raise a flag for.
public enum FlagKind: String, Sendable, CaseIterable, Hashable {
    case missed
    case notReported = "not_reported"
    case atRisk = "at_risk"
    case reconciliation
    case outlier
    case unowned
    /// The target in force was eased by a revision after its period had begun.
    case targetEased = "target_eased"
    /// Its value was written inside an exception, after the period had closed for entry.
    case enteredUnderException = "entered_under_exception"

    /// The flags one result raises: its status when it slips, its data-quality marks,
    /// "unowned" when it slips with no Political Council member to answer for it, and
    /// "target eased" when the target it was judged against was lowered (or, where lower is
    /// better, raised) after its period began — whatever the status.
    public static func raised(
        by status: EvaluationStatus, reconciliation: Bool, outlier: Bool, owned: Bool, eased: Bool = false, underException: Bool = false
    ) -> [FlagKind] {
        var kinds: [FlagKind] = []
        let slips: FlagKind? =
            switch status {
            case .missed: .missed
            case .notReported: .notReported
            case .atRisk: .atRisk
            default: nil
            }
        if let slips { kinds.append(slips) }
        if reconciliation { kinds.append(.reconciliation) }
        if outlier { kinds.append(.outlier) }
        if slips != nil && !owned { kinds.append(.unowned) }
        if eased { kinds.append(.targetEased) }
        if underException { kinds.append(.enteredUnderException) }
        return kinds
    }
}

extension FlagKind {
    /// Most serious first, the order of a coordinator's work list: a miss before a report not
    /// given, before a risk, before questions about the figures themselves.
    public static let bySeverity: [FlagKind] = [.missed, .notReported, .atRisk, .unowned, .reconciliation, .outlier, .targetEased]

    /// Flags only an administrator can act on: an item nobody answers for needs an owner, not an
    /// explanation from the coordinator.
    public var isForAdministrators: Bool { self == .unowned }
}

public enum FlagState: String, Sendable, Hashable, CaseIterable {
    case open, explained, resolved
}

/// A flag's identity within one indicator: territory × period × kind.
public struct FlagIdentity: Hashable, Sendable {
    public let territoryID: Territory.ID
    public let periodStart: Day
    public let kind: FlagKind

    public init(territoryID: Territory.ID, periodStart: Day, kind: FlagKind) {
        self.territoryID = territoryID
        self.periodStart = periodStart
        self.kind = kind
    }
}

/// How a run changes one indicator's flags, given what it found and the flags that exist (within
/// the run's scope). A flag found again that is open or explained needs no write: it stays as it
/// is, which keeps a nightly run from rewriting millions of unchanged flags.
public struct FlagChanges: Sendable, Equatable {
    /// Found for the first time.
    public var opened: [FlagIdentity] = []
    /// Resolved before, found again.
    public var reopened: [Int64] = []
    /// Open or explained, no longer found.
    public var resolved: [Int64] = []

    public init(opened: [FlagIdentity] = [], reopened: [Int64] = [], resolved: [Int64] = []) {
        self.opened = opened
        self.reopened = reopened
        self.resolved = resolved
    }

    public struct Existing: Sendable, Hashable {
        public let id: Int64
        public let state: FlagState
        public init(id: Int64, state: FlagState) {
            self.id = id
            self.state = state
        }
    }

    public static func between(found: [FlagIdentity], existing: [FlagIdentity: Existing]) -> FlagChanges {
        var changes = FlagChanges()
        var seen = Set<FlagIdentity>()
        seen.reserveCapacity(found.count)
        for identity in found where seen.insert(identity).inserted {
            switch existing[identity]?.state {
            case nil: changes.opened.append(identity)
            case .resolved?: changes.reopened.append(existing[identity]!.id)
            case .open?, .explained?: break
            }
        }
        for (identity, flag) in existing where flag.state != .resolved && !seen.contains(identity) {
            changes.resolved.append(flag.id)
        }
        changes.resolved.sort()
        changes.reopened.sort()
        return changes
    }
}

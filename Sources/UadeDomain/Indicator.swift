/// Which way is good for an indicator's value.
public enum Direction: String, Sendable, Codable, CaseIterable {
    case higherIsBetter = "higher_is_better"
    case lowerIsBetter = "lower_is_better"

    /// Whether `actual` meets `target` in this direction (being exactly on target meets it).
    public func meets(_ actual: Double, target: Double) -> Bool {
        switch self {
        case .higherIsBetter: actual >= target
        case .lowerIsBetter: actual <= target
        }
    }
}

/// How the values of territories below combine into the value of the territory above.
public enum Aggregation: String, Sendable, Codable, CaseIterable {
    case sum
    case average
    case min
    case max
    /// Values cannot be combined (a rate with unknown weights, a rank, …).
    case none
}

/// How values combine across the periods of the term.
public enum Accumulation: String, Sendable, Codable, CaseIterable {
    /// Each period adds to a running total (houses built, trees planted).
    case cumulative
    /// Each period stands on its own (an unemployment rate, a share).
    case level
}

/// A unit of measurement, with the range of values that makes sense for it.
public struct MeasurementUnit: Sendable, Hashable {
    public let code: String
    public let name: LocalizedText
    public let minimum: Double?
    public let maximum: Double?

    public init(code: String, name: LocalizedText, minimum: Double?, maximum: Double?) {
        self.code = code
        self.name = name
        self.minimum = minimum
        self.maximum = maximum
    }

    public func admits(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if let minimum, value < minimum { return false }
        if let maximum, value > maximum { return false }
        return true
    }
}

/// A number with targets per territory and period (индикатор / көрсеткіш).
public struct Indicator: Sendable, Hashable, Identifiable {
    public typealias ID = Int64
    public let id: ID
    public let sectionID: Section.ID
    public let code: String
    public let name: LocalizedText
    public let unit: String
    public let direction: Direction
    public let aggregation: Aggregation
    public let accumulation: Accumulation
    public let periodicity: Periodicity

    public init(
        id: ID, sectionID: Section.ID, code: String, name: LocalizedText, unit: String, direction: Direction,
        aggregation: Aggregation, accumulation: Accumulation, periodicity: Periodicity
    ) {
        self.id = id
        self.sectionID = sectionID
        self.code = code
        self.name = name
        self.unit = unit
        self.direction = direction
        self.aggregation = aggregation
        self.accumulation = accumulation
        self.periodicity = periodicity
    }
}

/// The value an indicator should reach in a territory by the end of a period.
public struct Target: Sendable, Hashable {
    public let indicatorID: Indicator.ID
    public let territoryID: Territory.ID
    public let period: Period
    public let value: Double

    public init(indicatorID: Indicator.ID, territoryID: Territory.ID, period: Period, value: Double) {
        self.indicatorID = indicatorID
        self.territoryID = territoryID
        self.period = period
        self.value = value
    }
}

/// The state of a roadmap measure (мероприятие / іс-шара).
public enum MeasureStatus: String, Sendable, Codable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
    case cancelled
}

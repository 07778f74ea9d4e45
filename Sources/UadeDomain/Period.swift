/// How often an indicator has a target and expects a value.
public enum Periodicity: String, Sendable, Codable, CaseIterable {
    case quarterly
    case yearly
}

/// A reporting period: a calendar quarter or a calendar year.
///
/// Written `2024-Q3` or `2024` in the API and in CSV files; stored as its first day.
public struct Period: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// year × 5 + quarter (0 for a whole year), in two bytes: a national roadmap holds millions
    /// of periods in memory while its workbook is checked.
    private let packed: Int16

    public var year: Int { Int(packed) / 5 }
    /// 1...4 for a quarter, nil for a whole year.
    public var quarter: Int? {
        let q = Int(packed) % 5
        return q == 0 ? nil : q
    }

    public init?(year: Int, quarter: Int? = nil) {
        guard (1900...2999).contains(year) else { return nil }
        if let q = quarter, !(1...4).contains(q) { return nil }
        packed = Int16(year * 5 + (quarter ?? 0))
    }

    /// Accepts `2024`, `2024-Q3`, `2024Q3` and `2024-q3`, nothing else: four ASCII digits, then
    /// optionally one dash, `Q` and one digit (`2026-Q-1` or `-2026-Q1` are not periods).
    public init?(code: String) {
        let scalars = Array(code.trimmingWhitespace().uppercased().unicodeScalars)
        func digit(_ i: Int) -> Int? {
            guard i < scalars.count, ("0"..."9").contains(scalars[i]) else { return nil }
            return Int(scalars[i].value - 48)
        }
        guard scalars.count >= 4, let a = digit(0), let b = digit(1), let c = digit(2), let d = digit(3) else { return nil }
        let year = a * 1000 + b * 100 + c * 10 + d
        var rest = scalars[4...]
        if rest.isEmpty {
            self.init(year: year)
            return
        }
        if rest.first == "-" { rest = rest.dropFirst() }
        guard rest.count == 2, rest.first == "Q", let q = digit(rest.startIndex + 1) else { return nil }
        self.init(year: year, quarter: q)
    }

    /// The period that starts on `start`, for an indicator of the given periodicity.
    public init?(start: Day, periodicity: Periodicity) {
        guard start.day == 1 else { return nil }
        switch periodicity {
        case .yearly:
            guard start.month == 1 else { return nil }
            self.init(year: start.year)
        case .quarterly:
            guard [1, 4, 7, 10].contains(start.month) else { return nil }
            self.init(year: start.year, quarter: (start.month - 1) / 3 + 1)
        }
    }

    public var periodicity: Periodicity { quarter == nil ? .yearly : .quarterly }

    /// A running count of periods of the same periodicity: consecutive quarters (or years) differ by one.
    public var ordinal: Int { quarter.map { year * 4 + $0 - 1 } ?? year }

    public var code: String {
        if let q = quarter { return "\(year)-Q\(q)" }
        return String(year)
    }

    public var description: String { code }

    public var start: Day {
        Day(year: year, month: quarter.map { ($0 - 1) * 3 + 1 } ?? 1, day: 1)!
    }

    /// The last day of the period: the day a value for it falls due.
    public var end: Day {
        if let q = quarter {
            let month = q * 3
            return Day(year: year, month: month, day: Day.daysIn(month: month, year: year))!
        }
        return Day(year: year, month: 12, day: 31)!
    }

    public func next() -> Period {
        if let q = quarter {
            return q == 4 ? Period(year: year + 1, quarter: 1)! : Period(year: year, quarter: q + 1)!
        }
        return Period(year: year + 1)!
    }

    /// Every period of the given periodicity that lies wholly inside `first...last`.
    public static func all(_ periodicity: Periodicity, from first: Day, through last: Day) -> [Period] {
        var result: [Period] = []
        var current: Period
        switch periodicity {
        case .yearly: current = Period(year: first.year)!
        case .quarterly: current = Period(year: first.year, quarter: (first.month - 1) / 3 + 1)!
        }
        while current.start <= last {
            if current.start >= first && current.end <= last { result.append(current) }
            current = current.next()
        }
        return result
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Period(code: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a period as YYYY or YYYY-Qn")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

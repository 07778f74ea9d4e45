/// Territories × columns (sections or indicators), each cell summing up the headline statuses
/// of the items that fall in it.
///
/// A cell's colour (`Cell.shade`) follows the share of its judged items that are in trouble
/// (missed, not reported or at risk), so a section cannot look fine while most of it slips and
/// one bad indicator among twenty does not paint it red; the legend states the rule.
///
/// A cell most of whose items are not reported for the period they are judged on (a republic or
/// a region that does not enter a section's figures itself) is shown with the roll-up of the
/// territories below it instead, when they report more: the counts of all its children in that
/// column, each child's cell shown by the same rule, so districts that do not report still count.
public struct Heatmap: Sendable, Equatable {
    /// Half or more of the judged items in trouble: the cell takes their commonest status.
    public static let troubledShare = 0.5
    /// A fifth or more in trouble: the cell is at least "at risk".
    public static let atRiskShare = 0.2

    public struct Cell: Sendable, Equatable {
        public var counts: [EvaluationStatus: Int] = [:]

        public init(counts: [EvaluationStatus: Int] = [:]) {
            self.counts = counts
        }

        public var total: Int { counts.values.reduce(0, +) }
        /// Items with a due period judged, that is all but "not due yet".
        public var judged: Int { total - (counts[.notDue] ?? 0) }
        /// Missed, not reported or at risk.
        public var troubled: Int { (counts[.missed] ?? 0) + (counts[.notReported] ?? 0) + (counts[.atRisk] ?? 0) }
        /// Achieved or on track: the judged items not in trouble.
        public var onCourse: Int { judged - troubled }
        /// More than half of the judged items are not reported.
        public var isMostlyUnreported: Bool { judged > 0 && (counts[.notReported] ?? 0) * 2 > judged }
        /// The share of judged items on course, nil when nothing is judged yet.
        public var onCourseShare: Double? { judged > 0 ? Double(onCourse) / Double(judged) : nil }

        /// The status most of its items have (ties go to the worse one).
        public var dominant: EvaluationStatus { commonest(of: EvaluationStatus.allCases) ?? .notDue }

        /// The colour of the cell: the commonest troubled status when half or more of the
        /// judged items are in trouble; "at risk" when a fifth or more are; otherwise the
        /// commonest of achieved and on track; "not due" when nothing is judged yet.
        public var shade: EvaluationStatus {
            guard judged > 0 else { return .notDue }
            let share = Double(troubled) / Double(judged)
            if share >= Heatmap.troubledShare { return commonest(of: [.missed, .notReported, .atRisk]) ?? .missed }
            if share >= Heatmap.atRiskShare { return .atRisk }
            return commonest(of: [.onTrack, .achieved]) ?? .onTrack
        }

        /// The first of the most frequent among `statuses` (given worst first), nil when none occurs.
        private func commonest(of statuses: [EvaluationStatus]) -> EvaluationStatus? {
            var best: EvaluationStatus?
            var bestCount = 0
            for status in statuses where (counts[status] ?? 0) > bestCount {
                best = status
                bestCount = counts[status] ?? 0
            }
            return best
        }

        mutating func add(_ other: Cell) {
            for (status, count) in other.counts { counts[status, default: 0] += count }
        }
    }

    /// How many items of one territory and column have a headline.
    public struct Entry: Sendable, Equatable {
        public let territory: Territory.ID
        public let column: Int64
        public let headline: EvaluationStatus
        public let count: Int

        public init(territory: Territory.ID, column: Int64, headline: EvaluationStatus, count: Int = 1) {
            self.territory = territory
            self.column = column
            self.headline = headline
            self.count = count
        }
    }

    public struct Place: Sendable, Hashable {
        public let row: Int64
        public let column: Int64

        public init(row: Int64, column: Int64) {
            self.row = row
            self.column = column
        }
    }

    public let rows: [Int64]
    public let columns: [Int64]
    public let cells: [Int64: [Int64: Cell]]
    /// Cells shown with the roll-up of the territories below them.
    public let rolledUp: Set<Place>
    /// Rows every cell of which is mostly not reported, here and below.
    public let withoutValues: Set<Int64>

    /// Each item counted where it is, without roll-ups.
    /// - Parameters:
    ///   - rows, columns: the order to show them in; items outside them are left out.
    public init(rows: [Int64], columns: [Int64], items: [(row: Int64, column: Int64, headline: EvaluationStatus)]) {
        self.init(
            rows: rows, columns: columns, entries: items.map { Entry(territory: $0.row, column: $0.column, headline: $0.headline) },
            children: [:])
    }

    /// - Parameters:
    ///   - entries: the rows' items and those of the territories below them that a roll-up may need.
    ///   - children: each territory's children, as far down as `entries` reach.
    public init(rows: [Int64], columns: [Int64], entries: [Entry], children: [Int64: [Int64]]) {
        let columnSet = Set(columns)
        var own: [Int64: [Int64: Cell]] = [:]
        for entry in entries where columnSet.contains(entry.column) {
            own[entry.territory, default: [:]][entry.column, default: Cell()].counts[entry.headline, default: 0] += entry.count
        }
        // A cell as shown: its own items unless most of them are not reported (or it has none);
        // then the sum of its children's cells in the same column, each as shown, when most of
        // those are reported; else its own cell after all.
        var memo: [Place: (cell: Cell?, rolledUp: Bool)] = [:]
        func shown(_ place: Place, depth: Int) -> (cell: Cell?, rolledUp: Bool) {
            if let known = memo[place] { return known }
            var result = (cell: own[place.row]?[place.column], rolledUp: false)
            if result.cell?.isMostlyUnreported ?? true, depth < 16 {
                var sum: Cell?
                for child in children[place.row] ?? [] {
                    guard let below = shown(Place(row: child, column: place.column), depth: depth + 1).cell else { continue }
                    sum = sum ?? Cell()
                    sum?.add(below)
                }
                if let sum, result.cell == nil || !sum.isMostlyUnreported { result = (cell: sum, rolledUp: true) }
            }
            memo[place] = result
            return result
        }
        var cells: [Int64: [Int64: Cell]] = [:]
        var rolledUp: Set<Place> = []
        var rowsReported: Set<Int64> = []
        for row in rows {
            for column in columns {
                let place = Place(row: row, column: column)
                let result = shown(place, depth: 0)
                guard let cell = result.cell else { continue }
                cells[row, default: [:]][column] = cell
                if result.rolledUp { rolledUp.insert(place) }
                if !cell.isMostlyUnreported { rowsReported.insert(row) }
            }
        }
        self.rows = rows.filter { cells[$0] != nil }
        self.columns = columns.filter { column in cells.values.contains { $0[column] != nil } }
        self.cells = cells
        self.rolledUp = rolledUp
        self.withoutValues = Set(self.rows).subtracting(rowsReported)
    }

    public func isRolledUp(_ row: Int64, _ column: Int64) -> Bool { rolledUp.contains(Place(row: row, column: column)) }

    /// Whether any of a row's cells is a roll-up.
    public func hasRollUp(_ row: Int64) -> Bool { columns.contains { isRolledUp(row, $0) } }

    public func cell(_ row: Int64, _ column: Int64) -> Cell? { cells[row]?[column] }

    /// All of a row's cells together.
    public func whole(_ row: Int64) -> Cell {
        var whole = Cell()
        for cell in (cells[row] ?? [:]).values { whole.add(cell) }
        return whole
    }
}

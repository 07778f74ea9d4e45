/// Territories × columns (sections or indicators), each cell summing up the headline statuses
/// of the items that fall in it. A cell shows the status most of its items have (ties go to the
/// worse one), and the number of items in trouble, so one bad indicator among twenty does not
/// paint a whole section red, and twenty bad ones never look fine.
public struct Heatmap: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var counts: [EvaluationStatus: Int] = [:]

        public init(counts: [EvaluationStatus: Int] = [:]) {
            self.counts = counts
        }

        public var total: Int { counts.values.reduce(0, +) }
        /// Missed, not reported or at risk.
        public var troubled: Int { (counts[.missed] ?? 0) + (counts[.notReported] ?? 0) + (counts[.atRisk] ?? 0) }

        public var dominant: EvaluationStatus {
            // allCases is worst first, so the first maximum is the worst of the tied.
            var best: EvaluationStatus = .notDue
            var bestCount = 0
            for status in EvaluationStatus.allCases where (counts[status] ?? 0) > bestCount {
                best = status
                bestCount = counts[status] ?? 0
            }
            return best
        }
    }

    public let rows: [Int64]
    public let columns: [Int64]
    public let cells: [Int64: [Int64: Cell]]

    /// - Parameters:
    ///   - rows, columns: the order to show them in; items outside them are left out.
    public init(rows: [Int64], columns: [Int64], items: [(row: Int64, column: Int64, headline: EvaluationStatus)]) {
        let rowSet = Set(rows)
        let columnSet = Set(columns)
        var cells: [Int64: [Int64: Cell]] = [:]
        for item in items where rowSet.contains(item.row) && columnSet.contains(item.column) {
            cells[item.row, default: [:]][item.column, default: Cell()].counts[item.headline, default: 0] += 1
        }
        self.rows = rows.filter { cells[$0] != nil }
        self.columns = columns.filter { column in cells.values.contains { $0[column] != nil } }
        self.cells = cells
    }

    public func cell(_ row: Int64, _ column: Int64) -> Cell? { cells[row]?[column] }
}

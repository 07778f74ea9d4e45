import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// The heatmap of a run, as the owners' page and the public page show it: the chosen rows, and
/// for a cell most of whose items are not reported, the territories below it that its roll-up needs, read
/// one level at a time and only as far as the caller may see.
public struct HeatmapService: Sendable {
    let dashboard: DashboardRepository

    public init(client: PostgresClient, logger: Logger) {
        self.dashboard = DashboardRepository(client: client, logger: logger)
    }

    /// - Parameters:
    ///   - visible: the territories the caller may read, nil for all.
    ///   - sections: the sections to count, nil for all.
    ///   - byIndicator: columns are indicators rather than sections.
    public func heatmap(
        runID: Int64, rows: [Territory.ID], columns: [Int64], tree: TerritoryTree, visible: Set<Territory.ID>?, sections: [Section.ID]?,
        byIndicator: Bool
    ) async throws -> Heatmap {
        var entries = try await dashboard.heatmapEntries(runID: runID, sections: sections, territories: rows, byIndicator: byIndicator)
        var read = Set(rows)
        var children: [Int64: [Int64]] = [:]
        var level = rows
        // Territory trees are a few levels deep; the bound only guards against a cycle.
        for _ in 0..<8 {
            var own: [Heatmap.Place: Heatmap.Cell] = [:]
            for entry in entries {
                own[Heatmap.Place(row: entry.territory, column: entry.column), default: .init()].counts[entry.headline, default: 0] += entry.count
            }
            var next: [Territory.ID] = []
            // A territory needs the level below when one of its cells is missing or mostly not reported.
            for territory in level where columns.contains(where: { own[Heatmap.Place(row: territory, column: $0)]?.isMostlyUnreported ?? true }) {
                let below = tree.childrenInOrder(of: territory).filter { visible?.contains($0) ?? true }
                children[territory] = below
                next += below.filter { !read.contains($0) }
            }
            guard !next.isEmpty else { break }
            read.formUnion(next)
            entries += try await dashboard.heatmapEntries(runID: runID, sections: sections, territories: next, byIndicator: byIndicator)
            level = next
        }
        return Heatmap(rows: rows, columns: columns, entries: entries, children: children)
    }
}

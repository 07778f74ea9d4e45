import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeStorage

/// The page anyone may read: how the programme stands by region and section, from the latest
/// completed run. Counts and shares only — no people, no comments, no single values.
extension WebController {
    @Sendable func publicProgress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let t = self.t(context)
        let language = self.language(context)
        let policy = try await authorizer.policy()
        guard let run = try await reads.latestCompleted(), let republic = policy.tree.roots.first else {
            return try pages.render("public", title: t.text("public_title"), request: request, context: context, data: ["noRun": true])
        }
        let rows = [republic.id] + policy.tree.childrenInOrder(of: republic.id)
        let sections = try await allSections()
        let items = try await dashboard.headlineItems(runID: run.id, sections: nil, territories: rows)
        let heatmap = Heatmap(
            rows: rows, columns: sections.map(\.id), items: items.map { (row: $0.territoryID, column: $0.sectionID, headline: $0.headline) })
        let columns = sections.filter { heatmap.columns.contains($0.id) }
        func share(_ cell: Heatmap.Cell) -> String {
            let judged = cell.total - (cell.counts[.notDue] ?? 0)
            guard judged > 0 else { return "—" }
            return NumberFormat.format(Double(cell.counts[.achieved] ?? 0) / Double(judged) * 100, language) + "%"
        }
        let tableRows: [[String: Any]] = heatmap.rows.map { id in
            var whole = Heatmap.Cell()
            let cells: [[String: Any]] = columns.map { section in
                guard let cell = heatmap.cell(id, section.id) else { return ["empty": true] }
                for (status, count) in cell.counts { whole.counts[status, default: 0] += count }
                return [
                    "empty": false, "status": Show.status(cell.dominant, t), "share": share(cell), "troubled": cell.troubled, "total": cell.total,
                ]
            }
            return ["name": policy.tree.byID[id]?.name.resolved(language) ?? "", "cells": cells, "share": share(whole), "top": id == republic.id]
        }
        return try pages.render(
            "public", title: t.text("public_title"), request: request, context: context,
            data: [
                "asOf": Show.day(run.asOf, language), "rows": tableRows,
                "columns": columns.map { ["code": $0.code, "name": $0.name.resolved(language)] }, "legend": legend(t),
            ])
    }
}

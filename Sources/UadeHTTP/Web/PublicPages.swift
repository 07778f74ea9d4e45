import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
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
        let heatmap = try await services.heatmaps.heatmap(
            runID: run.id, rows: rows, columns: sections.map(\.id), tree: policy.tree, visible: nil, sections: nil, byIndicator: false)
        let columns = sections.filter { heatmap.columns.contains($0.id) }
        // The number and the colour say the same thing: the share on course, and the shade rule
        // that follows the share in trouble (its complement).
        func share(_ cell: Heatmap.Cell) -> String {
            guard let share = cell.onCourseShare else { return "—" }
            // Rounded up, so that a share just above a threshold never reads as on it (the
            // colour changes above 50% and 80%); never 100% unless every item is on course.
            var percent = (share * 100).rounded(.up)
            if share < 1 { percent = min(percent, 99) }
            return NumberFormat.format(percent, language) + "%"
        }
        let tableRows: [[String: Any]] = heatmap.rows.map { id in
            let cells: [[String: Any]] = columns.map { section in
                guard let cell = heatmap.cell(id, section.id) else { return ["empty": true] }
                return [
                    "empty": false, "status": Show.status(cell.shade, t), "share": share(cell), "onCourse": cell.onCourse, "judged": cell.judged,
                    "rolledUp": heatmap.isRolledUp(id, section.id),
                ]
            }
            let whole = heatmap.whole(id)
            return [
                "name": policy.tree.byID[id]?.name.resolved(language) ?? "", "cells": cells, "share": share(whole),
                "whole": Show.status(whole.shade, t), "top": id == republic.id, "rolledUp": heatmap.hasRollUp(id),
            ]
        }
        return try pages.render(
            "public", title: t.text("public_title"), request: request, context: context,
            data: [
                "asOf": Show.day(run.asOf, language), "rows": tableRows,
                "columns": columns.map { ["code": $0.code, "name": $0.name.resolved(language)] }, "legend": legend(t),
                "anyRolledUp": !heatmap.rolledUp.isEmpty,
            ])
    }
}

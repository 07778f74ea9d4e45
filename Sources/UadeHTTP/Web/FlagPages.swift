import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import UadeDomain
import UadeServices
import UadeStorage

/// The work list of flags: one line per indicator × territory, the most serious and newest
/// first, each with the indicator's name, its value and target, what was explained and where
/// that explanation is read; the home page shows its first lines.
extension WebController {
    static let flagPageSize = 20

    @Sendable func flagsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderFlags(request, context: context)
    }

    /// - Parameter uri: the list's own address, when answering a form posted elsewhere.
    func renderFlags(
        _ request: Request, context: AppRequestContext, uri: String? = nil, refused: RefusedExplanation? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context)
        let language = self.language(context)
        let address = uri ?? request.uri.description
        let query = URI(address).queryParameters
        var selected: [String: String] = [:]
        for name in ["kind", "state", "territory", "section"] {
            if let value = query.get(name), !value.isEmpty { selected[name] = value }
        }
        let offset = min(max(0, Int(query.get("offset") ?? "") ?? 0), PageRequest.maximumOffset)
        let policy = try await authorizer.policy()
        var errors = FormErrors()
        var rows: [[String: Any]] = []
        var total = 0
        var kinds = FlagKind.bySeverity.filter { caller.isAdministrator || !$0.isForAdministrators }
        do {
            let list = try await services.flags.workList(
                FlagWorkListQuery(
                    kind: selected["kind"], state: selected["state"], territory: selected["territory"], section: selected["section"],
                    limit: Self.flagPageSize, offset: offset),
                by: caller)
            rows = flagGroupRows(list.groups, tree: policy.tree, language: language, t: t, next: address, refused: refused)
            total = list.total
            kinds = list.kinds
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            // A filter is not a form to correct field by field: each unreadable one is said above the list.
            let labels = ["kind": "flag_kind", "state": "status", "territory": "territory", "section": "section"]
            errors.general = failure.problems.map { "\(t.text(labels[$0.field] ?? "filter")): \($0.reason(in: language))" }
            if errors.general.isEmpty { errors.general = [failure.detail] }
        }
        let (sectionChoices, territories, base) = try await listFilter(
            "/flags", selected: selected, caller: caller, policy: policy, language: language)
        let size = Self.flagPageSize
        return try pages.render(
            "flags", title: t.text("flags_title"), request: request, context: context,
            data: [
                "groups": rows, "hasGroups": !rows.isEmpty, "total": total, "errors": errors.context,
                "kinds": kinds.map {
                    ["code": $0.rawValue, "label": $0.heading(language), "selected": $0.rawValue == selected["kind"]] as [String: Any]
                },
                "states": [("all", t.text("flag_state_all")), ("open", t.text("flag_state_open")), ("explained", t.text("flag_state_explained"))]
                    .map { ["code": $0.0, "label": $0.1, "selected": $0.0 == (selected["state"] ?? "all")] as [String: Any] },
                "sections": sectionChoices, "territories": territories,
                "prev": offset > 0 ? base + "&offset=\(max(0, offset - size))" : "",
                "next": offset + size < total ? base + "&offset=\(offset + size)" : "",
                "range": Show.range(from: total == 0 ? 0 : offset + 1, to: min(offset + size, total), of: total, language),
            ], status: status)
    }

    /// The lines of a work list as the home page and the flags page show them.
    func flagGroupRows(
        _ groups: [FlagGroup], tree: TerritoryTree, language: Language, t: [String: String], next: String, refused: RefusedExplanation?
    ) -> [[String: Any]] {
        groups.map { group in
            let open = group.flags.filter { $0.state == .open }
            // The form explains the group's open flags at once; it is keyed by the first of them.
            let formID = (open.first ?? group.flags.first)?.id ?? 0
            let explained = group.flags.filter { $0.explanation != nil }.max { ($0.explainedAt ?? .distantPast) < ($1.explainedAt ?? .distantPast) }
            var kinds: [FlagKind] = []
            for flag in group.flags where !kinds.contains(flag.kind) { kinds.append(flag.kind) }
            // The newest periods first, a few of them: the line is a summary, the indicator page has them all.
            let periods = Set(group.flags.map(\.period)).sorted(by: >)
            let shownPeriods = periods.prefix(4).joined(separator: ", ") + (periods.count > 4 ? " … (+\(periods.count - 4))" : "")
            let ref = group.territoryKato ?? String(group.territoryID)
            let unit = group.unitName.resolved(language)
            let cumulative = group.accumulation == .cumulative
            var row: [String: Any] = [
                "id": formID, "also": open.dropFirst().map(\.id),
                "kinds": kinds.map { ["code": $0.rawValue, "label": $0.heading(language)] },
                "indicatorName": group.indicatorName.resolved(language), "indicatorCode": group.indicatorCode,
                "href": "/indicator?indicator=\(group.indicatorCode)&territory=\(ref)",
                "entryHref": "/entry?indicator=\(group.indicatorCode)&territory=\(ref)&period=\(group.latestPeriod.code)",
                "territory": tree.byID[group.territoryID]?.name.resolved(language) ?? String(group.territoryID),
                "period": group.latestPeriod.code, "periods": shownPeriods,
                "flagCount": Plural.count(group.flags.count, .flag, language),
                "target": group.target.map { UnitWords.quantity($0, unit, language) } ?? "—",
                "value": group.value.map { UnitWords.quantity($0, unit, language) } ?? "",
                "reported": group.value != nil, "cumulative": cumulative,
                "runningTotal": group.runningTotal.map { UnitWords.quantity($0, unit, language) } ?? "—",
                "hasOpen": !open.isEmpty,
                "explanation": explained?.explanation ?? "",
                "explainedBy": explained?.explainedBy ?? "",
                "explainedAt": explained?.explainedAt.map { Show.day(Day.inKazakhstan(secondsSince1970: $0.timeIntervalSince1970), language) } ?? "",
                "draft": "", "next": next,
            ]
            if let refused, refused.flagID == formID {
                row["draft"] = refused.text
                row["error"] = refused.reason
            }
            return row
        }
    }
}

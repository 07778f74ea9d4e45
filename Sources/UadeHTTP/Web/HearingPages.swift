import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeStorage

/// Faction staff: hearings, their form, the report previewed in the page, downloads, resolutions.
extension WebController {
    func addHearingRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("hearings", use: hearingsPage)
        router.get("hearings/new", use: newHearingPage)
        router.post("hearings/new", use: createHearing)
        router.get("hearings/:id", use: hearingPage)
        router.get("hearings/:id/edit", use: editHearingPage)
        router.post("hearings/:id/edit", use: updateHearing)
        router.post("hearings/:id/resolutions", use: addResolution)
    }

    @Sendable func hearingsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context), language = self.language(context)
        let outcome = try await InProcessAPI.call(InProcessAPI.wrap(hearingsAPI.list), method: .get, path: "/api/v1/hearings?limit=200", context: context)
        let response = try outcome.get()
        let body = try await InProcessAPI.json(response)
        let policy = try await authorizer.policy()
        let rows: [[String: Any]] = (body["items"] as? [[String: Any]] ?? []).map { item in
            let territory = (item["territory_id"] as? Int64).flatMap { policy.tree.byID[$0] } ?? (item["territory_id"] as? Int).flatMap { policy.tree.byID[Int64($0)] }
            let date = (item["held_on"] as? String).flatMap(Day.init(iso:))
            return ["id": item["id"] ?? 0, "title": item["title"] ?? "", "date": date.map { Show.day($0, language) } ?? "",
                    "territory": territory?.name.resolved(language) ?? "", "held": (item["status"] as? String) == "held",
                    "status": t[(item["status"] as? String) ?? "planned"] ?? ""]
        }
        let canCreate = caller.holds(.factionStaff) || caller.isAdministrator
        return try pages.render("hearings", title: t["hearings_title"]!, request: request, context: context,
                                data: ["rows": rows, "canCreate": canCreate, "empty": rows.isEmpty])
    }

    /// The choices of the hearing form, with `values` (as typed, or as stored) selected.
    func hearingForm(_ caller: Caller, context: AppRequestContext, values: [String: String], chosenSections: Set<String>) async throws -> [String: Any] {
        let language = self.language(context), t = self.t(context)
        let policy = try await authorizer.policy()
        let scope = policy.visibleTerritories(caller, roles: [.factionStaff])
        let territories = territoryChoices(policy.tree, visible: scope, maxDepth: 2, language: language).map { choice -> [String: Any] in
            var choice = choice
            choice["factionSelected"] = values["faction_territory"] == choice["ref"] as? String
            choice["scopeSelected"] = values["territory"] == choice["ref"] as? String
            return choice
        }
        let programme = try await programmes.programmes().first
        let sections = if let programme { try await programmes.sections(programmeID: programme.id) } else { [Section]() }
        let runs = try await reads.runs(limit: 30, offset: 0).filter { $0.status == .completed }
        let choice = values["sections"] ?? "all"
        return [
            "values": values,
            "territories": territories,
            "factions": [["code": "mazhilis", "name": t["faction_mazhilis"]!, "selected": values["faction"] == "mazhilis"],
                         ["code": "maslikhat", "name": t["faction_maslikhat"]!, "selected": values["faction"] == "maslikhat"]],
            "depths": (0...HearingRules.maximumDepth).map { ["value": $0, "selected": values["depth"] == String($0)] },
            "sectionsAll": choice == "all", "sectionsSensitive": choice == "socially_sensitive", "sectionsChosen": choice == "chosen",
            "sectionList": sections.map { ["code": $0.code, "name": $0.code + " · " + $0.name.resolved(language), "checked": chosenSections.contains($0.code)] },
            "runs": runs.map { ["id": $0.id, "label": "#\($0.id) · \($0.asOf)", "selected": values["run_id"] == String($0.id)] },
            "statuses": [["code": "planned", "name": t["planned"]!, "selected": values["status"] != "held"],
                         ["code": "held", "name": t["held"]!, "selected": values["status"] == "held"]],
        ]
    }

    /// The form as the API's JSON; lines of officials as "name; office; KATO".
    func hearingJSON(_ form: WebForm, errors: inout FormErrors) -> [String: Any] {
        var json: [String: Any] = [:]
        for key in ["title", "held_on", "faction", "faction_territory", "territory", "status"] { if let v = form.string(key) { json[key] = v } }
        if let depth = form.string("depth") { json["depth"] = Int(depth) ?? -1 }
        if let run = form.string("run_id") { json["run_id"] = Int(run) ?? -1 }
        switch form.string("sections") ?? "all" {
        case "chosen": json["sections"] = form.all("section_codes")
        case let other: json["sections"] = other
        }
        var officials: [[String: Any]] = []
        for (number, line) in (form.fields["officials"]?.first ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy(\.isEmpty) { continue }
            guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                errors.byField["officials"] = "line \(number + 1): write “name; office; KATO”"
                continue
            }
            var official: [String: Any] = ["name": parts[0], "office": parts[1]]
            if parts.count > 2, !parts[2].isEmpty { official["territory"] = parts[2] }
            officials.append(official)
        }
        json["officials"] = officials
        return json
    }

    func storedValues(_ hearing: Hearing, tree: TerritoryTree, sections: [Section]) -> ([String: String], Set<String>) {
        func ref(_ id: Territory.ID) -> String { tree.byID[id]?.reference ?? String(id) }
        let officials = hearing.officials.map { "\($0.name); \($0.office); \(ref($0.territoryID))" }.joined(separator: "\n")
        let codes = Set(sections.filter { hearing.sectionIDs.contains($0.id) }.map(\.code))
        return (["title": hearing.title, "held_on": hearing.heldOn.iso, "faction": hearing.faction.rawValue, "faction_territory": ref(hearing.factionTerritoryID),
                 "territory": ref(hearing.territoryID), "depth": String(hearing.depth), "sections": hearing.sectionsChoice.rawValue,
                 "run_id": String(hearing.runID), "status": hearing.status.rawValue, "officials": officials], codes)
    }

    @Sendable func newHearingPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        try await authorizer.require(context, .prepareHearing, .anything)
        var values = ["depth": "1", "held_on": today().adding(days: 14).iso, "faction": caller.isAdministrator ? "mazhilis" : "maslikhat"]
        if let first = caller.territories(for: .factionStaff).first {
            let policy = try await authorizer.policy()
            let ref = policy.tree.byID[first]?.reference ?? String(first)
            values["faction_territory"] = ref
            values["territory"] = ref
            if policy.tree.byID[first]?.kind == .republic { values["faction"] = "mazhilis" }
        }
        var data = try await hearingForm(caller, context: context, values: values, chosenSections: [])
        data["action"] = "/hearings/new"
        return try pages.render("hearing_form", title: t(context)["hearing_new"]!, request: request, context: context, data: data)
    }

    @Sendable func createHearing(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 256 << 10)
        try context.requireFormToken(form)
        var errors = FormErrors()
        let json = hearingJSON(form, errors: &errors)
        if errors.isEmpty {
            let outcome = try await InProcessAPI.call(hearingsAPI.create, path: "/api/v1/hearings", json: json, context: context)
            switch outcome {
            case .success(let response):
                let body = try await InProcessAPI.json(response)
                return PageRenderer.redirect("/hearings/\(body["id"] ?? 0)?notice=saved")
            case .failure(let error):
                if error.status == .forbidden { throw error }
                errors = FormErrors(error)
            }
        }
        var data = try await hearingForm(caller, context: context, values: form.echo, chosenSections: Set(form.all("section_codes")))
        data["action"] = "/hearings/new"
        data["errors"] = errors.context
        return try pages.render("hearing_form", title: t(context)["hearing_new"]!, request: request, context: context, data: data,
                                status: .unprocessableContent)
    }

    func loadHearing(_ context: AppRequestContext) async throws -> Hearing {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), let hearing = try await hearings.hearing(id: id) else { throw APIError.notFound("no hearing \(text)") }
        return hearing
    }

    @Sendable func hearingPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderHearing(request, context: context)
    }

    /// The hearing, with a refused resolution's errors and input when there are any.
    func renderHearing(_ request: Request, context: AppRequestContext, resolution: (errors: FormErrors, input: [String: String])? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context), language = self.language(context)
        let hearing = try await loadHearing(context)
        let policy = try await authorizer.policy()
        let access = policy.reportAccess(caller, factionTerritory: hearing.factionTerritoryID)
        if access == .none { throw APIError(.forbidden, kind: "forbidden", detail: "not this account's hearing") }
        let canEdit = policy.decide(caller, .prepareHearing, Resource(territoryID: hearing.factionTerritoryID)).isAllowed
        let sections = try await programmes.sections(programmeID: hearing.programmeID)
        let covered = HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs, of: sections)
        var resolutions = try await hearings.resolutions(hearingID: hearing.id)
        if case .sections(let owned) = access { resolutions = resolutions.filter { owned.contains($0.sectionId) } }
        let report = "/api/v1/hearings/\(hearing.id)/report?lang=\(language.rawValue)"
        let chosenSection = resolution?.input["section"]
        return try pages.render("hearing", title: hearing.title, request: request, context: context, data: [
            "errors": resolution?.errors.context ?? [:], "input": resolution?.input ?? [:],
            "id": hearing.id, "hearingTitle": hearing.title, "date": Show.day(hearing.heldOn, language),
            "faction": t[hearing.faction == .mazhilis ? "faction_mazhilis" : "faction_maslikhat"]!,
            "territory": policy.tree.byID[hearing.territoryID]?.name.resolved(language) ?? "",
            "status": t[hearing.status.rawValue] ?? "", "held": hearing.status == .held, "run": hearing.runID,
            "sections": covered.map { $0.code + " · " + $0.name.resolved(language) },
            "officials": hearing.officials.map { ["name": $0.name, "office": $0.office] },
            "preview": report + "&format=html", "docx": report + "&format=docx", "csv": report + "&format=csv", "html": report + "&format=html",
            "canEdit": canEdit,
            "resolutions": resolutions.map { ["code": $0.measureCode, "text": $0.text, "deadline": (Day(iso: $0.deadline).map { Show.day($0, language) } ?? $0.deadline),
                                              "executor": $0.executor, "status": $0.status] },
            "sectionChoices": covered.map { ["code": $0.code, "name": $0.code + " · " + $0.name.resolved(language), "selected": chosenSection == $0.code] },
        ], status: status)
    }

    @Sendable func editHearingPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let hearing = try await loadHearing(context)
        try await authorizer.require(context, .prepareHearing, Resource(territoryID: hearing.factionTerritoryID))
        let policy = try await authorizer.policy()
        let (values, codes) = storedValues(hearing, tree: policy.tree, sections: try await programmes.sections(programmeID: hearing.programmeID))
        var data = try await hearingForm(caller, context: context, values: values, chosenSections: codes)
        data["action"] = "/hearings/\(hearing.id)/edit"
        data["id"] = hearing.id
        return try pages.render("hearing_form", title: t(context)["hearing_edit"]!, request: request, context: context, data: data)
    }

    @Sendable func updateHearing(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let hearing = try await loadHearing(context)
        let form = try await WebForm.read(request, limit: 256 << 10)
        try context.requireFormToken(form)
        var errors = FormErrors()
        let json = hearingJSON(form, errors: &errors)
        if errors.isEmpty {
            let outcome = try await InProcessAPI.call(InProcessAPI.wrap(hearingsAPI.update), method: .patch, path: "/api/v1/hearings/\(hearing.id)",
                                                      json: json, parameters: ["id": String(hearing.id)], context: context)
            switch outcome {
            case .success: return PageRenderer.redirect("/hearings/\(hearing.id)?notice=saved")
            case .failure(let error):
                if error.status == .forbidden { throw error }
                errors = FormErrors(error)
            }
        }
        var data = try await hearingForm(caller, context: context, values: form.echo, chosenSections: Set(form.all("section_codes")))
        data["action"] = "/hearings/\(hearing.id)/edit"
        data["id"] = hearing.id
        data["errors"] = errors.context
        return try pages.render("hearing_form", title: t(context)["hearing_edit"]!, request: request, context: context, data: data,
                                status: .unprocessableContent)
    }

    @Sendable func addResolution(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requirePageCaller()
        let hearing = try await loadHearing(context)
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        var json: [String: Any] = [:]
        for key in ["text", "section", "territory", "deadline", "executor"] { if let v = form.string(key) { json[key] = v } }
        let outcome = try await InProcessAPI.call(hearingsAPI.addResolution, path: "/api/v1/hearings/\(hearing.id)/resolutions", json: json,
                                                  parameters: ["id": String(hearing.id)], context: context)
        switch outcome {
        case .success: return PageRenderer.redirect("/hearings/\(hearing.id)?notice=saved#resolutions")
        case .failure(let error):
            if error.status == .forbidden { throw error }
            return try await renderHearing(request, context: context, resolution: (FormErrors(error), form.echo), status: error.status)
        }
    }
}

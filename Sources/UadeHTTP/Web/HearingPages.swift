import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UadeDomain
import UadeServices
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
        let t = self.t(context)
        let language = self.language(context)
        let (items, _) = try await hearingAnswer { try await services.hearings.list(by: caller, page: PageRequest(limit: 200, offset: 0)) }
        let policy = try await authorizer.policy()
        let rows: [[String: Any]] = items.map { record in
            let hearing = record.hearing
            return [
                "id": hearing.id, "title": hearing.title, "date": Show.day(hearing.heldOn, language),
                "territory": policy.tree.byID[hearing.territoryID]?.name.resolved(language) ?? "", "held": hearing.status == .held,
                "status": t[hearing.status.rawValue] ?? "",
            ]
        }
        let canCreate = caller.holds(.factionStaff) || caller.isAdministrator
        return try pages.render(
            "hearings", title: t.text("hearings_title"), request: request, context: context,
            data: ["rows": rows, "canCreate": canCreate, "empty": rows.isEmpty])
    }

    /// A service's answer; a refusal that is not about the form's fields becomes the error page.
    func hearingAnswer<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ServiceFailure {
            throw APIError(failure)
        }
    }

    /// The choices of the hearing form, with `values` (as typed, or as stored) selected.
    func hearingForm(_ caller: Caller, context: AppRequestContext, values: [String: String], chosenSections: Set<String>) async throws -> [String:
        Any]
    {
        let language = self.language(context)
        let t = self.t(context)
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
            "factions": [
                ["code": "mazhilis", "name": t.text("faction_mazhilis"), "selected": values["faction"] == "mazhilis"],
                ["code": "maslikhat", "name": t.text("faction_maslikhat"), "selected": values["faction"] == "maslikhat"],
            ],
            "depths": (0...HearingRules.maximumDepth).map { ["value": $0, "selected": values["depth"] == String($0)] },
            "sectionsAll": choice == "all", "sectionsSensitive": choice == "socially_sensitive", "sectionsChosen": choice == "chosen",
            "sectionList": sections.map {
                ["code": $0.code, "name": $0.code + " · " + $0.name.resolved(language), "checked": chosenSections.contains($0.code)]
            },
            "runs": runs.map { ["id": $0.id, "label": "#\($0.id) · \($0.asOf)", "selected": values["run_id"] == String($0.id)] },
            "statuses": [
                ["code": "planned", "name": t.text("planned"), "selected": values["status"] != "held"],
                ["code": "held", "name": t.text("held"), "selected": values["status"] == "held"],
            ],
        ]
    }

    /// The hearing form as the service's input; lines of officials as "name; office; KATO".
    func hearingInput(_ form: WebForm) -> HearingInput {
        var problems: [FieldProblem] = []
        var input = HearingInput(
            faction: form.text("faction", problems: &problems), factionTerritory: form.text("faction_territory", problems: &problems),
            territory: form.text("territory", problems: &problems), heldOn: form.text("held_on", problems: &problems),
            title: form.text("title", problems: &problems), status: form.text("status", problems: &problems))
        input.depth = form.integer("depth", problems: &problems).map { Int(clamping: $0) }
        input.runID = form.integer("run_id", problems: &problems)
        switch form.string("sections") ?? "all" {
        case "chosen":
            let codes = form.all("section_codes")
            if codes.isEmpty {
                problems.append(FieldProblem(field: "sections", reason: "choose at least one section"))
            } else {
                input.sections = .codes(codes)
            }
        case "socially_sensitive": input.sections = .sociallySensitive
        case "all": input.sections = .all
        case let other: problems.append(FieldProblem(field: "sections", reason: "not a choice: \(other)"))
        }
        var officials: [HearingInput.Official] = []
        for (number, line) in (form.fields["officials"]?.first ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.allSatisfy(\.isEmpty) { continue }
            guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                problems.append(FieldProblem(field: "officials", reason: "line \(number + 1): write “name; office; KATO”"))
                continue
            }
            officials.append(
                HearingInput.Official(name: parts[0], office: parts[1], territory: parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil))
        }
        input.officials = officials
        input.unreadable = problems
        return input
    }

    func storedValues(_ hearing: Hearing, tree: TerritoryTree, sections: [Section]) -> ([String: String], Set<String>) {
        func ref(_ id: Territory.ID) -> String { tree.byID[id]?.reference ?? String(id) }
        let officials = hearing.officials.map { "\($0.name); \($0.office); \(ref($0.territoryID))" }.joined(separator: "\n")
        let codes = Set(sections.filter { hearing.sectionIDs.contains($0.id) }.map(\.code))
        return (
            [
                "title": hearing.title, "held_on": hearing.heldOn.iso, "faction": hearing.faction.rawValue,
                "faction_territory": ref(hearing.factionTerritoryID),
                "territory": ref(hearing.territoryID), "depth": String(hearing.depth), "sections": hearing.sectionsChoice.rawValue,
                "run_id": String(hearing.runID), "status": hearing.status.rawValue, "officials": officials,
            ], codes
        )
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
        return try pages.render("hearing_form", title: text("hearing_new", context), request: request, context: context, data: data)
    }

    @Sendable func createHearing(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let form = try await WebForm.read(request, limit: 256 << 10)
        try context.requireFormToken(form)
        let errors: FormErrors
        do {
            let record = try await services.hearings.create(hearingInput(form), by: caller, requestID: context.id)
            return PageRenderer.redirect("/hearings/\(record.hearing.id)?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden { throw APIError(failure) }
            errors = FormErrors(failure, language(context))
        }
        var data = try await hearingForm(caller, context: context, values: form.echo, chosenSections: Set(form.all("section_codes")))
        data["action"] = "/hearings/new"
        data["errors"] = errors.context
        return try pages.render(
            "hearing_form", title: text("hearing_new", context), request: request, context: context, data: data,
            status: .unprocessableContent)
    }

    func hearingID(_ context: AppRequestContext) throws -> Hearing.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw APIError.notFound("no hearing \(text)") }
        return id
    }

    @Sendable func hearingPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderHearing(request, context: context)
    }

    /// The hearing, with a refused resolution's errors and input when there are any.
    func renderHearing(
        _ request: Request, context: AppRequestContext, resolution: (errors: FormErrors, input: [String: String])? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let caller = try context.requirePageCaller()
        let t = self.t(context)
        let language = self.language(context)
        let id = try hearingID(context)
        let (record, access) = try await hearingAnswer { try await services.hearings.hearing(id, by: caller) }
        let hearing = record.hearing
        let policy = try await authorizer.policy()
        let canEdit = access == .whole
        let sections = try await programmes.sections(programmeID: hearing.programmeID)
        let covered = HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs, of: sections)
        let resolutions = try await hearingAnswer { try await services.hearings.resolutions(of: id, by: caller) }
        let report = "/api/v1/hearings/\(hearing.id)/report?lang=\(language.rawValue)"
        let chosenSection = resolution?.input["section"]
        return try pages.render(
            "hearing", title: hearing.title, request: request, context: context,
            data: [
                "errors": resolution?.errors.context ?? [:], "input": resolution?.input ?? [:],
                "id": hearing.id, "hearingTitle": hearing.title, "date": Show.day(hearing.heldOn, language),
                "faction": hearing.faction.heading(language),
                "territory": policy.tree.byID[hearing.territoryID]?.name.resolved(language) ?? "",
                "status": t[hearing.status.rawValue] ?? "", "held": hearing.status == .held, "run": hearing.runID,
                "sections": covered.map { $0.code + " · " + $0.name.resolved(language) },
                "officials": hearing.officials.map { ["name": $0.name, "office": $0.office] },
                "preview": report + "&format=html", "docx": report + "&format=docx", "csv": report + "&format=csv", "html": report + "&format=html",
                "canEdit": canEdit,
                "resolutions": resolutions.map {
                    [
                        "code": $0.measureCode, "text": $0.text, "deadline": Show.day($0.deadline, language),
                        "executor": $0.executor, "status": $0.status.heading(language),
                    ]
                },
                "sectionChoices": covered.map {
                    ["code": $0.code, "name": $0.code + " · " + $0.name.resolved(language), "selected": chosenSection == $0.code]
                },
            ], status: status)
    }

    @Sendable func editHearingPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let id = try hearingID(context)
        try await hearingAnswer { try await services.hearings.requireMayChange(id, by: caller) }
        let hearing = try await hearingAnswer { try await services.hearings.hearing(id, by: caller) }.record.hearing
        let policy = try await authorizer.policy()
        let (values, codes) = storedValues(hearing, tree: policy.tree, sections: try await programmes.sections(programmeID: hearing.programmeID))
        var data = try await hearingForm(caller, context: context, values: values, chosenSections: codes)
        data["action"] = "/hearings/\(hearing.id)/edit"
        data["id"] = hearing.id
        return try pages.render("hearing_form", title: text("hearing_edit", context), request: request, context: context, data: data)
    }

    @Sendable func updateHearing(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let id = try hearingID(context)
        try await hearingAnswer { try await services.hearings.requireMayChange(id, by: caller) }
        let form = try await WebForm.read(request, limit: 256 << 10)
        try context.requireFormToken(form)
        let errors: FormErrors
        do {
            _ = try await services.hearings.update(id, with: hearingInput(form), by: caller, requestID: context.id)
            return PageRenderer.redirect("/hearings/\(id)?notice=saved")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden || failure.kind == .notFound { throw APIError(failure) }
            errors = FormErrors(failure, language(context))
        }
        var data = try await hearingForm(caller, context: context, values: form.echo, chosenSections: Set(form.all("section_codes")))
        data["action"] = "/hearings/\(id)/edit"
        data["id"] = id
        data["errors"] = errors.context
        return try pages.render(
            "hearing_form", title: text("hearing_edit", context), request: request, context: context, data: data,
            status: .unprocessableContent)
    }

    @Sendable func addResolution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requirePageCaller()
        let id = try hearingID(context)
        try await hearingAnswer { try await services.hearings.requireMayChange(id, by: caller) }
        let form = try await WebForm.read(request, limit: 64 << 10)
        try context.requireFormToken(form)
        var problems: [FieldProblem] = []
        let input = ResolutionInput(
            text: form.text("text", problems: &problems), section: form.text("section", problems: &problems),
            territory: form.text("territory", problems: &problems), deadline: form.text("deadline", problems: &problems),
            executor: form.text("executor", problems: &problems), unreadable: problems)
        do {
            _ = try await services.hearings.addResolution(to: id, input, by: caller, requestID: context.id)
            return PageRenderer.redirect("/hearings/\(id)?notice=saved#resolutions")
        } catch let failure as ServiceFailure {
            if failure.kind == .forbidden || failure.kind == .notFound { throw APIError(failure) }
            return try await renderHearing(
                request, context: context, resolution: (FormErrors(failure, language(context)), form.echo), status: APIError(failure).status)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import PostgresNIO
import UadeDomain
import UadeReports
import UadeServices
import UadeStorage

struct OfficialDTO: Codable, Sendable {
    let name: String
    let office: String
    let territoryId: Int64
}

struct HearingDTO: ResponseCodable, Sendable {
    let id: Int64
    let programmeId: Int64
    let faction: String
    let factionTerritoryId: Int64
    let heldOn: String
    let title: String
    let territoryId: Int64
    let depth: Int
    let sections: String
    let sectionCodes: [String]
    let runId: Int64
    let status: String
    let officials: [OfficialDTO]

    init(_ h: Hearing, sections: [Section]) {
        let codes = Dictionary(uniqueKeysWithValues: sections.map { ($0.id, $0.code) })
        id = h.id
        programmeId = h.programmeID
        faction = h.faction.rawValue
        factionTerritoryId = h.factionTerritoryID
        heldOn = h.heldOn.iso
        title = h.title
        territoryId = h.territoryID
        depth = h.depth
        self.sections = h.sectionsChoice.rawValue
        sectionCodes = HearingRules.sections(h.sectionsChoice, chosen: h.sectionIDs, of: sections).compactMap { codes[$0.id] }
        runId = h.runID
        status = h.status.rawValue
        officials = h.officials.map { OfficialDTO(name: $0.name, office: $0.office, territoryId: $0.territoryID) }
    }
}

extension ResolutionView: ResponseCodable {}

/// Faction hearings: creating and editing them, their resolutions, and their reports.
struct HearingsController: Sendable {
    let hearings: HearingRepository
    let programmes: ProgrammeRepository
    let reports: ReportService
    let authorizer: Authorizer

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("hearings", use: list)
        group.post("hearings", use: create)
        group.get("hearings/:id", use: show)
        group.patch("hearings/:id", use: update)
        group.get("hearings/:id/resolutions", use: resolutions)
        group.post("hearings/:id/resolutions", use: addResolution)
        group.get("hearings/:id/report", use: report)
    }

    // MARK: Reading

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<HearingDTO> {
        let caller = try context.requireCaller()
        let page = try QueryParameters(request: request).page()
        let policy = try await authorizer.policy()
        // Bureau members may read their part of any hearing's report, so they see every hearing.
        var territories = policy.visibleTerritories(caller, roles: [.factionStaff])
        if caller.holds(.bureauMember) && !caller.ownedSections.isEmpty { territories = nil }
        if let territories, territories.isEmpty {
            throw APIError(.forbidden, kind: "forbidden", detail: "hearings are for faction staff, administrators and Bureau members")
        }
        let (items, total) = try await hearings.list(territories: territories.map { Array($0) }, limit: page.limit, offset: page.offset)
        var sectionsByProgramme: [Int64: [Section]] = [:]
        var dtos: [HearingDTO] = []
        for hearing in items {
            if sectionsByProgramme[hearing.programmeID] == nil {
                sectionsByProgramme[hearing.programmeID] = try await programmes.sections(programmeID: hearing.programmeID)
            }
            dtos.append(HearingDTO(hearing, sections: sectionsByProgramme[hearing.programmeID] ?? []))
        }
        return ListDTO(items: dtos, total: total, limit: page.limit, offset: page.offset)
    }

    /// The hearing, once the caller may read at least part of its report.
    func readable(_ context: AppRequestContext) async throws -> (Hearing, AccessPolicy.ReportAccess) {
        let caller = try context.requireCaller()
        let hearing = try await find(context)
        let access = try await authorizer.policy().reportAccess(caller, factionTerritory: hearing.factionTerritoryID)
        if access == .none {
            throw APIError(.forbidden, kind: "forbidden", detail: "hearings are read by faction staff of the faction's territory and by Bureau members")
        }
        return (hearing, access)
    }

    func find(_ context: AppRequestContext) async throws -> Hearing {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError.invalidParameter("path.id", "must be a hearing id, not '\(text)'") }
        guard let hearing = try await hearings.hearing(id: id) else { throw APIError.notFound("no hearing \(id)") }
        return hearing
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HearingDTO {
        let (hearing, _) = try await readable(context)
        return HearingDTO(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID))
    }

    @Sendable func resolutions(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ResolutionView> {
        let (hearing, access) = try await readable(context)
        var items = try await hearings.resolutions(hearingID: hearing.id)
        if case .sections(let owned) = access { items = items.filter { owned.contains($0.sectionId) } }
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (hearing, access) = try await readable(context)
        let query = QueryParameters(request: request)
        let language = try query.language()
        let formatText = query.string("format") ?? "html"
        guard let format = ReportFormat(rawValue: formatText) else {
            throw APIError.invalidParameter("query.format", "must be one of html, docx, csv, json, not '\(formatText)'")
        }
        var part: [Section.ID]?
        if case .sections(let owned) = access {
            let covered = HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs,
                                                of: try await programmes.sections(programmeID: hearing.programmeID)).map(\.id)
            part = covered.filter { owned.contains($0) }
            if part?.isEmpty == true {
                throw APIError(.forbidden, kind: "forbidden", detail: "this hearing covers none of the sections this Bureau member owns")
            }
        }
        let rendered: RenderedReport
        do {
            rendered = try await reports.render(hearing, format: format, language: language, partForSections: part)
        } catch ReportError.runNotCompleted(let run) {
            throw APIError(.conflict, kind: "run-not-completed", detail: "the hearing's evaluation run \(run) is not a completed run")
        }
        var headers: HTTPFields = [.contentType: rendered.contentType]
        headers[.contentDisposition] = "\(format == .html || format == .json ? "inline" : "attachment"); filename=\"\(rendered.fileName)\""
        headers[HTTPField.Name("X-Report-Fingerprint")!] = rendered.fingerprint
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: rendered.data)))
    }

    // MARK: Writing

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Who may prepare hearings at all is decided before the body is read: a caller who may
        // not learns nothing from validation messages.
        try await authorizer.require(context, .prepareHearing, .anything)
        let body = try await JSONBody.read(request, context: context)
        let draft = try await draft(from: body, existing: nil)
        let caller = try await authorizer.require(context, .prepareHearing, Resource(territoryID: draft.factionTerritoryID))
        let hearing = try await hearings.create(draft, by: caller.accountID, requestID: context.id)
        return try HearingDTO(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID))
            .response(from: request, context: context).with(status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> HearingDTO {
        _ = try context.requireCaller()
        let existing = try await find(context)
        // Both the faction as it is and as it would be must be the caller's.
        try await authorizer.require(context, .prepareHearing, Resource(territoryID: existing.factionTerritoryID))
        let body = try await JSONBody.read(request, context: context)
        let draft = try await draft(from: body, existing: existing)
        let caller = try await authorizer.require(context, .prepareHearing, Resource(territoryID: draft.factionTerritoryID))
        do {
            let hearing = try await hearings.update(id: existing.id, draft, by: caller.accountID, requestID: context.id)
            return HearingDTO(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID))
        } catch HearingError.runFrozen {
            throw APIError(.conflict, kind: "run-frozen", detail: "the hearing was held: its report's evaluation run cannot change",
                           fields: [.init(field: "body.run_id", reason: "a held hearing keeps its run")])
        }
    }

    @Sendable func addResolution(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let hearing = try await find(context)
        let caller = try await authorizer.require(context, .prepareHearing, Resource(territoryID: hearing.factionTerritoryID))
        guard hearing.status == .held else {
            throw APIError(.conflict, kind: "hearing-not-held", detail: "resolutions are recorded after the hearing: mark it held first")
        }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["text", "section", "territory", "deadline", "executor", "owner_person_id"], problems: &problems)
        let text = body.string("text", required: true, problems: &problems)
        let sectionCode = body.string("section", required: true, problems: &problems)
        let territoryRef = body.string("territory", problems: &problems)
        let deadlineText = body.string("deadline", required: true, problems: &problems)
        let executor = body.string("executor", required: true, problems: &problems)
        let owner = body.number("owner_person_id", problems: &problems)
        if let text, text.count > 2_000 { problems.append(.init(field: "body.text", reason: "must be at most 2000 characters")) }
        if let executor, executor.count > 300 { problems.append(.init(field: "body.executor", reason: "must be at most 300 characters")) }
        let deadline = deadlineText.flatMap(Day.init(iso:))
        if deadlineText != nil && deadline == nil { problems.append(.init(field: "body.deadline", reason: "must be a date as YYYY-MM-DD")) }
        if let deadline, deadline < hearing.heldOn { problems.append(.init(field: "body.deadline", reason: "must not be before the hearing (\(hearing.heldOn.iso))")) }
        let sections = HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs,
                                             of: try await programmes.sections(programmeID: hearing.programmeID))
        let section = sectionCode.flatMap { code in sections.first { $0.code == code } }
        if let sectionCode, section == nil { problems.append(.init(field: "body.section", reason: "'\(sectionCode)' is not a section of this hearing")) }
        let policy = try await authorizer.policy()
        var territoryID = hearing.territoryID
        if let territoryRef {
            if let found = policy.tree.find(territoryRef), policy.tree.subtree(of: hearing.territoryID).contains(found.id) {
                territoryID = found.id
            } else {
                problems.append(.init(field: "body.territory", reason: "must be the hearing's territory or a territory below it"))
            }
        }
        if let owner, owner != owner.rounded() || owner < 1 || owner >= 1e15 { problems.append(.init(field: "body.owner_person_id", reason: "must be a person's id")) }
        try throwIfProblems(problems)
        do {
            let view = try await hearings.addResolution(
                hearingID: hearing.id,
                ResolutionDraft(text: text!, sectionID: section!.id, territoryID: territoryID, deadline: deadline!, executor: executor!,
                                ownerPersonID: owner.map { Int64($0) }),
                by: caller.accountID, requestID: context.id)
            return try view.response(from: request, context: context).with(status: .created)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw APIError(.unprocessableContent, kind: "invalid-fields", detail: "body.owner_person_id: no such person",
                           fields: [.init(field: "body.owner_person_id", reason: "no such person")])
        }
    }

    /// Reads a hearing from a body: every field for a new one, only the fields present for an edit.
    func draft(from body: JSONBody, existing: Hearing?) async throws -> HearingDraft {
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["programme", "faction", "faction_territory", "territory", "held_on", "title", "depth", "status", "sections",
                                "officials", "run_id"], problems: &problems)
        let policy = try await authorizer.policy()
        let tree = policy.tree
        func territory(_ key: String) -> Territory? {
            guard let ref = body.string(key, problems: &problems) else { return nil }
            guard let found = tree.find(ref) else {
                problems.append(.init(field: "body.\(key)", reason: "no territory with this KATO code or id"))
                return nil
            }
            return found
        }

        // Programme
        let allProgrammes = try await programmes.programmes()
        var programme = existing.flatMap { e in allProgrammes.first { $0.id == e.programmeID } } ?? allProgrammes.first
        if let code = body.string("programme", problems: &problems) {
            programme = allProgrammes.first { $0.code == code }
            if programme == nil { problems.append(.init(field: "body.programme", reason: "no programme \(code)")) }
        } else if programme == nil {
            problems.append(.init(field: "body.programme", reason: "there is no programme to hold a hearing on"))
        }

        // Faction and territories
        var faction = existing?.faction
        if let text = body.string("faction", required: existing == nil, problems: &problems) {
            faction = Faction(rawValue: text)
            if faction == nil { problems.append(.init(field: "body.faction", reason: "must be mazhilis or maslikhat")) }
        }
        var factionTerritory = territory("faction_territory") ?? existing.flatMap { tree.byID[$0.factionTerritoryID] }
        if factionTerritory == nil, faction == .mazhilis { factionTerritory = tree.roots.first }
        if factionTerritory == nil, faction == .maslikhat, body.object["faction_territory"] == nil {
            problems.append(.init(field: "body.faction_territory", reason: "is required for a maslikhat faction"))
        }
        if let faction, let factionTerritory, let problem = HearingRules.factionProblem(faction, territory: factionTerritory) {
            problems.append(.init(field: "body.faction_territory", reason: problem))
        }
        let scope = territory("territory") ?? existing.flatMap { tree.byID[$0.territoryID] } ?? factionTerritory
        if let scope, let factionTerritory, let problem = HearingRules.scopeProblem(scope: scope.id, factionTerritory: factionTerritory.id, tree: tree) {
            problems.append(.init(field: "body.territory", reason: problem))
        }

        // Date, title, depth, status
        var heldOn = existing?.heldOn
        if let text = body.string("held_on", required: existing == nil, problems: &problems) {
            heldOn = Day(iso: text)
            if heldOn == nil { problems.append(.init(field: "body.held_on", reason: "must be a date as YYYY-MM-DD")) }
        }
        var title = existing?.title
        if let text = body.string("title", required: existing == nil, problems: &problems) {
            title = text
            if text.count > 300 { problems.append(.init(field: "body.title", reason: "must be at most 300 characters")) }
        }
        var depth = existing?.depth ?? 1
        if let number = body.number("depth", problems: &problems) {
            if number == number.rounded(), number >= 0, number <= Double(HearingRules.maximumDepth) { depth = Int(number) }
            else { problems.append(.init(field: "body.depth", reason: "must be a whole number from 0 to \(HearingRules.maximumDepth)")) }
        }
        var status = existing?.status ?? .planned
        if let text = body.string("status", problems: &problems) {
            if let value = HearingStatus(rawValue: text) { status = value }
            else { problems.append(.init(field: "body.status", reason: "must be planned or held")) }
        }

        // Sections: "all", "socially_sensitive", or a list of section codes
        var choice = existing?.sectionsChoice ?? .all
        var chosen = existing?.sectionIDs ?? []
        var sections: [Section] = []
        if let programme { sections = try await programmes.sections(programmeID: programme.id) }
        switch body.object["sections"] {
        case nil, .null:
            break
        case .string(let text) where text == "all" || text == "socially_sensitive":
            choice = SectionsChoice(rawValue: text)!
            chosen = []
        case .array(let values) where !values.isEmpty:
            choice = .chosen
            chosen = []
            for (index, value) in values.enumerated() {
                if case .string(let code) = value, let section = sections.first(where: { $0.code == code }) {
                    chosen.append(section.id)
                } else {
                    problems.append(.init(field: "body.sections[\(index)]", reason: "not a section code of the programme"))
                }
            }
        default:
            problems.append(.init(field: "body.sections", reason: "must be \"all\", \"socially_sensitive\" or a non-empty list of section codes"))
        }

        // Officials
        var officials = existing?.officials ?? []
        switch body.object["officials"] {
        case nil:
            break
        case .null:
            officials = []
        case .array(let values) where values.count <= 50:
            officials = []
            for (index, value) in values.enumerated() {
                guard case .object(let fields) = value,
                      case .string(let name)? = fields["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty, TextLimits.check(name, field: "name") == nil,
                      case .string(let office)? = fields["office"], !office.trimmingCharacters(in: .whitespaces).isEmpty, TextLimits.check(office, field: "office") == nil
                else {
                    problems.append(.init(field: "body.officials[\(index)]", reason: "must be an object with a name (≤ 200 characters) and an office (≤ 300)"))
                    continue
                }
                var official: Territory? = scope
                switch fields["territory"] {
                case nil, .null: break
                case .string(let ref): official = tree.find(ref)
                case .number(let n) where n == n.rounded() && abs(n) < 1e15: official = tree.find(String(Int64(n)))
                default: official = nil
                }
                guard let official, let scope, tree.subtree(of: scope.id).contains(official.id) else {
                    problems.append(.init(field: "body.officials[\(index)].territory", reason: "must be the hearing's territory or a territory below it"))
                    continue
                }
                officials.append(Official(name: name.trimmingCharacters(in: .whitespaces), office: office.trimmingCharacters(in: .whitespaces),
                                          territoryID: official.id))
            }
        default:
            problems.append(.init(field: "body.officials", reason: "must be a list of at most 50 officials"))
        }

        // The run: a completed run of the programme covering the territory; by default the latest.
        var runID = existing?.runID
        if let number = body.number("run_id", problems: &problems) {
            if number == number.rounded(), number >= 1, number < 1e15 { runID = Int64(number) }
            else { problems.append(.init(field: "body.run_id", reason: "must be a run id")) }
        }
        if let programme, let scope {
            let ancestry = tree.ancestry(of: scope.id)
            if let id = runID, body.object["run_id"] != nil || existing?.territoryID != scope.id {
                let run = try await hearings.run(id: id)
                if run == nil || run?.completed != true || run?.programmeID != programme.id || run?.territoryID.map({ ancestry.contains($0) }) == false {
                    problems.append(.init(field: "body.run_id", reason: "must be a completed evaluation run of the programme that covers the hearing's territory"))
                }
            } else if runID == nil {
                runID = try await hearings.latestRun(programmeID: programme.id, covering: ancestry)
                if runID == nil {
                    problems.append(.init(field: "body.run_id", reason: "no completed evaluation run covers this territory yet: run an evaluation first"))
                }
            }
        }
        try throwIfProblems(problems)
        return HearingDraft(programmeID: programme!.id, faction: faction!, factionTerritoryID: factionTerritory!.id, heldOn: heldOn!, title: title!,
                            territoryID: scope!.id, depth: depth, sectionsChoice: choice, sectionIDs: chosen, runID: runID!, status: status,
                            officials: officials)
    }
}

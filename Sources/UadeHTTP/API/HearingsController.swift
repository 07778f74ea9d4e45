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

    init(_ record: HearingRecord) {
        let h = record.hearing
        id = h.id
        programmeId = h.programmeID
        faction = h.faction.rawValue
        factionTerritoryId = h.factionTerritoryID
        heldOn = h.heldOn.iso
        title = h.title
        territoryId = h.territoryID
        depth = h.depth
        sections = h.sectionsChoice.rawValue
        sectionCodes = record.sectionCodes
        runId = h.runID
        status = h.status.rawValue
        officials = h.officials.map { OfficialDTO(name: $0.name, office: $0.office, territoryId: $0.territoryID) }
    }
}

struct ResolutionDTO: ResponseCodable, Sendable {
    let id: Int64
    let hearingId: Int64
    let measureCode: String
    let text: String
    let sectionId: Int64
    let territoryId: Int64
    let deadline: String
    let executor: String
    let ownerPersonId: Int64?
    let status: String

    init(_ resolution: Resolution) {
        id = resolution.id
        hearingId = resolution.hearingID
        measureCode = resolution.measureCode
        text = resolution.text
        sectionId = resolution.sectionID
        territoryId = resolution.territoryID
        deadline = resolution.deadline.iso
        executor = resolution.executor
        ownerPersonId = resolution.ownerPersonID
        status = resolution.status.rawValue
    }
}

/// Faction hearings: `HearingService` behind the API's words.
struct HearingsController: Sendable {
    let service: HearingService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("hearings", use: list)
        group.post("hearings", use: create)
        group.get("hearings/:id", use: show)
        group.patch("hearings/:id", use: update)
        group.get("hearings/:id/resolutions", use: resolutions)
        group.post("hearings/:id/resolutions", use: addResolution)
        group.get("hearings/:id/report", use: report)
    }

    /// A service's answer, its refusals as problem documents.

    func hearingID(_ context: AppRequestContext) throws -> Hearing.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError.invalidParameter("path.id", "must be a hearing id, not '\(text)'") }
        return id
    }

    // MARK: Reading

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListDTO<HearingDTO> {
        let caller = try context.requireCaller()
        let page = try QueryParameters(request: request).page()
        let (items, total) = try await APIError.answering { try await service.list(by: caller, page: page) }
        return ListDTO(items: items.map(HearingDTO.init), total: total, limit: page.limit, offset: page.offset)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HearingDTO {
        let caller = try context.requireCaller()
        let id = try hearingID(context)
        return HearingDTO(try await APIError.answering { try await service.hearing(id, by: caller) }.record)
    }

    @Sendable func resolutions(_ request: Request, context: AppRequestContext) async throws -> ListDTO<ResolutionDTO> {
        let caller = try context.requireCaller()
        let id = try hearingID(context)
        let items = try await APIError.answering { try await service.resolutions(of: id, by: caller) }.map(ResolutionDTO.init)
        return ListDTO(items: items, total: items.count, limit: nil, offset: nil)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try hearingID(context)
        // Who may read the hearing is decided before the query is looked at.
        _ = try await APIError.answering { try await service.hearing(id, by: caller) }
        let query = QueryParameters(request: request)
        let language = try query.language()
        let formatText = query.string("format") ?? "html"
        guard let format = ReportFormat(rawValue: formatText) else {
            throw APIError.invalidParameter("query.format", "must be one of html, docx, csv, json, not '\(formatText)'")
        }
        let rendered = try await APIError.answering { try await service.report(of: id, format: format, language: language, by: caller) }
        var headers: HTTPFields = [.contentType: rendered.contentType]
        headers[.contentDisposition] = "\(format == .html || format == .json ? "inline" : "attachment"); filename=\"\(rendered.fileName)\""
        headers[HTTPField.Name("X-Report-Fingerprint")!] = rendered.fingerprint
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: rendered.data)))
    }

    // MARK: Writing

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        // Who may prepare hearings at all is decided before the body is read: a caller who may
        // not learns nothing from validation messages.
        try await APIError.answering { try await service.requireMayPrepare(by: caller) }
        let input = try await Self.input(JSONBody.read(request, context: context))
        let record = try await APIError.answering { try await service.create(input, by: caller, requestID: context.id) }
        return try HearingDTO(record).response(from: request, context: context).with(status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> HearingDTO {
        let caller = try context.requireCaller()
        let id = try hearingID(context)
        try await APIError.answering { try await service.requireMayChange(id, by: caller) }
        let input = try await Self.input(JSONBody.read(request, context: context))
        return HearingDTO(try await APIError.answering { try await service.update(id, with: input, by: caller, requestID: context.id) })
    }

    @Sendable func addResolution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try hearingID(context)
        _ = try await APIError.answering { try await service.requireMayResolve(id, by: caller) }
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["text", "section", "territory", "deadline", "executor", "owner_person_id"], problems: &problems)
        var input = ResolutionInput(
            text: body.string("text", problems: &problems), section: body.string("section", problems: &problems),
            territory: body.string("territory", problems: &problems), deadline: body.string("deadline", problems: &problems),
            executor: body.string("executor", problems: &problems))
        if let owner = body.number("owner_person_id", problems: &problems) {
            if owner == owner.rounded(), owner >= 1, owner < 1e15 {
                input.ownerPersonID = Int64(owner)
            } else {
                problems.append(FieldProblem(field: "body.owner_person_id", reason: "must be a person's id"))
            }
        }
        input.unreadable = JSONBody.plain(problems)
        let view = try await APIError.answering { try await service.addResolution(to: id, input, by: caller, requestID: context.id) }
        return try ResolutionDTO(view).response(from: request, context: context).with(status: .created)
    }

    /// A hearing's JSON as the service's input: every field checked for its JSON type here, for
    /// its meaning by the service.
    static func input(_ body: JSONBody) -> HearingInput {
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(
            [
                "programme", "faction", "faction_territory", "territory", "held_on", "title", "depth", "status", "sections",
                "officials", "run_id",
            ], problems: &problems)
        var input = HearingInput(
            programme: body.string("programme", problems: &problems), faction: body.string("faction", problems: &problems),
            factionTerritory: body.string("faction_territory", problems: &problems),
            territory: body.string("territory", problems: &problems), heldOn: body.string("held_on", problems: &problems),
            title: body.string("title", problems: &problems), status: body.string("status", problems: &problems))
        if let number = body.number("depth", problems: &problems) {
            if number == number.rounded(), abs(number) < 1e6 {
                input.depth = Int(number)
            } else {
                problems.append(FieldProblem(field: "body.depth", reason: "must be a whole number from 0 to \(HearingRules.maximumDepth)"))
            }
        }
        if let number = body.number("run_id", problems: &problems) {
            if number == number.rounded(), number >= 1, number < 1e15 {
                input.runID = Int64(number)
            } else {
                problems.append(FieldProblem(field: "body.run_id", reason: "must be a run id"))
            }
        }
        switch body.object["sections"] {
        case nil, .null:
            break
        case .string("all"):
            input.sections = .all
        case .string("socially_sensitive"):
            input.sections = .sociallySensitive
        case .array(let values) where !values.isEmpty:
            input.sections = .codes(values.map { if case .string(let code) = $0 { code } else { "" } })
        default:
            problems.append(
                FieldProblem(field: "body.sections", reason: "must be \"all\", \"socially_sensitive\" or a non-empty list of section codes"))
        }
        switch body.object["officials"] {
        case nil:
            break
        case .null:
            input.officials = []
        case .array(let values):
            input.officials = values.map { value in
                guard case .object(let fields) = value else { return HearingInput.Official(name: nil, office: nil, territory: nil) }
                func text(_ key: String) -> String? { if case .string(let s)? = fields[key] { s } else { nil } }
                let territory: String? =
                    switch fields["territory"] {
                    case nil, .null: nil
                    case .string(let reference): reference
                    case .number(let n) where n == n.rounded() && abs(n) < 1e15: String(Int64(n))
                    default: ""
                    }
                return HearingInput.Official(name: text("name"), office: text("office"), territory: territory)
            }
        default:
            problems.append(FieldProblem(field: "body.officials", reason: "must be a list of at most \(HearingInput.maximumOfficials) officials"))
        }
        input.unreadable = JSONBody.plain(problems)
        return input
    }
}

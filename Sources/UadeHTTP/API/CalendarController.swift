import Hummingbird
import UadeDomain
import UadeServices
import UadeStorage

/// A programme's reporting calendar on the wire.
struct CalendarDTO: ResponseCodable, Sendable {
    let programme: String
    let valuesDueDays: Int
    let entryClosesDays: Int

    init(_ programme: Programme) {
        self.programme = programme.code
        valuesDueDays = programme.calendar.dueDays
        entryClosesDays = programme.calendar.closesDays
    }
}

/// `GET` and `PUT /api/v1/programmes/{code}/calendar`, over ``CalendarService``.
struct CalendarController: Sendable {
    let service: CalendarService
    let authorizer: Authorizer

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("programmes/:code/calendar", use: calendar)
        group.put("programmes/:code/calendar", use: setCalendar)
        group.get("timeliness", use: timeliness)
    }

    @Sendable func calendar(_ request: Request, context: AppRequestContext) async throws -> CalendarDTO {
        _ = try context.requireCaller()
        return CalendarDTO(try await APIError.answering { try await service.programme(context.parameters.get("code") ?? "") })
    }

    /// The body: `{"values_due_days": 15, "entry_closes_days": 30}`; a key left out keeps its days.
    @Sendable func setCalendar(_ request: Request, context: AppRequestContext) async throws -> CalendarDTO {
        let caller = try context.requireCaller()
        let code = context.parameters.get("code") ?? ""
        let body = try await JSONBody.read(request, context: context)
        var problems: [FieldProblem] = []
        body.refuseUnknownKeys(["values_due_days", "entry_closes_days"], problems: &problems)
        let change = CalendarChange(
            valuesDueDays: body.integer("values_due_days", problems: &problems),
            entryClosesDays: body.integer("entry_closes_days", problems: &problems))
        try throwIfProblems(problems)
        let programme = try await APIError.answering(fieldPrefix: "body.") {
            try await service.setCalendar(programme: code, change, by: .caller(caller), requestID: context.id)
        }
        return CalendarDTO(programme)
    }
}

/// One line of timeliness on the wire.
struct TimelinessDTO: ResponseCodable, Sendable {
    let username: String?
    let territoryId: Int64
    let values: Int
    let onTime: Int
    let shareOnTime: Double
    let medianDelayDays: Double

    init(_ row: Timeliness) {
        username = row.username
        territoryId = row.territoryID
        values = row.values
        onTime = row.onTime
        shareOnTime = row.shareOnTime
        medianDelayDays = row.medianDelayDays
    }
}

struct TimelinessList: ResponseCodable, Sendable {
    let items: [TimelinessDTO]
}

extension CalendarController {
    /// `GET /api/v1/timeliness?territory=…&period=…`: how punctually each account reported for
    /// each territory (first values only), the least punctual first.
    @Sendable func timeliness(_ request: Request, context: AppRequestContext) async throws -> TimelinessList {
        let caller = try context.requireCaller()
        let query = QueryParameters(request: request)
        try query.refuseUnknown(["territory", "period"])
        var territory: Territory.ID?
        if let ref = query.string("territory") {
            territory = try CatalogueController<AppRequestContext>.resolve(ref, in: try await authorizer.policy().tree, field: "query.territory").id
        }
        var periods: [Period]?
        if let text = query.string("period") {
            guard let period = Period(code: text) else {
                throw APIError.invalidParameter("query.period", "must be a year (2024) or a quarter (2024-Q3)")
            }
            periods = [period]
        }
        let rows = try await APIError.answering(fieldPrefix: "query.") {
            try await service.timeliness(territory: territory, periods: periods, by: caller)
        }
        return TimelinessList(items: rows.map(TimelinessDTO.init))
    }
}

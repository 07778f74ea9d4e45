import Hummingbird
import UadeDomain
import UadeServices

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

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("programmes/:code/calendar", use: calendar)
        group.put("programmes/:code/calendar", use: setCalendar)
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

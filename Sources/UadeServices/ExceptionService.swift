import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What a coordinator asks to reopen: territories (KATO code or id, each with the territories
/// below it), periods (2025-Q4, 2025) and why.
public struct ExceptionRequest: Sendable, Hashable {
    public var territories: [String]
    public var periods: [String]
    public var reason: String?

    public init(territories: [String], periods: [String], reason: String?) {
        self.territories = territories
        self.periods = periods
        self.reason = reason
    }
}

/// Exceptions to the entry locks: a coordinator asks for closed periods to be reopened, an
/// administrator grants it until a day or refuses it with a reason (docs/calendar.md).
public struct ExceptionService: Sendable {
    let exceptions: ExceptionRepository
    let policies: any PolicySource
    let today: @Sendable () -> Day

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = Day.todayInKazakhstan) {
        self.exceptions = ExceptionRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
    }

    /// Administrators see every exception; a coordinator those touching the territories they
    /// report for.
    /// - Throws: ``ServiceFailure`` `.forbidden` for anyone else.
    public func list(by caller: Caller) async throws -> [ExceptionRecord] {
        let scope = try await policies.policy().visibleTerritories(caller, roles: [.coordinator])
        if scope?.isEmpty == true { throw ServiceFailure.forbidden("exceptions are asked for by coordinators and decided by administrators") }
        return try await exceptions.list(touching: scope.map { Array($0) })
    }

    /// Whether the caller may ask for exceptions at all: asked before a body is read.
    /// - Throws: ``ServiceFailure`` `.forbidden`.
    public func requireRequesting(by caller: Caller) async throws {
        if case .deny(let why) = try await policies.policy().decide(caller, .writeProgress) { throw ServiceFailure.forbidden(why) }
    }

    /// Whether the caller may decide exceptions: administrators only.
    /// - Throws: ``ServiceFailure`` `.forbidden`.
    public func requireDeciding(by requester: Requester) async throws {
        if case .caller(let caller) = requester, case .deny(let why) = try await policies.policy().decide(caller, .manageAccounts) {
            throw ServiceFailure.forbidden(why)
        }
    }

    /// - Throws: ``ServiceFailure``: `.forbidden` for a territory the caller does not report for;
    ///   `.invalid` naming `territories`, `periods` or `reason`.
    public func request(_ request: ExceptionRequest, by caller: Caller, requestID: String?) async throws -> ExceptionRecord {
        let policy = try await policies.policy()
        if case .deny(let why) = policy.decide(caller, .writeProgress) { throw ServiceFailure.forbidden(why) }
        var problems: [FieldProblem] = []
        var territories: [Territory.ID] = []
        for reference in request.territories {
            guard let territory = policy.tree.find(reference) else {
                problems.append(
                    FieldProblem(
                        field: "territories", reason: "no territory with KATO code or id '\(reference)'",
                        words: LocalizedText(
                            kk: "«\(reference)» ҚАТО коды немесе id бар аумақ жоқ", ru: "территории с кодом КАТО или id «\(reference)» нет",
                            en: "no territory with KATO code or id '\(reference)'")))
                continue
            }
            if case .deny(let why) = policy.decide(caller, .writeProgress, Resource(territoryID: territory.id)) {
                throw ServiceFailure.forbidden(why)
            }
            if !territories.contains(territory.id) { territories.append(territory.id) }
        }
        if request.territories.isEmpty { problems.append(.required("territories")) }
        if request.territories.count > 300 { problems.append(FieldProblem(field: "territories", reason: "at most 300")) }
        var periods: [Period] = []
        for text in request.periods {
            guard let period = Period(code: text) else {
                problems.append(
                    FieldProblem(
                        field: "periods", reason: "must be a year (2024) or a quarter (2024-Q3), not '\(text)'",
                        words: LocalizedText(
                            kk: "жыл (2024) немесе тоқсан (2024-Q3) болуы керек, «\(text)» емес",
                            ru: "нужен год (2024) или квартал (2024-Q3), а не «\(text)»",
                            en: "must be a year (2024) or a quarter (2024-Q3), not '\(text)'")))
                continue
            }
            if !periods.contains(period) { periods.append(period) }
        }
        if request.periods.isEmpty { problems.append(.required("periods")) }
        if request.periods.count > 40 { problems.append(FieldProblem(field: "periods", reason: "at most 40")) }
        let reason = request.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if reason.isEmpty {
            problems.append(.required("reason"))
        } else if let problem = TextLimits.check(reason, field: "reason") {
            problems.append(problem)
        }
        try ServiceFailure.throwIfAny(problems)
        let id = try await exceptions.request(territories: territories, periods: periods, reason: reason, by: caller.accountID, requestID: requestID)
        guard let record = try await exceptions.find(id) else { throw ServiceFailure.notFound("no exception \(id)") }
        return record
    }

    /// Grants a requested exception until `until` (a day from today on), or refuses it with `refusal`.
    /// - Throws: ``ServiceFailure``: `.forbidden` for everyone but administrators; `.notFound`;
    ///   `.invalid` naming `until` or `reason`; `.conflict` (`exception-decided`) when decided already.
    public func decide(_ id: Int64, grantUntil until: String?, refusal: String?, by requester: Requester, requestID: String?) async throws
        -> ExceptionRecord
    {
        try await requireDeciding(by: requester)
        guard try await exceptions.find(id) != nil else { throw ServiceFailure.notFound("no exception \(id)") }
        var day: Day?
        var reason: String?
        if let until {
            guard let parsed = Day(iso: until) else { throw ServiceFailure.invalid("until", "must be a date as YYYY-MM-DD") }
            guard parsed >= today() else { throw ServiceFailure.invalid("until", "must not be before today (\(today().iso))") }
            guard parsed <= today().adding(days: 366) else { throw ServiceFailure.invalid("until", "at most a year from today") }
            day = parsed
        } else {
            reason = refusal?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let text = reason, !text.isEmpty else {
                throw ServiceFailure(.invalid, code: .invalidFields, detail: "reason: is required", problems: [.required("reason")])
            }
            if let problem = TextLimits.check(text, field: "reason") { try ServiceFailure.throwIfAny([problem]) }
        }
        guard try await exceptions.decide(id, until: day, refusal: reason, by: requester.accountID, requestID: requestID),
            let decided = try await exceptions.find(id)
        else {
            throw ServiceFailure(.conflict, code: .exceptionDecided, detail: "exception \(id) was decided already")
        }
        return decided
    }
}

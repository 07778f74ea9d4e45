import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// A section handed to a Bureau member, as a form or a command reads it.
public struct SectionHandover: Sendable, Hashable {
    public var sectionID: String?
    public var personID: String?
    /// The first day the new owner answers for it (default today).
    public var from: String?

    public init(sectionID: String?, personID: String?, from: String? = nil) {
        self.sectionID = sectionID
        self.personID = personID
        self.from = from
    }
}

/// An indicator in a territory handed to a Political Council member. The territory is named as
/// a person would: its name in any language, its KATO code or its id.
public struct IndicatorHandover: Sendable, Hashable {
    public var indicatorCode: String?
    public var territory: String?
    public var personID: String?
    public var from: String?

    public init(indicatorCode: String?, territory: String?, personID: String?, from: String? = nil) {
        self.indicatorCode = indicatorCode
        self.territory = territory
        self.personID = personID
        self.from = from
    }
}

/// Who answers for what: single handovers of a section or an indicator × territory, each closing
/// the current owner's period the day before the new one begins (audited). Administrators do it;
/// the programme office loads ownership with its roadmap workbook.
public struct OwnershipService: Sendable {
    let dashboard: DashboardRepository
    let progress: ProgressRepository
    let policies: any PolicySource
    let today: @Sendable () -> Day
    /// Ownership decides what Bureau and Political Council members read: cached callers go.
    let accessChanged: @Sendable () -> Void

    public init(
        client: PostgresClient, logger: Logger, policies: any PolicySource, today: @escaping @Sendable () -> Day = { Day.todayInKazakhstan() },
        accessChanged: @escaping @Sendable () -> Void = {}
    ) {
        self.dashboard = DashboardRepository(client: client, logger: logger)
        self.progress = ProgressRepository(client: client, logger: logger)
        self.policies = policies
        self.today = today
        self.accessChanged = accessChanged
    }

    /// - Throws: ``ServiceFailure`` `.forbidden` for everyone but administrators.
    public func requireManaging(by requester: Requester) async throws {
        guard case .caller(let caller) = requester else { return }
        if case .deny(let why) = try await policies.policy().decide(caller, .manageAccounts) { throw ServiceFailure.forbidden(why) }
    }

    /// - Throws: ``ServiceFailure``: `.forbidden`; `.invalid` naming `section_id`, `person_id`, `from`.
    public func hand(_ handover: SectionHandover, by requester: Requester, requestID: String?) async throws {
        try await requireManaging(by: requester)
        var problems: [FieldProblem] = []
        let section = Self.id(handover.sectionID, field: "section_id", &problems)
        let person = Self.id(handover.personID, field: "person_id", &problems)
        let day = day(handover.from, &problems)
        try ServiceFailure.throwIfAny(problems)
        do {
            try await dashboard.assignSection(section!, to: person!, from: day!, by: requester.accountID, requestID: requestID)
        } catch let error as OwnershipError {
            throw Self.failure(error)
        }
        accessChanged()
    }

    /// - Throws: ``ServiceFailure``: `.forbidden`; `.invalid` naming `indicator`, `territory`
    ///   (`unknown-territory`, or a name several territories share), `person_id`, `from`.
    public func hand(_ handover: IndicatorHandover, by requester: Requester, requestID: String?) async throws {
        try await requireManaging(by: requester)
        var problems: [FieldProblem] = []
        let code = handover.indicatorCode?.trimmingCharacters(in: .whitespaces) ?? ""
        var indicator: Indicator.ID?
        if code.isEmpty {
            problems.append(.required("indicator"))
        } else if let context = try await progress.indicatorContext(code: code) {
            indicator = context.indicator.id
        } else {
            problems.append(
                FieldProblem(
                    field: "indicator", reason: "no indicator \(code)",
                    words: LocalizedText(kk: "\(code) көрсеткіші жоқ", ru: "показателя \(code) нет", en: "no indicator \(code)")))
        }
        var territory: Territory?
        switch try await policies.policy().tree.named(handover.territory ?? "", on: today()) {
        case .found(let found): territory = found
        case .missing(let words): problems.append(FieldProblem(field: "territory", reason: words.resolved(.en), words: words))
        }
        let person = Self.id(handover.personID, field: "person_id", &problems)
        let day = day(handover.from, &problems)
        if !problems.isEmpty {
            let unknownTerritory = territory == nil && problems.count == 1
            throw ServiceFailure(
                .invalid, code: unknownTerritory ? .unknownTerritory : .invalidFields, detail: ServiceFailure.listing(problems), problems: problems)
        }
        do {
            try await dashboard.assignIndicator(
                indicator!, territoryID: territory!.id, to: person!, from: day!, by: requester.accountID, requestID: requestID)
        } catch let error as OwnershipError {
            throw Self.failure(error)
        }
        accessChanged()
    }

    static func id(_ text: String?, field: String, _ problems: inout [FieldProblem]) -> Int64? {
        guard let text, !text.isEmpty else {
            problems.append(.required(field))
            return nil
        }
        guard let id = Int64(text) else {
            problems.append(
                FieldProblem(
                    field: field, reason: "must be chosen from the list, not '\(text)'",
                    words: LocalizedText(kk: "тізімнен таңдаңыз", ru: "выберите из списка", en: "must be chosen from the list, not '\(text)'")))
            return nil
        }
        return id
    }

    func day(_ text: String?, _ problems: inout [FieldProblem]) -> Day? {
        guard let text, !text.isEmpty else { return today() }
        guard let day = Day(iso: text) else {
            problems.append(
                FieldProblem(
                    field: "from", reason: "must be a date (YYYY-MM-DD), not '\(text)'",
                    words: LocalizedText(
                        kk: "күн ЖЖЖЖ-АА-КК түрінде болуы керек", ru: "дата в виде ГГГГ-ММ-ДД", en: "must be a date (YYYY-MM-DD), not '\(text)'")))
            return nil
        }
        return day
    }

    static func failure(_ error: OwnershipError) -> ServiceFailure {
        let (field, code, words): (String, ProblemCode, LocalizedText) =
            switch error {
            case .unknownPerson: ("person_id", .unknownPerson, LocalizedText(kk: "мұндай адам жоқ", ru: "такого человека нет", en: "no such person"))
            case .unknownSection:
                ("section_id", .invalidFields, LocalizedText(kk: "мұндай бөлім жоқ", ru: "такого раздела нет", en: "no such section"))
            case .unknownIndicator:
                ("indicator", .unknownIndicator, LocalizedText(kk: "мұндай көрсеткіш жоқ", ru: "такого показателя нет", en: "no such indicator"))
            case .noTargets:
                (
                    "indicator", .noTarget,
                    LocalizedText(
                        kk: "бұл аумақта көрсеткіштің нысанасы жоқ", ru: "у показателя нет целей в этой территории",
                        en: "this indicator has no targets in this territory")
                )
            }
        let problem = FieldProblem(field: field, reason: words.resolved(.en), words: words)
        return ServiceFailure(.invalid, code: code, detail: ServiceFailure.listing([problem]), problems: [problem])
    }
}

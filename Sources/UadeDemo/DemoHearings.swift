import Logging
import PostgresNIO
import UadeDomain
import UadeEvaluator
import UadeStorage

/// The demo's hearings: a Kyzylorda Region maslikhat hearing held in June on a mid-year run
/// (with resolutions), then on the November run a planned follow-up hearing of the same faction
/// and a Mazhilis hearing on the socially sensitive sections. The follow-up report therefore
/// has a previous hearing to compare with and earlier resolutions to check.
public struct DemoHearings: Sendable {
    public static let midYear = Day(year: 2026, month: 6, day: 30)!

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func isLoaded() async throws -> Bool {
        for try await count in try await client.query("SELECT count(*) FROM hearings", logger: logger).decode(Int.self) { return count > 0 }
        return false
    }

    /// Creates the evaluations and hearings unless there are hearings already; the ids of the hearings created.
    @discardableResult
    public func loadIfMissing(progress: @Sendable (String) -> Void = { _ in }) async throws -> [Hearing.ID] {
        guard try await !isLoaded() else { return [] }
        let territories = TerritoryRepository(client: client, logger: logger)
        let programmes = ProgrammeRepository(client: client, logger: logger)
        let hearings = HearingRepository(client: client, logger: logger)
        guard let programme = try await programmes.programmes().first,
            let region = try await territories.find("430000000"),
            let republic = try await territories.tree().roots.first
        else { return [] }
        let tree = try await territories.tree()
        let city = tree.children[region.id]?.compactMap { tree.byID[$0] }.first { $0.kind == .city }
        let sections = try await programmes.sections(programmeID: programme.id)
        let sensitive = sections.filter(\.sociallySensitive)
        let runner = EvaluationRunner(client: client, logger: logger)

        let first = try await runner.run(EvaluationRequest(programmeCode: programme.code, asOf: Self.midYear), progress: progress)
        let akim = Official(name: "Нұрлан Сейітов", office: "Қызылорда облысының әкімі / аким Кызылординской области", territoryID: region.id)
        let june = try await hearings.create(
            HearingDraft(
                programmeID: programme.id, faction: .maslikhat, factionTerritoryID: region.id, heldOn: Day(year: 2026, month: 7, day: 10)!,
                title: "Отчёт акима о ходе исполнения предвыборной программы за первое полугодие 2026 года", territoryID: region.id, depth: 1,
                sectionsChoice: .all, runID: first.runID, status: .held, officials: [akim]), by: nil, requestID: "demo")
        if let section = sensitive.first {
            _ = try await hearings.addResolution(
                hearingID: june.id,
                ResolutionDraft(
                    text: "Представить план по вводу жилья на 2026 год с разбивкой по районам", sectionID: section.id, territoryID: region.id,
                    deadline: Day(year: 2026, month: 9, day: 1)!, executor: "Управление строительства области", ownerPersonID: nil), by: nil,
                requestID: "demo")
            _ = try await hearings.addResolution(
                hearingID: june.id,
                ResolutionDraft(
                    text: "Устранить непредставление данных районами в срок", sectionID: section.id, territoryID: region.id,
                    deadline: Day(year: 2026, month: 12, day: 1)!, executor: "Аппарат акима области", ownerPersonID: nil), by: nil, requestID: "demo")
        }

        let second = try await runner.run(EvaluationRequest(programmeCode: programme.code, asOf: DemoDataLoader.historyCutoff), progress: progress)
        var officials = [Official(name: "Нұрлан Сейітов", office: "Қызылорда облысының әкімі / аким Кызылординской области", territoryID: region.id)]
        if let city {
            officials.append(Official(name: "Асхат Жұмабеков", office: "Қызылорда қаласының әкімі / аким города Кызылорды", territoryID: city.id))
        }
        let november = try await hearings.create(
            HearingDraft(
                programmeID: programme.id, faction: .maslikhat, factionTerritoryID: region.id, heldOn: Day(year: 2026, month: 11, day: 27)!,
                title: "Исполнение предвыборной программы в Кызылординской области: итоги 2026 года", territoryID: region.id, depth: 1,
                sectionsChoice: .all, runID: second.runID, status: .planned, officials: officials), by: nil, requestID: "demo")
        let mazhilis = try await hearings.create(
            HearingDraft(
                programmeID: programme.id, faction: .mazhilis, factionTerritoryID: republic.id, heldOn: Day(year: 2026, month: 12, day: 3)!,
                title: "Социальные обязательства предвыборной программы: отчёт Правительства", territoryID: republic.id, depth: 1,
                sectionsChoice: .sociallySensitive, runID: second.runID, status: .planned,
                officials: [
                    Official(name: "Премьер-Министр Республики Казахстан", office: "Правительство / Үкімет", territoryID: republic.id),
                    Official(name: "Нұрлан Сейітов", office: "аким Кызылординской области", territoryID: region.id),
                ]),
            by: nil, requestID: "demo")
        return [june.id, november.id, mazhilis.id]
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeReports
import UadeStorage

/// A hearing as faction staff describe it, from the API's JSON or the hearing form. For an edit,
/// a field left nil keeps what is stored.
public struct HearingInput: Sendable {
    /// Which sections the hearing covers.
    public enum Sections: Sendable, Equatable {
        case all
        case sociallySensitive
        case codes([String])
    }

    /// An official invited to answer; nil name or office when the sender gave none.
    public struct Official: Sendable, Equatable {
        public var name: String?
        public var office: String?
        /// KATO code or id; nil for the hearing's territory.
        public var territory: String?

        public init(name: String?, office: String?, territory: String?) {
            self.name = name
            self.office = office
            self.territory = territory
        }
    }

    public var programme: String?
    public var faction: String?
    public var factionTerritory: String?
    public var territory: String?
    public var heldOn: String?
    public var title: String?
    public var depth: Int?
    public var status: String?
    public var sections: Sections?
    /// nil: unchanged; empty: none.
    public var officials: [Official]?
    public var runID: Int64?
    /// What the presentation could not read, named as the fields above.
    public var unreadable: [FieldProblem]

    public init(
        programme: String? = nil, faction: String? = nil, factionTerritory: String? = nil, territory: String? = nil, heldOn: String? = nil,
        title: String? = nil, depth: Int? = nil, status: String? = nil, sections: Sections? = nil, officials: [Official]? = nil,
        runID: Int64? = nil, unreadable: [FieldProblem] = []
    ) {
        self.programme = programme
        self.faction = faction
        self.factionTerritory = factionTerritory
        self.territory = territory
        self.heldOn = heldOn
        self.title = title
        self.depth = depth
        self.status = status
        self.sections = sections
        self.officials = officials
        self.runID = runID
        self.unreadable = unreadable
    }

    /// The most officials one hearing lists.
    public static let maximumOfficials = 50
}

/// A resolution as faction staff write it after the hearing.
public struct ResolutionInput: Sendable {
    public var text: String?
    public var section: String?
    /// KATO code or id; nil for the hearing's territory.
    public var territory: String?
    public var deadline: String?
    public var executor: String?
    public var ownerPersonID: Int64?
    public var unreadable: [FieldProblem]

    public init(
        text: String?, section: String?, territory: String? = nil, deadline: String?, executor: String?, ownerPersonID: Int64? = nil,
        unreadable: [FieldProblem] = []
    ) {
        self.text = text
        self.section = section
        self.territory = territory
        self.deadline = deadline
        self.executor = executor
        self.ownerPersonID = ownerPersonID
        self.unreadable = unreadable
    }
}

/// A hearing with the codes of the sections it covers.
public struct HearingRecord: Sendable {
    public let hearing: Hearing
    public let sectionCodes: [String]
}

/// Faction hearings: preparing them, recording their resolutions and giving their reports, for
/// the API, the hearing pages and `uade report hearing`. Who may read or change which hearing is
/// decided here.
public struct HearingService: Sendable {
    let hearings: HearingRepository
    let programmes: ProgrammeRepository
    let reports: ReportService
    let policies: any PolicySource

    public init(client: PostgresClient, logger: Logger, policies: any PolicySource, reports: ReportService) {
        self.hearings = HearingRepository(client: client, logger: logger)
        self.programmes = ProgrammeRepository(client: client, logger: logger)
        self.reports = reports
        self.policies = policies
    }

    // MARK: Reading

    /// The hearings the caller may read, newest first.
    /// - Throws: ``ServiceFailure`` `.forbidden` for a caller who reads no hearings.
    public func list(by caller: Caller, page: PageRequest) async throws -> (items: [HearingRecord], total: Int) {
        let policy = try await policies.policy()
        // Bureau members may read their part of any hearing's report, so they see every hearing.
        var territories = policy.visibleTerritories(caller, roles: [.factionStaff])
        if caller.holds(.bureauMember) && !caller.ownedSections.isEmpty { territories = nil }
        if let territories, territories.isEmpty {
            throw ServiceFailure.forbidden("hearings are for faction staff, administrators and Bureau members")
        }
        let (items, total) = try await hearings.list(territories: territories.map { Array($0) }, limit: page.limit, offset: page.offset)
        var sectionsByProgramme: [Programme.ID: [Section]] = [:]
        var records: [HearingRecord] = []
        for hearing in items {
            if sectionsByProgramme[hearing.programmeID] == nil {
                sectionsByProgramme[hearing.programmeID] = try await programmes.sections(programmeID: hearing.programmeID)
            }
            records.append(record(hearing, sections: sectionsByProgramme[hearing.programmeID] ?? []))
        }
        return (records, total)
    }

    func record(_ hearing: Hearing, sections: [Section]) -> HearingRecord {
        HearingRecord(
            hearing: hearing, sectionCodes: HearingRules.sections(hearing.sectionsChoice, chosen: hearing.sectionIDs, of: sections).map(\.code))
    }

    func find(_ id: Hearing.ID) async throws -> Hearing {
        guard let hearing = try await hearings.hearing(id: id) else { throw ServiceFailure.notFound("no hearing \(id)") }
        return hearing
    }

    /// The hearing and how much of it the caller may read: all of it, or a Bureau member's sections.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`.
    public func hearing(_ id: Hearing.ID, by caller: Caller) async throws -> (record: HearingRecord, access: AccessPolicy.ReportAccess) {
        let hearing = try await find(id)
        let access = try await policies.policy().reportAccess(caller, factionTerritory: hearing.factionTerritoryID)
        if access == .none { throw ServiceFailure.forbidden("hearings are read by faction staff of the faction's territory and by Bureau members") }
        return (record(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID)), access)
    }

    /// The hearing's resolutions the caller may read.
    public func resolutions(of id: Hearing.ID, by caller: Caller) async throws -> [Resolution] {
        let (record, access) = try await hearing(id, by: caller)
        let items = try await hearings.resolutions(hearingID: record.hearing.id)
        if case .sections(let owned) = access { return items.filter { owned.contains($0.sectionID) } }
        return items
    }

    /// The hearing's report; a Bureau member gets the part on their own sections.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`, `.conflict` (`run-not-completed`).
    public func report(of id: Hearing.ID, format: ReportFormat, language: Language, by caller: Caller) async throws -> RenderedReport {
        let (record, access) = try await hearing(id, by: caller)
        let hearing = record.hearing
        var part: [Section.ID]?
        if case .sections(let owned) = access {
            let covered = HearingRules.sections(
                hearing.sectionsChoice, chosen: hearing.sectionIDs,
                of: try await programmes.sections(programmeID: hearing.programmeID)
            ).map(\.id)
            part = covered.filter { owned.contains($0) }
            if part?.isEmpty == true { throw ServiceFailure.forbidden("this hearing covers none of the sections this Bureau member owns") }
        }
        do {
            return try await reports.render(hearing, format: format, language: language, partForSections: part)
        } catch ReportError.runNotCompleted(let run) {
            throw ServiceFailure(.conflict, code: .runNotCompleted, detail: "the hearing's evaluation run \(run) is not a completed run")
        }
    }

    // MARK: Writing

    func requirePreparing(_ caller: Caller, _ resource: Resource = .anything) async throws {
        if case .deny(let reason) = try await policies.policy().decide(caller, .prepareHearing, resource) { throw ServiceFailure.forbidden(reason) }
    }

    /// Whether the caller prepares hearings somewhere: asked before a form or body is read.
    /// - Throws: ``ServiceFailure`` `.forbidden`.
    public func requireMayPrepare(by caller: Caller) async throws {
        try await requirePreparing(caller)
    }

    /// Whether the caller may change this hearing: asked before a form or body is read.
    /// - Throws: ``ServiceFailure`` `.notFound`, `.forbidden`.
    public func requireMayChange(_ id: Hearing.ID, by caller: Caller) async throws {
        let hearing = try await find(id)
        try await requirePreparing(caller, Resource(territoryID: hearing.factionTerritoryID))
    }

    /// - Throws: ``ServiceFailure``: `.forbidden` — before the input is looked at, so that a caller
    ///   who may not prepare hearings learns nothing from its problems — and `.invalid` naming every field.
    public func create(_ input: HearingInput, by caller: Caller, requestID: String?) async throws -> HearingRecord {
        try await requirePreparing(caller)
        let draft = try await draft(from: input, existing: nil)
        try await requirePreparing(caller, Resource(territoryID: draft.factionTerritoryID))
        let hearing = try await hearings.create(draft, by: caller.accountID, requestID: requestID)
        return record(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID))
    }

    /// Both the faction as it is and as it would be must be the caller's.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.invalid`, `.conflict` (`run-frozen`).
    public func update(_ id: Hearing.ID, with input: HearingInput, by caller: Caller, requestID: String?) async throws -> HearingRecord {
        let existing = try await find(id)
        try await requirePreparing(caller, Resource(territoryID: existing.factionTerritoryID))
        let draft = try await draft(from: input, existing: existing)
        try await requirePreparing(caller, Resource(territoryID: draft.factionTerritoryID))
        do {
            let hearing = try await hearings.update(id: existing.id, draft, by: caller.accountID, requestID: requestID)
            return record(hearing, sections: try await programmes.sections(programmeID: hearing.programmeID))
        } catch HearingError.runFrozen {
            throw ServiceFailure(
                .conflict, code: .runFrozen, detail: "the hearing was held: its report's evaluation run cannot change",
                problems: [FieldProblem(field: "run_id", reason: "a held hearing keeps its run")])
        }
    }

    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.conflict` (`hearing-not-held`),
    ///   `.invalid` naming every field.
    /// Whether the caller may record resolutions of this hearing now: asked before the input is read.
    /// - Throws: ``ServiceFailure``: `.notFound`, `.forbidden`, `.conflict` while the hearing is not held.
    @discardableResult
    public func requireMayResolve(_ id: Hearing.ID, by caller: Caller) async throws -> Hearing {
        let hearing = try await find(id)
        try await requirePreparing(caller, Resource(territoryID: hearing.factionTerritoryID))
        guard hearing.status == .held else {
            throw ServiceFailure(.conflict, code: .hearingNotHeld, detail: "resolutions are recorded after the hearing: mark it held first")
        }
        return hearing
    }

    public func addResolution(to id: Hearing.ID, _ input: ResolutionInput, by caller: Caller, requestID: String?) async throws -> Resolution {
        let hearing = try await requireMayResolve(id, by: caller)
        var problems = input.unreadable
        func required<T>(_ value: T?, _ field: String) -> T? {
            if value == nil, !problems.contains(where: { $0.field == field }) { problems.append(FieldProblem(field: field, reason: "is required")) }
            return value
        }
        let text = required(input.text, "text")
        let sectionCode = required(input.section, "section")
        let deadlineText = required(input.deadline, "deadline")
        let executor = required(input.executor, "executor")
        if let text, text.count > 2_000 { problems.append(FieldProblem(field: "text", reason: "must be at most 2000 characters")) }
        if let executor, executor.count > 300 { problems.append(FieldProblem(field: "executor", reason: "must be at most 300 characters")) }
        let deadline = deadlineText.flatMap(Day.init(iso:))
        if deadlineText != nil && deadline == nil { problems.append(FieldProblem(field: "deadline", reason: "must be a date as YYYY-MM-DD")) }
        if let deadline, deadline < hearing.heldOn {
            problems.append(FieldProblem(field: "deadline", reason: "must not be before the hearing (\(hearing.heldOn.iso))"))
        }
        let sections = HearingRules.sections(
            hearing.sectionsChoice, chosen: hearing.sectionIDs,
            of: try await programmes.sections(programmeID: hearing.programmeID))
        let section = sectionCode.flatMap { code in sections.first { $0.code == code } }
        if let sectionCode, section == nil {
            problems.append(FieldProblem(field: "section", reason: "'\(sectionCode)' is not a section of this hearing"))
        }
        let tree = try await policies.policy().tree
        var territoryID = hearing.territoryID
        if let reference = input.territory {
            if let found = tree.find(reference), tree.subtree(of: hearing.territoryID).contains(found.id) {
                territoryID = found.id
            } else {
                problems.append(FieldProblem(field: "territory", reason: "must be the hearing's territory or a territory below it"))
            }
        }
        if let owner = input.ownerPersonID, owner < 1 { problems.append(FieldProblem(field: "owner_person_id", reason: "must be a person's id")) }
        try ServiceFailure.throwIfAny(problems)
        guard let text, let section, let deadline, let executor else { throw ServiceFailure.invalid("text", "is required") }
        do {
            return try await hearings.addResolution(
                hearingID: hearing.id,
                ResolutionDraft(
                    text: text, sectionID: section.id, territoryID: territoryID, deadline: deadline, executor: executor,
                    ownerPersonID: input.ownerPersonID),
                by: caller.accountID, requestID: requestID)
        } catch HearingError.unknownPerson {
            throw ServiceFailure.invalid("owner_person_id", "no such person")
        }
    }

    /// Reads a hearing from its input: every field for a new one, only the fields given for an edit.
    func draft(from input: HearingInput, existing: Hearing?) async throws -> HearingDraft {
        var problems = input.unreadable
        func given(_ value: String?, _ field: String) -> String? {
            if value == nil, existing == nil, !problems.contains(where: { $0.field == field }) {
                problems.append(FieldProblem(field: field, reason: "is required"))
            }
            return value
        }
        let tree = try await policies.policy().tree
        func territory(_ reference: String?, _ field: String) -> Territory? {
            guard let reference else { return nil }
            guard let found = tree.find(reference) else {
                problems.append(FieldProblem(field: field, reason: "no territory with this KATO code or id"))
                return nil
            }
            return found
        }

        // Programme
        let allProgrammes = try await programmes.programmes()
        var programme = existing.flatMap { e in allProgrammes.first { $0.id == e.programmeID } } ?? allProgrammes.first
        if let code = input.programme {
            programme = allProgrammes.first { $0.code == code }
            if programme == nil { problems.append(FieldProblem(field: "programme", reason: "no programme \(code)")) }
        } else if programme == nil {
            problems.append(FieldProblem(field: "programme", reason: "there is no programme to hold a hearing on"))
        }

        // Faction and territories
        var faction = existing?.faction
        if let text = given(input.faction, "faction") {
            faction = Faction(rawValue: text)
            if faction == nil { problems.append(FieldProblem(field: "faction", reason: "must be mazhilis or maslikhat")) }
        }
        var factionTerritory = territory(input.factionTerritory, "faction_territory") ?? existing.flatMap { tree.byID[$0.factionTerritoryID] }
        if factionTerritory == nil, faction == .mazhilis { factionTerritory = tree.roots.first }
        if factionTerritory == nil, faction == .maslikhat, input.factionTerritory == nil,
            !problems.contains(where: { $0.field == "faction_territory" })
        {
            problems.append(FieldProblem(field: "faction_territory", reason: "is required for a maslikhat faction"))
        }
        if let faction, let factionTerritory, let problem = HearingRules.factionProblem(faction, territory: factionTerritory) {
            problems.append(FieldProblem(field: "faction_territory", reason: problem))
        }
        let scope = territory(input.territory, "territory") ?? existing.flatMap { tree.byID[$0.territoryID] } ?? factionTerritory
        if let scope, let factionTerritory,
            let problem = HearingRules.scopeProblem(scope: scope.id, factionTerritory: factionTerritory.id, tree: tree)
        {
            problems.append(FieldProblem(field: "territory", reason: problem))
        }

        // Date, title, depth, status
        var heldOn = existing?.heldOn
        if let text = given(input.heldOn, "held_on") {
            heldOn = Day(iso: text)
            if heldOn == nil { problems.append(FieldProblem(field: "held_on", reason: "must be a date as YYYY-MM-DD")) }
        }
        var title = existing?.title
        if let text = given(input.title, "title") {
            title = text
            if text.count > 300 { problems.append(FieldProblem(field: "title", reason: "must be at most 300 characters")) }
        }
        var depth = existing?.depth ?? 1
        if let number = input.depth {
            if (0...HearingRules.maximumDepth).contains(number) {
                depth = number
            } else {
                problems.append(FieldProblem(field: "depth", reason: "must be a whole number from 0 to \(HearingRules.maximumDepth)"))
            }
        }
        var status = existing?.status ?? .planned
        if let text = input.status {
            if let value = HearingStatus(rawValue: text) {
                status = value
            } else {
                problems.append(FieldProblem(field: "status", reason: "must be planned or held"))
            }
        }

        // Sections
        var choice = existing?.sectionsChoice ?? .all
        var chosen = existing?.sectionIDs ?? []
        let sections = if let programme { try await programmes.sections(programmeID: programme.id) } else { [Section]() }
        switch input.sections {
        case nil: break
        case .all: (choice, chosen) = (.all, [])
        case .sociallySensitive: (choice, chosen) = (.sociallySensitive, [])
        case .codes(let codes):
            choice = .chosen
            chosen = []
            for (index, code) in codes.enumerated() {
                if let section = sections.first(where: { $0.code == code }) {
                    chosen.append(section.id)
                } else {
                    problems.append(FieldProblem(field: "sections[\(index)]", reason: "not a section code of the programme"))
                }
            }
        }

        // Officials
        var officials = existing?.officials ?? []
        if let given = input.officials {
            officials = []
            if given.count > HearingInput.maximumOfficials {
                problems.append(FieldProblem(field: "officials", reason: "must be a list of at most \(HearingInput.maximumOfficials) officials"))
            }
            for (index, official) in given.prefix(HearingInput.maximumOfficials).enumerated() {
                let name = official.name?.trimmingCharacters(in: .whitespaces) ?? ""
                let office = official.office?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !name.isEmpty, TextLimits.check(name, field: "name") == nil, !office.isEmpty, TextLimits.check(office, field: "office") == nil
                else {
                    problems.append(
                        FieldProblem(field: "officials[\(index)]", reason: "must be an object with a name (≤ 200 characters) and an office (≤ 300)"))
                    continue
                }
                let place = official.territory.map { tree.find($0) } ?? scope
                guard let place, let scope, tree.subtree(of: scope.id).contains(place.id) else {
                    problems.append(
                        FieldProblem(field: "officials[\(index)].territory", reason: "must be the hearing's territory or a territory below it"))
                    continue
                }
                officials.append(Official(name: name, office: office, territoryID: place.id))
            }
        }

        // The run: a completed run of the programme covering the territory; by default the latest.
        var runID = input.runID ?? existing?.runID
        if let id = input.runID, id < 1 { problems.append(FieldProblem(field: "run_id", reason: "must be a run id")) }
        if let programme, let scope {
            let ancestry = tree.ancestry(of: scope.id)
            if let id = runID, input.runID != nil || existing?.territoryID != scope.id {
                let run = try await hearings.run(id: id)
                if run == nil || run?.completed != true || run?.programmeID != programme.id
                    || run?.territoryID.map({ ancestry.contains($0) }) == false
                {
                    problems.append(
                        FieldProblem(
                            field: "run_id",
                            reason: "must be a completed evaluation run of the programme that covers the hearing's territory"))
                }
            } else if runID == nil {
                runID = try await hearings.latestRun(programmeID: programme.id, covering: ancestry)
                if runID == nil {
                    problems.append(
                        FieldProblem(field: "run_id", reason: "no completed evaluation run covers this territory yet: run an evaluation first"))
                }
            }
        }
        try ServiceFailure.throwIfAny(problems)
        guard let programme, let faction, let factionTerritory, let heldOn, let title, let scope, let runID else {
            throw ServiceFailure(.invalid, code: .invalidFields, detail: "the hearing is incomplete")
        }
        return HearingDraft(
            programmeID: programme.id, faction: faction, factionTerritoryID: factionTerritory.id, heldOn: heldOn, title: title,
            territoryID: scope.id, depth: depth, sectionsChoice: choice, sectionIDs: chosen, runID: runID, status: status,
            officials: officials)
    }
}

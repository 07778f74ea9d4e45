import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// What a hearing is made of, before it has an id: what the API, the command line and the demo
/// hand to ``HearingRepository``. Checked by the caller against ``HearingRules`` first.
public struct HearingDraft: Sendable, Codable {
    public var programmeID: Programme.ID
    public var faction: Faction
    public var factionTerritoryID: Territory.ID
    public var heldOn: Day
    public var title: String
    public var territoryID: Territory.ID
    public var depth: Int
    public var sectionsChoice: SectionsChoice
    public var sectionIDs: [Section.ID]
    public var runID: Int64
    public var status: HearingStatus
    public var officials: [Official]

    public init(
        programmeID: Programme.ID, faction: Faction, factionTerritoryID: Territory.ID, heldOn: Day, title: String, territoryID: Territory.ID,
        depth: Int = 1, sectionsChoice: SectionsChoice = .all, sectionIDs: [Section.ID] = [], runID: Int64, status: HearingStatus = .planned,
        officials: [Official] = []
    ) {
        self.programmeID = programmeID
        self.faction = faction
        self.factionTerritoryID = factionTerritoryID
        self.heldOn = heldOn
        self.title = title
        self.territoryID = territoryID
        self.depth = depth
        self.sectionsChoice = sectionsChoice
        self.sectionIDs = sectionIDs
        self.runID = runID
        self.status = status
        self.officials = officials
    }

    public init(_ hearing: Hearing) {
        self.init(
            programmeID: hearing.programmeID, faction: hearing.faction, factionTerritoryID: hearing.factionTerritoryID, heldOn: hearing.heldOn,
            title: hearing.title, territoryID: hearing.territoryID, depth: hearing.depth, sectionsChoice: hearing.sectionsChoice,
            sectionIDs: hearing.sectionIDs, runID: hearing.runID, status: hearing.status, officials: hearing.officials)
    }
}

/// A resolution adopted at a hearing: a measure with a deadline and an executor, so the next
/// evaluation judges it like any other measure.
public struct Resolution: Sendable, Identifiable {
    public let id: Int64
    public let hearingID: Hearing.ID
    public let measureCode: String
    public let text: String
    public let sectionID: Section.ID
    public let territoryID: Territory.ID
    public let deadline: Day
    public let executor: String
    public let ownerPersonID: Int64?
    /// The measure's latest status (not started until someone reports on it).
    public let status: MeasureStatus
}

public struct ResolutionDraft: Sendable {
    public var text: String
    public var sectionID: Section.ID
    public var territoryID: Territory.ID
    public var deadline: Day
    public var executor: String
    public var ownerPersonID: Int64?

    public init(text: String, sectionID: Section.ID, territoryID: Territory.ID, deadline: Day, executor: String, ownerPersonID: Int64?) {
        self.text = text
        self.sectionID = sectionID
        self.territoryID = territoryID
        self.deadline = deadline
        self.executor = executor
        self.ownerPersonID = ownerPersonID
    }
}

public enum HearingError: Error, Equatable, Sendable {
    case notFound
    /// A held hearing keeps the run its report was read from.
    case runFrozen
    /// A resolution's owner names no person.
    case unknownPerson
}

/// A completed run as a hearing needs to know it.
public struct RunScope: Sendable, Equatable {
    public let id: Int64
    public let programmeID: Programme.ID
    public let territoryID: Territory.ID?
    public let completed: Bool
}

public struct HearingRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let select = """
        SELECT h.id, h.programme_id, h.faction, h.faction_territory_id, h.held_on, h.title, h.territory_id, h.depth, h.sections_choice,
               h.run_id, h.status,
               coalesce((SELECT array_agg(s.section_id ORDER BY s.section_id) FROM hearing_sections s WHERE s.hearing_id = h.id), '{}'),
               coalesce((SELECT array_agg(o.name ORDER BY o.position) FROM hearing_officials o WHERE o.hearing_id = h.id), '{}'),
               coalesce((SELECT array_agg(o.office ORDER BY o.position) FROM hearing_officials o WHERE o.hearing_id = h.id), '{}'),
               coalesce((SELECT array_agg(o.territory_id ORDER BY o.position) FROM hearing_officials o WHERE o.hearing_id = h.id), '{}'),
               count(*) OVER ()
          FROM hearings h
        """

    func decode(_ rows: PostgresRowSequence) async throws -> [(Hearing, Int)] {
        var result: [(Hearing, Int)] = []
        for try await row in rows {
            let cell = row.makeRandomAccess()
            func v<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T { try cell[index].decode(T.self) }
            let names: [String] = try v(12)
            let offices: [String] = try v(13)
            let territories: [Int64] = try v(14)
            let officials = zip(names, zip(offices, territories)).map { Official(name: $0, office: $1.0, territoryID: $1.1) }
            result.append(
                (
                    Hearing(
                        id: try v(0), programmeID: try v(1), faction: Faction(rawValue: try v(2, String.self)) ?? .maslikhat,
                        factionTerritoryID: try v(3),
                        heldOn: try v(4), title: try v(5), territoryID: try v(6), depth: Int(try v(7, Int32.self)),
                        sectionsChoice: SectionsChoice(rawValue: try v(8, String.self)) ?? .all, sectionIDs: try v(11), runID: try v(9),
                        status: HearingStatus(rawValue: try v(10, String.self)) ?? .planned, officials: officials), try v(15)
                ))
        }
        return result
    }

    public func hearing(id: Hearing.ID) async throws -> Hearing? {
        try await decode(client.query(PostgresQuery(unsafeSQL: Self.select + " WHERE h.id = $1", binds: binds(id)), logger: logger)).first?.0
    }

    /// Hearings whose faction sits for one of `territories` (nil: all), latest first.
    public func list(territories: [Territory.ID]?, limit: Int, offset: Int) async throws -> (items: [Hearing], total: Int) {
        try await PageRequest(limit: limit, offset: offset).listing { page in
            let limit = page.limit
            let offset = page.offset
            var b = PostgresBindings()
            b.append(territories)
            b.append(limit)
            b.append(offset)
            let found = try await decode(
                client.query(
                    PostgresQuery(
                        unsafeSQL: Self.select + """
                             WHERE ($1::bigint[] IS NULL OR h.faction_territory_id = ANY($1)) ORDER BY h.held_on DESC, h.id DESC LIMIT $2 OFFSET $3
                            """, binds: b), logger: logger))
            return (found.map(\.0), found.first?.1 ?? 0)
        }
    }

    public func create(_ draft: HearingDraft, by accountID: Int64?, requestID: String?) async throws -> Hearing {
        let id = try await client.transaction(logger: logger) { connection -> Int64 in
            var id: Int64 = 0
            for try await (value) in try await connection.query(
                """
                INSERT INTO hearings (programme_id, faction, faction_territory_id, held_on, title, territory_id, depth, sections_choice, run_id, status, created_by)
                VALUES (\(draft.programmeID), \(draft.faction.rawValue), \(draft.factionTerritoryID), \(draft.heldOn), \(draft.title), \(draft.territoryID),
                        \(draft.depth), \(draft.sectionsChoice.rawValue), \(draft.runID), \(draft.status.rawValue), \(accountID))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { id = value }
            try await writeParts(draft, hearingID: id, on: connection)
            try await AuditEvent(accountID: accountID, action: "create", entity: "hearing", entityID: String(id), new: draft, requestID: requestID)
                .write(on: connection, logger: logger)
            return id
        }
        guard let hearing = try await hearing(id: id) else { throw HearingError.notFound }
        return hearing
    }

    public func update(id: Hearing.ID, _ draft: HearingDraft, by accountID: Int64?, requestID: String?) async throws -> Hearing {
        guard let old = try await hearing(id: id) else { throw HearingError.notFound }
        try await client.transaction(logger: logger) { connection in
            var state: (String, Int64)?
            for try await row in try await connection.query("SELECT status, run_id FROM hearings WHERE id = \(id) FOR UPDATE", logger: logger)
                .decode((String, Int64).self)
            { state = row }
            guard let state else { throw HearingError.notFound }
            if state.0 == HearingStatus.held.rawValue && state.1 != draft.runID { throw HearingError.runFrozen }
            try await connection.query(
                """
                UPDATE hearings SET programme_id = \(draft.programmeID), faction = \(draft.faction.rawValue), faction_territory_id = \(draft.factionTerritoryID),
                       held_on = \(draft.heldOn), title = \(draft.title), territory_id = \(draft.territoryID), depth = \(draft.depth),
                       sections_choice = \(draft.sectionsChoice.rawValue), run_id = \(draft.runID), status = \(draft.status.rawValue), updated_at = now()
                 WHERE id = \(id)
                """, logger: logger)
            try await connection.query("DELETE FROM hearing_sections WHERE hearing_id = \(id)", logger: logger)
            try await connection.query("DELETE FROM hearing_officials WHERE hearing_id = \(id)", logger: logger)
            try await writeParts(draft, hearingID: id, on: connection)
            try await AuditEvent(
                accountID: accountID, action: "update", entity: "hearing", entityID: String(id), old: HearingDraft(old), new: draft,
                requestID: requestID
            ).write(on: connection, logger: logger)
        }
        guard let hearing = try await hearing(id: id) else { throw HearingError.notFound }
        return hearing
    }

    private func writeParts(_ draft: HearingDraft, hearingID: Int64, on connection: PostgresConnection) async throws {
        if draft.sectionsChoice == .chosen, !draft.sectionIDs.isEmpty {
            try await connection.query(
                """
                INSERT INTO hearing_sections (hearing_id, section_id) SELECT \(hearingID), unnest(\(Array(Set(draft.sectionIDs)).sorted())::bigint[])
                """, logger: logger)
        }
        if !draft.officials.isEmpty {
            try await connection.query(
                """
                INSERT INTO hearing_officials (hearing_id, position, name, office, territory_id)
                SELECT \(hearingID), o.position, o.name, o.office, o.territory_id
                  FROM unnest(\(Array(draft.officials.indices.map { $0 + 1 }))::integer[], \(draft.officials.map(\.name))::text[],
                              \(draft.officials.map(\.office))::text[], \(draft.officials.map(\.territoryID))::bigint[])
                       AS o(position, name, office, territory_id)
                """, logger: logger)
        }
    }

    public func run(id: Int64) async throws -> RunScope? {
        for try await row in try await client.query(
            """
            SELECT id, programme_id, territory_id, status = 'completed' FROM evaluation_runs WHERE id = \(id)
            """, logger: logger
        ).decode((Int64, Int64, Int64?, Bool).self) {
            return RunScope(id: row.0, programmeID: row.1, territoryID: row.2, completed: row.3)
        }
        return nil
    }

    /// The latest completed run of the programme that covers the territory (a whole-programme
    /// run, or one limited to the territory or a territory above it).
    public func latestRun(programmeID: Programme.ID, covering ancestry: [Territory.ID]) async throws -> Int64? {
        for try await id in try await client.query(
            """
            SELECT id FROM evaluation_runs
             WHERE programme_id = \(programmeID) AND status = 'completed' AND (territory_id IS NULL OR territory_id = ANY(\(ancestry)))
             ORDER BY id DESC LIMIT 1
            """, logger: logger
        ).decode(Int64.self) {
            return id
        }
        return nil
    }

    public func addResolution(hearingID: Hearing.ID, _ draft: ResolutionDraft, by accountID: Int64?, requestID: String?) async throws
        -> Resolution
    {
        do {
            return try await insertResolution(hearingID: hearingID, draft, by: accountID, requestID: requestID)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            // The only reference a caller names is the owner: the hearing and section were checked.
            throw HearingError.unknownPerson
        }
    }

    func insertResolution(hearingID: Hearing.ID, _ draft: ResolutionDraft, by accountID: Int64?, requestID: String?) async throws -> Resolution {
        let id = try await client.transaction(logger: logger) { connection -> Int64 in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM hearings WHERE id = \(hearingID) FOR UPDATE", logger: logger) {
                exists = true
            }
            guard exists else { throw HearingError.notFound }
            var number = 0
            for try await count in try await connection.query(
                "SELECT count(*) FROM hearing_resolutions WHERE hearing_id = \(hearingID)", logger: logger
            )
            .decode(Int.self) { number = count + 1 }
            let code = "H\(hearingID)-R\(number)"
            var measureID: Int64 = 0
            // The text is kept as written in every language column; translations can be added later.
            for try await value in try await connection.query(
                """
                INSERT INTO measures (section_id, territory_id, code, text_kk, text_ru, text_en, deadline, executor)
                VALUES (\(draft.sectionID), \(draft.territoryID), \(code), \(draft.text), \(draft.text), \(draft.text), \(draft.deadline), \(draft.executor))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { measureID = value }
            var id: Int64 = 0
            for try await value in try await connection.query(
                """
                INSERT INTO hearing_resolutions (hearing_id, measure_id, owner_id, created_by)
                VALUES (\(hearingID), \(measureID), \(draft.ownerPersonID), \(accountID)) RETURNING id
                """, logger: logger
            ).decode(Int64.self) { id = value }
            try await AuditEvent(
                accountID: accountID, action: "create", entity: "hearing_resolution", entityID: String(id),
                new: [
                    "hearing": String(hearingID), "measure": code, "text": draft.text, "deadline": draft.deadline.iso,
                    "executor": draft.executor,
                ],
                requestID: requestID
            ).write(on: connection, logger: logger)
            return id
        }
        guard let view = try await resolutions(hearingID: hearingID).first(where: { $0.id == id }) else { throw HearingError.notFound }
        return view
    }

    public func resolutions(hearingID: Hearing.ID) async throws -> [Resolution] {
        var result: [Resolution] = []
        for try await r in try await client.query(
            """
            SELECT hr.id, hr.hearing_id, m.code, m.text_ru, m.section_id, m.territory_id, m.deadline, m.executor, hr.owner_id,
                   coalesce((SELECT u.status FROM measure_status_updates u WHERE u.measure_id = m.id ORDER BY u.entered_at DESC, u.id DESC LIMIT 1), 'not_started')
              FROM hearing_resolutions hr JOIN measures m ON m.id = hr.measure_id
             WHERE hr.hearing_id = \(hearingID) ORDER BY hr.id
            """, logger: logger
        ).decode((Int64, Int64, String, String, Int64, Int64, Day, String, Int64?, String).self) {
            result.append(
                Resolution(
                    id: r.0, hearingID: r.1, measureCode: r.2, text: r.3, sectionID: r.4, territoryID: r.5, deadline: r.6,
                    executor: r.7, ownerPersonID: r.8, status: MeasureStatus(rawValue: r.9) ?? .notStarted))
        }
        return result
    }

    private func binds(_ values: Int64...) -> PostgresBindings {
        var b = PostgresBindings()
        for value in values { b.append(value) }
        return b
    }
}

extension HearingRepository {
    /// What closes periods for entry in these territories (nil: everywhere): every programme's
    /// calendar and what the held hearings of these territories heard, in one round trip.
    public func entryLocks(territories: [Territory.ID]?, on today: Day) async throws -> EntryLocks {
        let rows = try await client.query(
            """
            SELECT p.id, p.values_due_days, p.entry_closes_days, h.id, h.title, h.held_on, h.territory_id, h.depth, h.as_of, h.sections
              FROM programmes p
              LEFT JOIN LATERAL (
                   SELECT h.id, h.title, h.held_on, h.territory_id, h.depth, r.as_of,
                          CASE h.sections_choice
                               WHEN 'all' THEN NULL
                               WHEN 'socially_sensitive' THEN
                                    coalesce((SELECT array_agg(s.id) FROM sections s WHERE s.programme_id = p.id AND s.socially_sensitive), '{}')
                               ELSE coalesce((SELECT array_agg(c.section_id) FROM hearing_sections c WHERE c.hearing_id = h.id), '{}') END AS sections
                     FROM hearings h JOIN evaluation_runs r ON r.id = h.run_id
                    WHERE h.programme_id = p.id AND h.status = 'held'
                      AND (\(territories)::bigint[] IS NULL OR h.territory_id = ANY(\(territories)))) h ON true
            """, logger: logger)
        var calendars: [Programme.ID: ReportingCalendar] = [:]
        var heard: [HeardScope] = []
        for try await r in rows.decode((Int64, Int32, Int32, Int64?, String?, Day?, Int64?, Int32?, Day?, [Int64]?).self) {
            calendars[r.0] = ProgrammeRepository.calendar(r.1, r.2)
            if let id = r.3, let title = r.4, let heldOn = r.5, let territory = r.6, let depth = r.7, let asOf = r.8 {
                heard.append(
                    HeardScope(
                        hearingID: id, title: title, heldOn: heldOn, programmeID: r.0, territoryID: territory, depth: Int(depth),
                        sectionIDs: r.9.map(Set.init), asOf: asOf))
            }
        }
        // Granted exceptions in force today that touch these territories.
        var exceptions: [EntryException] = []
        for try await (id, ids, codes, until) in try await client.query(
            """
            SELECT id, territory_ids, periods, until FROM entry_exceptions
             WHERE status = 'granted' AND until >= \(today) AND (\(territories)::bigint[] IS NULL OR territory_ids && \(territories))
            """, logger: logger
        ).decode((Int64, [Int64], [String], Day).self) {
            exceptions.append(EntryException(id: id, territoryIDs: ids, periods: Set(codes.compactMap(Period.init(code:))), until: until))
        }
        return EntryLocks(calendars: calendars, heard: heard, exceptions: exceptions)
    }
}

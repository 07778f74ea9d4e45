import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeStorage

/// What the demo loader put into the database.
public struct DemoSummary: Sendable, Equatable, CustomStringConvertible {
    public var territories = 0
    public var programmes = 0
    public var sections = 0
    public var indicators = 0
    public var targets = 0
    public var measures = 0
    public var measureStatusUpdates = 0
    public var people = 0
    public var sectionOwners = 0
    public var indicatorOwners = 0
    public var progressEntries = 0
    public var corrections = 0

    public var description: String {
        """
        territories \(territories), programmes \(programmes), sections \(sections), indicators \(indicators), \
        targets \(targets), measures \(measures) (status updates \(measureStatusUpdates)), people \(people), \
        section owners \(sectionOwners), indicator owners \(indicatorOwners), progress entries \(progressEntries) \
        (corrections \(corrections))
        """
    }
}

/// Loads the realistic demo: real territories, the republic roadmap 2022–2026 with Kazakh and
/// Russian names, targets for every territory, owners with deliberate gaps, and progress history
/// up to the third quarter of 2026 with achieved, missed, unreported and corrected values.
public struct DemoDataLoader: Sendable {
    /// The demo's periods stay open four months after their deadline, so that the last quarter of
    /// its data can still be entered for a while; its older periods show the locks.
    public static let calendar = ReportingCalendar(dueDays: 15, closesDays: 120)!

    public static let programmeCode = "AMANAT-2022"
    /// The demo's history stops here so that its contents do not depend on the day it is loaded.
    public static let historyCutoff = Day(year: 2026, month: 11, day: 15)!
    static let termStart = Day(year: 2022, month: 1, day: 1)!
    static let termEnd = Day(year: 2026, month: 12, day: 31)!
    static let factKey = "demo_data"
    /// The demo accounts' password, documented in the README and printed by `uade demo`.
    public static let demoPassword = "demo-password"
    /// bcrypt (cost 12) of ``demoPassword``: a public demo password, so its hash is no secret.
    static let demoPasswordHash = "$2b$12$MrD3F95g8X3zCMe5M3yAjeo8Yg3414KUV.EEOv1JG2uUNE7rK19Ma"
    public static let demoAccounts: [(username: String, role: String)] = [
        ("admin", "administrator"),
        ("coord-kyzylorda", "coordinator of Kyzylorda Region"),
        ("coord-akzhar", "coordinator of Akzhar District"),
        ("bureau-social", "Bureau member owning the socially sensitive sections"),
        ("pc-kyzylorda", "Political Council member of Kyzylorda Region"),
        ("faction-mazhilis", "faction staff, whole republic"),
    ]

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func isLoaded() async throws -> Bool {
        let rows = try await client.query("SELECT value FROM installation_facts WHERE key = \(Self.factKey)", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Loads the demo unless it is there already; returns nil when it was.
    public func loadIfMissing() async throws -> DemoSummary? {
        if try await isLoaded() { return nil }
        return try await load()
    }

    public func load() async throws -> DemoSummary {
        let catalogue = try DemoCatalogue.load()
        let logger = self.logger
        return try await client.transaction(logger: logger) { connection in
            // Serialise concurrent first starts: the second waits, then sees the fact and stops.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x7561_6465_6465_6d6f)))", logger: logger)
            for try await _ in try await connection.query("SELECT 1 FROM installation_facts WHERE key = \(Self.factKey)", logger: logger) {
                return try await Self.summary(connection, logger: logger)
            }
            var writer = DemoWriter(connection: connection, logger: logger, catalogue: catalogue)
            try await writer.writeAll()
            try await connection.query("INSERT INTO installation_facts (key, value) VALUES (\(Self.factKey), 'demo')", logger: logger)
            // Fresh tables have no statistics until autovacuum comes by: the first imports and
            // evaluations would be planned for empty tables.
            for table in ["targets", "progress_entries", "indicators", "indicator_owners", "measures"] {
                try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
            }
            return try await Self.summary(connection, logger: logger)
        }
    }

    static func summary(_ connection: PostgresConnection, logger: Logger) async throws -> DemoSummary {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM territories), (SELECT count(*) FROM programmes), (SELECT count(*) FROM sections),
                   (SELECT count(*) FROM indicators), (SELECT count(*) FROM targets), (SELECT count(*) FROM measures),
                   (SELECT count(*) FROM measure_status_updates), (SELECT count(*) FROM people),
                   (SELECT count(*) FROM section_owners), (SELECT count(*) FROM indicator_owners),
                   (SELECT count(*) FROM progress_entries), (SELECT count(*) FROM progress_entries WHERE supersedes_id IS NOT NULL)
            """, logger: logger)
        var s = DemoSummary()
        for try await r in rows.decode((Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int).self) {
            s = DemoSummary(
                territories: r.0, programmes: r.1, sections: r.2, indicators: r.3, targets: r.4, measures: r.5,
                measureStatusUpdates: r.6, people: r.7, sectionOwners: r.8, indicatorOwners: r.9,
                progressEntries: r.10, corrections: r.11)
        }
        return s
    }
}

/// The demo's writing steps, sharing the ids each step creates.
private struct DemoWriter {
    let connection: PostgresConnection
    let logger: Logger
    let catalogue: DemoCatalogue
    var random = SeededGenerator(seed: 2022_03_01)

    var territories: [(id: Int64, row: DemoCatalogue.TerritoryRow, parent: Int64?)] = []
    var children: [Int64: [Int64]] = [:]
    var programmeID: Int64 = 0
    var sectionIDs: [String: Int64] = [:]
    var indicatorIDs: [String: Int64] = [:]
    /// Target per indicator code × territory × period.
    var targets: [String: [Int64: [Period: Double]]] = [:]
    /// The person behind each demo account.
    var demoPeople: [String: Int64] = [:]

    init(connection: PostgresConnection, logger: Logger, catalogue: DemoCatalogue) {
        self.connection = connection
        self.logger = logger
        self.catalogue = catalogue
    }

    mutating func writeAll() async throws {
        try await writeTerritories()
        try await writeProgramme()
        try await writeTargets()
        try await writeMeasures()
        _ = try await writePeopleAndOwnership()
        try await writeAccounts()
        try await writeProgress()
    }

    // MARK: Territories

    mutating func writeTerritories() async throws {
        // Three regions were created in June 2022; their territories existed before under others.
        let newRegions: Set<String> = ["100000000", "330000000", "620000000"]
        var idsByKATO: [String: Int64] = [:]
        for row in catalogue.territories {
            let parent = row.parentKATO.flatMap { idsByKATO[$0] }
            let validFrom =
                row.kato.map { newRegions.contains($0) } == true ? Day(year: 2022, month: 6, day: 8)! : Day(year: 1991, month: 12, day: 16)!
            let rows = try await connection.query(
                """
                INSERT INTO territories (kato, kind, parent_id, name_kk, name_ru, name_en, valid_from)
                VALUES (\(row.kato), \(row.kind.rawValue), \(parent), \(row.name.kk ?? ""), \(row.name.ru ?? ""), \(row.name.en), \(validFrom))
                RETURNING id
                """, logger: logger)
            var id: Int64 = 0
            for try await value in rows.decode(Int64.self) { id = value }
            if let kato = row.kato { idsByKATO[kato] = id }
            territories.append((id, row, parent))
            if let parent { children[parent, default: []].append(id) }
        }
    }

    var republicID: Int64 { territories.first { $0.row.kind == .republic }!.id }

    func territoryID(named english: String) -> Int64? {
        territories.first { $0.row.name.en == english }?.id
    }

    /// Territories whose own values are reported: those with nothing below them.
    var reportingLeaves: [Int64] {
        territories.map(\.id).filter { children[$0] == nil }
    }

    // MARK: Programme, sections, indicators

    mutating func writeProgramme() async throws {
        let rows = try await connection.query(
            """
            INSERT INTO programmes (code, level, territory_id, name_kk, name_ru, name_en, term_start, term_end, status, approved_at,
                                    values_due_days, entry_closes_days)
            VALUES (\(DemoDataLoader.programmeCode), 'republic', \(republicID),
                    '«AMANAT» партиясының сайлауалды бағдарламасын іске асырудың жол картасы 2022–2026',
                    'Дорожная карта реализации предвыборной программы партии «AMANAT» на 2022–2026 годы',
                    'Roadmap for the AMANAT party election programme, 2022–2026',
                    \(DemoDataLoader.termStart), \(DemoDataLoader.termEnd), 'approved', now(),
                    \(DemoDataLoader.calendar.dueDays), \(DemoDataLoader.calendar.closesDays))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { programmeID = id }

        for section in catalogue.sections {
            let rows = try await connection.query(
                """
                INSERT INTO sections (programme_id, code, name_kk, name_ru, name_en, socially_sensitive, position)
                VALUES (\(programmeID), \(section.code), \(section.name.kk ?? ""), \(section.name.ru ?? ""), \(section.name.en),
                        \(section.sociallySensitive), \(section.position))
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { sectionIDs[section.code] = id }
        }
        for (position, indicator) in catalogue.indicators.enumerated() {
            let rows = try await connection.query(
                """
                INSERT INTO indicators (section_id, code, name_kk, name_ru, name_en, unit, direction, aggregation, accumulation, periodicity, position)
                VALUES (\(sectionIDs[indicator.section]!), \(indicator.code), \(indicator.name.kk ?? ""), \(indicator.name.ru ?? ""),
                        \(indicator.name.en), \(indicator.unit), \(indicator.direction.rawValue), \(indicator.aggregation.rawValue),
                        \(indicator.accumulation.rawValue), \(indicator.periodicity.rawValue), \(position))
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { indicatorIDs[indicator.code] = id }
        }
    }

    // MARK: Targets

    /// Share of the term's work planned by the end of each year: the party's cumulative curve.
    static let plannedCurve: [Double] = [0.164, 0.36, 0.58, 0.80, 1.0]

    static func plannedShare(_ period: Period) -> Double {
        let yearIndex = period.year - 2022
        let before = yearIndex == 0 ? 0 : plannedCurve[yearIndex - 1]
        let thisYear = plannedCurve[yearIndex]
        let fraction = Double(period.quarter ?? 4) / 4
        return before + (thisYear - before) * fraction
    }

    func weight(of kind: TerritoryKind) -> Double {
        switch kind {
        case .republic: 20
        case .region: 1
        case .cityRepublican: 1.3
        case .city: 0.22
        case .district: 0.11
        case .cityDistrict: 0.16
        }
    }

    static func round(_ value: Double, for unit: String) -> Double {
        switch unit {
        case "percent", "per_100k", "m2_thousand", "tree_thousand": (value * 10).rounded() / 10
        default: value.rounded()
        }
    }

    mutating func writeTargets() async throws {
        let periodsQ = Period.all(.quarterly, from: DemoDataLoader.termStart, through: DemoDataLoader.termEnd)
        let periodsY = Period.all(.yearly, from: DemoDataLoader.termStart, through: DemoDataLoader.termEnd)
        var indicatorColumn: [Int64] = []
        var territoryColumn: [Int64] = []
        var periodColumn: [String] = []
        var valueColumn: [Double] = []

        for indicator in catalogue.indicators {
            let periods = indicator.periodicity == .quarterly ? periodsQ : periodsY
            var byTerritory: [Int64: [Period: Double]] = [:]
            // Leaves first: a generated trajectory scaled to the territory's size.
            for territory in territories where children[territory.id] == nil {
                let scale = weight(of: territory.row.kind) * random.uniform(0.7...1.3)
                var trajectory: [Period: Double] = [:]
                for period in periods {
                    let value: Double
                    switch indicator.accumulation {
                    case .cumulative:
                        value = indicator.goal * scale * DemoWriter.plannedShare(period)
                    case .level:
                        let jitter = indicator.aggregation == .sum ? scale : 1
                        let progress = DemoWriter.plannedShare(period)
                        value = (indicator.base + (indicator.goal - indicator.base) * progress) * jitter
                    }
                    trajectory[period] = Self.round(value, for: indicator.unit)
                }
                byTerritory[territory.id] = trajectory
            }
            // Then parents, bottom-up, combined by the indicator's rule so roll-ups agree.
            for territory in territories.reversed() where children[territory.id] != nil {
                let kids = children[territory.id]!
                var trajectory: [Period: Double] = [:]
                for period in periods {
                    let values = kids.compactMap { byTerritory[$0]?[period] }
                    let combined: Double =
                        switch indicator.aggregation {
                        case .sum: values.reduce(0, +)
                        case .average, .none: values.reduce(0, +) / Double(max(values.count, 1))
                        case .min: values.min() ?? 0
                        case .max: values.max() ?? 0
                        }
                    trajectory[period] = Self.round(combined, for: indicator.unit)
                }
                byTerritory[territory.id] = trajectory
            }
            targets[indicator.code] = byTerritory
            for (territory, trajectory) in byTerritory {
                for (period, value) in trajectory {
                    indicatorColumn.append(indicatorIDs[indicator.code]!)
                    territoryColumn.append(territory)
                    periodColumn.append(period.start.iso)
                    valueColumn.append(value)
                }
            }
        }
        try await connection.query(
            """
            INSERT INTO targets (indicator_id, territory_id, period_start, value)
            SELECT * FROM unnest(\(indicatorColumn)::bigint[], \(territoryColumn)::bigint[], \(periodColumn)::date[], \(valueColumn)::float8[])
            """, logger: logger)
    }

    // MARK: Measures

    mutating func writeMeasures() async throws {
        let kyzylorda = territories.first { $0.row.kato == "430000000" }!.id
        let withMeasures = territories.filter {
            [.republic, .region, .cityRepublican].contains($0.row.kind) || $0.parent == kyzylorda
        }
        var code = 0
        var sectionColumn: [Int64] = []
        var territoryColumn: [Int64] = []
        var codeColumn: [String] = []
        var kk: [String] = []
        var ru: [String] = []
        var en: [String] = []
        var deadlines: [String] = []
        var executors: [String] = []
        var plans: [(code: String, deadline: Day)] = []
        for territory in withMeasures {
            for template in DemoMeasures.templates {
                // Districts carry only the first measure of each section.
                if territory.row.kind == .district || territory.row.kind == .city,
                    DemoMeasures.templates.first(where: { $0.section == template.section })?.text != template.text
                {
                    continue
                }
                code += 1
                let deadline = Day(daysSinceEpoch: DemoDataLoader.termStart.daysSinceEpoch + Int(random.uniform(60...1780)))
                let measureCode = "M-\(String(format: "%04d", code))"
                sectionColumn.append(sectionIDs[template.section]!)
                territoryColumn.append(territory.id)
                codeColumn.append(measureCode)
                kk.append(template.text.kk ?? "")
                ru.append(template.text.ru ?? "")
                en.append(template.text.en ?? "")
                deadlines.append(deadline.iso)
                executors.append(template.executor)
                plans.append((measureCode, deadline))
            }
        }
        try await connection.query(
            """
            INSERT INTO measures (section_id, territory_id, code, text_kk, text_ru, text_en, deadline, executor)
            SELECT * FROM unnest(\(sectionColumn)::bigint[], \(territoryColumn)::bigint[], \(codeColumn)::text[],
                                 \(kk)::text[], \(ru)::text[], \(en)::text[], \(deadlines)::date[], \(executors)::text[])
            """, logger: logger)

        // Status history: most measures past their deadline are done, some are late or cancelled.
        var updateCodes: [String] = []
        var statuses: [String] = []
        var reasons: [String] = []
        var times: [Date] = []
        let cutoff = DemoDataLoader.historyCutoff
        for plan in plans {
            let started = Day(daysSinceEpoch: plan.deadline.daysSinceEpoch - Int(random.uniform(60...200)))
            guard started < cutoff else { continue }
            let roll = random.uniform(0...1)
            updateCodes.append(plan.code)
            statuses.append("in_progress")
            reasons.append("")
            times.append(Self.instant(started, hour: 10))
            if plan.deadline < cutoff {
                if roll < 0.72 {
                    let done = Day(daysSinceEpoch: plan.deadline.daysSinceEpoch - Int(random.uniform(0...40)))
                    updateCodes.append(plan.code)
                    statuses.append("done")
                    reasons.append("")
                    times.append(Self.instant(max(done, started.adding(days: 1)), hour: 16))
                } else if roll < 0.77 {
                    updateCodes.append(plan.code)
                    statuses.append("cancelled")
                    reasons.append("Қаржыландыру қайта бөлінді / Финансирование перераспределено решением маслихата")
                    times.append(Self.instant(plan.deadline.adding(days: -10), hour: 12))
                }
            }
        }
        try await connection.query(
            """
            INSERT INTO measure_status_updates (measure_id, status, reason, entered_at)
            SELECT m.id, u.status, nullif(u.reason, ''), u.entered_at
              FROM unnest(\(updateCodes)::text[], \(statuses)::text[], \(reasons)::text[], \(times)::timestamptz[])
                   AS u(code, status, reason, entered_at)
              JOIN measures m ON m.code = u.code
             ORDER BY u.entered_at
            """, logger: logger)
    }

    static func instant(_ day: Day, hour: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + (hour - 5) * 3_600))
    }

    // MARK: People and ownership

    mutating func writePeopleAndOwnership() async throws -> Int {
        var personNumber = 0
        func nextName() -> LocalizedText {
            defer { personNumber += 1 }
            return DemoNames.name(personNumber)
        }
        func insertPerson(_ name: LocalizedText, position: LocalizedText, territory: Int64?) async throws -> Int64 {
            let rows = try await connection.query(
                """
                INSERT INTO people (name_kk, name_ru, name_en, position_kk, position_ru, position_en, territory_id)
                VALUES (\(name.kk ?? ""), \(name.ru ?? ""), \(name.en), \(position.kk), \(position.ru), \(position.en), \(territory))
                RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            return 0
        }

        // Bureau members: one owns every socially sensitive section (housing since its handover on
        // 2024-07-01), another the business section; the rest of the sections have no owner.
        let bureau = LocalizedText(
            kk: "Саяси кеңес Бюросының мүшесі", ru: "Член Бюро Политического совета", en: "Member of the Political Council Bureau")
        let socialOwner = try await insertPerson(nextName(), position: bureau, territory: republicID)
        let businessOwner = try await insertPerson(nextName(), position: bureau, territory: republicID)
        let housingBefore = try await insertPerson(nextName(), position: bureau, territory: republicID)
        let handover = Day(year: 2024, month: 7, day: 1)!
        try await connection.query(
            """
            INSERT INTO section_owners (section_id, person_id, valid_from, valid_to)
            VALUES (\(sectionIDs["HOUSING"]!), \(housingBefore), \(DemoDataLoader.termStart), \(handover))
            """, logger: logger)
        for section in catalogue.sections where section.sociallySensitive || section.code == "BUSINESS" {
            let owner = section.sociallySensitive ? socialOwner : businessOwner
            let from = section.code == "HOUSING" ? handover : DemoDataLoader.termStart
            try await connection.query(
                """
                INSERT INTO section_owners (section_id, person_id, valid_from) VALUES (\(sectionIDs[section.code]!), \(owner), \(from))
                """, logger: logger)
        }
        demoPeople["bureau-social"] = socialOwner

        // Political Council members: three for the republic, two per region or city, one per district.
        let council = LocalizedText(kk: "Саяси кеңес мүшесі", ru: "Член Политического совета", en: "Member of the Political Council")
        var members: [Int64: [Int64]] = [:]
        for territory in territories {
            let count =
                switch territory.row.kind {
                case .republic: 3
                case .region, .cityRepublican: 2
                default: 1
                }
            for _ in 0..<count {
                members[territory.id, default: []].append(try await insertPerson(nextName(), position: council, territory: territory.id))
            }
        }
        let kyzylorda = territories.first { $0.row.kato == "430000000" }!.id
        demoPeople["pc-kyzylorda"] = members[kyzylorda]!.first!

        // Coordinators and faction staff with accounts.
        let coordinator = LocalizedText(kk: "Өңірлік үйлестіруші", ru: "Региональный координатор", en: "Regional coordinator")
        let faction = LocalizedText(kk: "Фракция аппаратының қызметкері", ru: "Сотрудник аппарата фракции", en: "Faction staff")
        let administrator = LocalizedText(kk: "Жүйе әкімшісі", ru: "Администратор системы", en: "System administrator")
        demoPeople["coord-kyzylorda"] = try await insertPerson(nextName(), position: coordinator, territory: kyzylorda)
        demoPeople["coord-akzhar"] = try await insertPerson(nextName(), position: coordinator, territory: territoryID(named: "Akzhar District"))
        demoPeople["faction-mazhilis"] = try await insertPerson(nextName(), position: faction, territory: republicID)
        demoPeople["admin"] = try await insertPerson(nextName(), position: administrator, territory: republicID)

        // Most indicator × territory pairs have an owner; some gaps are left on purpose, and all
        // of "public reception offices" in Aral District is unowned.
        let aral = territoryID(named: "Aral District")
        var indicatorColumn: [Int64] = []
        var territoryColumn: [Int64] = []
        var personColumn: [Int64] = []
        for territory in territories {
            let people = members[territory.id] ?? []
            guard !people.isEmpty else { continue }
            for (index, indicator) in catalogue.indicators.enumerated() {
                if territory.id == aral && indicator.section == "APPEALS" { continue }
                if random.chance(0.05) { continue }
                indicatorColumn.append(indicatorIDs[indicator.code]!)
                territoryColumn.append(territory.id)
                personColumn.append(people[index * people.count / catalogue.indicators.count])
            }
        }
        try await connection.query(
            """
            INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from)
            SELECT i, t, p, \(DemoDataLoader.termStart) FROM unnest(\(indicatorColumn)::bigint[], \(territoryColumn)::bigint[], \(personColumn)::bigint[]) AS u(i, t, p)
            """, logger: logger)
        return personNumber
    }

    // MARK: Accounts

    /// One account per role, all with the password `demo-password` (demo mode only).
    mutating func writeAccounts() async throws {
        let kyzylorda = territories.first { $0.row.kato == "430000000" }!.id
        let accounts: [(String, Role, Int64?)] = [
            ("admin", .administrator, nil),
            ("coord-kyzylorda", .coordinator, kyzylorda),
            ("coord-akzhar", .coordinator, territoryID(named: "Akzhar District")),
            ("bureau-social", .bureauMember, nil),
            ("pc-kyzylorda", .councilMember, kyzylorda),
            ("faction-mazhilis", .factionStaff, republicID),
        ]
        for (username, role, territory) in accounts {
            var accountID: Int64 = 0
            for try await id in try await connection.query(
                """
                INSERT INTO accounts (username, password_hash, person_id, preferred_lang)
                VALUES (\(username), \(DemoDataLoader.demoPasswordHash), \(demoPeople[username]), 'ru') RETURNING id
                """, logger: logger
            ).decode(Int64.self) { accountID = id }
            try await connection.query(
                """
                INSERT INTO account_roles (account_id, role, territory_id) VALUES (\(accountID), \(role.rawValue), \(territory))
                """, logger: logger)
        }
    }

    // MARK: Progress

    mutating func writeProgress() async throws {
        let cutoff = DemoDataLoader.historyCutoff
        let silentDistrict = territoryID(named: "Zhalagash District")
        let kyzylorda = territories.first { $0.row.kato == "430000000" }!.id
        var reporters = reportingLeaves
        reporters.append(kyzylorda)  // reports its own figure too, for reconciliation

        var indicatorColumn: [Int64] = []
        var territoryColumn: [Int64] = []
        var periodColumn: [String] = []
        var valueColumn: [Double] = []
        var commentColumn: [String] = []
        var timeColumn: [Date] = []
        var corrections: [(index: Int, value: Double, at: Date)] = []

        for indicator in catalogue.indicators {
            guard let byTerritory = targets[indicator.code] else { continue }
            let unit = indicator.unit
            for territory in reporters {
                if territory == kyzylorda && !["HOU-01", "YOU-02", "ECO-01", "INF-01"].contains(indicator.code) { continue }
                guard let trajectory = byTerritory[territory] else { continue }
                // How well this territory does on this indicator over the term.
                let roll = random.uniform(0...1)
                let performance = roll < 0.65 ? random.uniform(1.04...1.15) : roll < 0.87 ? random.uniform(0.9...1.0) : random.uniform(0.55...0.82)
                let lateStarter = random.chance(0.12)
                var previousTarget = 0.0
                for period in trajectory.keys.sorted() {
                    let target = trajectory[period]!
                    defer { previousTarget = target }
                    let reportedOn = period.end.adding(days: Int(random.uniform(3...25)))
                    guard reportedOn < cutoff else { continue }
                    if territory == silentDistrict && period.start >= Day(year: 2025, month: 10, day: 1)! { continue }
                    if lateStarter && period == Period(year: 2026, quarter: 3) { continue }
                    if random.chance(0.03) { continue }
                    let noise = random.uniform(0.98...1.03)
                    var value: Double
                    switch (indicator.accumulation, indicator.direction) {
                    case (.cumulative, _):
                        value = max(0, (target - previousTarget) * performance * noise)
                    case (.level, .higherIsBetter):
                        value = target * performance * noise
                    case (.level, .lowerIsBetter):
                        value = target / performance * noise
                        if target == 0 { value = performance >= 1 ? 0 : Double(Int(random.uniform(1...3))) }
                    }
                    if unit == "percent" { value = min(100, value) }
                    value = DemoWriter.round(value, for: unit)
                    indicatorColumn.append(indicatorIDs[indicator.code]!)
                    territoryColumn.append(territory)
                    periodColumn.append(period.start.iso)
                    valueColumn.append(value)
                    commentColumn.append(random.chance(0.2) ? Self.comments[Int(random.uniform(0...Double(Self.comments.count - 1)))] : "")
                    let at = DemoWriter.instant(reportedOn, hour: 11)
                    timeColumn.append(at)
                    if random.chance(0.02) {
                        let corrected = DemoWriter.round(value * random.uniform(0.9...1.1), for: unit)
                        let correctedOn = reportedOn.adding(days: Int(random.uniform(5...40)))
                        if correctedOn < cutoff {
                            corrections.append(
                                (
                                    valueColumn.count - 1, unit == "percent" ? min(100, corrected) : corrected,
                                    DemoWriter.instant(correctedOn, hour: 15)
                                ))
                        }
                    }
                }
            }
        }
        let ids = try await insertEntries(indicatorColumn, territoryColumn, periodColumn, valueColumn, commentColumn, timeColumn)

        // Corrections supersede the original entry and say why.
        var supersedes: [Int64] = []
        var cI: [Int64] = []
        var cT: [Int64] = []
        var cP: [String] = []
        var cV: [Double] = []
        var cAt: [Date] = []
        for correction in corrections {
            supersedes.append(ids[correction.index])
            cI.append(indicatorColumn[correction.index])
            cT.append(territoryColumn[correction.index])
            cP.append(periodColumn[correction.index])
            cV.append(correction.value)
            cAt.append(correction.at)
        }
        try await connection.query(
            """
            INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, entered_at, supersedes_id, correction_reason, comment)
            SELECT i, t, p, v, a, s, 'Статистика органдарының нақтыланған деректері / Уточнённые данные органов статистики', NULL
              FROM unnest(\(cI)::bigint[], \(cT)::bigint[], \(cP)::date[], \(cV)::float8[], \(cAt)::timestamptz[], \(supersedes)::bigint[])
                   AS u(i, t, p, v, a, s)
            """, logger: logger)
    }

    static let comments = [
        "Деректер аудан әкімдігімен келісілді / Данные согласованы с акиматом района",
        "Мердігердің кешігуіне байланысты / В связи с задержкой подрядчика",
        "Қаржыландыру үшінші тоқсанда түсті / Финансирование поступило в третьем квартале",
        "Маусымдық жұмыстар аяқталды / Сезонные работы завершены",
    ]

    func insertEntries(_ i: [Int64], _ t: [Int64], _ p: [String], _ v: [Double], _ c: [String], _ a: [Date]) async throws -> [Int64] {
        let rows = try await connection.query(
            """
            INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, comment, entered_at)
            SELECT i, t, p, v, nullif(c, ''), a FROM unnest(\(i)::bigint[], \(t)::bigint[], \(p)::date[], \(v)::float8[], \(c)::text[], \(a)::timestamptz[])
                   WITH ORDINALITY AS u(i, t, p, v, c, a, n)
             ORDER BY n
            RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        ids.reserveCapacity(i.count)
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }
}

import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// One indicator in one territory with the flags a coordinator is asked to explain there: one
/// line of the work list, however many periods and kinds it raised.
public struct FlagGroup: Sendable {
    public let indicatorID: Indicator.ID
    public let indicatorCode: String
    public let indicatorName: LocalizedText
    public let unitName: LocalizedText
    public let accumulation: Accumulation
    public let territoryID: Territory.ID
    public let territoryKato: String?
    /// The latest period a flag of the group is about.
    public let latestPeriod: Period
    /// The target in force for that period (a running total for a cumulative indicator).
    public let target: Double?
    /// The value standing for that period, and for a cumulative indicator the running total of
    /// the values up to it, which is what the target is compared with.
    public let value: Double?
    public let runningTotal: Double?
    /// The most serious of its kinds.
    public let worst: FlagKind
    public let hasOpen: Bool
    /// Its flags, most serious and newest first.
    public var flags: [EvaluationFlag]
}

/// Which flags a work list shows.
public struct FlagGroupFilter: Sendable {
    public var states: [FlagState] = [.open, .explained]
    public var kinds: [FlagKind]?
    /// Kinds left out whatever `kinds` says: "unowned" is for administrators only.
    public var excludedKinds: [FlagKind] = []
    public var territories: [Territory.ID]?
    public var sections: [Section.ID]?
    public var sectionCode: String?

    public init(
        states: [FlagState] = [.open, .explained], kinds: [FlagKind]? = nil, excludedKinds: [FlagKind] = [], territories: [Territory.ID]? = nil,
        sections: [Section.ID]? = nil
    ) {
        self.states = states
        self.kinds = kinds
        self.excludedKinds = excludedKinds
        self.territories = territories
        self.sections = sections
    }
}

extension EvaluationReadRepository {
    /// A flag's rank in `FlagKind.bySeverity`, in SQL (the kinds are fixed words, not input).
    static let severitySQL =
        "CASE f.kind " + FlagKind.bySeverity.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }.joined(separator: " ")
        + " ELSE \(FlagKind.bySeverity.count) END"

    /// Flags grouped by indicator × territory: groups with an open flag first, then the most
    /// serious, then the newest period; `today` decides which target is in force.
    public func flagGroups(_ filter: FlagGroupFilter, today: Day, page: PageRequest) async throws -> (items: [FlagGroup], total: Int) {
        try await page.listing { page in
            var binds = PostgresBindings()
            binds.append(filter.states.map(\.rawValue))
            binds.append(filter.kinds?.map(\.rawValue))
            binds.append(filter.excludedKinds.map(\.rawValue))
            binds.append(filter.territories)
            binds.append(filter.sections)
            binds.append(today)
            binds.append(page.limit)
            binds.append(page.offset)
            binds.append(filter.sectionCode)
            let rows = try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH g AS (
                            -- A line ranks by its open flags; by its explained ones only when none is open.
                            SELECT f.indicator_id, f.territory_id,
                                   coalesce(min(\(Self.severitySQL)) FILTER (WHERE f.state = 'open'), min(\(Self.severitySQL))) AS severity,
                                   max(f.period_start) AS latest,
                                   bool_or(f.state = 'open') AS has_open
                              FROM flags f JOIN indicators i ON i.id = f.indicator_id JOIN sections s ON s.id = i.section_id
                             WHERE ($9::text IS NULL OR s.code = $9) AND f.state = ANY($1) AND ($2::text[] IS NULL OR f.kind = ANY($2)) AND f.kind <> ALL($3)
                               AND ($4::bigint[] IS NULL OR f.territory_id = ANY($4)) AND ($5::bigint[] IS NULL OR i.section_id = ANY($5))
                             GROUP BY 1, 2
                        )
                        SELECT g.indicator_id, i.code, i.name_kk, i.name_ru, i.name_en, u.name_kk, u.name_ru, u.name_en, i.accumulation,
                               i.periodicity, g.territory_id, t.kato, g.latest, g.severity::int, g.has_open,
                               (SELECT target_in_force(tg.indicator_id, tg.territory_id, tg.period_start, $6, tg.value) FROM targets tg
                                 WHERE tg.indicator_id = g.indicator_id AND tg.territory_id = g.territory_id AND tg.period_start = g.latest),
                               (SELECT e.value FROM progress_entries e
                                 WHERE e.indicator_id = g.indicator_id AND e.territory_id = g.territory_id AND e.period_start = g.latest
                                 ORDER BY e.entered_at DESC, e.id DESC LIMIT 1),
                               CASE WHEN i.accumulation = 'cumulative' THEN
                                 (SELECT sum(v.value) FROM (
                                    SELECT DISTINCT ON (e.period_start) e.value FROM progress_entries e
                                     WHERE e.indicator_id = g.indicator_id AND e.territory_id = g.territory_id AND e.period_start <= g.latest
                                     ORDER BY e.period_start, e.entered_at DESC, e.id DESC) v)
                               END,
                               count(*) OVER ()
                          FROM g JOIN indicators i ON i.id = g.indicator_id JOIN units u ON u.code = i.unit
                          JOIN territories t ON t.id = g.territory_id
                         ORDER BY g.has_open DESC, g.severity, g.latest DESC, i.code, g.territory_id
                         LIMIT $7 OFFSET $8
                        """, binds: binds), logger: logger)
            var groups: [FlagGroup] = []
            var total = 0
            for try await row in rows {
                let cell = row.makeRandomAccess()
                func v<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T { try cell[index].decode(T.self) }
                let periodicity = Periodicity(rawValue: try v(9, String.self)) ?? .quarterly
                let latest: Day = try v(12)
                guard let period = Period(start: latest, periodicity: periodicity) else { continue }
                let severity: Int = try v(13)
                groups.append(
                    FlagGroup(
                        indicatorID: try v(0), indicatorCode: try v(1), indicatorName: LocalizedText(kk: try v(2), ru: try v(3), en: try v(4)),
                        unitName: LocalizedText(kk: try v(5), ru: try v(6), en: try v(7)),
                        accumulation: Accumulation(rawValue: try v(8, String.self)) ?? .level, territoryID: try v(10), territoryKato: try v(11),
                        latestPeriod: period, target: try v(15), value: try v(16), runningTotal: try v(17),
                        worst: FlagKind.bySeverity[min(max(severity, 0), FlagKind.bySeverity.count - 1)], hasOpen: try v(14), flags: []))
                total = try v(18)
            }
            guard !groups.isEmpty else { return (groups, total) }
            // The flags of this page's groups, under the same filter.
            var flagBinds = PostgresBindings()
            flagBinds.append(groups.map(\.indicatorID))
            flagBinds.append(groups.map(\.territoryID))
            flagBinds.append(filter.states.map(\.rawValue))
            flagBinds.append(filter.kinds?.map(\.rawValue))
            flagBinds.append(filter.excludedKinds.map(\.rawValue))
            let found = try await flags(
                client.query(
                    PostgresQuery(
                        unsafeSQL: Self.flagSelect + """
                             WHERE (f.indicator_id, f.territory_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
                               AND f.state = ANY($3) AND ($4::text[] IS NULL OR f.kind = ANY($4)) AND f.kind <> ALL($5)
                             ORDER BY \(Self.severitySQL), f.period_start DESC, f.id
                            """, binds: flagBinds), logger: logger))
            var byPair: [IndicatorInTerritory: [EvaluationFlag]] = [:]
            let codes = Dictionary(groups.map { ($0.indicatorCode, $0.indicatorID) }, uniquingKeysWith: { a, _ in a })
            for (flag, _) in found {
                guard let indicatorID = codes[flag.indicatorCode] else { continue }
                byPair[IndicatorInTerritory(indicatorID: indicatorID, territoryID: flag.territoryID), default: []].append(flag)
            }
            for index in groups.indices {
                groups[index].flags =
                    byPair[IndicatorInTerritory(indicatorID: groups[index].indicatorID, territoryID: groups[index].territoryID)] ?? []
            }
            return (groups, total)
        }
    }
}

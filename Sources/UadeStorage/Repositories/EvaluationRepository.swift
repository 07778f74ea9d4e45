import Foundation
import Logging
import NIOCore
import PostgresNIO
import UadeDomain

/// An indicator as the evaluator reads it.
public struct EvaluatedIndicator: Sendable {
    public let id: Indicator.ID
    public let sectionID: Section.ID
    public let sociallySensitive: Bool
    public let traits: IndicatorTraits
    public let periodicity: Periodicity
}

/// One target with the value known for it as of the run's date.
public struct TargetFact: Sendable {
    public let territoryID: Territory.ID
    public let periodStart: Day
    public let target: Double
    public let value: Double?
}

/// A result row as written to the snapshot.
public struct ResultRow: Sendable {
    public let indicatorID: Indicator.ID
    public let territoryID: Territory.ID
    public let judgement: Judgement
    public let rolledUp: Bool
    public let ownValue: Double?
    public let reconciliation: Bool
    public let outlier: Bool
    public let sectionOwner: Int64?
    public let indicatorOwner: Int64?

    public init(
        indicatorID: Indicator.ID, territoryID: Territory.ID, judgement: Judgement, rolledUp: Bool, ownValue: Double?,
        reconciliation: Bool, outlier: Bool, sectionOwner: Int64?, indicatorOwner: Int64?
    ) {
        self.indicatorID = indicatorID
        self.territoryID = territoryID
        self.judgement = judgement
        self.rolledUp = rolledUp
        self.ownValue = ownValue
        self.reconciliation = reconciliation
        self.outlier = outlier
        self.sectionOwner = sectionOwner
        self.indicatorOwner = indicatorOwner
    }
}

public struct MeasureFact: Sendable {
    public let id: Int64
    public let sectionID: Section.ID
    public let deadline: Day
    public let status: MeasureStatus
}

/// The SQL of evaluation runs: reading facts, writing the frozen snapshot, flags, and reading
/// completed runs back.
public struct EvaluationRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The advisory lock key of a programme's evaluations.
    static let lockClass: Int32 = 0x7561_6465  // "uade"

    // MARK: Facts

    /// The programme's indicators not retired by `asOf`.
    public func indicators(programmeID: Programme.ID, asOf: Day) async throws -> [EvaluatedIndicator] {
        let rows = try await client.query(
            """
            SELECT i.id, i.section_id, s.socially_sensitive, i.direction, i.accumulation, i.aggregation, i.periodicity
              FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programmeID) AND (i.retired_on IS NULL OR i.retired_on > \(asOf)) ORDER BY i.id
            """, logger: logger)
        var result: [EvaluatedIndicator] = []
        for try await r in rows.decode((Int64, Int64, Bool, String, String, String, String).self) {
            result.append(
                EvaluatedIndicator(
                    id: r.0, sectionID: r.1, sociallySensitive: r.2,
                    traits: IndicatorTraits(
                        direction: Direction(rawValue: r.3) ?? .higherIsBetter, accumulation: Accumulation(rawValue: r.4) ?? .level,
                        aggregation: Aggregation(rawValue: r.5) ?? .none),
                    periodicity: Periodicity(rawValue: r.6) ?? .quarterly))
        }
        return result
    }

    /// Every target of an indicator with the latest value entered before `cutoff`. Two range
    /// scans in the same order — the indicator's targets by primary key and its entries through
    /// `progress_latest_idx`, latest first — merged here: an index descent per target cost
    /// 11 ms of PostgreSQL time per national indicator, the two scans 2.5 ms. Each comes as one
    /// row per territory with arrays, because handling a row costs this process more than
    /// PostgreSQL's gathering of it.
    /// `revised` replaces the approved targets that revisions changed (``targetsInForce``).
    public func facts(
        indicatorID: Indicator.ID, territories: [Territory.ID]?, cutoff: Date, revised: [TargetCell: RevisedTarget] = [:]
    ) async throws -> [TargetFact] {
        typealias Series = (territory: Int64, days: [Int32], values: [Double])
        @Sendable func read(_ query: PostgresQuery) async throws -> [Series] {
            var result: [Series] = []
            for try await row in try await client.query(query, logger: logger) {
                var cells = row.makeIterator()
                guard let territory = cells.next(), let days = cells.next(), let values = cells.next() else { continue }
                let series = (try BinaryCell.int64(territory), try BinaryArray.int32s(days), try BinaryArray.doubles(values))
                guard series.1.count == series.2.count else { throw BinaryArray.Failure.malformed("arrays of different lengths") }
                result.append(series)
            }
            return result
        }
        async let targetSeries = read(
            """
            SELECT territory_id, array_agg(period_start - DATE '1970-01-01' ORDER BY period_start), array_agg(value ORDER BY period_start)
              FROM targets
             WHERE indicator_id = \(indicatorID) AND (\(territories)::bigint[] IS NULL OR territory_id = ANY(\(territories)))
             GROUP BY territory_id ORDER BY territory_id
            """)
        let entrySeries = try await read(
            """
            SELECT territory_id, array_agg(period_start - DATE '1970-01-01' ORDER BY period_start, entered_at DESC, id DESC),
                   array_agg(value ORDER BY period_start, entered_at DESC, id DESC)
              FROM progress_entries
             WHERE indicator_id = \(indicatorID) AND entered_at < \(cutoff)
               AND (\(territories)::bigint[] IS NULL OR territory_id = ANY(\(territories)))
             GROUP BY territory_id ORDER BY territory_id
            """)
        let targets = try await targetSeries
        var result: [TargetFact] = []
        result.reserveCapacity(targets.reduce(0) { $0 + $1.days.count })
        var entries = entrySeries.makeIterator()
        var current = entries.next()
        for target in targets {
            while let series = current, series.territory < target.territory { current = entries.next() }
            let own = current.flatMap { $0.territory == target.territory ? $0 : nil }
            var next = 0
            for (day, value) in zip(target.days, target.values) {
                // Entries before this period belong to no target; the first at it is the latest.
                var latest: Double?
                if let own {
                    while next < own.days.count, own.days[next] < day { next += 1 }
                    if next < own.days.count, own.days[next] == day { latest = own.values[next] }
                }
                let start = Day(daysSinceEpoch: Int(day))
                let inForce = revised.isEmpty ? value : revised[TargetCell(territoryID: target.territory, periodStart: start)]?.value ?? value
                result.append(TargetFact(territoryID: target.territory, periodStart: start, target: inForce, value: latest))
            }
        }
        return result
    }

    /// Section → Bureau member on `day`.
    public func sectionOwners(programmeID: Programme.ID, on day: Day) async throws -> [Section.ID: Int64] {
        var result: [Section.ID: Int64] = [:]
        for try await (section, person) in try await client.query(
            """
            SELECT o.section_id, o.person_id FROM section_owners o JOIN sections s ON s.id = o.section_id
             WHERE s.programme_id = \(programmeID) AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))
            """, logger: logger
        ).decode((Int64, Int64).self) { result[section] = person }
        return result
    }

    /// Indicator × territory → Political Council member on `day`.
    public func indicatorOwners(programmeID: Programme.ID, on day: Day) async throws -> [IndicatorInTerritory: Int64] {
        var result: [IndicatorInTerritory: Int64] = [:]
        for try await (indicator, territory, person) in try await client.query(
            """
            SELECT o.indicator_id, o.territory_id, o.person_id FROM indicator_owners o
              JOIN indicators i ON i.id = o.indicator_id JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programmeID) AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))
            """, logger: logger
        ).decode((Int64, Int64, Int64).self) {
            result[IndicatorInTerritory(indicatorID: indicator, territoryID: territory)] = person
        }
        return result
    }

    /// Measures with their status as known at `cutoff`.
    /// Measures not retired by `asOf`, with their status as known at `cutoff`.
    public func measures(programmeID: Programme.ID, territories: [Territory.ID]?, asOf: Day, cutoff: Date) async throws -> [MeasureFact] {
        var result: [MeasureFact] = []
        for try await r in try await client.query(
            """
            SELECT m.id, m.section_id, m.deadline,
                   coalesce((SELECT u.status FROM measure_status_updates u WHERE u.measure_id = m.id AND u.entered_at < \(cutoff)
                              ORDER BY u.entered_at DESC, u.id DESC LIMIT 1), 'not_started')
              FROM measures m JOIN sections s ON s.id = m.section_id
             WHERE s.programme_id = \(programmeID) AND (\(territories)::bigint[] IS NULL OR m.territory_id = ANY(\(territories)))
               AND (m.retired_on IS NULL OR m.retired_on > \(asOf))
             ORDER BY m.id
            """, logger: logger
        ).decode((Int64, Int64, Day, String).self) {
            result.append(MeasureFact(id: r.0, sectionID: r.1, deadline: r.2, status: MeasureStatus(rawValue: r.3) ?? .notStarted))
        }
        return result
    }

    // MARK: Runs

    /// Tries to take the programme's evaluation lock on this connection (held until released or
    /// the connection closes); on failure, returns the id of the run that holds it.
    public func tryLock(programmeID: Programme.ID, on connection: PostgresConnection) async throws -> (locked: Bool, runningRun: Int64?) {
        var locked = false
        for try await value in try await connection.query(
            "SELECT pg_try_advisory_lock(\(Self.lockClass), \(Int32(truncatingIfNeeded: programmeID)))", logger: logger
        ).decode(Bool.self) { locked = value }
        if locked { return (true, nil) }
        // The holder records its run right after taking the lock: give it a moment to appear.
        for _ in 0..<20 {
            for try await id in try await connection.query(
                "SELECT id FROM evaluation_runs WHERE programme_id = \(programmeID) AND status = 'running' ORDER BY id DESC LIMIT 1", logger: logger
            ).decode(Int64.self) { return (false, id) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, nil)
    }

    public func unlock(programmeID: Programme.ID, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), \(Int32(truncatingIfNeeded: programmeID)))", logger: logger)
    }

    /// Records a run as running (committed at once, so others can see which run holds the lock).
    /// Runs left "running" by a process that died are marked failed first: we hold the lock.
    public func begin(
        programmeID: Programme.ID, territoryID: Territory.ID?, policy: EvaluationPolicy, startedBy: Int64?,
        on connection: PostgresConnection
    ) async throws -> Int64 {
        try await connection.query(
            """
            UPDATE evaluation_runs SET status = 'failed', failure = 'interrupted', finished_at = NULL
             WHERE programme_id = \(programmeID) AND status = 'running'
            """, logger: logger)
        var id: Int64 = 0
        for try await value in try await connection.query(
            """
            INSERT INTO evaluation_runs (programme_id, territory_id, as_of, grace_days, status, started_by)
            VALUES (\(programmeID), \(territoryID), \(policy.asOf), \(policy.graceDays), 'running', \(startedBy)) RETURNING id
            """, logger: logger
        ).decode(Int64.self) { id = value }
        return id
    }

    /// Marks failed every run recorded as running whose programme's lock nobody holds: its
    /// process or connection went away mid-run (a live run holds the lock from before it is
    /// recorded until after it ends). Returns how many were marked.
    @discardableResult
    public func failAbandonedRuns() async throws -> Int {
        let rows = try await client.query(
            """
            WITH abandoned AS (
                UPDATE evaluation_runs r SET status = 'failed', failure = 'interrupted'
                 WHERE r.status = 'running'
                   AND NOT EXISTS (SELECT 1 FROM pg_locks l
                                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                      AND l.classid::bigint = (\(Self.lockClass)::bigint & 4294967295)
                                      AND l.objid::bigint = (r.programme_id::bit(32)::int4::bigint & 4294967295))
                RETURNING 1)
            SELECT count(*)::int FROM abandoned
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    public func fail(runID: Int64, reason: String, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE evaluation_runs SET status = 'failed', failure = \(reason) WHERE id = \(runID)", logger: logger)
    }

    /// Streams result rows into the snapshot with COPY (inside the caller's transaction), one
    /// item per indicator × territory with its periods as arrays (schema/0009). `rows` come
    /// grouped by indicator and territory, each group in period order.
    public func write(_ rows: [ResultRow], runID: Int64, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        var out = CopyText(capacity: rows.count * 110)
        func array<C: Collection>(_ values: C, _ element: (inout CopyText, C.Element) -> Void) {
            out.byte(UInt8(ascii: "{"))
            var first = true
            for value in values {
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                element(&out, value)
            }
            out.byte(UInt8(ascii: "}"))
            out.tab()
        }
        // Missing values are NaN inside the arrays.
        func number(_ out: inout CopyText, _ value: Double?) { out.number(value, missing: "NaN") }
        func flag(_ out: inout CopyText, _ value: Bool) { out.byte(UInt8(ascii: value ? "t" : "f")) }
        func id(_ value: Int64?) { if let value { out.integer(value) } else { out.text("\\N") } }
        var start = rows.startIndex
        while start < rows.endIndex {
            let head = rows[start]
            var end = start + 1
            while end < rows.endIndex, rows[end].indicatorID == head.indicatorID, rows[end].territoryID == head.territoryID { end += 1 }
            let group = rows[start..<end]
            out.integer(runID)
            out.tab()
            out.integer(head.territoryID)
            out.tab()
            out.integer(head.indicatorID)
            out.tab()
            array(group) { $0.integer(Int64($1.judgement.period.start.daysSinceEpoch)) }
            array(group) { $0.text($1.judgement.status.rawValue) }
            array(group) { number(&$0, $1.judgement.target) }
            array(group) { number(&$0, $1.judgement.actual) }
            array(group) { number(&$0, $1.judgement.projected) }
            array(group) { number(&$0, $1.judgement.gap) }
            array(group) { number(&$0, $1.judgement.gapPercent) }
            array(group) { flag(&$0, $1.reconciliation) }
            array(group) { flag(&$0, $1.outlier) }
            array(group) { flag(&$0, $1.rolledUp) }
            array(group) { number(&$0, $1.ownValue) }
            id(head.sectionOwner)
            out.tab()
            id(head.indicatorOwner)
            out.newline()
            start = end
        }
        let data = out.buffer
        try await connection.guardedCopy(
            table: "evaluation_items",
            columns: [
                "run_id", "territory_id", "indicator_id", "days", "statuses", "targets", "actuals", "projected", "gaps", "gap_percents",
                "reconciliation", "outliers", "rolled_up", "own_values", "section_owner_id", "indicator_owner_id",
            ], data: data, logger: logger)
    }

    public func writeMeasures(_ rows: [(MeasureFact, MeasureVerdict, Int64?)], runID: Int64, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO evaluation_measure_results (run_id, measure_id, verdict, status, deadline, section_owner_id)
            SELECT \(runID), m, v, s, d, nullif(o, 0) FROM unnest(\(rows.map(\.0.id))::bigint[], \(rows.map(\.1.rawValue))::text[],
                   \(rows.map(\.0.status.rawValue))::text[], \(rows.map(\.0.deadline.iso))::date[], \(rows.map { $0.2 ?? 0 })::bigint[]) AS u(m, v, s, d, o)
            """, logger: logger)
    }

    /// The flags of an indicator in the given territories, by identity: one range of ids, since a
    /// flag's id packs its identity with the indicator leading (`flag_id`, schema/0011).
    public func flags(indicatorID: Indicator.ID, territories: [Territory.ID]) async throws -> [FlagIdentity: FlagChanges.Existing] {
        var result: [FlagIdentity: FlagChanges.Existing] = [:]
        // One row per territory, kind and state as their positions in these lists: on a repeated
        // national run this reads millions of flags.
        let kinds = FlagKind.allCases
        let states: [FlagState] = [.open, .explained, .resolved]
        for try await row in try await client.query(
            """
            SELECT territory_id, array_agg(id), array_agg(period_start - DATE '1970-01-01'),
                   array_agg(array_position(\(kinds.map(\.rawValue)), kind)), array_agg(array_position(\(states.map(\.rawValue)), state))
              FROM flags
             WHERE id >= flag_id(\(indicatorID), 0, DATE '2000-01-01', 'missed') AND id < flag_id(\(indicatorID) + 1, 0, DATE '2000-01-01', 'missed')
               AND territory_id = ANY(\(territories))
             GROUP BY territory_id
            """, logger: logger)
        {
            var cells = row.makeIterator()
            guard let territoryCell = cells.next(), let idCells = cells.next(), let dayCells = cells.next(), let kindCells = cells.next(),
                let stateCells = cells.next()
            else { continue }
            let territory = try BinaryCell.int64(territoryCell)
            let ids = try BinaryArray.int64s(idCells)
            let days = try BinaryArray.int32s(dayCells)
            let kindIndices = try BinaryArray.int32s(kindCells)
            let stateIndices = try BinaryArray.int32s(stateCells)
            for i in ids.indices where i < days.count && i < kindIndices.count && i < stateIndices.count {
                let kind = Int(kindIndices[i]) - 1
                let state = Int(stateIndices[i]) - 1
                guard kinds.indices.contains(kind), states.indices.contains(state) else { continue }
                result[FlagIdentity(territoryID: territory, periodStart: Day(daysSinceEpoch: Int(days[i])), kind: kinds[kind])] =
                    FlagChanges.Existing(id: ids[i], state: states[state])
            }
        }
        return result
    }

    /// Opens flags found for the first time, with COPY (inside the caller's transaction; the
    /// programme's evaluation lock keeps any other run from opening the same ones).
    public func open(
        _ flags: [(indicatorID: Indicator.ID, identity: FlagIdentity)], programmeID: Programme.ID, runID: Int64,
        on connection: PostgresConnection
    ) async throws {
        guard !flags.isEmpty else { return }
        var out = CopyText(capacity: flags.count * 48)
        for (indicator, identity) in flags {
            out.integer(programmeID)
            out.tab()
            out.text(identity.kind.rawValue)
            out.tab()
            out.integer(indicator)
            out.tab()
            out.integer(identity.territoryID)
            out.tab()
            out.text(identity.periodStart.iso)
            out.tab()
            out.integer(runID)
            out.tab()
            out.integer(runID)
            out.newline()
        }
        let data = out.buffer
        try await connection.guardedCopy(
            table: "flags",
            columns: [
                "programme_id", "kind", "indicator_id", "territory_id", "period_start", "first_run_id", "changed_in_run_id",
            ], data: data, logger: logger)
    }

    /// Reopens resolved flags found again and resolves open or explained ones no longer found.
    public func change(reopen: [Int64], resolve: [Int64], runID: Int64, on connection: PostgresConnection) async throws {
        if !reopen.isEmpty {
            try await connection.query(
                """
                UPDATE flags SET state = CASE WHEN explanation IS NULL THEN 'open' ELSE 'explained' END,
                                 reopened = reopened + 1, resolved_at = NULL, changed_in_run_id = \(runID)
                 WHERE id = ANY(\(reopen)) AND state = 'resolved'
                """, logger: logger)
        }
        if !resolve.isEmpty {
            try await connection.query(
                """
                UPDATE flags SET state = 'resolved', resolved_at = now(), changed_in_run_id = \(runID)
                 WHERE id = ANY(\(resolve)) AND state <> 'resolved'
                """, logger: logger)
        }
    }

    public func complete(
        runID: Int64, counts: [EvaluationStatus: Int], measureCounts: [MeasureVerdict: Int], fingerprint: String, on connection: PostgresConnection
    ) async throws {
        let countsJSON = try RunCounts.encode(counts)
        let measuresJSON = try RunCounts.encode(measureCounts)
        try await connection.query(
            """
            UPDATE evaluation_runs SET status = 'completed', finished_at = clock_timestamp(), counts = \(countsJSON)::jsonb,
                   measure_counts = \(measuresJSON)::jsonb, fingerprint = \(fingerprint)
             WHERE id = \(runID)
            """, logger: logger)
    }
}

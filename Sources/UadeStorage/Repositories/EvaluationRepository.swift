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

    public init(indicatorID: Indicator.ID, territoryID: Territory.ID, judgement: Judgement, rolledUp: Bool, ownValue: Double?,
                reconciliation: Bool, outlier: Bool, sectionOwner: Int64?, indicatorOwner: Int64?) {
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
    static let lockClass: Int32 = 0x7561_6465 // "uade"

    // MARK: Facts

    public func indicators(programmeID: Programme.ID) async throws -> [EvaluatedIndicator] {
        let rows = try await client.query("""
            SELECT i.id, i.section_id, s.socially_sensitive, i.direction, i.accumulation, i.aggregation, i.periodicity
              FROM indicators i JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programmeID) ORDER BY i.id
            """, logger: logger)
        var result: [EvaluatedIndicator] = []
        for try await r in rows.decode((Int64, Int64, Bool, String, String, String, String).self) {
            result.append(EvaluatedIndicator(
                id: r.0, sectionID: r.1, sociallySensitive: r.2,
                traits: IndicatorTraits(direction: Direction(rawValue: r.3) ?? .higherIsBetter, accumulation: Accumulation(rawValue: r.4) ?? .level,
                                        aggregation: Aggregation(rawValue: r.5) ?? .none),
                periodicity: Periodicity(rawValue: r.6) ?? .quarterly))
        }
        return result
    }

    /// Every target of an indicator with the latest value entered before `cutoff`, one index
    /// descent per target (the access path `progress_latest_idx` exists for).
    public func facts(indicatorID: Indicator.ID, territories: [Territory.ID]?, cutoff: Date) async throws -> [TargetFact] {
        let rows = try await client.query("""
            SELECT t.territory_id, t.period_start, t.value,
                   (SELECT p.value FROM progress_entries p
                     WHERE p.indicator_id = t.indicator_id AND p.territory_id = t.territory_id AND p.period_start = t.period_start
                       AND p.entered_at < \(cutoff)
                     ORDER BY p.entered_at DESC, p.id DESC LIMIT 1)
              FROM targets t
             WHERE t.indicator_id = \(indicatorID) AND (\(territories)::bigint[] IS NULL OR t.territory_id = ANY(\(territories)))
             ORDER BY t.territory_id, t.period_start
            """, logger: logger)
        var result: [TargetFact] = []
        for try await r in rows.decode((Int64, Day, Double, Double?).self) {
            result.append(TargetFact(territoryID: r.0, periodStart: r.1, target: r.2, value: r.3))
        }
        return result
    }

    /// Section → Bureau member on `day`.
    public func sectionOwners(programmeID: Programme.ID, on day: Day) async throws -> [Section.ID: Int64] {
        var result: [Section.ID: Int64] = [:]
        for try await (section, person) in try await client.query("""
            SELECT o.section_id, o.person_id FROM section_owners o JOIN sections s ON s.id = o.section_id
             WHERE s.programme_id = \(programmeID) AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))
            """, logger: logger).decode((Int64, Int64).self) { result[section] = person }
        return result
    }

    /// Indicator × territory → Political Council member on `day`.
    public func indicatorOwners(programmeID: Programme.ID, on day: Day) async throws -> [IndicatorInTerritory: Int64] {
        var result: [IndicatorInTerritory: Int64] = [:]
        for try await (indicator, territory, person) in try await client.query("""
            SELECT o.indicator_id, o.territory_id, o.person_id FROM indicator_owners o
              JOIN indicators i ON i.id = o.indicator_id JOIN sections s ON s.id = i.section_id
             WHERE s.programme_id = \(programmeID) AND o.valid_from <= \(day) AND (o.valid_to IS NULL OR o.valid_to > \(day))
            """, logger: logger).decode((Int64, Int64, Int64).self) {
            result[IndicatorInTerritory(indicatorID: indicator, territoryID: territory)] = person
        }
        return result
    }

    /// Measures with their status as known at `cutoff`.
    public func measures(programmeID: Programme.ID, territories: [Territory.ID]?, cutoff: Date) async throws -> [MeasureFact] {
        var result: [MeasureFact] = []
        for try await r in try await client.query("""
            SELECT m.id, m.section_id, m.deadline,
                   coalesce((SELECT u.status FROM measure_status_updates u WHERE u.measure_id = m.id AND u.entered_at < \(cutoff)
                              ORDER BY u.entered_at DESC, u.id DESC LIMIT 1), 'not_started')
              FROM measures m JOIN sections s ON s.id = m.section_id
             WHERE s.programme_id = \(programmeID) AND (\(territories)::bigint[] IS NULL OR m.territory_id = ANY(\(territories)))
             ORDER BY m.id
            """, logger: logger).decode((Int64, Int64, Day, String).self) {
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
    public func begin(programmeID: Programme.ID, territoryID: Territory.ID?, policy: EvaluationPolicy, startedBy: Int64?,
                      on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("""
            UPDATE evaluation_runs SET status = 'failed', failure = 'interrupted', finished_at = NULL
             WHERE programme_id = \(programmeID) AND status = 'running'
            """, logger: logger)
        var id: Int64 = 0
        for try await value in try await connection.query("""
            INSERT INTO evaluation_runs (programme_id, territory_id, as_of, grace_days, status, started_by)
            VALUES (\(programmeID), \(territoryID), \(policy.asOf), \(policy.graceDays), 'running', \(startedBy)) RETURNING id
            """, logger: logger).decode(Int64.self) { id = value }
        return id
    }

    public func fail(runID: Int64, reason: String, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE evaluation_runs SET status = 'failed', failure = \(reason) WHERE id = \(runID)", logger: logger)
    }

    /// Streams result rows into the snapshot with COPY (inside the caller's transaction), one
    /// item per indicator × territory with its periods as arrays (schema/0009). `rows` come
    /// grouped by indicator and territory, each group in period order.
    public func write(_ rows: [ResultRow], runID: Int64, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 110)
        let run = String(runID)
        // Missing values are NaN inside the arrays.
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? String($0) : "NaN" } ?? "NaN" }
        func id(_ value: Int64?) -> String { value.map(String.init) ?? "\\N" }
        func array<S: Sequence>(_ values: S, _ text: (S.Element) -> String) {
            buffer.writeString("{")
            var first = true
            for value in values {
                if !first { buffer.writeString(",") }
                first = false
                buffer.writeString(text(value))
            }
            buffer.writeString("}\t")
        }
        var start = rows.startIndex
        while start < rows.endIndex {
            let head = rows[start]
            var end = start + 1
            while end < rows.endIndex, rows[end].indicatorID == head.indicatorID, rows[end].territoryID == head.territoryID { end += 1 }
            let group = rows[start..<end]
            buffer.writeString(run); buffer.writeString("\t")
            buffer.writeString(String(head.territoryID)); buffer.writeString("\t")
            buffer.writeString(String(head.indicatorID)); buffer.writeString("\t")
            array(group) { String($0.judgement.period.start.daysSinceEpoch) }
            array(group) { $0.judgement.status.rawValue }
            array(group) { number($0.judgement.target) }
            array(group) { number($0.judgement.actual) }
            array(group) { number($0.judgement.projected) }
            array(group) { number($0.judgement.gap) }
            array(group) { number($0.judgement.gapPercent) }
            array(group) { $0.reconciliation ? "t" : "f" }
            array(group) { $0.outlier ? "t" : "f" }
            array(group) { $0.rolledUp ? "t" : "f" }
            array(group) { number($0.ownValue) }
            buffer.writeString(id(head.sectionOwner)); buffer.writeString("\t")
            buffer.writeString(id(head.indicatorOwner)); buffer.writeString("\n")
            start = end
        }
        let data = buffer
        try await connection.copyFrom(table: "evaluation_items", columns: [
            "run_id", "territory_id", "indicator_id", "days", "statuses", "targets", "actuals", "projected", "gaps", "gap_percents",
            "reconciliation", "outliers", "rolled_up", "own_values", "section_owner_id", "indicator_owner_id",
        ], logger: logger) { writer in try await writer.write(data) }
    }

    public func writeMeasures(_ rows: [(MeasureFact, MeasureVerdict, Int64?)], runID: Int64, on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query("""
            INSERT INTO evaluation_measure_results (run_id, measure_id, verdict, status, deadline, section_owner_id)
            SELECT \(runID), m, v, s, d, nullif(o, 0) FROM unnest(\(rows.map(\.0.id))::bigint[], \(rows.map(\.1.rawValue))::text[],
                   \(rows.map(\.0.status.rawValue))::text[], \(rows.map(\.0.deadline.iso))::date[], \(rows.map { $0.2 ?? 0 })::bigint[]) AS u(m, v, s, d, o)
            """, logger: logger)
    }

    /// Opens or refreshes the flags this run found, reopens resolved ones found again, and
    /// resolves the ones within the run's scope that it no longer finds.
    public func updateFlags(runID: Int64, programmeID: Programme.ID, territories: [Territory.ID]?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO flags AS f (programme_id, kind, indicator_id, territory_id, period_start, first_run_id, last_run_id)
            SELECT \(programmeID), k.kind, r.indicator_id, r.territory_id, r.period_start, \(runID), \(runID)
              FROM evaluation_results r
             CROSS JOIN LATERAL (VALUES
                   (CASE WHEN r.status IN ('missed', 'not_reported', 'at_risk') THEN r.status END),
                   (CASE WHEN r.reconciliation THEN 'reconciliation' END),
                   (CASE WHEN r.outlier THEN 'outlier' END),
                   (CASE WHEN r.status IN ('missed', 'not_reported', 'at_risk') AND r.indicator_owner_id IS NULL THEN 'unowned' END)) AS k(kind)
             WHERE r.run_id = \(runID) AND k.kind IS NOT NULL
            ON CONFLICT (territory_id, indicator_id, period_start, kind) DO UPDATE
               SET last_run_id = EXCLUDED.last_run_id,
                   state = CASE WHEN f.state = 'resolved' THEN 'open' ELSE f.state END,
                   reopened = f.reopened + CASE WHEN f.state = 'resolved' THEN 1 ELSE 0 END,
                   resolved_at = CASE WHEN f.state = 'resolved' THEN NULL ELSE f.resolved_at END
            """, logger: logger)
        try await connection.query("""
            UPDATE flags SET state = 'resolved', resolved_at = now()
             WHERE programme_id = \(programmeID) AND state <> 'resolved' AND last_run_id <> \(runID)
               AND (\(territories)::bigint[] IS NULL OR territory_id = ANY(\(territories)))
            """, logger: logger)
    }

    public func complete(runID: Int64, counts: [String: Int], measureCounts: [String: Int], fingerprint: String, on connection: PostgresConnection) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let countsJSON = String(decoding: try encoder.encode(counts), as: UTF8.self)
        let measuresJSON = String(decoding: try encoder.encode(measureCounts), as: UTF8.self)
        try await connection.query("""
            UPDATE evaluation_runs SET status = 'completed', finished_at = clock_timestamp(), counts = \(countsJSON)::jsonb,
                   measure_counts = \(measuresJSON)::jsonb, fingerprint = \(fingerprint)
             WHERE id = \(runID)
            """, logger: logger)
    }
}

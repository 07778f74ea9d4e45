import Foundation
import Logging
import PostgresNIO
import UadeDomain

/// What importing a classifier edition did (or, in a dry run, would do).
public struct ClassifierOutcome: Sendable, Equatable {
    public var new = 0
    public var changed = 0
    public var unchanged = 0
    /// Territories retired by this edition (their `valid_to` set).
    public var retired = 0
    /// Targets given to successors, and those of the retired territory removed (values reported
    /// against the others keep them where they were).
    public var targetsMoved = 0
    public var targetsRemoved = 0
    /// Ownerships given to successors.
    public var ownershipsMoved = 0
}

public enum ClassifierWriteError: Error, Sendable, Equatable {
    /// PostgreSQL refused the edition (its message): nothing was written.
    case conflict(String)
}

/// The territory classifier: a new edition written in one transaction.
public struct ClassifierRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// How many targets of the row's territory begin on or after `day`: the territory of its code,
    /// or the one without a code that will take it (same parent and Russian name).
    public func targets(of row: ClassifierRow, from day: Day) async throws -> Int {
        for try await count in try await client.query(
            """
            SELECT count(*)::int FROM targets x
             WHERE x.period_start >= \(day)
               AND x.territory_id = coalesce(
                     (SELECT id FROM territories WHERE kato = \(row.kato.value)),
                     (SELECT min(u.id) FROM territories u WHERE u.kato IS NULL AND u.name_ru = \(row.name.ru ?? "")
                         AND u.parent_id IS NOT DISTINCT FROM (SELECT id FROM territories WHERE kato = \(row.parentKATO?.value))))
            """, logger: logger
        ).decode(Int.self) { return count }
        return 0
    }

    /// Writes the rows, parents before children, each inserted or brought up to date by its KATO
    /// code (a stored territory without a code, of the same parent and Russian name, takes the
    /// row's code). A territory the edition retires gives its targets from `valid_to` on — summed
    /// ones by each successor's share, others whole — and its ownerships from then on to its
    /// successors. With `dryRun` everything is done and rolled back: the counts are exact.
    public func write(_ rows: [ClassifierRow], dryRun: Bool, by accountID: Int64?, requestID: String?) async throws -> ClassifierOutcome {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let outcome = try await write(rows, by: accountID, requestID: requestID, on: connection)
                    try await connection.query(dryRun ? "ROLLBACK" : "COMMIT", logger: logger)
                    return outcome
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let error as PSQLError where (error.serverInfo?[.sqlState] ?? "").hasPrefix("23") {
            throw ClassifierWriteError.conflict(error.serverInfo?[.message] ?? "a constraint of the stored classifier")
        }
    }

    func write(_ rows: [ClassifierRow], by accountID: Int64?, requestID: String?, on connection: PostgresConnection) async throws
        -> ClassifierOutcome
    {
        var outcome = ClassifierOutcome()
        // Parents first: a row's depth in the file's own tree.
        let byCode = Dictionary(rows.map { ($0.kato, $0) }, uniquingKeysWith: { first, _ in first })
        func depth(_ row: ClassifierRow) -> Int {
            var depth = 0
            var current = row.parentKATO
            var seen: Set<KATOCode> = []
            while let code = current, let parent = byCode[code], seen.insert(code).inserted {
                depth += 1
                current = parent.parentKATO
            }
            return depth
        }
        var retiring: [(id: Int64, until: Day, row: ClassifierRow)] = []
        for row in rows.sorted(by: { (depth($0), $0.line) < (depth($1), $1.line) }) {
            // A stored territory without a code takes it when its parent and Russian name match.
            var coded = false
            for try await _ in try await connection.query(
                """
                UPDATE territories t SET kato = \(row.kato.value)
                 WHERE t.kato IS NULL AND t.name_ru = \(row.name.ru ?? "")
                   AND t.parent_id IS NOT DISTINCT FROM (SELECT id FROM territories WHERE kato = \(row.parentKATO?.value))
                   AND NOT EXISTS (SELECT 1 FROM territories WHERE kato = \(row.kato.value))
                   AND t.id = (SELECT min(u.id) FROM territories u WHERE u.kato IS NULL AND u.name_ru = \(row.name.ru ?? "")
                                 AND u.parent_id IS NOT DISTINCT FROM (SELECT id FROM territories WHERE kato = \(row.parentKATO?.value)))
                RETURNING t.id
                """, logger: logger)
            { coded = true }
            var before: (id: Int64, validTo: Day?)?
            for try await r in try await connection.query(
                "SELECT id, valid_to FROM territories WHERE kato = \(row.kato.value)", logger: logger
            ).decode((Int64, Day?).self) { before = (r.0, r.1) }
            var written: Int64?
            for try await id in try await connection.query(
                """
                INSERT INTO territories (kato, kind, parent_id, name_kk, name_ru, name_en, valid_from, valid_to)
                VALUES (\(row.kato.value), \(row.kind.rawValue), (SELECT id FROM territories WHERE kato = \(row.parentKATO?.value)),
                        \(row.name.kk ?? ""), \(row.name.ru ?? ""), \(row.name.en), coalesce(\(row.validFrom), DATE '1991-12-16'), \(row.validTo))
                ON CONFLICT (kato) DO UPDATE SET kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, name_kk = EXCLUDED.name_kk,
                       name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
                       valid_from = coalesce(\(row.validFrom), territories.valid_from), valid_to = EXCLUDED.valid_to
                 WHERE (territories.kind, territories.parent_id, territories.name_kk, territories.name_ru, territories.name_en,
                        territories.valid_from, territories.valid_to)
                       IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.parent_id, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.name_en,
                        coalesce(\(row.validFrom), territories.valid_from), EXCLUDED.valid_to)
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { written = id }
            switch (before, written) {
            case (nil, _): outcome.new += 1
            case (_, nil): if coded { outcome.changed += 1 } else { outcome.unchanged += 1 }
            case (let before?, let id?):
                outcome.changed += 1
                if let until = row.validTo, before.validTo != until { retiring.append((id, until, row)) }
            }
        }
        for (id, until, row) in retiring {
            outcome.retired += 1
            try await hand(id, from: until, to: row.successors, into: &outcome, on: connection)
        }
        try await AuditEvent(
            accountID: accountID, action: "import", entity: "territory_classifier", entityID: nil,
            new: [
                "new": outcome.new, "changed": outcome.changed, "unchanged": outcome.unchanged, "retired": outcome.retired,
                "targets_moved": outcome.targetsMoved, "ownerships_moved": outcome.ownershipsMoved,
            ], requestID: requestID
        ).write(on: connection, logger: logger)
        return outcome
    }

    /// A retired territory's targets from `day` on and its ownerships after it, to its successors.
    func hand(
        _ territory: Int64, from day: Day, to successors: [(kato: KATOCode, share: Double)], into outcome: inout ClassifierOutcome,
        on connection: PostgresConnection
    ) async throws {
        for successor in successors {
            for try await count in try await connection.query(
                """
                WITH moved AS (
                    INSERT INTO targets (indicator_id, territory_id, period_start, value)
                    SELECT x.indicator_id, s.id, x.period_start, CASE WHEN i.aggregation = 'sum' THEN x.value * \(successor.share) ELSE x.value END
                      FROM targets x JOIN indicators i ON i.id = x.indicator_id CROSS JOIN (SELECT id FROM territories WHERE kato = \(successor.kato.value)) s
                     WHERE x.territory_id = \(territory) AND x.period_start >= \(day)
                    ON CONFLICT (indicator_id, territory_id, period_start) DO NOTHING
                    RETURNING 1)
                SELECT count(*)::int FROM moved
                """, logger: logger
            ).decode(Int.self) { outcome.targetsMoved += count }
            for try await count in try await connection.query(
                """
                WITH moved AS (
                    INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from, valid_to)
                    SELECT o.indicator_id, s.id, o.person_id, greatest(o.valid_from, \(day)), o.valid_to
                      FROM indicator_owners o CROSS JOIN (SELECT id FROM territories WHERE kato = \(successor.kato.value)) s
                     WHERE o.territory_id = \(territory) AND (o.valid_to IS NULL OR o.valid_to > \(day))
                       AND NOT EXISTS (SELECT 1 FROM indicator_owners e WHERE e.indicator_id = o.indicator_id AND e.territory_id = s.id
                                         AND daterange(e.valid_from, e.valid_to) && daterange(greatest(o.valid_from, \(day)), o.valid_to))
                    RETURNING 1)
                SELECT count(*)::int FROM moved
                """, logger: logger
            ).decode(Int.self) { outcome.ownershipsMoved += count }
        }
        guard !successors.isEmpty else { return }
        // Values reported against a target keep it where it was; the others go.
        for try await count in try await connection.query(
            """
            WITH gone AS (
                DELETE FROM targets x WHERE x.territory_id = \(territory) AND x.period_start >= \(day)
                   AND NOT EXISTS (SELECT 1 FROM progress_entries e WHERE e.indicator_id = x.indicator_id AND e.territory_id = x.territory_id
                                     AND e.period_start = x.period_start)
                   AND NOT EXISTS (SELECT 1 FROM target_revisions v WHERE v.indicator_id = x.indicator_id AND v.territory_id = x.territory_id
                                     AND v.period_start = x.period_start)
                RETURNING 1)
            SELECT count(*)::int FROM gone
            """, logger: logger
        ).decode(Int.self) { outcome.targetsRemoved += count }
        try await connection.query(
            """
            UPDATE indicator_owners SET valid_to = \(day) WHERE territory_id = \(territory) AND valid_from < \(day) AND (valid_to IS NULL OR valid_to > \(day))
            """, logger: logger)
        try await connection.query("DELETE FROM indicator_owners WHERE territory_id = \(territory) AND valid_from >= \(day)", logger: logger)
    }
}

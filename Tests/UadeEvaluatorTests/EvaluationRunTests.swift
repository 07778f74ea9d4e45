import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Testing
import UadeDomain
import UadeEvaluator
import UadeStorage
import UadeTestSupport

@Suite("Evaluation runs", .timeLimit(.minutes(3)))
struct EvaluationRunTests {
    let logger = TestDatabase.logger
    let asOf = Day(year: 2026, month: 11, day: 15)!

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(sql, logger: logger).decode(Int.self) { return value }
        return -1
    }

    @Test func aRunOverTheDemoJudgesEveryTargetAndMeasure() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let summary = try await EvaluationRunner(client: client, logger: logger).run(EvaluationRequest(asOf: asOf))
            let targets = try await count(client, "SELECT count(*) FROM targets")
            #expect(summary.results == targets)
            #expect(summary.counts.values.reduce(0, +) == targets)
            for status: EvaluationStatus in [.achieved, .missed, .notReported, .atRisk, .onTrack] {
                #expect((summary.counts[status] ?? 0) > 0, "the demo has \(status) results")
            }
            #expect(try await count(client, "SELECT count(*) FROM evaluation_results WHERE run_id = \(summary.runID)") == targets)
            // The items store a missing value as NaN; the results view gives it back as NULL, and values as themselves.
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM evaluation_results r JOIN targets t USING (indicator_id, territory_id, period_start)
                     WHERE r.run_id = \(summary.runID) AND r.target = t.value
                    """) == targets)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_results WHERE status = 'not_reported' AND actual IS NOT NULL") == 0)
            #expect(
                try await count(client, "SELECT count(*) FROM evaluation_results WHERE status = 'missed' AND (actual IS NULL OR gap IS NULL)") == 0)
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM evaluation_results WHERE 'NaN' IN (actual, projected, gap, gap_percent, own_value)
                    """) == 0)
            #expect(
                try await count(client, "SELECT count(*) FROM evaluation_measure_results WHERE run_id = \(summary.runID)")
                    == (try await count(client, "SELECT count(*) FROM measures")))
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE id = \(summary.runID) AND status = 'completed'") == 1)
            // Parents with complete children are judged on the roll-up; Kyzylorda's own figures are checked against it.
            #expect(try await count(client, "SELECT count(*) FROM evaluation_results WHERE run_id = \(summary.runID) AND rolled_up") > 0)
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM evaluation_results r JOIN territories t ON t.id = r.territory_id
                     WHERE r.run_id = \(summary.runID) AND t.kato = '430000000' AND r.own_value IS NOT NULL AND r.rolled_up
                    """) > 0)
            // The unowned gaps of the demo are named, the owned ones carry both owners.
            #expect(
                try await count(client, "SELECT count(*) FROM evaluation_results WHERE run_id = \(summary.runID) AND indicator_owner_id IS NULL") > 0)
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM evaluation_results r JOIN indicators i ON i.id = r.indicator_id JOIN sections s ON s.id = i.section_id
                     WHERE r.run_id = \(summary.runID) AND s.socially_sensitive AND r.section_owner_id IS NULL
                    """) == 0)
            // Flags were opened for what slips.
            #expect(try await count(client, "SELECT count(*) FROM flags WHERE kind = 'missed' AND state = 'open'") == summary.counts[.missed])
            #expect(try await count(client, "SELECT count(*) FROM flags WHERE kind = 'unowned'") > 0)
        }
    }

    @Test func theSameInputsGiveTheSameSnapshot() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            let first = try await runner.run(EvaluationRequest(asOf: asOf))
            let second = try await runner.run(EvaluationRequest(asOf: asOf))
            #expect(first.runID != second.runID)
            #expect(first.fingerprint == second.fingerprint)
            #expect(first.counts == second.counts)
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM evaluation_results a FULL JOIN evaluation_results b
                        ON b.run_id = \(second.runID) AND (a.indicator_id, a.territory_id, a.period_start) = (b.indicator_id, b.territory_id, b.period_start)
                     WHERE (a.run_id = \(first.runID) OR a.run_id IS NULL) AND (b.run_id = \(second.runID) OR b.run_id IS NULL)
                       AND (a.status IS DISTINCT FROM b.status OR a.actual IS DISTINCT FROM b.actual)
                    """) == 0)
        }
    }

    @Test func aPastDateIgnoresLaterEntries() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            let past = Day(year: 2025, month: 6, day: 30)!
            let before = try await runner.run(EvaluationRequest(asOf: past))
            // A correction entered today of a value that was known then.
            try await client.query(
                """
                INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id, correction_reason)
                SELECT indicator_id, territory_id, period_start, value * 10, id, 'revised'
                  FROM progress_entries e WHERE period_start = DATE '2025-01-01'
                   AND NOT EXISTS (SELECT 1 FROM progress_entries s WHERE s.supersedes_id = e.id) ORDER BY id LIMIT 50
                """, logger: logger)
            let again = try await runner.run(EvaluationRequest(asOf: past))
            #expect(again.fingerprint == before.fingerprint, "what was known on the date is what counts")
            let today = try await runner.run(EvaluationRequest(asOf: asOf))
            let todayAgain = try await runner.run(EvaluationRequest(asOf: asOf))
            #expect(today.fingerprint == todayAgain.fingerprint)
            #expect(today.fingerprint != before.fingerprint)
        }
    }

    @Test func aCancelledRunLeavesNothingVisibleAndTheNextSucceeds() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            // Cancelled as soon as it is recorded: certainly under way, and certainly not done
            // (a fixed sleep guessed at both).
            let (recorded, recording) = AsyncStream<Int64>.makeStream()
            let task = Task { try await runner.run(EvaluationRequest(asOf: asOf), recorded: { recording.yield($0) }) }
            for await _ in recorded { break }
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'running'") == 1)
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'completed'") == 0)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'failed'") == 1)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_results") == 0)
            #expect(try await count(client, "SELECT count(*) FROM flags") == 0)
            let next = try await runner.run(EvaluationRequest(asOf: asOf))
            #expect(next.results > 0)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'completed'") == 1)
        }
    }

    @Test func aRunWhoseConnectionIsDroppedLeavesNothingVisibleAndTheNextSucceeds() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            let lines = NIOLockedValueBox<[String]>([])
            let task = Task { try await runner.run(EvaluationRequest(asOf: asOf), progress: { line in lines.withLockedValue { $0.append(line) } }) }
            // Once the run is under way, terminate the backend holding this database's evaluation
            // lock: the run's own connection, as when PostgreSQL restarts or a proxy drops it.
            var terminated = 0
            for _ in 0..<1000 where terminated == 0 {
                terminated = try await count(
                    client,
                    """
                    SELECT count(*)::int FROM (SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()
                       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND EXISTS (SELECT 1 FROM evaluation_runs WHERE status = 'running')) AS t
                    """)
                if terminated == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            try #require(terminated == 1, "the run finished before its connection could be dropped")
            // The run must end, with an error; a hang fails the test instead of the suite.
            let outcome = await outcome(of: task, within: .seconds(90))
            switch outcome {
            case .none:
                task.cancel()
                Issue.record("the run did not end after its connection was dropped; its progress: \(lines.withLockedValue { $0 })")
                return
            case .some(.success):
                Issue.record("the run succeeded without its connection")
            case .some(.failure):
                break
            }
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'completed'") == 0)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_items") == 0)
            #expect(try await count(client, "SELECT count(*) FROM flags") == 0)
            // Marked failed at once, or — when the connection died just as the run was recorded,
            // before the runner learnt its id — still "running" until the next run marks it failed.
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status IN ('failed', 'running')") == 1)
            let next = try await runner.run(EvaluationRequest(asOf: asOf))
            #expect(next.results > 0)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'completed'") == 1)
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'failed'") == 1)
        }
    }

    @Test func twoConcurrentRunsProduceOne() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            let asOf = self.asOf
            @Sendable func attempt() async -> Result<EvaluationSummary, any Error> {
                do { return .success(try await runner.run(EvaluationRequest(asOf: asOf))) } catch { return .failure(error) }
            }
            async let a = attempt()
            async let b = attempt()
            let outcomes = await [a, b]
            let succeeded = outcomes.filter { if case .success = $0 { true } else { false } }
            let refused = outcomes.compactMap { outcome -> Int64?? in
                if case .failure(EvaluationFailure.alreadyRunning(let id)) = outcome { return .some(id) }
                return nil
            }
            #expect(succeeded.count == 1)
            #expect(refused.count == 1)
            if case .success(let summary) = succeeded.first, let runningID = refused.first {
                #expect(runningID == summary.runID, "the refusal names the running run")
            }
            #expect(try await count(client, "SELECT count(*) FROM evaluation_runs WHERE status = 'completed'") == 1)
        }
    }

    @Test func flagsKeepTheirIdentityAndLifecycleAcrossRuns() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let runner = EvaluationRunner(client: client, logger: logger)
            let reads = EvaluationReadRepository(client: client, logger: logger)
            let first = try await runner.run(EvaluationRequest(asOf: asOf))
            // Pick a missed level value of a territory and explain it.
            var flag: (Int64, Int64, Int64, Day)?
            for try await row in try await client.query(
                """
                SELECT f.id, f.indicator_id, f.territory_id, f.period_start FROM flags f JOIN indicators i ON i.id = f.indicator_id
                  JOIN evaluation_results r ON r.run_id = \(first.runID) AND (r.indicator_id, r.territory_id, r.period_start) = (f.indicator_id, f.territory_id, f.period_start)
                 WHERE f.kind = 'missed' AND i.accumulation = 'level' AND NOT r.rolled_up ORDER BY f.id LIMIT 1
                """, logger: logger
            ).decode((Int64, Int64, Int64, Day).self) { flag = row }
            let (flagID, indicator, territory, period) = try #require(flag)
            let admin = try await count(client, "SELECT id::int FROM accounts WHERE username = 'admin'")
            #expect(try await reads.explain(flagID: flagID, text: "подрядчик сорвал сроки", by: Int64(admin), requestID: "t"))
            #expect(try await reads.flag(id: flagID)?.state == .explained)

            // Found again: same flag, still explained.
            let second = try await runner.run(EvaluationRequest(asOf: asOf))
            #expect(try await reads.flag(id: flagID)?.state == .explained)
            #expect(try await reads.flag(id: flagID)?.changedInRunID == first.runID, "found again unchanged, the flag is not rewritten")
            #expect(
                try await count(
                    client,
                    "SELECT count(*) FROM flags WHERE kind = 'missed' AND indicator_id = \(indicator) AND territory_id = \(territory) AND period_start = \(period)"
                ) == 1)

            // A correction that meets the target: the next run resolves the flag…
            try await client.query(
                """
                INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id, correction_reason, entered_at)
                SELECT e.indicator_id, e.territory_id, e.period_start, g.value, e.id, 'audited figure', TIMESTAMPTZ '2026-11-10 12:00+05'
                  FROM progress_entries e JOIN targets g USING (indicator_id, territory_id, period_start) JOIN indicators i ON i.id = e.indicator_id
                 WHERE e.indicator_id = \(indicator) AND e.territory_id = \(territory) AND e.period_start = \(period)
                   AND NOT EXISTS (SELECT 1 FROM progress_entries s WHERE s.supersedes_id = e.id)
                """, logger: logger)
            let third = try await runner.run(EvaluationRequest(asOf: asOf))
            let resolved = try #require(try await reads.flag(id: flagID))
            #expect(resolved.state == .resolved && resolved.resolvedAt != nil && resolved.changedInRunID == third.runID)

            // …and the diff between the runs names it as recovered.
            let (items, _, counts) = try await reads.diff(
                from: second.runID, to: third.runID, territories: nil, page: PageRequest(limit: 1000, offset: 0))
            #expect(
                items.contains { (row: DiffRow) in
                    row.territoryID == territory && row.change == .recovered && row.before == .missed && row.after == .achieved
                })
            #expect(counts.recovered >= 1)

            // A later correction back below the target reopens the same flag, which keeps the
            // coordinator's explanation (it is explained again, and counted as reopened).
            try await client.query(
                """
                INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id, correction_reason, entered_at)
                SELECT e.indicator_id, e.territory_id, e.period_start,
                       CASE i.direction WHEN 'higher_is_better' THEN g.value - abs(g.value) * 0.5 - 1 ELSE g.value + abs(g.value) * 0.5 + 1 END,
                       e.id, 'statistics revised again', TIMESTAMPTZ '2026-11-12 12:00+05'
                  FROM progress_entries e JOIN targets g USING (indicator_id, territory_id, period_start) JOIN indicators i ON i.id = e.indicator_id
                 WHERE e.indicator_id = \(indicator) AND e.territory_id = \(territory) AND e.period_start = \(period)
                   AND NOT EXISTS (SELECT 1 FROM progress_entries s WHERE s.supersedes_id = e.id)
                """, logger: logger)
            let fourth = try await runner.run(EvaluationRequest(asOf: asOf))
            let reopened = try #require(try await reads.flag(id: flagID))
            #expect(reopened.state == .explained && reopened.reopened == 1 && reopened.changedInRunID == fourth.runID)
            #expect(reopened.explanation == "подрядчик сорвал сроки")
            let (newly, _, _) = try await reads.diff(from: third.runID, to: fourth.runID, territories: nil, page: PageRequest(limit: 1000, offset: 0))
            #expect(newly.contains { (row: DiffRow) in row.territoryID == territory && row.change == .newlyMissed })
        }
    }

    @Test func aRunCanBeLimitedToATerritory() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let summary = try await EvaluationRunner(client: client, logger: logger).run(EvaluationRequest(asOf: asOf, territory: "430000000"))
            let targets = try await count(
                client,
                """
                SELECT count(*) FROM targets WHERE territory_id IN (SELECT id FROM territories WHERE kato = '430000000'
                    OR parent_id = (SELECT id FROM territories WHERE kato = '430000000'))
                """)
            #expect(summary.results == targets)
            await #expect(throws: EvaluationFailure.unknownTerritory("999999999")) {
                _ = try await EvaluationRunner(client: client, logger: logger).run(EvaluationRequest(asOf: asOf, territory: "999999999"))
            }
        }
    }
}

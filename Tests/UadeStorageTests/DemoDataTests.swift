import Logging
import PostgresNIO
import Testing
import UadeDemo
import UadeStorage
import UadeTestSupport

@Suite("Demo data")
struct DemoDataTests {
    let logger = TestDatabase.logger

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(sql, logger: logger).decode(Int.self) { return value }
        return -1
    }

    @Test func countsAndShape() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            #expect(try await count(client, "SELECT count(*) FROM territories") == 61)
            #expect(try await count(client, "SELECT count(*) FROM territories WHERE kind IN ('region', 'city_republican')") == 20)
            #expect(try await count(client, "SELECT count(*) FROM territories WHERE kato IS NOT NULL") == 21)
            #expect(try await count(client, "SELECT count(*) FROM programmes") == 1)
            #expect(try await count(client, "SELECT count(*) FROM sections") >= 8)
            #expect(try await count(client, "SELECT count(*) FROM sections WHERE socially_sensitive") >= 4)
            #expect(try await count(client, "SELECT count(*) FROM indicators") >= 60)
            #expect(try await count(client, "SELECT count(DISTINCT direction) FROM indicators") == 2)
            #expect(try await count(client, "SELECT count(DISTINCT unit) FROM indicators") >= 5)
            #expect(try await count(client, "SELECT count(*) FROM sections WHERE name_kk = '' OR name_ru = '' OR name_en IS NULL") == 0)
        }
    }

    @Test func everyIndicatorHasAFullTrajectoryInEveryTerritory() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            // Quarterly indicators: 20 quarters of 2022–2026; yearly ones: 5 years; in all 61 territories.
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM (
                        SELECT i.id, t.id AS territory, count(g.period_start) AS n
                          FROM indicators i CROSS JOIN territories t
                          LEFT JOIN targets g ON g.indicator_id = i.id AND g.territory_id = t.id
                         GROUP BY i.id, i.periodicity, t.id
                        HAVING count(g.period_start) <> CASE i.periodicity WHEN 'quarterly' THEN 20 ELSE 5 END) AS gaps
                    """) == 0)
            #expect(
                try await count(client, "SELECT count(*) FROM targets WHERE period_start < DATE '2022-01-01' OR period_start > DATE '2026-10-01'")
                    == 0)
        }
    }

    @Test func ownershipIsFullForSensitiveSectionsWithDeliberateGapsElsewhere() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let asOf = DemoDataLoader.historyCutoff
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM sections s WHERE s.socially_sensitive AND NOT EXISTS (
                        SELECT 1 FROM section_owners o WHERE o.section_id = s.id
                           AND o.valid_from <= \(asOf) AND (o.valid_to IS NULL OR o.valid_to > \(asOf)))
                    """) == 0)
            // A handover kept its history.
            #expect(try await count(client, "SELECT count(*) FROM section_owners WHERE valid_to IS NOT NULL") >= 1)
            let pairs = try await count(client, "SELECT count(*) FROM indicators CROSS JOIN territories")
            let owned = try await count(client, "SELECT count(*) FROM indicator_owners")
            #expect(owned > pairs * 8 / 10, "most indicators have an owner")
            #expect(owned < pairs, "some are left unowned on purpose")
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM indicator_owners o JOIN indicators i ON i.id = o.indicator_id JOIN sections s ON s.id = i.section_id
                      JOIN territories t ON t.id = o.territory_id WHERE s.code = 'APPEALS' AND t.name_en = 'Aral District'
                    """) == 0)
            #expect(try await count(client, "SELECT count(*) FROM people WHERE name_kk !~ '[ӘәҒғҚқҢңӨөҰұҮүҺһІі]'") > 0)
            #expect(try await count(client, "SELECT count(*) FROM people WHERE name_kk ~ '[ӘәҒғҚқҢңӨөҰұҮүҺһІі]'") > 0, "names written in Kazakh")
        }
    }

    @Test func progressHistoryHasAllTheCasesTheEvaluatorMustJudge() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            #expect(try await count(client, "SELECT count(*) FROM progress_entries") > 10_000)
            #expect(
                try await count(client, "SELECT count(*) FROM progress_entries WHERE supersedes_id IS NOT NULL AND correction_reason IS NOT NULL") > 0
            )
            #expect(try await count(client, "SELECT count(DISTINCT period_start) FROM progress_entries") >= 8, "several quarters of history")
            #expect(try await count(client, "SELECT count(*) FROM progress_entries WHERE entered_at > \(DemoDataLoader.historyCutoff)") == 0)
            // Latest values for a quarter both meeting and missing their targets.
            let latest: PostgresQuery = """
                SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok) FROM (
                    SELECT CASE i.direction WHEN 'higher_is_better' THEN e.value >= g.value ELSE e.value <= g.value END AS ok
                      FROM targets g JOIN indicators i ON i.id = g.indicator_id
                      CROSS JOIN LATERAL (SELECT value FROM progress_entries p
                             WHERE p.indicator_id = g.indicator_id AND p.territory_id = g.territory_id AND p.period_start = g.period_start
                             ORDER BY entered_at DESC, id DESC LIMIT 1) e
                     WHERE i.accumulation = 'level' AND g.period_start = DATE '2025-04-01') AS judged
                """
            for try await (met, missed) in try await client.query(latest, logger: logger).decode((Int, Int).self) {
                #expect(met > 0)
                #expect(missed > 0)
            }
            // Targets with no value reported for the last due quarter.
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*) FROM targets g JOIN territories t ON t.id = g.territory_id
                     WHERE g.period_start = DATE '2026-07-01' AND NOT EXISTS (SELECT 1 FROM territories c WHERE c.parent_id = t.id)
                       AND NOT EXISTS (SELECT 1 FROM progress_entries p WHERE p.indicator_id = g.indicator_id
                                         AND p.territory_id = g.territory_id AND p.period_start = g.period_start)
                    """) > 0)
        }
    }

    @Test func loadingTwiceIsANoOp() async throws {
        try await withTestDatabase(.demo) { client, _ throws in
            let loader = DemoDataLoader(client: client, logger: logger)
            #expect(try await loader.isLoaded())
            #expect(try await loader.loadIfMissing() == nil)
            #expect(try await count(client, "SELECT count(*) FROM territories") == 61)
        }
    }

    @Test func theDemoIsTheSameEveryTime() async throws {
        let first = try await withTestDatabase(.migrated) { client, _ throws in
            try await DemoDataLoader(client: client, logger: TestDatabase.logger).load()
        }
        let second = try await withTestDatabase(.migrated) { client, _ throws in
            try await DemoDataLoader(client: client, logger: TestDatabase.logger).load()
        }
        #expect(first == second)
        #expect(first.territories == 61)
    }
}

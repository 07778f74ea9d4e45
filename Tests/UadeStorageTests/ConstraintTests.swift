import Logging
import PostgresNIO
import Testing
import UadeStorage
import UadeTestSupport

/// The schema itself refuses rows that make no sense, whatever code writes them.
@Suite("Schema constraints")
struct ConstraintTests {
    let logger = TestDatabase.logger

    /// Runs `sql` and returns the SQLSTATE it failed with (nil when it succeeded).
    func sqlState(_ client: PostgresClient, _ sql: PostgresQuery) async -> String? {
        do {
            try await client.query(sql, logger: logger)
            return nil
        } catch let error as PSQLError {
            return error.serverInfo?[.sqlState]
        } catch {
            return "unexpected: \(error)"
        }
    }

    func scalar<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ sql: PostgresQuery, as type: T.Type) async throws -> T? {
        for try await value in try await client.query(sql, logger: logger).decode(T.self) { return value }
        return nil
    }

    @Test func targetsOutsideTheTermOrOffPeriodicityAreRefused() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let housing = try #require(try await scalar(client, "SELECT id FROM indicators WHERE code = 'HOU-01'", as: Int64.self))
            let yearly = try #require(try await scalar(client, "SELECT id FROM indicators WHERE code = 'HOU-06'", as: Int64.self))
            let region = try #require(try await scalar(client, "SELECT id FROM territories WHERE kato = '430000000'", as: Int64.self))
            // After the term (2022–2026).
            #expect(await sqlState(client, "INSERT INTO targets VALUES (\(housing), \(region), DATE '2027-01-01', 5)") == "23514")
            // Before it.
            #expect(await sqlState(client, "INSERT INTO targets VALUES (\(housing), \(region), DATE '2021-10-01', 5)") == "23514")
            // A quarter start for a yearly indicator.
            #expect(await sqlState(client, "INSERT INTO targets VALUES (\(yearly), \(region), DATE '2023-04-01', 5)") == "23514")
            // Not the first day of a quarter.
            #expect(await sqlState(client, "INSERT INTO targets VALUES (\(housing), \(region), DATE '2023-02-01', 5)") == "23514")
            // Not a number.
            #expect(await sqlState(client, "INSERT INTO targets VALUES (\(housing), \(region), DATE '2023-01-01', 'NaN')") == "23514")
        }
    }

    @Test func unknownUnitsAndBadKindsAreRefused() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let section = try #require(try await scalar(client, "SELECT id FROM sections WHERE code = 'HOUSING'", as: Int64.self))
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO indicators (section_id, code, name_kk, name_ru, unit, direction, aggregation, accumulation, periodicity)
                    VALUES (\(section), 'X-1', 'x', 'x', 'parsecs', 'higher_is_better', 'sum', 'level', 'quarterly')
                    """) == "23503")
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO indicators (section_id, code, name_kk, name_ru, unit, direction, aggregation, accumulation, periodicity)
                    VALUES (\(section), 'X-2', 'x', 'x', 'count', 'sideways', 'sum', 'level', 'quarterly')
                    """) == "23514")
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO indicators (section_id, code, name_kk, name_ru, unit, direction, aggregation, accumulation, periodicity)
                    VALUES (\(section), 'X-3', 'x', 'x', 'count', 'higher_is_better', 'sum', 'level', 'monthly')
                    """) == "23514")
            #expect(await sqlState(client, "INSERT INTO territories (kato, kind, name_kk, name_ru) VALUES ('12345', 'region', 'x', 'x')") == "23514")
            #expect(
                await sqlState(client, "INSERT INTO territories (kind, name_kk, name_ru) VALUES ('region', 'x', 'x')") == "23514",
                "only the republic has no parent")
        }
    }

    @Test func aFlagsIdIsItsIdentityPacked() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let housing = try #require(try await scalar(client, "SELECT id FROM indicators WHERE code = 'HOU-01'", as: Int64.self))
            let region = try #require(try await scalar(client, "SELECT id FROM territories WHERE kato = '430000000'", as: Int64.self))
            let programme = try #require(try await scalar(client, "SELECT min(id) FROM programmes", as: Int64.self))
            func insert(_ kind: String, territory: Int64, period: String) -> PostgresQuery {
                """
                INSERT INTO flags (programme_id, kind, indicator_id, territory_id, period_start, first_run_id, changed_in_run_id)
                VALUES (\(programme), \(kind), \(housing), \(territory), \(period)::date, 1, 1)
                """
            }
            try await client.query(insert("at_risk", territory: region, period: "2025-07-01"), logger: logger)
            let id = try await scalar(client, "SELECT id FROM flags WHERE indicator_id = \(housing) AND territory_id = \(region)", as: Int64.self)
            // 2025-Q3 is quarter 102 since 2000; at_risk is kind 2.
            #expect(id == ((housing * 16384 + region) * 1024 + 102) * 8 + 2)
            #expect(try await scalar(client, "SELECT flag_id(\(housing), \(region), DATE '2025-07-01', 'at_risk')", as: Int64.self) == id)
            // The same identity again is a duplicate; what the packing cannot hold is refused.
            #expect(await sqlState(client, insert("at_risk", territory: region, period: "2025-07-01")) == "23505")
            #expect(await sqlState(client, insert("missed", territory: region, period: "2025-08-01")) == "23514")
            #expect(await sqlState(client, insert("missed", territory: 16384, period: "2025-07-01")) == "23514")
            #expect(await sqlState(client, insert("missed", territory: region, period: "1999-10-01")) == "23514")
        }
    }

    @Test func progressEntriesKeepTheirHistory() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let entry = try #require(
                try await scalar(
                    client,
                    """
                    SELECT id FROM progress_entries e
                     WHERE supersedes_id IS NULL AND NOT EXISTS (SELECT 1 FROM progress_entries s WHERE s.supersedes_id = e.id)
                     ORDER BY id LIMIT 1
                    """, as: Int64.self))
            let other = try #require(
                try await scalar(
                    client,
                    """
                    SELECT e.id FROM progress_entries e JOIN progress_entries f ON f.id = \(entry)
                     WHERE e.indicator_id <> f.indicator_id ORDER BY e.id LIMIT 1
                    """, as: Int64.self))

            // Superseding an entry of another indicator breaks the composite foreign key.
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id, correction_reason)
                    SELECT indicator_id, territory_id, period_start, 1, \(other), 'typo' FROM progress_entries WHERE id = \(entry)
                    """) == "23503")
            // A correction without a reason.
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id)
                    SELECT indicator_id, territory_id, period_start, 1, id FROM progress_entries WHERE id = \(entry)
                    """) == "23514")
            // A value for which no target exists.
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO progress_entries (indicator_id, territory_id, period_start, value)
                    SELECT indicator_id, territory_id, DATE '2030-01-01', 1 FROM progress_entries WHERE id = \(entry)
                    """) == "23503")
            // History is append-only.
            #expect(await sqlState(client, "UPDATE progress_entries SET value = 0 WHERE id = \(entry)") == "23001")
            #expect(await sqlState(client, "DELETE FROM progress_entries WHERE id = \(entry)") == "23001")
            // A proper correction is accepted, and only one correction may supersede an entry.
            let correction: PostgresQuery = """
                INSERT INTO progress_entries (indicator_id, territory_id, period_start, value, supersedes_id, correction_reason)
                SELECT indicator_id, territory_id, period_start, value + 1, id, 'statistics office revised the figure'
                  FROM progress_entries WHERE id = \(entry)
                """
            #expect(await sqlState(client, correction) == nil)
            #expect(await sqlState(client, correction) == "23505")
        }
    }

    @Test func ownershipPeriodsDoNotOverlap() async throws {
        try await withTestDatabase(.demo) { client, _ in
            // The demo's housing section changed hands on 2024-07-01; a third owner overlapping either is refused.
            let person = try #require(try await scalar(client, "SELECT min(id) FROM people", as: Int64.self))
            let housing = try #require(try await scalar(client, "SELECT id FROM sections WHERE code = 'HOUSING'", as: Int64.self))
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO section_owners (section_id, person_id, valid_from, valid_to) VALUES (\(housing), \(person), DATE '2024-01-01', DATE '2024-09-01')
                    """) == "23P01")
            let pair = try #require(try await scalar(client, "SELECT id FROM indicator_owners ORDER BY id LIMIT 1", as: Int64.self))
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO indicator_owners (indicator_id, territory_id, person_id, valid_from)
                    SELECT indicator_id, territory_id, person_id, DATE '2025-01-01' FROM indicator_owners WHERE id = \(pair)
                    """) == "23P01")
            #expect(
                await sqlState(
                    client,
                    """
                    INSERT INTO section_owners (section_id, person_id, valid_from, valid_to) VALUES (\(housing), \(person), DATE '2024-01-01', DATE '2023-01-01')
                    """) == "23514")
        }
    }

    @Test func measuresNeedAReasonToBeCancelled() async throws {
        try await withTestDatabase(.demo) { client, _ in
            let measure = try #require(try await scalar(client, "SELECT min(id) FROM measures", as: Int64.self))
            #expect(await sqlState(client, "INSERT INTO measure_status_updates (measure_id, status) VALUES (\(measure), 'cancelled')") == "23514")
            #expect(await sqlState(client, "INSERT INTO measure_status_updates (measure_id, status) VALUES (\(measure), 'finished')") == "23514")
            #expect(
                await sqlState(
                    client, "INSERT INTO measure_status_updates (measure_id, status, reason) VALUES (\(measure), 'cancelled', 'merged into M-0002')")
                    == nil)
        }
    }
}

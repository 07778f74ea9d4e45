import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import UadeTestSupport

@Suite("Concurrent writes")
struct ConcurrencyTests {
    /// 100 clients each report one value; each sends its request three times with the same
    /// idempotency key (two at once, as a client that timed out and retried would, then once
    /// more). Nothing is lost and nothing is duplicated.
    @Test func parallelClientsWithRetriesLoseAndDuplicateNothing() async throws {
        try await withDemoApp { app in
            // 100 empty cells: quarterly indicators × the 9 territories of Kyzylorda Region, 2026-Q4.
            var cells: [(String, Int64)] = []
            for try await (code, territory) in try await app.database.query(
                """
                SELECT i.code, t.id FROM indicators i CROSS JOIN territories t
                 WHERE i.periodicity = 'quarterly' AND (t.kato = '430000000' OR t.parent_id = (SELECT id FROM territories WHERE kato = '430000000'))
                 ORDER BY i.code, t.id LIMIT 100
                """, logger: TestDatabase.logger
            ).decode((String, Int64).self) { cells.append((code, territory)) }
            #expect(cells.count == 100)
            let before = try await app.count("SELECT count(*) FROM progress_entries")
            let audits = try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'progress_entry'")

            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for (index, cell) in cells.enumerated() {
                    group.addTask {
                        var fields = app.bearer("coord-kyzylorda")
                        fields[HTTPField.Name("Idempotency-Key")!] = "client-\(index)"
                        let headers = fields
                        let body = #"{"indicator":"\#(cell.0)","territory":"\#(cell.1)","period":"2026-Q4","value":\#(index)}"#
                        @Sendable func send() async throws -> Int {
                            try await app.client.execute(uri: "/api/v1/progress", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                                $0.status.code
                            }
                        }
                        async let first = send()
                        async let retry = send()
                        let early = try await [first, retry]
                        return early + [try await send()]
                    }
                }
                var all: [Int] = []
                for try await codes in group { all.append(contentsOf: codes) }
                return all
            }
            #expect(statuses.count == 300)
            #expect(statuses.allSatisfy { $0 == 201 }, "every attempt gets the first answer: \(Set(statuses))")
            #expect(try await app.count("SELECT count(*) FROM progress_entries") == before + 100)
            #expect(try await app.count("SELECT count(*) FROM audit_log WHERE entity = 'progress_entry'") == audits + 100)
            #expect(
                try await app.count(
                    """
                    SELECT count(*) FROM (SELECT 1 FROM progress_entries WHERE period_start = DATE '2026-10-01'
                     GROUP BY indicator_id, territory_id HAVING count(*) > 1) AS duplicates
                    """) == 0)
            #expect(try await app.count("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'client-%'") == 100)
        }
    }

    /// Two coordinators racing to report the first value of the same cell: one wins, the other
    /// is told a value exists, and the cell has one current entry.
    @Test func racingFirstValuesForOneCell() async throws {
        try await withDemoApp { app in
            let body = #"{"indicator":"HOU-01","territory":"22","period":"2026-Q4","value":1}"#
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await app.client.execute(
                            uri: "/api/v1/progress", method: .post, headers: app.bearer("coord-kyzylorda"),
                            body: ByteBuffer(string: body)
                        ) { $0.status.code }
                    }
                }
                var all: [Int] = []
                for try await code in group { all.append(code) }
                return all
            }
            #expect(codes.filter { $0 == 201 }.count == 1)
            #expect(codes.filter { $0 == 409 }.count == 9)
            #expect(try await app.count("SELECT count(*) FROM progress_entries WHERE territory_id = 22 AND period_start = DATE '2026-10-01'") == 1)
        }
    }
}
